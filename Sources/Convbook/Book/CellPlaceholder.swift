/// A Swift code block of the chapter's program, by its cell id: what loading
/// (``ChapterDocument``) puts in the tree in place of the block (its `output`
/// block, if any, goes), and inject replaces with the cell and its results
/// (Inject's `InjectedCell`). A block that shows nothing until then.
struct CellPlaceholder: MarkdownExtensionNode {
    /// The cell id: its place among the chapter's Swift blocks.
    var id: Int

    var isBlock: Bool { true }
}
