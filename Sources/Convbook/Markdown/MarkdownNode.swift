import Foundation

/// A node of a parsed Markdown document: a value copied out of cmark-gfm's
/// tree, so it is safe to keep, share across threads and rewrite.
///
/// Build trees with the initialisers; walk them with ``MarkdownVisitor``,
/// transform them with ``MarkdownRewriter``; Render turns them into HTML.
struct MarkdownNode: Hashable, Sendable {
    var kind: MarkdownNodeKind
    var children: [MarkdownNode]
    /// Where the node came from; nil for nodes the generator made.
    var position: MarkdownSourceRange?

    init(_ kind: MarkdownNodeKind, children: [MarkdownNode] = [], position: MarkdownSourceRange? = nil) {
        self.kind = kind
        self.children = children
        self.position = position
    }

    /// A text node.
    static func text(_ text: String) -> MarkdownNode { MarkdownNode(.text(text)) }

    /// A math node holding plain TeX.
    static func math(tex: String, display: Bool) -> MarkdownNode {
        MarkdownNode(.math(MarkdownMath(tex: tex, display: display)))
    }

    /// For a code block, the source line of its first line of code: the line
    /// after the opening fence, or the block's first line if indented. Nil
    /// for other nodes and for nodes without a position.
    var firstCodeLine: Int? {
        guard case .codeBlock(let block) = kind, let position else { return nil }
        return block.isFenced ? position.startLine + 1 : position.startLine
    }

    /// The text a reader sees, without markup: text, code spans, math TeX and
    /// image descriptions concatenated, breaks as spaces. Use it for heading
    /// slugs.
    var plainText: String {
        var result = ""
        appendPlainText(to: &result)
        return result
    }

    private func appendPlainText(to result: inout String) {
        switch kind {
        case .text(let text), .code(let text): result += text
        case .extension(let custom): result += custom.plainText
        case .softBreak, .lineBreak: result += " "
        case .math(let math): result += math.tex
        case .inlineExpression(let expression): result += expression.code
        default: break
        }
        for child in children { child.appendPlainText(to: &result) }
    }

    /// The headings of the tree, in document order: level, the id loading
    /// gave it, and its text.
    var headings: [(level: Int, id: String, text: String)] {
        if case .heading(let level, _, let id) = kind {
            return [(level, id, plainText.trimmingCharacters(in: .whitespaces))]
        }
        return children.flatMap(\.headings)
    }
}
