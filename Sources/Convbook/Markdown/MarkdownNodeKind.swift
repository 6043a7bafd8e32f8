/// What a ``MarkdownNode`` is: every node kind cmark-gfm produces with the
/// table, strikethrough and autolink extensions, plus the kinds the generator
/// creates (`math`, `inlineExpression`, `rawHTML`).
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
    /// `setext` is true for underlined (`===`, `---`) headings.
    case heading(level: Int, setext: Bool)
    case thematicBreak
    /// A GFM table; one alignment per column.
    case table(alignments: [MarkdownTableAlignment])
    /// A table row; the first row of a table is its header row.
    case tableRow(header: Bool)
    case tableCell

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

    // MARK: Generator kinds (cmark has none of these)
    /// `$...$` or `$$...$$`, found by the math extension (``MarkdownParser``).
    case math(MarkdownMath)
    /// `` `{swift} expr` `` outside math (``MarkdownParser``).
    case inlineExpression(MarkdownInlineExpression)
    /// Injected HTML, rendered verbatim (never filtered, even in safe mode).
    /// A block one starts on a new line.
    case rawHTML(String, block: Bool)

    /// Whether nodes of this kind are blocks (rather than inlines).
    var isBlock: Bool {
        switch self {
        case .document, .blockQuote, .list, .item, .codeBlock, .htmlBlock, .paragraph,
             .heading, .thematicBreak, .table, .tableRow, .tableCell:
            true
        case .rawHTML(_, let block):
            block
        case .text, .softBreak, .lineBreak, .code, .htmlInline, .emphasis, .strong,
             .strikethrough, .link, .image, .math, .inlineExpression:
            false
        }
    }
}
