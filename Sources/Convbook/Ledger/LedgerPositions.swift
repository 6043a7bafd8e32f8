/// Where each output item and inline value of a chapter's result starts in
/// the chapter's slice of the ledger (``LedgerWalk``'s order, which is the
/// order of `site/manifest.json`): what the page's `data-v` attributes hold,
/// so that the reader's browser can find a value's ledger entry
/// (``ProvenanceData``).
///
/// ```swift
/// let positions = LedgerPositions(of: result, program: chapter.program)
/// positions.items[2]?[0]   // the ledger index of block 3's first output's first entry
/// positions.inlines[4]     // the ledger index of the fifth inline expression
/// ```
struct LedgerPositions: Equatable, Sendable {
    /// By block index: the ledger index of each item's first entry (an item may have several, or none).
    var items: [Int: [Int]] = [:]
    /// By inline expression id.
    var inlines: [Int: Int] = [:]
    /// How many entries the chapter's slice holds.
    var count = 0

    init(of result: ExecutionResult, program: ChapterProgram) {
        var copy = result
        var count = 0
        var items = [Int: [Int]](), inlines = [Int: Int]()
        LedgerWalk.walk(&copy, program: program, { _ in count += 1 }, item: { block, _ in
            items[block, default: []].append(count)
        }, inline: { id in
            inlines[id] = count
        })
        self.items = items
        self.inlines = inlines
        self.count = count
    }
}
