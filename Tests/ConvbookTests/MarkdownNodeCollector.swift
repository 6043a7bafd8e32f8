@testable import Convbook

/// Collects the nodes a predicate accepts, in document order (a
/// ``MarkdownVisitor`` used by the Markdown tests).
struct MarkdownNodeCollector: MarkdownVisitor {
    let accepts: (MarkdownNode) -> Bool
    var nodes: [MarkdownNode] = []

    mutating func visit(_ node: MarkdownNode) {
        if accepts(node) { nodes.append(node) }
        visitChildren(of: node)
    }

    /// The nodes of `root` that `accepts` accepts.
    static func collect(_ root: MarkdownNode, _ accepts: @escaping (MarkdownNode) -> Bool) -> [MarkdownNode] {
        var collector = MarkdownNodeCollector(accepts: accepts)
        collector.visit(root)
        return collector.nodes
    }

    /// The math nodes of `source`, parsed with math.
    static func math(in source: String) -> [MarkdownMath] {
        collect(MarkdownParser.parse(source: source, path: "test.md").root) {
            if case .math = $0.kind { true } else { false }
        }.compactMap { if case .math(let math) = $0.kind { math } else { nil } }
    }

    /// The inline expression nodes of `source`, parsed with math.
    static func expressions(in source: String) -> [MarkdownInlineExpression] {
        collect(MarkdownParser.parse(source: source, path: "test.md").root) { _ in true }
            .compactMap { if case .inlineExpression(let expression) = $0.kind { expression } else { nil } }
    }
}
