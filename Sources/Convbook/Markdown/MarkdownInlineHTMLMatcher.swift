/// Recognises, at a `<`, the inline constructs that CommonMark 0.29 takes
/// verbatim: autolinks (§6.5) and raw HTML (§6.6: open and closing tags,
/// comments, processing instructions, declarations, CDATA). ``MathScanner``
/// skips them so that a `$` inside `<a title="$x$">` or `<?php $a ?>` is not math.
enum MarkdownInlineHTMLMatcher {
    /// The offset just past the autolink or raw HTML starting at `start`
    /// (which holds `<`), or nil if there is none before `end`.
    static func match(_ text: [UInt8], at start: Int, end: Int) -> Int? {
        let scanner = ByteScanner(text: text, position: start + 1, end: end)
        if let autolink = scanner.attempt({ $0.autolink() }) { return autolink }
        if let email = scanner.attempt({ $0.emailAutolink() }) { return email }
        if let tag = scanner.attempt({ $0.openTag() }) { return tag }
        if let tag = scanner.attempt({ $0.closingTag() }) { return tag }
        if let comment = scanner.attempt({ $0.comment() }) { return comment }
        if let instruction = scanner.attempt({ $0.processingInstruction() }) { return instruction }
        if let cdata = scanner.attempt({ $0.cdata() }) { return cdata }
        return scanner.attempt { $0.declaration() }
    }

    /// A cursor over bytes; each rule returns true when it matched and moved
    /// past the construct.
    private struct ByteScanner {
        let text: [UInt8]
        var position: Int
        let end: Int

        /// Runs `rule` on a copy; returns the end offset if it matched.
        func attempt(_ rule: (inout ByteScanner) -> Bool) -> Int? {
            var copy = self
            return rule(&copy) ? copy.position : nil
        }

        var current: UInt8? { position < end ? text[position] : nil }

        mutating func take(_ predicate: (UInt8) -> Bool) -> Bool {
            guard let byte = current, predicate(byte) else { return false }
            position += 1
            return true
        }

        mutating func take(_ literal: String) -> Bool {
            for byte in literal.utf8 {
                guard take({ $0 == byte }) else { return false }
            }
            return true
        }

        @discardableResult
        mutating func skip(_ predicate: (UInt8) -> Bool) -> Int {
            let start = position
            while take(predicate) {}
            return position - start
        }

        /// Advances past the first occurrence of `terminator`.
        mutating func skip(through terminator: String) -> Bool {
            let bytes = Array(terminator.utf8)
            while position + bytes.count <= end {
                if text[position..<position + bytes.count].elementsEqual(bytes) {
                    position += bytes.count
                    return true
                }
                position += 1
            }
            return false
        }

        // MARK: Rules (after the `<`)

        mutating func autolink() -> Bool {
            guard take(isLetter) else { return false }
            let schemeTail = skip { isLetter($0) || isDigit($0) || "+.-".utf8.contains($0) }
            guard (1...31).contains(schemeTail), take(":") else { return false }
            skip { $0 > 0x20 && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
            return take(">")
        }

        mutating func emailAutolink() -> Bool {
            guard skip({ isLetter($0) || isDigit($0) || ".!#$%&'*+/=?^_`{|}~-".utf8.contains($0) }) > 0,
                  take("@") else { return false }
            repeat {
                guard take({ isLetter($0) || isDigit($0) }) else { return false }
                skip { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
                guard text[position - 1] != UInt8(ascii: "-") else { return false }
            } while take(".")
            return take(">")
        }

        mutating func openTag() -> Bool {
            guard tagName() else { return false }
            while true {
                let saved = position
                guard skip(isSpace) > 0, attribute() else {
                    position = saved
                    break
                }
            }
            skip(isSpace)
            _ = take("/")
            return take(">")
        }

        mutating func closingTag() -> Bool {
            guard take("/"), tagName() else { return false }
            skip(isSpace)
            return take(">")
        }

        mutating func comment() -> Bool {
            guard take("!--") else { return false }
            let start = position
            // The text may not start with `>` or `->`.
            if take(">") { return false }
            position = start
            if take("->") { return false }
            position = start
            guard skip(through: "--") else { return false }
            // The text may not end with `-` nor contain `--`.
            guard position - 2 == start || text[position - 3] != UInt8(ascii: "-") else { return false }
            return take(">")
        }

        mutating func processingInstruction() -> Bool {
            take("?") && skip(through: "?>")
        }

        mutating func cdata() -> Bool {
            take("![CDATA[") && skip(through: "]]>")
        }

        mutating func declaration() -> Bool {
            guard take("!"), skip({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) > 0,
                  skip(isSpace) > 0 else { return false }
            skip { $0 != UInt8(ascii: ">") }
            return take(">")
        }

        mutating func tagName() -> Bool {
            guard take(isLetter) else { return false }
            skip { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
            return true
        }

        mutating func attribute() -> Bool {
            guard take({ isLetter($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") }) else { return false }
            skip { isLetter($0) || isDigit($0) || "_.:-".utf8.contains($0) }
            let saved = position
            skip(isSpace)
            guard take("=") else {
                position = saved
                return true
            }
            skip(isSpace)
            if take("\"") { return skip(through: "\"") }
            if take("'") { return skip(through: "'") }
            return skip { !isSpace($0) && !"\"'=<>`".utf8.contains($0) } > 0
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0B || byte == 0x0C || byte == 0x0D
    }
}
