/// A Swift cell with its results, ready to render: what inject puts in the
/// tree in place of a ``CellPlaceholder``. Holds values, never HTML.
struct InjectedCell: MarkdownExtensionNode {
    /// The cell id: its place among the chapter's Swift blocks.
    var id: Int
    /// The code, unless the block hides it.
    var code: String?
    /// What the block produced, unless it hides its output or did not run.
    var output: Output?
    /// `label=` and `caption=`: the output is a numbered figure or table;
    /// `number` ("Figure 3.1") is filled in once the book's labels are known.
    var label: String?
    var caption: String?
    var number: String?

    var isBlock: Bool { true }

    struct Output: Hashable, Sendable {
        /// Printed text, tensors, checks, figures, in the order the block made them.
        var items: [ExecutionResult.OutputItem]
        /// The compiler's errors (`file:line:col: error: …`), when the block did not compile.
        var compilerErrors: [String]?
        /// How the block stopped, when it trapped.
        var trap: String?
        /// The ledger index (``LedgerPositions``) of each item's first entry, for the page's `data-v`.
        var ledger: [Int] = []
    }
}
