/// One piece of a chapter's program, in document order: a Swift code block or
/// an inline expression from the prose.
enum Cell: Hashable, Sendable, Codable {
    case block(CodeCell)
    case inline(InlineCell)
}

/// A fenced Swift code block.
struct CodeCell: Hashable, Sendable, Codable {
    /// 0-based index among the chapter's Swift blocks.
    var index: Int
    var code: String
    var options: BlockOptions
    /// 1-based chapter line of the fence (```swift).
    var fenceLine: Int
    /// Chapter column of the code's first character, minus one (the fence's indentation).
    var indent: Int
    /// The expected output, for an `expect` block (from the `output` block after it).
    var expectedOutput: String?

    /// The chapter line holding the code's first line.
    var firstCodeLine: Int { fenceLine + 1 }

    /// The code as the page shows it: nil for a block that hides its code.
    var shownCode: String? { options.showCode ? code : nil }
}

/// An inline expression, `` `{swift} expr` ``.
struct InlineCell: Hashable, Sendable, Codable {
    /// 0-based index among the chapter's inline expressions.
    var id: Int
    var code: String
    /// Chapter line and column of the expression's first character.
    var line: Int
    var column: Int
    /// Whether the expression sits inside TeX, where its value becomes TeX.
    var inMath: Bool
    /// The value the prose states it has, `{swift answer="4"} expr`: the
    /// build fails unless the computed value matches it (``AnswerCheck``).
    var answer: String? = nil
}
