/// HTML character references as a browser decodes them in an attribute
/// value, for ``RawHTMLPolicy``: numeric ones (`&#106;`, `&#x6A`, with or
/// without `;`, any number of leading zeros) and the named ones that stand
/// for ASCII punctuation, spaces and controls (`&colon;`, `&Tab;`,
/// `&NewLine;`, …), which are all that can spell a URL scheme. Other named
/// references are left as written: none stands for an ASCII letter.
enum CharacterReferences {
    static let named: [String: Unicode.Scalar] = [
        "Tab": "\t", "NewLine": "\n", "excl": "!", "quot": "\"", "QUOT": "\"", "num": "#", "dollar": "$", "percnt": "%",
        "amp": "&", "AMP": "&", "apos": "'", "lpar": "(", "rpar": ")", "ast": "*", "midast": "*", "plus": "+", "comma": ",",
        "period": ".", "sol": "/", "colon": ":", "semi": ";", "lt": "<", "LT": "<", "equals": "=", "gt": ">", "GT": ">",
        "quest": "?", "commat": "@", "lsqb": "[", "lbrack": "[", "bsol": "\\", "rsqb": "]", "rbrack": "]", "Hat": "^",
        "lowbar": "_", "UnderBar": "_", "grave": "`", "DiacriticalGrave": "`", "lcub": "{", "lbrace": "{", "verbar": "|",
        "vert": "|", "VerticalLine": "|", "rcub": "}", "rbrace": "}", "nbsp": "\u{A0}", "NonBreakingSpace": "\u{A0}",
    ]

    /// `text` with its character references decoded.
    static func decode(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            guard scalars[i] == "&", i + 1 < scalars.count else { result.append(scalars[i]); i += 1; continue }
            if scalars[i + 1] == "#" {
                var j = i + 2
                let hex = j < scalars.count && (scalars[j] == "x" || scalars[j] == "X")
                if hex { j += 1 }
                let digitsStart = j
                var value: UInt32 = 0
                while j < scalars.count, let digit = Self.digit(scalars[j], hex: hex) {
                    value = min(value &* (hex ? 16 : 10) &+ digit, 0x110000)
                    j += 1
                }
                guard j > digitsStart else { result.append(scalars[i]); i += 1; continue }
                if j < scalars.count, scalars[j] == ";" { j += 1 }
                result.append(value == 0 ? "\u{FFFD}" : Unicode.Scalar(value) ?? "\u{FFFD}")
                i = j
                continue
            }
            var j = i + 1
            while j < scalars.count, j - i <= 32, scalars[j].properties.isASCIIHexDigit || (scalars[j].isASCII && scalars[j].properties.isAlphabetic) {
                j += 1
            }
            if j < scalars.count, scalars[j] == ";", let scalar = named[String(String.UnicodeScalarView(scalars[(i + 1)..<j]))] {
                result.append(scalar)
                i = j + 1
            } else {
                result.append(scalars[i])
                i += 1
            }
        }
        return String(result)
    }

    private static func digit(_ scalar: Unicode.Scalar, hex: Bool) -> UInt32? {
        switch scalar.value {
        case 0x30...0x39: scalar.value - 0x30
        case 0x61...0x66 where hex: scalar.value - 0x61 + 10
        case 0x41...0x46 where hex: scalar.value - 0x41 + 10
        default: nil
        }
    }
}
