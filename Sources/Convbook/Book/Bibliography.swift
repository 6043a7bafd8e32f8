import Foundation

/// The book's BibTeX file (`bibliography` in `book.toml`, beside it), and
/// the one citation style: author–date, as in the Chicago manual
/// (``BibliographyStyle`` has the rules for one entry).
///
/// - In text: `[@dumoulin2016]` → "(Dumoulin and Visin 2016)";
///   `[@dumoulin2016, p. 12]` → "(Dumoulin and Visin 2016, p. 12)";
///   `[@a; @b]` → "(A 2016; B 2017)"; `@dumoulin2016` → "Dumoulin and Visin (2016)".
///   Three or more authors are "First et al.". Works with the same authors
///   and year are told apart by a letter, in the order of the list:
///   "(Karpathy 2015a)", "(Karpathy 2015b)". A work with no author is cited
///   by a short title ("(“Forward and backward propagations” 2019)"), one with
///   no date by its name alone ("(Batra)"): never "n.d.".
/// - In a list of references, sorted by author, year and title: "Dumoulin,
///   Vincent, and Francesco Visin. 2016. A guide to convolution arithmetic for
///   deep learning. arXiv:1603.07285."
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
            sortKeys = entries.mapValues(BibliographyStyle.sortKey)
            yearLetters = Self.letters(entries, sortKeys: sortKeys)
            labels = Self.labels(entries)
        }
    }
    /// Each entry's ``sortKey(_:)``, worked out once (sorting asks for it again and again).
    private var sortKeys: [String: String] = [:]
    /// Each entry's ``shortAuthors(_:)``.
    private var labels: [String: String] = [:]
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

    /// How citations name the work: "Dumoulin and Visin", "Karpathy et al.", an
    /// organisation, or a short title (``BibliographyStyle/label(_:)``); undated works
    /// of one author add their short title ("Batra, “Hand-written notes”").
    func shortAuthors(_ key: String) -> String {
        labels[key] ?? key
    }

    /// The year as cited: with a letter when the same authors have several
    /// works that year ("2015a"); empty for an undated work, which is cited by name alone.
    func year(_ key: String) -> String {
        guard let entry = entries[key], let year = BibliographyStyle.year(entry) else { return "" }
        return year + (yearLetters[key] ?? "")
    }

    /// "a", "b", … for dated works that share their label and year, in the order of the list.
    private static func letters(_ entries: [String: Entry], sortKeys: [String: String]) -> [String: String] {
        let dated = entries.values.filter { BibliographyStyle.year($0) != nil }
        let groups = Dictionary(grouping: dated) { "\(BibliographyStyle.label($0))\t\(BibliographyStyle.year($0)!)" }
        var letters = [String: String]()
        for group in groups.values where group.count > 1 {
            for (index, entry) in group.sorted(by: { sortKeys[$0.key]! < sortKeys[$1.key]! }).enumerated() {
                letters[entry.key] = index < 26 ? String(UnicodeScalar(UInt8(97 + index))) : "-\(index + 1)"
            }
        }
        return letters
    }

    /// Each entry's label; undated works that share one are told apart by their short titles.
    private static func labels(_ entries: [String: Entry]) -> [String: String] {
        var labels = entries.mapValues(BibliographyStyle.label)
        let undated = entries.values.filter { BibliographyStyle.year($0) == nil }
        for group in Dictionary(grouping: undated, by: { labels[$0.key]! }).values where group.count > 1 {
            for entry in group where !BibliographyStyle.creators(entry).isEmpty {
                labels[entry.key]! += ", “\(BibliographyStyle.shortTitle(entry))”"
            }
        }
        return labels
    }

    /// The entry as a list of references shows it, and its link (its `url`, or its DOI's).
    func reference(_ key: String) -> (text: String, url: String?) {
        guard let entry = entries[key] else { return (key, nil) }
        let year = self.year(key)
        let url = BibliographyLink.href(url: entry.fields["url"], doi: entry.fields["doi"])
        return (BibliographyStyle.reference(entry, year: year.isEmpty ? nil : year), url)
    }

    /// The order of a list of references: by the author slot (family name first), year, title.
    func sortKey(_ key: String) -> String {
        sortKeys[key] ?? key
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
