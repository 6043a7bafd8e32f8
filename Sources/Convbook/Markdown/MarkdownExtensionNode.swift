/// What a later stage puts into the tree: the payload of a
/// ``MarkdownNodeKind/extension(_:)`` node, in the spirit of cmark-gfm's
/// custom nodes and swift-markdown's `CustomBlock` and `CustomInline`.
///
/// Markdown defines only this protocol; each payload type belongs to the stage
/// that adds it (loading's cell placeholder, inject's cell and value), and the
/// stages after it find it by casting ``MarkdownExtension/payload`` to it:
///
/// ```swift
/// struct Note: MarkdownExtensionNode { var text: String; var isBlock: Bool { true } }
///
/// let node = MarkdownNode(.extension(MarkdownExtension(Note(text: "later"))))
/// if case .extension(let custom) = node.kind, let note = custom.payload as? Note { … }
/// ```
protocol MarkdownExtensionNode: Hashable, Sendable {
    /// Whether the node is a block (rather than an inline).
    var isBlock: Bool { get }
    /// What it adds to ``MarkdownNode/plainText``: the text a reader sees of it.
    var plainText: String { get }
}

extension MarkdownExtensionNode {
    /// A node shows no text by default.
    var plainText: String { "" }

    /// Whether `other` is a payload of the same type, equal to this one.
    func isEqual(to other: any MarkdownExtensionNode) -> Bool {
        (other as? Self) == self
    }
}
