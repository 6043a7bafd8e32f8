/// An inline expression's value, as the reader sees it: what inject puts in
/// the tree in place of a ``MarkdownNodeKind/inlineExpression(_:)`` node
/// ("?" when it has none). Text, never HTML.
struct InjectedValue: MarkdownExtensionNode {
    var text: String
    /// Its index in the chapter's slice of the ledger (``LedgerPositions``), for the page's `data-v`; nil without a value.
    var ledger: Int? = nil

    var isBlock: Bool { false }
    var plainText: String { text }
}
