/// A parsed chapter: its tree and where it came from.
struct MarkdownDocument: Hashable, Sendable {
    /// The `.document` node.
    var root: MarkdownNode
    /// The chapter's path, as given to ``MarkdownParser/parse(source:path:options:)``.
    var path: String

    init(root: MarkdownNode, path: String) {
        self.root = root
        self.path = path
    }
}
