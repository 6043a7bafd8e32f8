/// Maps columns in the source ``MathScanner`` rewrote back to the original
/// source. Placeholders keep every line where it was but change the length
/// of the text they replace, so columns after one on the same line shift.
struct MarkdownColumnMap: Sendable {
    /// One replaced stretch of a line, as 0-based byte offsets.
    struct Replacement: Sendable {
        var originalStart: Int
        var originalEnd: Int
        var rewrittenStart: Int
        var rewrittenEnd: Int
    }

    /// Replacements by 1-based line, in column order.
    private(set) var replacements: [Int: [Replacement]] = [:]

    init() {}

    mutating func add(line: Int, _ replacement: Replacement) {
        replacements[line, default: []].append(replacement)
    }

    /// The original column (1-based) of rewritten `column` on `line`. A column
    /// inside a placeholder maps to the start of what it replaced, or to its
    /// last byte if `isEnd`.
    func originalColumn(line: Int, column: Int, isEnd: Bool = false) -> Int {
        guard column > 0, let list = replacements[line] else { return column }
        let offset = column - 1
        var shift = 0
        for replacement in list {
            if offset < replacement.rewrittenStart { break }
            if offset < replacement.rewrittenEnd {
                return (isEnd ? replacement.originalEnd - 1 : replacement.originalStart) + 1
            }
            shift = replacement.originalEnd - replacement.rewrittenEnd
        }
        return offset + shift + 1
    }

    /// `range` with both columns mapped back.
    func original(_ range: MarkdownSourceRange) -> MarkdownSourceRange {
        guard !replacements.isEmpty else { return range }
        return MarkdownSourceRange(
            startLine: range.startLine,
            startColumn: originalColumn(line: range.startLine, column: range.startColumn),
            endLine: range.endLine,
            endColumn: originalColumn(line: range.endLine, column: range.endColumn, isEnd: true))
    }
}
