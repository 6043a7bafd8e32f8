import Foundation

/// The book's BibTeX file (`bibliography` in `book.toml`, beside it), and
/// the one citation style: author–date, as in the Chicago manual.
///
/// - In text: `[@dumoulin2016]` → "(Dumoulin and Visin 2016)";
///   `[@dumoulin2016, p. 12]` → "(Dumoulin and Visin 2016, p. 12)";
///   `[@a; @b]` → "(A 2016; B 2017)"; `@dumoulin2016` → "Dumoulin and Visin (2016)".
///   Three or more authors are "First et al.". Works with the same authors
///   and year are told apart by a letter, in the order of their titles:
///   "(Karpathy 2015a)", "(Karpathy 2015b)".
/// - In a list of references: "Dumoulin, Vincent, and Francesco Visin. 2016.
///   A guide to convolution arithmetic for deep learning. arXiv:1603.07285."
///
/// The parser reads what authors' files hold: `@type{key, field = {…} or "…"
/// or a number or a `@string` name, …}`, `#` concatenation, nested braces
/// and `@comment`/`@preamble` blocks, which it skips. Accents written as TeX
/// (`{\"o}`) are turned into letters for the common cases. It reads a file
/// in time linear in its size.
///
/// An entry's link is its `url`, which must be an `http(s)` URL, or else its
/// `doi`, linked as `https://doi.org/DOI`; anything else in either field
/// (`javascript:…`, a path, text with spaces) is an error at the field's line
/// (``BibliographyLink``).
struct Bibliography: Sendable {
    struct Entry: Hashable, Sendable {
        var type: String
        var key: String
        var fields: [String: String]
        var line: Int
    }

    var entries: [String: Entry] = [:] {
        didSet {
            sortKeys = entries.mapValues { Self.sortKey($0, key: $0.key) }
            yearLetters = Self.letters(entries, sortKeys: sortKeys)
        }
    }
    /// Each entry's ``sortKey(_:)``, worked out once (sorting asks for it again and again).
    private var sortKeys: [String: String] = [:]
    /// "a", "b", … for works that share their short authors and year.
    private var yearLetters: [String: String] = [:]
    /// SHA-256 of the file: pages that cite show its entries.
    var digest = ""

    var keys: Set<String> { Set(entries.keys) }

    /// Adds another file's entries (a chapter's front matter names one); a key in both is an error.
    mutating func merge(_ other: Bibliography, shown: String) throws(Diagnostic) {
        // Into a copy, assigned once: each assignment to `entries` works out the year letters again.
        var merged = entries
        for (key, entry) in other.entries {
            if merged[key] != nil {
                throw Diagnostic(file: shown, line: entry.line, column: 1, message: "the key '\(key)' is defined in another bibliography of the book too")
            }
            merged[key] = entry
        }
        entries = merged
        digest = CacheStore.key([digest, other.digest])
    }

    /// Reads and parses `path` (shown in messages as `shown`).
    static func load(path: String, shown: String) throws(Diagnostic) -> Bibliography {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic(file: shown, message: "cannot read the bibliography (named by `bibliography` in book.toml)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Diagnostic(file: shown, message: "the bibliography is not valid UTF-8")
        }
        var bibliography = try parse(text, file: shown)
        bibliography.digest = CacheStore.digest(data)
        return bibliography
    }

    static func parse(_ text: String, file: String) throws(Diagnostic) -> Bibliography {
        var scanner = Scanner(text: Array(text), file: file)
        // Entries are gathered here and given to the bibliography once (see `merge`).
        var entries: [String: Entry] = [:]
        var strings: [String: String] = [:]
        while let at = scanner.next("@") {
            let line = scanner.line(at)
            let type = scanner.word().lowercased()
            scanner.skipSpace()
            guard let open = scanner.peek(), open == "{" || open == "(" else {
                throw scanner.error("expected '{' after @\(type)")
            }
            scanner.advance()
            if type == "comment" || type == "preamble" {
                _ = try scanner.balanced(closing: open == "{" ? "}" : ")", opened: true)
                continue
            }
            if type == "string" {
                let (name, value) = try scanner.field(strings)
                strings[name.lowercased()] = value
                scanner.skipSpace()
                scanner.advance()   // the closing brace
                continue
            }
            scanner.skipSpace()
            let key = scanner.word(until: ",")
            guard !key.isEmpty else { throw scanner.error("@\(type) without a key") }
            if entries[key] != nil {
                throw Diagnostic(file: file, line: line, column: 1, message: "the key '\(key)' is defined twice")
            }
            var fields: [String: String] = [:]
            while true {
                scanner.skipSpace()
                if scanner.peek() == "," { scanner.advance(); scanner.skipSpace() }
                if scanner.peek() == "}" || scanner.peek() == ")" { scanner.advance(); break }
                guard scanner.peek() != nil else { throw Diagnostic(file: file, line: line, column: 1, message: "@\(type){\(key), …} is never closed") }
                let fieldLine = scanner.line(scanner.position)
                let (name, value) = try scanner.field(strings)
                let lower = name.lowercased()
                if lower == "url" || lower == "doi", let problem = BibliographyLink.problem(field: lower, value: value) {
                    throw Diagnostic(file: file, line: fieldLine, column: 1, message: "@\(type){\(key)}: \(problem)")
                }
                fields[lower] = value
            }
            entries[key] = Entry(type: type, key: key, fields: fields, line: line)
        }
        var bibliography = Bibliography()
        bibliography.entries = entries
        return bibliography
    }

    // MARK: Style

    /// The authors' family names: "Dumoulin and Visin", "Karpathy et al.", or the editor, or the title.
    func shortAuthors(_ key: String) -> String {
        Self.shortAuthors(entries[key], key: key)
    }

    private static func shortAuthors(_ entry: Entry?, key: String) -> String {
        guard let entry else { return key }
        let names = names(entry.fields["author"] ?? entry.fields["editor"] ?? "")
        switch names.count {
        case 0: return entry.fields["title"] ?? key
        case 1: return names[0].family
        case 2: return "\(names[0].family) and \(names[1].family)"
        default: return "\(names[0].family) et al."
        }
    }

    /// The year as cited: with a letter when the same authors have several
    /// works that year ("2015a").
    func year(_ key: String) -> String {
        (entries[key]?.fields["year"] ?? "n.d.") + (yearLetters[key] ?? "")
    }

    private static func letters(_ entries: [String: Entry], sortKeys: [String: String]) -> [String: String] {
        let groups = Dictionary(grouping: entries.values) { entry in
            "\(shortAuthors(entry, key: entry.key))\t\(entry.fields["year"] ?? "n.d.")"
        }
        var letters = [String: String]()
        for group in groups.values where group.count > 1 {
            for (index, entry) in group.sorted(by: { sortKeys[$0.key]! < sortKeys[$1.key]! }).enumerated() {
                letters[entry.key] = index < 26 ? String(UnicodeScalar(UInt8(97 + index))) : "-\(index + 1)"
            }
        }
        return letters
    }

    /// The entry as a list of references shows it, and its link (its `url`, or its DOI's).
    func reference(_ key: String) -> (text: String, url: String?) {
        guard let entry = entries[key] else { return (key, nil) }
        let f = entry.fields
        let names = Self.names(f["author"] ?? f["editor"] ?? "")
        var authors = ""
        for (index, name) in names.enumerated() {
            let written = index == 0 ? name.inverted : name.natural
            authors += index == 0 ? written : (index == names.count - 1 ? (names.count > 2 ? ", and " : ", and ") + written : ", " + written)
        }
        var parts: [String] = []
        if !authors.isEmpty { parts.append(authors) }
        parts.append(year(key))
        if let title = f["title"] { parts.append(title) }
        let venue = [f["journal"] ?? f["booktitle"], f["volume"].map { "vol. \($0)" }, f["pages"].map { "pp. \($0)" },
                     f["publisher"] ?? f["institution"] ?? f["school"] ?? f["organization"], f["howpublished"], f["note"]]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        if !venue.isEmpty { parts.append(venue) }
        let url = BibliographyLink.href(url: f["url"], doi: f["doi"])
        return (parts.map { $0.hasSuffix(".") || $0.hasSuffix("?") ? $0 : $0 + "." }.joined(separator: " "), url)
    }

    /// The order of a list of references: by first author's family name, year, title.
    func sortKey(_ key: String) -> String {
        sortKeys[key] ?? Self.sortKey(nil, key: key)
    }

    private static func sortKey(_ entry: Entry?, key: String) -> String {
        let first = names(entry?.fields["author"] ?? entry?.fields["editor"] ?? "").first?.family ?? entry?.fields["title"] ?? key
        return "\(first.lowercased())\t\(entry?.fields["year"] ?? "n.d.")\t\((entry?.fields["title"] ?? "").lowercased())\t\(key)"
    }

    struct Name {
        var given: String
        var family: String
        var natural: String { given.isEmpty ? family : "\(given) \(family)" }
        var inverted: String { given.isEmpty ? family : "\(family), \(given)" }
    }

    /// BibTeX names: `A and B`, each `Family, Given` or `Given Family`, braces protecting a whole name.
    static func names(_ field: String) -> [Name] {
        var names: [String] = [], depth = 0, current = ""
        let words = Array(field)
        var index = 0
        while index < words.count {
            let c = words[index]
            if c == "{" { depth += 1 } else if c == "}" { depth -= 1 }
            if depth == 0, c.isWhitespace, index + 4 <= words.count, String(words[index..<min(index + 5, words.count)]).lowercased() == " and " {
                names.append(current)
                current = ""
                index += 5
                continue
            }
            current.append(c)
            index += 1
        }
        names.append(current)
        return names.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { raw in
            let plain = raw.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
            if raw.hasPrefix("{"), raw.hasSuffix("}") { return Name(given: "", family: plain) }   // {Institution Name}
            if let comma = plain.firstIndex(of: ",") {
                return Name(given: plain[plain.index(after: comma)...].trimmingCharacters(in: .whitespaces),
                            family: plain[..<comma].trimmingCharacters(in: .whitespaces))
            }
            let parts = plain.split(separator: " ")
            return Name(given: parts.dropLast().joined(separator: " "), family: String(parts.last ?? ""))
        }
    }

    // MARK: Parsing

    private struct Scanner {
        let text: [Character]
        let file: String
        var position = 0
        /// The offset where each line starts, for ``line(_:)``.
        private let lineStarts: [Int]

        init(text: [Character], file: String) {
            self.text = text
            self.file = file
            lineStarts = [0] + text.indices.filter { text[$0] == "\n" }.map { $0 + 1 }
        }

        func peek() -> Character? { position < text.count ? text[position] : nil }
        mutating func advance() { position += 1 }

        mutating func skipSpace() {
            while let c = peek(), c.isWhitespace { advance() }
        }

        /// Moves past the next `character` (outside entries, text is a comment); returns where it was.
        mutating func next(_ character: Character) -> Int? {
            while let c = peek() {
                if c == character { advance(); return position - 1 }
                advance()
            }
            return nil
        }

        /// The 1-based line of `offset`: a binary search of the line starts.
        func line(_ offset: Int) -> Int {
            var low = 0, high = lineStarts.count   // the answer is the count of line starts <= offset
            while low < high {
                let middle = (low + high) / 2
                if lineStarts[middle] <= offset { low = middle + 1 } else { high = middle }
            }
            return low
        }

        mutating func word(until stop: Character? = nil) -> String {
            var word = ""
            while let c = peek(), !c.isWhitespace, c != "{", c != "(", c != "=", c != ",", c != "}", c != "#", c != stop { word.append(c); advance() }
            return word
        }

        func error(_ message: String) -> Diagnostic {
            let line = self.line(min(position, text.count))
            let lineStart = lineStarts[line - 1]
            return Diagnostic(file: file, line: line, column: position - lineStart + 1, message: message)
        }

        /// `name = value # value …`.
        mutating func field(_ strings: [String: String]) throws(Diagnostic) -> (String, String) {
            skipSpace()
            let name = word()
            guard !name.isEmpty else { throw error("expected a field name") }
            skipSpace()
            guard peek() == "=" else { throw error("expected '=' after '\(name)'") }
            advance()
            var value = ""
            while true {
                skipSpace()
                switch peek() {
                case "{": advance(); value += try balanced(closing: "}", opened: true)
                case "\"": advance(); value += try balanced(closing: "\"", opened: false)
                case let c? where c.isNumber: value += word()
                case let c? where c.isLetter:
                    let macro = word()
                    guard let expansion = strings[macro.lowercased()] ?? Self.months[macro.lowercased()] else {
                        throw error("'\(macro)' is not a @string defined above")
                    }
                    value += expansion
                default: throw error("expected a value for '\(name)'")
                }
                skipSpace()
                guard peek() == "#" else { break }
                advance()
            }
            // Names keep their braces: `{Stanford CS231n}` is one name, not a given and a family name.
            let lower = name.lowercased()
            return (name, Self.clean(value, keepBraces: lower == "author" || lower == "editor"))
        }

        /// Text up to the matching `closing` (braces nest inside); the closing character is consumed.
        mutating func balanced(closing: Character, opened: Bool) throws(Diagnostic) -> String {
            var depth = 0, result = ""
            let start = position
            while let c = peek() {
                advance()
                if c == "\\", let next = peek() { result.append(c); result.append(next); advance(); continue }
                if c == "{" { depth += 1 } else if c == "}" {
                    if depth == 0 && closing == "}" { return result }
                    depth -= 1
                } else if c == closing && depth == 0 { return result }
                result.append(c)
            }
            position = start
            throw error("a value is never closed")
        }

        static let months = ["jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
                             "jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December"]

        /// TeX accents and protecting braces gone, runs of spaces as one.
        static func clean(_ value: String, keepBraces: Bool = false) -> String {
            var text = value
            for (tex, letter) in [("\\\"o", "ö"), ("\\\"a", "ä"), ("\\\"u", "ü"), ("\\'e", "é"), ("\\`e", "è"), ("\\'a", "á"),
                                  ("\\'o", "ó"), ("\\~n", "ñ"), ("\\c{c}", "ç"), ("\\c c", "ç"), ("\\&", "&"), ("\\_", "_"), ("--", "–")] {
                text = text.replacingOccurrences(of: "{" + tex + "}", with: letter).replacingOccurrences(of: tex, with: letter)
            }
            if !keepBraces { text = text.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "") }
            return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
    }
}
