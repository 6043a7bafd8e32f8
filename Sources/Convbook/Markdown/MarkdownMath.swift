/// The content of a `$...$` or `$$...$$` span: TeX segments and inline Swift
/// expressions, in source order.
struct MarkdownMath: Hashable, Sendable {
    var segments: [MarkdownMathSegment]
    /// `$$...$$` (display) rather than `$...$` (inline).
    var display: Bool
    /// `{#eq-name}` after display math: its label, which numbers it, and
    /// the number ("3.2") once the book's labels are known.
    var label: String?
    var number: String?
    /// How many values inject marked in it with `\htmlData{v=N}{…}` (``MathValueMark``): the
    /// typesetter trusts that many `\htmlData`, and refuses any other (an author's own).
    var values = 0

    init(segments: [MarkdownMathSegment], display: Bool) {
        self.segments = segments
        self.display = display
    }

    /// Math that is plain TeX.
    init(tex: String, display: Bool) {
        self.init(segments: [.tex(tex)], display: display)
    }

    /// Whether some segment is an inline expression still to be evaluated.
    var hasExpressions: Bool {
        segments.contains { if case .expression = $0 { true } else { false } }
    }

    /// The TeX, with each expression replaced by what `expression` returns
    /// for its cell id and code.
    func tex(substituting expression: (_ id: Int, _ code: String) throws -> String) rethrows -> String {
        var result = ""
        for segment in segments {
            switch segment {
            case .tex(let tex): result += tex
            case .expression(let code, _, _, let id): result += try expression(id, code)
            }
        }
        return result
    }

    /// The TeX as written: expressions appear in their source form,
    /// `` `{swift} code` ``.
    var tex: String {
        tex(substituting: { _, code in "`{swift} \(code)`" })
    }
}
