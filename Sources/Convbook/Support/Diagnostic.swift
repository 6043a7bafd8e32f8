/// A problem found while building, located in a chapter the way compilers
/// print it: `chapters/02-dw.md:41:7: error: message`.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible, Comparable, Codable {
    public enum Severity: String, Sendable, Codable {
        case error, warning, note

        var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
    }

    /// The file as the user named it (relative to where convbook runs, when possible).
    public var file: String
    /// 1-based line; 0 when the problem concerns the whole file.
    public var line: Int
    /// 1-based column; 0 when unknown.
    public var column: Int
    public var severity: Severity
    public var message: String

    public init(file: String, line: Int = 0, column: Int = 0, severity: Severity = .error, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    /// `file:line:col: error: message`, omitting a zero line or column.
    public var description: String {
        var location = file
        if line > 0 {
            location += ":\(line)"
            if column > 0 { location += ":\(column)" }
        }
        return "\(location): \(severity.rawValue): \(message)"
    }

    /// By place; at one place an error comes before its notes.
    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        (a.file, a.line, a.column, a.severity.rank, a.message) < (b.file, b.line, b.column, b.severity.rank, b.message)
    }
}

/// Several diagnostics at once: a build reports every failing chapter.
public struct BuildFailure: Error, CustomStringConvertible, Sendable {
    public let diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
