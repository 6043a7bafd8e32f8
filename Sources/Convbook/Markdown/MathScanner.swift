/// Finds TeX math and inline Swift expressions in a chapter's source before
/// cmark parses it, so that Markdown cannot eat TeX's backslashes,
/// underscores and asterisks, and replaces each by a placeholder
/// (``MathPlaceholder``) that cmark passes through as text.
///
/// Rules (Pandoc's `tex_math_dollars`, plus Quarto's inline expressions):
///
/// - Math is only looked for in inline content: paragraphs, headings and
///   table cells, as cmark parses the unmodified source. Never in fenced or
///   indented code blocks, HTML blocks, code spans, autolinks or raw inline
///   HTML (`<span title="$x$">`), and a span never leaves its paragraph,
///   heading or table cell. A backslash escapes the next ASCII punctuation
///   character, so `\$` is a literal dollar and stays text.
/// - `$$` opens display math, closed by the next `$$`; the content may span
///   lines and must not be blank. Without a closer the `$$` stays text.
/// - Otherwise `$` opens inline math if the next character is not
///   whitespace. The closer is the next `$` that is not preceded by
///   whitespace and not followed by a digit; whitespace followed by `$`, or a
///   closer followed by a digit, means there is no math here and the `$`
///   stays text. So `costs $5 and $6` stays text, and so does `$x$5`.
/// - Inside math, `\` takes the next character with it (`\$` does not close),
///   `\text{...}` may hold `$`, and the TeX is kept exactly as written
///   (without the block-quote markers of continuation lines).
/// - In table cells, `\|` inside math stands for `|`, as GFM tables require.
/// - A code span whose content starts with `{swift}` is an inline
///   expression: outside math it becomes a ``MarkdownInlineExpression``;
///   inside math a ``MarkdownMathSegment/expression(code:line:column:)``
///   segment whose backticks and `$` do not count as math delimiters.
///
/// Lines and columns are 1-based; columns count UTF-8 bytes, as cmark's do.
/// Known limits: math in a link destination or link label is still
/// replaced (so `[$x$]` cannot match a reference definition `[$x$]: /url`),
/// and a source containing U+E000–U+E01F is not scanned.
enum MathScanner {
    /// Scans `source`, using `layout` (cmark's tree of the same source) for its blocks.
    static func scan(source: String, layout: MarkdownNode) -> MathScanResult {
        let bytes = Array(source.utf8)
        let lines = splitLines(bytes)
        let unscanned = MathScanResult(source: source, spans: [], columnMap: MarkdownColumnMap())
        if source.unicodeScalars.contains(where: { MathPlaceholder.reservedRange.contains($0.value) }) {
            return unscanned
        }
        var found: [(span: MathSpan, region: Int, start: Int, end: Int)] = []
        let regions = MathSourceRegion.regions(in: layout, sourceLines: lines.map { bytes[$0.content] })
        for (index, region) in regions.enumerated() {
            var scanner = MathRegionScanner(region: region)
            for (span, start, end) in scanner.scan() {
                found.append((span, index, start, end))
            }
        }
        guard !found.isEmpty else { return unscanned }

        // Placeholder text per source line: (start, end, replacement), in order.
        var edits: [Int: [(start: Int, end: Int, text: String)]] = [:]
        for (id, item) in found.enumerated() {
            let region = regions[item.region]
            let pieces = region.lines.compactMap { line -> (Int, Int, Int)? in
                var lower = max(item.start, line.textStart)
                let upper = min(item.end, line.textEnd)
                guard lower < upper else { return nil }
                if lower != item.start {
                    while lower < upper, region.text[lower] == 0x20 || region.text[lower] == 0x09 { lower += 1 }
                }
                return (line.number, line.offset + lower - line.textStart, line.offset + upper - line.textStart)
            }
            for (index, piece) in pieces.enumerated() {
                let text: String
                if index == 0 {
                    text = MathPlaceholder.first(id: id, multiline: pieces.count > 1)
                } else {
                    text = String(Character(index == pieces.count - 1 ? MathPlaceholder.lastLine : MathPlaceholder.middleLine))
                }
                edits[piece.0, default: []].append((piece.1, piece.2, text))
            }
        }

        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + found.count * 12)
        var columnMap = MarkdownColumnMap()
        for (index, line) in lines.enumerated() {
            let number = index + 1
            let lineStart = line.content.lowerBound
            let rewrittenLineStart = output.count
            var cursor = lineStart
            for edit in edits[number, default: []].sorted(by: { $0.start < $1.start }) {
                output.append(contentsOf: bytes[cursor..<lineStart + edit.start])
                let rewrittenStart = output.count - rewrittenLineStart
                output.append(contentsOf: edit.text.utf8)
                columnMap.add(line: number, .init(
                    originalStart: edit.start, originalEnd: edit.end,
                    rewrittenStart: rewrittenStart, rewrittenEnd: output.count - rewrittenLineStart))
                cursor = lineStart + edit.end
            }
            output.append(contentsOf: bytes[cursor..<line.full.upperBound])
        }
        return MathScanResult(source: String(decoding: output, as: UTF8.self),
                              spans: found.map(\.span), columnMap: columnMap)
    }

    /// Each line's content (without `\n` or `\r\n`) and its full extent.
    static func splitLines(_ bytes: [UInt8]) -> [(content: Range<Int>, full: Range<Int>)] {
        var lines: [(Range<Int>, Range<Int>)] = []
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            let end = index > start && bytes[index - 1] == UInt8(ascii: "\r") ? index - 1 : index
            lines.append((start..<end, start..<index + 1))
            start = index + 1
        }
        if start < bytes.count || lines.isEmpty {
            lines.append((start..<bytes.count, start..<bytes.count))
        }
        return lines
    }
}
