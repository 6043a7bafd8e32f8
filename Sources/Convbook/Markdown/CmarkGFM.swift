import CCmarkGFM
import CCmarkExtensions
import Foundation

/// The only code that touches cmark-gfm's C API: parses Markdown and copies
/// the C tree into ``MarkdownNode`` values, then frees it. No C pointer leaves
/// this type.
///
/// cmark-gfm is not thread-safe (registering the core extensions and parsing
/// with them both mutate process-wide tables), so every parse runs behind one
/// process-wide lock. Parses from several threads are safe; they just queue.
enum CmarkGFM {
    /// The extensions attached to every parser, as with
    /// `cmark-gfm -e table -e strikethrough -e autolink -e tagfilter`.
    /// (tagfilter only acts when rendering; Render's HTML renderer ports it.)
    static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter"]

    private static let lock = NSLock()

    /// cmark's `cmark_isspace`: space, tab, newline, vertical tab, form feed, carriage return.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// Parses `source` with `CMARK_OPT_SOURCEPOS` (cmark then counts the
    /// lines of multi-line code spans and links in the positions of what
    /// follows; safe/unsafe only matters when rendering) and returns the
    /// document node. With `footnotes`, `[^label]` and `[^label]: text` are
    /// footnotes (`CMARK_OPT_FOOTNOTES`). With `math`, the math extension is attached too; its
    /// nodes are copied as ``MarkdownNodeKind/math(_:)`` holding their
    /// content as one TeX segment (``MarkdownParser`` splits it).
    ///
    /// A tree deeper than `maximumDepth` (nested quotes, lists, emphasis,
    /// links) is not copied: every later pass walks the tree recursively, so
    /// such a tree would overflow the stack. The error holds the first node
    /// past the limit. cmark itself parses and frees any depth without recursion.
    static func parse(_ source: String, math: Bool = false, footnotes: Bool = false,
                      maximumDepth: Int = MarkdownParser.maximumDepth) throws(NestingTooDeep) -> MarkdownNode {
        lock.lock()
        defer { lock.unlock() }
        cmark_gfm_core_extensions_ensure_registered()
        guard let parser = cmark_parser_new(CMARK_OPT_SOURCEPOS | (footnotes ? CMARK_OPT_FOOTNOTES : 0)) else {
            fatalError("cmark_parser_new failed")
        }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            guard let syntax = cmark_find_syntax_extension(name) else {
                fatalError("cmark-gfm has no '\(name)' extension")
            }
            cmark_parser_attach_syntax_extension(parser, syntax)
        }
        if math {
            cmark_parser_attach_syntax_extension(parser, convbook_math_extension())
        }
        var source = source
        source.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        guard let root = cmark_parser_finish(parser) else {
            fatalError("cmark_parser_finish failed")
        }
        defer { cmark_node_free(root) }
        if let tooDeep = firstNode(deeperThan: maximumDepth, in: root) {
            // Some inline nodes have no position: report their nearest ancestor's.
            var placed = tooDeep
            while cmark_node_get_start_line(placed) == 0, let parent = cmark_node_parent(placed) { placed = parent }
            throw NestingTooDeep(position: position(of: placed), limit: maximumDepth)
        }
        return copy(root)
    }

    /// A tree nested deeper than the limit: where it first goes past it.
    struct NestingTooDeep: Error, Hashable, Sendable {
        var position: MarkdownSourceRange
        var limit: Int
    }

    /// The first node (in document order) more than `limit` levels below
    /// `root`, found by walking the C tree without recursion.
    private static func firstNode(deeperThan limit: Int, in root: OpaquePointer) -> OpaquePointer? {
        var node = root, depth = 0
        while true {
            if depth > limit { return node }
            if let child = cmark_node_first_child(node) {
                node = child
                depth += 1
                continue
            }
            while node != root, cmark_node_next(node) == nil, let parent = cmark_node_parent(node) {
                node = parent
                depth -= 1
            }
            guard node != root, let next = cmark_node_next(node) else { return nil }
            node = next
        }
    }

    private static func position(of node: OpaquePointer) -> MarkdownSourceRange {
        MarkdownSourceRange(
            startLine: Int(cmark_node_get_start_line(node)),
            startColumn: Int(cmark_node_get_start_column(node)),
            endLine: Int(cmark_node_get_end_line(node)),
            endColumn: Int(cmark_node_get_end_column(node)))
    }

    // MARK: Copying the C tree

    private static func copy(_ node: OpaquePointer) -> MarkdownNode {
        var children: [MarkdownNode] = []
        var child = cmark_node_first_child(node)
        while let current = child {
            children.append(copy(current))
            child = cmark_node_next(current)
        }
        let range = position(of: node)
        return MarkdownNode(kind(of: node, position: range), children: children, position: range)
    }

    private static func kind(of node: OpaquePointer, position: MarkdownSourceRange) -> MarkdownNodeKind {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_DOCUMENT: return .document
        case CMARK_NODE_BLOCK_QUOTE: return .blockQuote
        case CMARK_NODE_LIST: return .list(listInfo(node))
        case CMARK_NODE_ITEM: return .item
        case CMARK_NODE_CODE_BLOCK: return .codeBlock(codeBlock(node))
        case CMARK_NODE_HTML_BLOCK: return .htmlBlock(literal(node))
        case CMARK_NODE_PARAGRAPH: return .paragraph
        case CMARK_NODE_HEADING:
            // ATX headings are one line; a setext heading's range includes its underline.
            return .heading(level: Int(cmark_node_get_heading_level(node)),
                            setext: position.endLine > position.startLine)
        case CMARK_NODE_THEMATIC_BREAK: return .thematicBreak
        case CMARK_NODE_TEXT: return .text(literal(node))
        case CMARK_NODE_SOFTBREAK: return .softBreak
        case CMARK_NODE_LINEBREAK: return .lineBreak
        case CMARK_NODE_CODE:
            // The math extension's nodes are code nodes with their own type string.
            switch string(cmark_node_get_type_string(node)) {
            case "math_inline": return .math(MarkdownMath(tex: literal(node), display: false))
            case "math_display": return .math(MarkdownMath(tex: literal(node), display: true))
            default: return .code(literal(node))
            }
        case CMARK_NODE_HTML_INLINE: return .htmlInline(literal(node))
        case CMARK_NODE_EMPH: return .emphasis
        case CMARK_NODE_STRONG: return .strong
        case CMARK_NODE_LINK: return .link(url: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)))
        case CMARK_NODE_IMAGE: return .image(url: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)))
        case CMARK_NODE_FOOTNOTE_DEFINITION:
            return .footnoteDefinition(label: footnoteLabel(node), references: Int(convbook_footnote_reference_count(node)))
        case CMARK_NODE_FOOTNOTE_REFERENCE:
            return .footnoteReference(label: footnoteLabel(node), number: Int(convbook_footnote_number(node)),
                                      occurrence: Int(convbook_footnote_occurrence(node)))
        default: break
        }
        // Extension node types are registered at run time: tell them apart by name.
        let typeName = string(cmark_node_get_type_string(node))
        switch typeName {
        case "table":
            let count = Int(cmark_gfm_extensions_get_table_columns(node))
            var alignments: [MarkdownTableAlignment] = []
            if let bytes = cmark_gfm_extensions_get_table_alignments(node) {
                alignments = (0..<count).map { MarkdownTableAlignment(cmarkByte: bytes[$0]) }
            }
            return .table(alignments: alignments)
        case "table_header", "table_row":
            return .tableRow(header: cmark_gfm_extensions_get_table_row_is_header(node) != 0)
        case "table_cell": return .tableCell
        case "strikethrough": return .strikethrough
        default:
            // Custom nodes and footnotes are never produced with our options.
            let enter = string(cmark_node_get_on_enter(node)), exit = string(cmark_node_get_on_exit(node))
            return typeName.hasPrefix("custom_block") ? .htmlBlock(enter + exit) : .htmlInline(enter + exit)
        }
    }

    private static func listInfo(_ node: OpaquePointer) -> MarkdownListInfo {
        let delimiter: MarkdownListInfo.Delimiter = switch cmark_node_get_list_delim(node) {
        case CMARK_PERIOD_DELIM: .period
        case CMARK_PAREN_DELIM: .parenthesis
        default: .none
        }
        return MarkdownListInfo(
            kind: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST ? .ordered : .bullet,
            start: Int(cmark_node_get_list_start(node)),
            delimiter: delimiter,
            tight: cmark_node_get_list_tight(node) != 0)
    }

    private static func codeBlock(_ node: OpaquePointer) -> MarkdownCodeBlock {
        // cmark_node_get_fenced writes through all three pointers: never pass nil.
        var length: Int32 = 0, offset: Int32 = 0, character: CChar = 0
        let fenced = cmark_node_get_fenced(node, &length, &offset, &character) != 0
        let fence = fenced
            ? MarkdownCodeBlock.Fence(character: Character(Unicode.Scalar(UInt8(bitPattern: character))),
                                      length: Int(length), offset: Int(offset))
            : nil
        return MarkdownCodeBlock(info: string(cmark_node_get_fence_info(node)), literal: literal(node), fence: fence)
    }

    private static func footnoteLabel(_ node: OpaquePointer) -> String {
        var length: Int32 = 0
        guard let bytes = convbook_footnote_label(node, &length) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(length)), as: UTF8.self)
    }

    private static func literal(_ node: OpaquePointer) -> String {
        string(cmark_node_get_literal(node))
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
