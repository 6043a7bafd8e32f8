/// Transforms a ``MarkdownNode`` tree: each node is replaced by the nodes
/// `rewrite(_:)` returns (none deletes it, several splice into its parent's
/// children). Inject uses it to put each cell's results in place of the
/// node loading put for the cell and each inline expression's value in
/// place of the expression.
///
/// The default `rewrite(_:)` keeps the node and rewrites its children.
/// Implement it for the nodes to change and call `rewriteChildren(of:)` for
/// the rest:
///
/// ```swift
/// struct DropImages: MarkdownRewriter {
///     mutating func rewrite(_ node: MarkdownNode) -> [MarkdownNode] {
///         if case .image = node.kind { return [] }
///         return [rewriteChildren(of: node)]
///     }
/// }
/// ```
protocol MarkdownRewriter {
    mutating func rewrite(_ node: MarkdownNode) -> [MarkdownNode]
}

extension MarkdownRewriter {
    mutating func rewrite(_ node: MarkdownNode) -> [MarkdownNode] {
        [rewriteChildren(of: node)]
    }

    /// `node` with each child replaced by what `rewrite(_:)` returns for it.
    mutating func rewriteChildren(of node: MarkdownNode) -> MarkdownNode {
        var result = node
        result.children = []
        result.children.reserveCapacity(node.children.count)
        for child in node.children {
            result.children.append(contentsOf: rewrite(child))
        }
        return result
    }

    /// Rewrites a document's root's children (the root itself is kept).
    mutating func rewrite(_ document: MarkdownDocument) -> MarkdownDocument {
        MarkdownDocument(root: rewriteChildren(of: document.root), path: document.path)
    }
}
