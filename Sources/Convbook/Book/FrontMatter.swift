/// The optional block at the top of a chapter between two `---` lines:
///
/// ```
/// ---
/// title: The forward pass
/// summary: What a convolution layer computes, and the shapes involved.
/// timeout: 120
/// ---
/// ```
///
/// Keys are `title`, `summary`, `timeout` (seconds the chapter program may
/// run; default 60), `memory` (MiB of address space it may use; default
/// 4096), `bibliography` (a BibTeX file beside the chapter, whose entries
/// join the book's, ``Bibliography``) and `files` (files beside the chapter
/// that its program reads, comma-separated: they are copied into the
/// program's working folder, and their bytes are part of its cache key). The lines are blanked, not removed, before the Markdown
/// is parsed, so line numbers stay those of the file.
struct FrontMatter: Hashable, Sendable, Codable {
    var title: String?
    var summary: String?
    var timeout: Double?
    var memory: Int?
    var bibliography: String?
    /// Paths relative to the chapter's folder, and the line that names them.
    var files: [String] = []
    var filesLine: Int?

    static let keys = ["title", "summary", "timeout", "memory", "bibliography", "files"]

    /// The `bibliography` of the front matter at the top of `text`, read
    /// from its lines alone (the book needs every chapter's before it loads any).
    static func bibliography(in text: Substring) -> String? {
        var lines = text.split(separator: "\n", maxSplits: 64, omittingEmptySubsequences: false).makeIterator()
        guard lines.next()?.trimmingCharacters(in: .whitespaces) == "---" else { return nil }
        while let line = lines.next(), line.trimmingCharacters(in: .whitespaces) != "---" {
            guard line.hasPrefix("bibliography:") else { continue }
            var value = line.dropFirst("bibliography:".count).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// A number written the plain way, digits with at most one decimal
    /// point (`120`, `2.5`), and finite; nil for anything else `Double`
    /// would take (`inf`, `nan`, `0x10`, `1e400`).
    static func decimal(_ text: String) -> Double? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.count == 1 || !parts[1].isEmpty,
              parts.allSatisfy({ $0.allSatisfy { ("0"..."9").contains($0) } }),
              let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// Splits `text` into its front matter and the Markdown with the front
    /// matter's lines blanked. Throws a diagnostic for a malformed block.
    static func split(_ text: String, file: String) throws(Diagnostic) -> (FrontMatter, String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return (FrontMatter(), text) }
        guard let end = lines.indices.dropFirst().first(where: { lines[$0].trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw Diagnostic(file: file, line: 1, column: 1, message: "front matter opened with '---' is never closed")
        }
        var matter = FrontMatter()
        for index in 1..<end {
            let line = lines[index]
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw Diagnostic(file: file, line: index + 1, column: 1, message: "front matter lines must be 'key: value'")
            }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            switch key {
            case "title":
                guard !value.allSatisfy(\.isWhitespace) else {
                    throw Diagnostic(file: file, line: index + 1, column: 1,
                                     message: "title is empty; give the chapter a title, or leave the key out to use its first heading")
                }
                matter.title = value
            case "summary": matter.summary = value
            case "timeout":
                guard let seconds = Self.decimal(value), seconds > 0 else {
                    throw Diagnostic(file: file, line: index + 1, column: colon.utf16Offset(in: line) + 2,
                                     message: "timeout must be a positive number of seconds written in decimal digits (such as 120 or 2.5), got '\(value)'")
                }
                matter.timeout = seconds
            case "bibliography":
                matter.bibliography = value
            case "files":
                let names = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                for name in names where name.isEmpty || name.hasPrefix("/") || name.split(separator: "/").contains("..") {
                    throw Diagnostic(file: file, line: index + 1, column: colon.utf16Offset(in: line) + 2,
                                     message: "files names paths inside the chapter's folder, comma-separated; '\(name)' is not one")
                }
                matter.files = names
                matter.filesLine = index + 1
            case "memory":
                guard let mebibytes = Int(value), mebibytes >= 256, mebibytes <= 1 << 30 else {
                    throw Diagnostic(file: file, line: index + 1, column: colon.utf16Offset(in: line) + 2,
                                     message: "memory must be a whole number of MiB from 256, got '\(value)'")
                }
                matter.memory = mebibytes
            default:
                throw Diagnostic(file: file, line: index + 1, column: 1,
                                 message: "unknown front matter key '\(key)'; known keys: \(keys.joined(separator: ", "))")
            }
        }
        for index in 0...end { lines[index] = "" }
        return (matter, lines.joined(separator: "\n"))
    }
}
