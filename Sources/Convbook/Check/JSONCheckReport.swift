import Foundation

/// `convbook check --format json`: the report as one JSON object for tools.
/// Its keys are sorted and stay as they are within a ``version``; a change
/// that removes or renames a key or changes its meaning raises the version.
/// Every key is always present (`null` where a value is unknown).
///
///     {
///       "chapters" : ["chapters/01-forward.md"],
///       "compared" : 412,                    // values compared with the ledger; null without one
///       "drifts" : [{
///         "column" : 7, "computed" : "2.5", "file" : "chapters/01-forward.md",
///         "kind" : "changed", "line" : 41,
///         "message" : "tensor 'y' entry [1] published as 2.0, computed 2.5 on this machine (tolerance exact)",
///         "published" : "2.0", "severity" : "error"
///       }],
///       "site" : "site",
///       "staleFiles" : [{ "change" : "stale", "file" : "site/01-forward.html" }],
///       "upToDate" : false,
///       "version" : 1,
///       "withinTolerance" : 5               // values that differ only within their tolerance
///     }
///
/// A drift's `kind` is one of ``Drift/Kind``'s raw values; `line` and
/// `column` are 1-based, 0 where unknown; `published` and `computed` are the
/// value as published and as computed on this machine (a number with every
/// digit, a text, a tolerance or a form), null where the drift is not about
/// one value. A stale file's `change` is `stale`, `missing` or `extra`.
public struct JSONCheckReport: Codable, Equatable, Sendable {
    /// This layout's version.
    public static let currentVersion = 1

    public struct DriftEntry: Codable, Equatable, Sendable {
        public var file: String
        public var line: Int
        public var column: Int
        public var severity: String
        public var kind: String
        public var message: String
        public var published: String?
        public var computed: String?

        private enum CodingKeys: String, CodingKey { case file, line, column, severity, kind, message, published, computed }

        public init(file: String, line: Int, column: Int, severity: String, kind: String, message: String, published: String?, computed: String?) {
            (self.file, self.line, self.column, self.severity) = (file, line, column, severity)
            (self.kind, self.message, self.published, self.computed) = (kind, message, published, computed)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(file, forKey: .file)
            try c.encode(line, forKey: .line)
            try c.encode(column, forKey: .column)
            try c.encode(severity, forKey: .severity)
            try c.encode(kind, forKey: .kind)
            try c.encode(message, forKey: .message)
            try c.encode(published, forKey: .published)   // null, not absent, when unknown
            try c.encode(computed, forKey: .computed)
        }
    }

    public struct StaleFile: Codable, Equatable, Sendable {
        /// `stale`, `missing` or `extra`.
        public var change: String
        /// The file's path from where convbook ran: `site/01-forward.html`.
        public var file: String
    }

    public var version: Int
    public var site: String
    public var upToDate: Bool
    public var compared: Int?
    public var withinTolerance: Int
    public var chapters: [String]
    public var drifts: [DriftEntry]
    public var staleFiles: [StaleFile]

    private enum CodingKeys: String, CodingKey { case version, site, upToDate, compared, withinTolerance, chapters, drifts, staleFiles }

    public init(_ report: CheckReport) {
        version = Self.currentVersion
        site = report.site
        upToDate = report.upToDate
        compared = report.compared
        withinTolerance = report.withinTolerance
        chapters = report.chapters
        drifts = report.drifts.map { drift in
            let d = drift.diagnostic
            return DriftEntry(file: d.file, line: d.line, column: d.column, severity: d.severity.rawValue, kind: drift.kind.rawValue,
                              message: d.message, published: drift.published, computed: drift.computed)
        }
        staleFiles = report.staleFiles.map { entry in
            let (change, path) = CheckReport.staleFile(entry)
            return StaleFile(change: change, file: report.site + "/" + path)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(site, forKey: .site)
        try c.encode(upToDate, forKey: .upToDate)
        try c.encode(compared, forKey: .compared)   // null without a ledger
        try c.encode(withinTolerance, forKey: .withinTolerance)
        try c.encode(chapters, forKey: .chapters)
        try c.encode(drifts, forKey: .drifts)
        try c.encode(staleFiles, forKey: .staleFiles)
    }

    /// The object, pretty-printed with sorted keys, ending in a newline.
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every field is a string, a number or a list of them: encoding cannot fail.
        guard let data = try? encoder.encode(self) else { preconditionFailure("a check report that JSONEncoder refuses") }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
