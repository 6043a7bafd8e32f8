/// What a build did, chapter by chapter.
public struct BuildReport: Sendable {
    public struct ChapterLine: Sendable {
        public var file: String
        public var cached: Bool
        public var compileSeconds: Double
        public var runSeconds: Double
        public var blocks: Int
    }

    public var chapters: [ChapterLine] = []
    public var warnings: [Diagnostic] = []
    /// Values whose numbers on this machine differ from the published ones
    /// within their tolerance: the published numbers were kept.
    public var keptValues = 0
    /// Values that changed beyond their tolerance, appeared or went away.
    public var changedValues = 0

    /// One line: how many chapters were compiled and how many came from the
    /// cache, and how many published values were kept or changed.
    public var summary: String {
        let cached = chapters.filter(\.cached).count
        var line = "built \(chapters.count) chapter\(chapters.count == 1 ? "" : "s") (\(chapters.count - cached) compiled, \(cached) cached)"
        if keptValues > 0 {
            line += "; kept the published numbers of \(keptValues) value\(keptValues == 1 ? "" : "s") that differ on this machine only within their tolerance"
        }
        if changedValues > 0 {
            line += "; \(changedValues) published value\(changedValues == 1 ? "" : "s") changed, appeared or went away"
        }
        return line
    }
}
