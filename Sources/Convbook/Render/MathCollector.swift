/// The math of a document, with where each formula was written.
struct MathCollector: MarkdownVisitor {
    var file: String
    var found: [Typesetter.Occurrence] = []

    static func occurrences(in document: MarkdownDocument, file: String) -> [Typesetter.Occurrence] {
        var collector = MathCollector(file: file)
        collector.visit(document)
        return collector.found
    }

    mutating func visit(_ node: MarkdownNode) {
        if case .math(let math) = node.kind {
            found.append(.init(formula: .init(tex: math.tex, display: math.display, values: math.values), file: file,
                               line: node.position?.startLine ?? 0, column: node.position?.startColumn ?? 0))
        }
        visitChildren(of: node)
    }
}
