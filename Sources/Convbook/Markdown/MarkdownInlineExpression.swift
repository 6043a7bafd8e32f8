/// An inline Swift expression in prose, written `` `{swift} expr` `` (Quarto's
/// syntax) outside math.
struct MarkdownInlineExpression: Hashable, Sendable {
    /// The expression, without the `{swift}` tag and surrounding spaces.
    var code: String
    /// Source line and column (1-based, UTF-8 bytes) of the code's first character.
    var line: Int
    var column: Int
    /// The expression's cell id: its place among the chapter's inline
    /// expressions (those in math included), in document order.
    var id: Int

    init(code: String, line: Int, column: Int, id: Int) {
        self.code = code
        self.line = line
        self.column = column
        self.id = id
    }
}
