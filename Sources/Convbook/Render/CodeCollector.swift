/// The code a document shows in its cells, which ``Typesetter`` highlights.
struct CodeCollector: MarkdownVisitor {
    var found: [String] = []

    static func code(in document: MarkdownDocument) -> [String] {
        var collector = CodeCollector()
        collector.visit(document)
        return collector.found
    }

    mutating func visit(_ node: MarkdownNode) {
        if case .injectedCell(let cell) = node.kind, let code = cell.code { found.append(code) }
        visitChildren(of: node)
    }
}
