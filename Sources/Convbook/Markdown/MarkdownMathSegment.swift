/// One piece of a math span's content: TeX as written, or an inline Swift
/// expression (`` `{swift} expr` ``) whose value the generator turns into TeX.
enum MarkdownMathSegment: Hashable, Sendable {
    /// TeX exactly as written in the source.
    case tex(String)
    /// The code of a `` `{swift} expr` `` span inside the math, with the source
    /// line and column (1-based, UTF-8 bytes) of the code's first character
    /// and its cell id (as ``MarkdownInlineExpression/id``).
    case expression(code: String, line: Int, column: Int, id: Int)
}
