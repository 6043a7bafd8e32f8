/// A math span or inline expression ``MathScanner`` found in the source.
struct MathSpan: Hashable, Sendable {
    enum Content: Hashable, Sendable {
        case math(MarkdownMath)
        case inlineExpression(MarkdownInlineExpression)
    }

    var content: Content
    /// From the opening `$` or backtick to the closing one, in the original source.
    var position: MarkdownSourceRange

    /// The node that replaces the span's placeholder.
    var node: MarkdownNode {
        switch content {
        case .math(let math): MarkdownNode(.math(math), position: position)
        case .inlineExpression(let expression): MarkdownNode(.inlineExpression(expression), position: position)
        }
    }
}
