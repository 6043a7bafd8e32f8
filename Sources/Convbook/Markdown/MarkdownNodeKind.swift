/// What a ``MarkdownNode`` is: every node kind cmark-gfm produces with the
/// table, strikethrough and autolink extensions, then the chapter's kinds
/// that are Markdown syntax (`math`, `inlineExpression`, `callout`,
/// `reference`, `citation`, `figure`, `span`), and one kind for what later
/// stages put in (`extension`: loading's cells, inject's results), whose
/// payload types those stages define. No kind holds HTML the generator
/// wrote: Render writes every byte.
enum MarkdownNodeKind: Hashable, Sendable {
    // MARK: Blocks
    case document
    case blockQuote
    case list(MarkdownListInfo)
    case item
    case codeBlock(MarkdownCodeBlock)
    /// A raw HTML block, as written (with its final newline).
    case htmlBlock(String)
    case paragraph
    /// `setext` is true for underlined (`===`, `---`) headings. `id` is the
    /// anchor loading gave it (unique in its chapter), empty until then.
    case heading(level: Int, setext: Bool, id: String = "")
    case thematicBreak
    /// A GFM table; one alignment per column.
    case table(alignments: [MarkdownTableAlignment])
    /// A table row; the first row of a table is its header row.
    case tableRow(header: Bool)
    case tableCell
    /// A footnote's text (cmark-gfm moves them to the end of the document,
    /// in the order of their first reference); `references` counts them.
    case footnoteDefinition(label: String, references: Int)

    // MARK: Inlines
    case text(String)
    case softBreak
    case lineBreak
    /// A code span's content.
    case code(String)
    /// Raw inline HTML, as written.
    case htmlInline(String)
    case emphasis
    case strong
    case strikethrough
    case link(url: String, title: String)
    case image(url: String, title: String)
    /// `[^label]`: the footnote's number, and which reference to it this is (1, 2, …).
    case footnoteReference(label: String, number: Int, occurrence: Int)

    // MARK: Chapter kinds (cmark has none of these)
    /// `$...$` or `$$...$$`, found by the math extension (``MarkdownParser``).
    case math(MarkdownMath)
    /// `` `{swift} expr` `` outside math (``MarkdownParser``).
    case inlineExpression(MarkdownInlineExpression)
    /// A GitHub alert, `> [!NOTE]` (or TIP, IMPORTANT, WARNING, CAUTION):
    /// the block quote's content without its marker line (loading finds it),
    /// and the label `{#name}` that follows the marker, the callout's id.
    case callout(MarkdownCallout, id: String? = nil)
    /// `@sec-name`, `@eq-name`, `@fig-name`, `@tbl-name`: a cross-reference
    /// by label, resolved into a link once the book's labels are known.
    case reference(String)
    /// A citation, resolved into text and links from the bibliography.
    case citation(MarkdownCitation)
    /// A numbered figure: an image alone in its paragraph with `{#fig-name}`
    /// after it; `number` ("Figure 3.1") is filled in when the book's labels are known.
    case figure(label: String, number: String)
    /// `::: {.exercise #ex-name}` … `:::` (a Pandoc fenced div): an exercise,
    /// its question then its ``answer``; `number` ("Exercise 3.1") is filled
    /// in when the book's labels are known (loading finds it).
    case exercise(label: String, number: String)
    /// `::: {.answer}` … `:::` inside an exercise: the answer a reader opens.
    case answer
    /// An inline container with an anchor, `<span id>`: a resolved citation
    /// (the bibliography links back to it), an entry in a list of references.
    case span(id: String)

    // MARK: What later stages add
    /// A node whose payload type a later stage defines (``MarkdownExtensionNode``):
    /// a Swift code block of the chapter's program by its cell id (loading
    /// puts it in place of the block), then the cell with its results and an
    /// inline expression's value (inject puts them in place of the cell and
    /// of the expression). A block or an inline, as its payload says.
    case `extension`(MarkdownExtension)

    /// Whether nodes of this kind are blocks (rather than inlines).
    var isBlock: Bool {
        switch self {
        case .document, .blockQuote, .list, .item, .codeBlock, .htmlBlock, .paragraph,
             .heading, .thematicBreak, .table, .tableRow, .tableCell, .footnoteDefinition, .callout, .figure,
             .exercise, .answer:
            true
        case .text, .softBreak, .lineBreak, .code, .htmlInline, .emphasis, .strong,
             .strikethrough, .link, .image, .footnoteReference, .math, .inlineExpression, .reference, .citation, .span:
            false
        case .extension(let custom):
            custom.isBlock
        }
    }
}
