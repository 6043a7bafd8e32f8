/// Where a Markdown node sits in its chapter's source, as cmark reports it.
///
/// Lines and columns are 1-based; columns count UTF-8 bytes, as cmark does.
/// The end is inclusive. Nodes that cmark builds without looking at the source
/// (the autolink extension's links, cells added to pad a short table row)
/// report line 0 or column 0, exactly as cmark does.
struct MarkdownSourceRange: Hashable, Sendable, CustomStringConvertible {
    var startLine: Int
    var startColumn: Int
    var endLine: Int
    var endColumn: Int

    init(startLine: Int, startColumn: Int, endLine: Int, endColumn: Int) {
        self.startLine = startLine
        self.startColumn = startColumn
        self.endLine = endLine
        self.endColumn = endColumn
    }

    /// `line:column-line:column`, like cmark's `data-sourcepos`.
    var description: String { "\(startLine):\(startColumn)-\(endLine):\(endColumn)" }
}
