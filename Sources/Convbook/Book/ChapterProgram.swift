/// The program one chapter makes: its cells, every Swift block and inline
/// expression in document order, as loading found them (``ChapterDocument``),
/// and the one `main.swift` they make up, so that the blocks share state like
/// notebook cells. How that program's text is put together, and how its
/// locations map back to chapter lines, is Execute's
/// (``init(cells:imports:)``, ``mapLocation(file:line:column:)``).
struct ChapterProgram: Sendable {
    let cells: [Cell]
    /// The text of `main.swift`.
    let source: String
    /// For each `fails` block, the program to type-check: the blocks before it, then it.
    let failureProbes: [(block: CodeCell, source: String)]
    /// For each piece of chapter code, the lines of `main.swift` (1-based)
    /// from its wrapper's first line to its last: where an error in the code
    /// convbook generated around a piece comes from.
    let generatedLines: [(lines: ClosedRange<Int>, chapterLine: Int, chapterColumn: Int)]

    func block(_ index: Int) -> CodeCell? {
        for case .block(let block) in cells where block.index == index { return block }
        return nil
    }

    func inline(_ id: Int) -> InlineCell? {
        for case .inline(let inline) in cells where inline.id == id { return inline }
        return nil
    }

    var blockCount: Int { cells.reduce(0) { if case .block = $1 { return $0 + 1 } else { return $0 } } }
    var inlineCount: Int { cells.reduce(0) { if case .inline = $1 { return $0 + 1 } else { return $0 } } }
}
