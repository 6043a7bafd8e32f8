/// What raw HTML a chapter may publish. By default none: the renderer writes
/// raw HTML as text (Render's `escapeRawHTML`) and drops HTML comments. A
/// book that sets `[build] raw-html = true` in `book.toml` publishes raw HTML
/// as written, except what would run code or take the page elsewhere, which
/// loading refuses at its line:
///
/// - the elements `script`, `iframe`, `frame`, `frameset`, `object`,
///   `embed`, `applet`, `portal`, `base` and `noscript` (whose content a
///   browser reads as text, so the scan below could not see its tags), and
///   `meta` with `http-equiv`;
/// - any attribute whose name starts with `on` (event handlers);
/// - any attribute value that is a `javascript:`, `vbscript:` or `data:` URL
///   or holds `javascript:` or `vbscript:` anywhere (SVG's `values`, `srcset`),
///   read as a browser reads it: character references decoded (`&#106;`,
///   `&#x6A`, `&colon;`, `&Tab;`), tabs and newlines removed, leading spaces
///   and control characters skipped, in any case;
/// - a tag or comment that is not closed within its own raw HTML (it would
///   swallow the generator's HTML after it).
///
/// The scan follows the HTML tokenizer (WHATWG §13.2.5) for what decides
/// where tags and attributes are: comments (with their abrupt `<!-->` ends),
/// `<!…>` and `<?…>` up to `>`, unquoted, single- and double-quoted values.
enum RawHTMLPolicy {
    /// One thing refused: where in the raw HTML (a byte offset) and why.
    struct Violation: Hashable, Sendable {
        var offset: Int
        var message: String
    }

    /// Elements refused even when raw HTML is allowed.
    static let refusedElements: Set<String> = ["script", "iframe", "frame", "frameset", "object", "embed", "applet", "portal",
                                               "base", "noscript"]
    /// URL schemes refused in any attribute value.
    static let refusedSchemes = ["javascript", "vbscript", "data"]

    /// Every violation in one piece of raw HTML (an HTML block's or inline HTML's text).
    static func violations(in html: String) -> [Violation] {
        var scanner = Scanner(bytes: Array(html.utf8))
        return scanner.scan()
    }

    /// Whether `html` is one HTML comment and nothing else (spaces aside):
    /// what the renderer may drop when raw HTML is not allowed.
    static func isComment(_ html: String) -> Bool {
        let bytes = Array(html.utf8)
        var end = bytes.count
        while end > 0, Scanner.isSpace(bytes[end - 1]) { end -= 1 }
        guard bytes.starts(with: "<!--".utf8) else { return false }
        guard let close = Scanner.commentEnd(bytes, from: 4) else { return false }
        return close == end
    }

    /// The scheme a browser sees in an attribute value, if it is refused
    /// (`javascript`, `vbscript`, `data`), or `javascript`/`vbscript` when the
    /// value holds such a URL further in.
    static func refusedScheme(in rawValue: String) -> String? {
        let decoded = CharacterReferences.decode(rawValue)
        // The URL parser removes tabs and newlines anywhere, and C0 controls and spaces at the start.
        let scalars = decoded.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
        let trimmed = String(String.UnicodeScalarView(scalars.drop { $0.value <= 0x20 })).lowercased()
        if let colon = trimmed.firstIndex(of: ":") {
            let scheme = String(trimmed[..<colon])
            if refusedSchemes.contains(scheme) { return scheme }
        }
        return ["javascript", "vbscript"].first { trimmed.contains($0 + ":") }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var violations: [Violation] = []

        init(bytes: [UInt8]) { self.bytes = bytes }

        static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
        }

        static func isLetter(_ byte: UInt8) -> Bool {
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }

        /// The end (just past `-->` or `--!>`) of a comment whose text starts at `from`.
        static func commentEnd(_ bytes: [UInt8], from start: Int) -> Int? {
            // `<!-->` and `<!--->` end at once.
            if start < bytes.count, bytes[start] == UInt8(ascii: ">") { return start + 1 }
            if start + 1 < bytes.count, bytes[start] == UInt8(ascii: "-"), bytes[start + 1] == UInt8(ascii: ">") { return start + 2 }
            var i = start
            while i + 2 < bytes.count {
                if bytes[i] == UInt8(ascii: "-"), bytes[i + 1] == UInt8(ascii: "-") {
                    if bytes[i + 2] == UInt8(ascii: ">") { return i + 3 }
                    if i + 3 < bytes.count, bytes[i + 2] == UInt8(ascii: "!"), bytes[i + 3] == UInt8(ascii: ">") { return i + 4 }
                }
                i += 1
            }
            return nil
        }

        mutating func scan() -> [Violation] {
            while index < bytes.count {
                guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count else { index += 1; continue }
                let start = index, next = bytes[index + 1]
                if bytes[index...].starts(with: "<!--".utf8) {
                    guard let end = Self.commentEnd(bytes, from: index + 4) else {
                        refuse(start, "an HTML comment that is never closed with -->")
                        return violations
                    }
                    index = end
                } else if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") {
                    // A declaration, CDATA or processing instruction: a bogus comment up to the next `>`.
                    guard let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: ">")) else {
                        refuse(start, "a `<\(Character(Unicode.Scalar(next)))` that is never closed with >")
                        return violations
                    }
                    index = close + 1
                } else if next == UInt8(ascii: "/") || Self.isLetter(next) {
                    let isEnd = next == UInt8(ascii: "/")
                    index += isEnd ? 2 : 1
                    if isEnd, index < bytes.count, !Self.isLetter(bytes[index]) {
                        // `</>` is dropped, `</3…>` is a bogus comment: either way, up to the next `>`.
                        guard let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else {
                            refuse(start, "a `</` that is never closed with >")
                            return violations
                        }
                        index = close + 1
                        continue
                    }
                    guard tag(at: start, isEnd: isEnd) else { return violations }
                } else {
                    index += 1
                }
            }
            return violations
        }

        private mutating func refuse(_ offset: Int, _ message: String) {
            violations.append(Violation(offset: offset, message: message))
        }

        /// Reads a tag's name and attributes (from just after `<` or `</`)
        /// and checks them; false if the tag never ends.
        private mutating func tag(at start: Int, isEnd: Bool) -> Bool {
            let nameStart = index
            while index < bytes.count, !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: ">") {
                index += 1
            }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
            var attributes: [(name: String, value: String?, offset: Int)] = []
            while true {
                while index < bytes.count, Self.isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "/") { index += 1 }
                guard index < bytes.count else {
                    refuse(start, "the tag <\(isEnd ? "/" : "")\(name) is never closed with >")
                    return false
                }
                if bytes[index] == UInt8(ascii: ">") { index += 1; break }
                // An attribute name (its first character may be `=`).
                let attributeStart = index
                index += 1
                while index < bytes.count, !Self.isSpace(bytes[index]),
                      ![UInt8(ascii: "/"), UInt8(ascii: ">"), UInt8(ascii: "=")].contains(bytes[index]) {
                    index += 1
                }
                let attribute = String(decoding: bytes[attributeStart..<index], as: UTF8.self).lowercased()
                var lookahead = index
                while lookahead < bytes.count, Self.isSpace(bytes[lookahead]) { lookahead += 1 }
                guard lookahead < bytes.count, bytes[lookahead] == UInt8(ascii: "=") else {
                    attributes.append((attribute, nil, attributeStart))
                    continue
                }
                index = lookahead + 1
                while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
                guard index < bytes.count else { continue }   // reported as never closed above
                let quote = bytes[index]
                if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                    guard let close = bytes[(index + 1)...].firstIndex(of: quote) else {
                        refuse(start, "an attribute value of <\(name)> whose quote is never closed")
                        return false
                    }
                    attributes.append((attribute, String(decoding: bytes[(index + 1)..<close], as: UTF8.self), attributeStart))
                    index = close + 1
                } else if quote == UInt8(ascii: ">") {
                    attributes.append((attribute, "", attributeStart))
                } else {
                    let valueStart = index
                    while index < bytes.count, !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") { index += 1 }
                    attributes.append((attribute, String(decoding: bytes[valueStart..<index], as: UTF8.self), attributeStart))
                }
            }
            guard !isEnd else { return true }   // browsers ignore an end tag's attributes
            if RawHTMLPolicy.refusedElements.contains(name) {
                refuse(start, "raw HTML may not use <\(name)> (it runs code, loads another document or changes every link)")
            }
            if name == "meta", attributes.contains(where: { $0.name == "http-equiv" }) {
                refuse(start, "raw HTML may not use <meta http-equiv> (it can reload the page elsewhere)")
            }
            for attribute in attributes {
                if attribute.name.hasPrefix("on") {
                    refuse(attribute.offset, "raw HTML may not use the event-handler attribute '\(attribute.name)' on <\(name)> (it runs code in the reader's browser)")
                } else if let value = attribute.value, let scheme = RawHTMLPolicy.refusedScheme(in: value) {
                    refuse(attribute.offset, "raw HTML may not use a \(scheme): URL ('\(attribute.name)' on <\(name)>): it would run code or show content the book does not hold")
                }
            }
            return true
        }
    }
}
