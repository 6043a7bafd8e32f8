/// An inline Swift expression in prose, written `` `{swift} expr` `` (Quarto's
/// syntax) outside math. `` `{swift answer="4"} expr` `` states the value the
/// expression must have (an exercise's answer): the build compares the two.
struct MarkdownInlineExpression: Hashable, Sendable {
    /// The expression, without the `{swift}` tag and surrounding spaces.
    var code: String
    /// The stated value of `{swift answer="…"}`, nil when none is stated.
    var answer: String?
    /// What is wrong with the tag's attributes (`{swift anwser=4}`), nil when nothing.
    var tagError: String?
    /// Source line and column (1-based, UTF-8 bytes) of the code's first character.
    var line: Int
    var column: Int
    /// The expression's cell id: its place among the chapter's inline
    /// expressions (those in math included), in document order.
    var id: Int

    init(code: String, answer: String? = nil, tagError: String? = nil, line: Int, column: Int, id: Int) {
        self.code = code
        self.answer = answer
        self.tagError = tagError
        self.line = line
        self.column = column
        self.id = id
    }
}
