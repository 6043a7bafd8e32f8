/// A math span or inline expression ``MathScanner`` found in the source.
struct MathSpan: Hashable, Sendable {
    enum Content: Hashable, Sendable {
        case math(MarkdownMath)
        case inlineExpression(MarkdownInlineExpression)
    }

    /// A stretch of one source line that the span's placeholder replaces.
    struct LineRange: Hashable, Sendable {
        /// 1-based line.
        var line: Int
        /// 0-based byte offsets in the line, end exclusive.
        var start: Int
        var end: Int
    }

    var content: Content
    /// From the opening `$` or backtick to the closing one, in the original source.
    var position: MarkdownSourceRange
    /// What the placeholder replaces, one range per line, in order: from the
    /// opener on the first line, from the first non-blank character after the
    /// container prefix on later lines.
    var replaced: [LineRange] = []
    /// The first line of the paragraph, heading or table row holding the span.
    var blockLine = 0

    init(content: Content, position: MarkdownSourceRange) {
        self.content = content
        self.position = position
    }

    /// The node that replaces the span's placeholder.
    var node: MarkdownNode {
        switch content {
        case .math(let math): MarkdownNode(.math(math), position: position)
        case .inlineExpression(let expression): MarkdownNode(.inlineExpression(expression), position: position)
        }
    }
}
