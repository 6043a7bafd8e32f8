/// A stretch of the source that cmark parses as inline content (a
/// paragraph, a heading's text or a table row), where ``MathScanner`` looks
/// for math. Blank lines, code blocks and HTML blocks are never in a region,
/// so a math span cannot leave its paragraph.
///
/// The region's ``text`` is its lines' content joined by `\n`: the first line
/// from where cmark says the block starts, later lines without their
/// block-quote markers (`>`), which belong to the container.
struct MathSourceRegion {
    /// Where one line of the region comes from.
    struct Line {
        /// 1-based source line.
        var number: Int
        /// 0-based byte offset, in the source line, of the region text's first byte.
        var offset: Int
        /// Offset in ``MathSourceRegion/text`` where the line starts.
        var textStart: Int
        /// Offset in ``MathSourceRegion/text`` where the line ends (before `\n`).
        var textEnd: Int
    }

    var text: [UInt8] = []
    var lines: [Line] = []
    /// A table row: cells end at unescaped `|`, and `\|` stands for `|`.
    var isTableRow = false

    /// The source line and 1-based byte column of region offset `offset`.
    func location(of offset: Int) -> (line: Int, column: Int) {
        var index = lines.count - 1
        while index > 0 && lines[index].textStart > offset { index -= 1 }
        let line = lines[index]
        return (line.number, line.offset + (offset - line.textStart) + 1)
    }

    // MARK: Finding regions

    /// The regions of a document, from the tree cmark parsed from the same source.
    static func regions(in layout: MarkdownNode, sourceLines: [ArraySlice<UInt8>]) -> [MathSourceRegion] {
        var blocks: [(node: MarkdownNode, quoteDepth: Int)] = []
        collect(layout, quoteDepth: 0, into: &blocks)
        var regions: [MathSourceRegion] = []
        for (index, block) in blocks.enumerated() {
            guard let position = block.node.position, position.startLine >= 1,
                  position.startLine <= sourceLines.count else { continue }
            var last = position.endColumn == 0 ? position.endLine - 1 : position.endLine
            if index + 1 < blocks.count, let next = blocks[index + 1].node.position, next.startLine > position.startLine {
                last = min(last, next.startLine - 1)
            }
            last = min(max(last, position.startLine), sourceLines.count)
            var region = MathSourceRegion()
            switch block.node.kind {
            case .tableRow:
                region.isTableRow = true
                last = position.startLine
            case .heading(_, setext: true):
                // Stop before the underline (cmark's end position is unreliable here).
                var line = position.startLine + 1
                while line <= last, !isSetextUnderline(sourceLines[line - 1], quoteDepth: block.quoteDepth) { line += 1 }
                last = line - 1
            default:
                break
            }
            for number in position.startLine...last {
                let bytes = sourceLines[number - 1]
                let offset = number == position.startLine
                    ? min(max(position.startColumn - 1, 0), bytes.count)
                    : contentOffset(bytes, quoteDepth: block.quoteDepth)
                if !region.lines.isEmpty { region.text.append(UInt8(ascii: "\n")) }
                let start = region.text.count
                region.text.append(contentsOf: bytes.dropFirst(offset))
                region.lines.append(Line(number: number, offset: offset, textStart: start, textEnd: region.text.count))
            }
            regions.append(region)
        }
        return regions
    }

    private static func collect(_ node: MarkdownNode, quoteDepth: Int, into blocks: inout [(node: MarkdownNode, quoteDepth: Int)]) {
        switch node.kind {
        case .paragraph, .heading, .tableRow:
            blocks.append((node, quoteDepth))
        case .blockQuote:
            for child in node.children { collect(child, quoteDepth: quoteDepth + 1, into: &blocks) }
        case .document, .list, .item, .table:
            for child in node.children { collect(child, quoteDepth: quoteDepth, into: &blocks) }
        default:
            break
        }
    }

    /// The offset past up to `quoteDepth` block-quote markers (a lazy
    /// continuation line has fewer).
    private static func contentOffset(_ line: ArraySlice<UInt8>, quoteDepth: Int) -> Int {
        let bytes = Array(line)
        var offset = 0
        for _ in 0..<quoteDepth {
            var probe = offset
            while probe < bytes.count, bytes[probe] == 0x20 || bytes[probe] == 0x09 { probe += 1 }
            guard probe < bytes.count, bytes[probe] == UInt8(ascii: ">") else { break }
            offset = probe + 1
            if offset < bytes.count, bytes[offset] == 0x20 || bytes[offset] == 0x09 { offset += 1 }
        }
        return offset
    }

    private static func isSetextUnderline(_ line: ArraySlice<UInt8>, quoteDepth: Int) -> Bool {
        let content = line.dropFirst(contentOffset(line, quoteDepth: quoteDepth))
            .filter { $0 != 0x20 && $0 != 0x09 }
        guard let first = content.first, first == UInt8(ascii: "=") || first == UInt8(ascii: "-") else { return false }
        return content.allSatisfy { $0 == first }
    }
}
