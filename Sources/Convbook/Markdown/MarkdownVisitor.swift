/// Walks a ``MarkdownNode`` tree in document order (in the spirit of
/// swift-markdown's `MarkupWalker`).
///
/// The default `visit(_:)` just descends. Implement it to look at nodes, and
/// call `visitChildren(of:)` where the walk should continue below a node
/// (leave it out to skip a subtree):
///
/// ```swift
/// struct HeadingCollector: MarkdownVisitor {
///     var titles: [String] = []
///     mutating func visit(_ node: MarkdownNode) {
///         if case .heading = node.kind { titles.append(node.plainText) }
///         visitChildren(of: node)
///     }
/// }
/// ```
protocol MarkdownVisitor {
    mutating func visit(_ node: MarkdownNode)
}

extension MarkdownVisitor {
    mutating func visit(_ node: MarkdownNode) {
        visitChildren(of: node)
    }

    /// Visits each child of `node`, in order.
    mutating func visitChildren(of node: MarkdownNode) {
        for child in node.children { visit(child) }
    }

    /// Visits a document's root.
    mutating func visit(_ document: MarkdownDocument) {
        visit(document.root)
    }
}
