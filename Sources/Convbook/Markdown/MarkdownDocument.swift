/// A parsed chapter: its tree and where it came from.
struct MarkdownDocument: Hashable, Sendable {
    /// The `.document` node.
    var root: MarkdownNode
    /// The chapter's path, as given to ``MarkdownParser/parse(source:path:options:)``.
    var path: String
    /// Set when the source nests deeper than ``MarkdownParser/maximumDepth``:
    /// where it first goes past it. The tree is then empty (see ``CmarkGFM``).
    var nestingTooDeep: MarkdownSourceRange?

    init(root: MarkdownNode, path: String, nestingTooDeep: MarkdownSourceRange? = nil) {
        self.root = root
        self.path = path
        self.nestingTooDeep = nestingTooDeep
    }
}
