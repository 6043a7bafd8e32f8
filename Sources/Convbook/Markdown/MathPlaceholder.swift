/// The stand-ins ``MathScanner`` writes into the source in place of math
/// spans and inline expressions, so that cmark sees inert text. They are
/// made of Unicode private-use characters (U+E000–U+E01F), which cmark
/// passes through as ordinary text (neither punctuation nor whitespace).
///
/// A span on one line becomes `E000 <id> E001`; a span over several lines
/// becomes `E000 <id> E002` on its first line, `E003` on each middle line and
/// `E004` on its last, keeping the newlines (and container prefixes such as
/// `> `) so every later line keeps its line number. `<id>` is the span's
/// index in hexadecimal, one U+E010–U+E01F character per digit.
enum MathPlaceholder {
    static let open: Unicode.Scalar = "\u{E000}"
    static let close: Unicode.Scalar = "\u{E001}"
    static let continues: Unicode.Scalar = "\u{E002}"
    static let middleLine: Unicode.Scalar = "\u{E003}"
    static let lastLine: Unicode.Scalar = "\u{E004}"
    static let digitBase: UInt32 = 0xE010

    /// The scalars placeholders use; a source already holding one is not scanned.
    static let reservedRange: ClosedRange<UInt32> = 0xE000...0xE01F

    /// The placeholder for span `id` on its first line.
    static func first(id: Int, multiline: Bool) -> String {
        var result = String(Character(open))
        for digit in String(id, radix: 16) {
            let value = UInt32(digit.hexDigitValue!)
            result.unicodeScalars.append(Unicode.Scalar(digitBase + value)!)
        }
        result.unicodeScalars.append(multiline ? continues : close)
        return result
    }

    /// The id encoded by `digits`, or nil if they are not placeholder digits.
    static func id(fromDigits digits: some Sequence<Unicode.Scalar>) -> Int? {
        var value = 0
        var any = false
        for scalar in digits {
            guard (digitBase..<digitBase + 16).contains(scalar.value) else { return nil }
            value = value * 16 + Int(scalar.value - digitBase)
            any = true
        }
        return any ? value : nil
    }
}
