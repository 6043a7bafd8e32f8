/// The code a document shows in its cells, which ``Typesetter`` highlights.
struct CodeCollector: MarkdownVisitor {
    var found: [String] = []

    static func code(in document: MarkdownDocument) -> [String] {
        var collector = CodeCollector()
        collector.visit(document)
        return collector.found
    }

    mutating func visit(_ node: MarkdownNode) {
        if case .extension(let custom) = node.kind, let code = (custom.payload as? InjectedCell)?.code { found.append(code) }
        visitChildren(of: node)
    }
}
