/// An inline expression's value, as the reader sees it: what inject puts in
/// the tree in place of a ``MarkdownNodeKind/inlineExpression(_:)`` node
/// ("?" when it has none). Text, never HTML.
struct InjectedValue: MarkdownExtensionNode {
    var text: String

    var isBlock: Bool { false }
    var plainText: String { text }
}
