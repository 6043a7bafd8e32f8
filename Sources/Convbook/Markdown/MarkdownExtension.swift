/// An ``MarkdownExtensionNode`` payload as a value of the tree: equal to
/// another when both hold payloads of the same type that are equal, so that
/// ``MarkdownNodeKind`` stays `Hashable`.
struct MarkdownExtension: Hashable, Sendable {
    /// The stage's own value; cast it to the type the stage defines.
    let payload: any MarkdownExtensionNode

    init(_ payload: some MarkdownExtensionNode) {
        self.payload = payload
    }

    /// Whether the node is a block (rather than an inline).
    var isBlock: Bool { payload.isBlock }

    /// The text a reader sees of it (``MarkdownNode/plainText``).
    var plainText: String { payload.plainText }

    static func == (lhs: MarkdownExtension, rhs: MarkdownExtension) -> Bool {
        lhs.payload.isEqual(to: rhs.payload)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(type(of: payload)))
        hasher.combine(payload)
    }
}
