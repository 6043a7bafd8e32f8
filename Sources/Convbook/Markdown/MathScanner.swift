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
///
/// A span is dropped (stays text) when its placeholder would change how
/// cmark reads the rest: here, when it would hide the backtick that keeps a
/// line starting with ```` ``` ```` from being a code fence; in
/// ``MarkdownParser``, when the blocks change or a placeholder does not come
/// back as text. Known limits: math in a link label is still replaced (so
/// `[$x$]` cannot match a reference definition `[$x$]: /url`), continuation
/// lines of multi-line math keep their indentation in the TeX, and a source
/// containing U+E000–U+E01F is not scanned.
enum MathScanner {
    /// Scans `source`, using `layout` (cmark's tree of the same source) for
    /// its blocks, and puts placeholders in place of the spans.
    static func scan(source: String, layout: MarkdownNode) -> MathScanResult {
        rewrite(source, replacing: spans(in: source, layout: layout))
    }

    /// The spans of `source`, in source order, with the ranges their
    /// placeholders will replace.
    static func spans(in source: String, layout: MarkdownNode) -> [MathSpan] {
        if source.unicodeScalars.contains(where: { MathPlaceholder.reservedRange.contains($0.value) }) {
            return []
        }
        let bytes = Array(source.utf8)
        let lines = splitLines(bytes).map { bytes[$0.content] }
        var spans: [MathSpan] = []
        for region in MathSourceRegion.regions(in: layout, sourceLines: lines) {
            var scanner = MathRegionScanner(region: region)
            for (found, start, end) in scanner.scan() {
                var span = found
                span.blockLine = region.lines[0].number
                for line in region.lines {
                    var lower = max(start, line.textStart)
                    let upper = min(end, line.textEnd)
                    guard lower < upper else { continue }
                    if lower != start {
                        while lower < upper, region.text[lower] == 0x20 || region.text[lower] == 0x09 { lower += 1 }
                    }
                    span.replaced.append(MathSpan.LineRange(
                        line: line.number, start: line.offset + lower - line.textStart, end: line.offset + upper - line.textStart))
                }
                if !hidesFenceBackticks(span, lines: lines) { spans.append(span) }
            }
        }
        return spans
    }

    /// Whether hiding the span would turn a line that starts with ```` ``` ````
    /// into a code fence: such a line is no fence only because a backtick
    /// follows in its info string, and the span would hide it.
    private static func hidesFenceBackticks(_ span: MathSpan, lines: [ArraySlice<UInt8>]) -> Bool {
        span.replaced.contains { range in
            let line = lines[range.line - 1]
            let content = line.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == UInt8(ascii: ">") })
            guard content.prefix(3).elementsEqual("```".utf8) else { return false }
            let base = line.startIndex
            return line[(base + range.start)..<(base + range.end)].contains(UInt8(ascii: "`"))
        }
    }

    /// `source` with each span replaced by its placeholder (its index in
    /// `spans` is its id).
    static func rewrite(_ source: String, replacing spans: [MathSpan]) -> MathScanResult {
        guard !spans.isEmpty else {
            return MathScanResult(source: source, spans: [], columnMap: MarkdownColumnMap())
        }
        // Placeholder text per source line: (start, end, replacement).
        var edits: [Int: [(start: Int, end: Int, text: String)]] = [:]
        for (id, span) in spans.enumerated() {
            for (index, range) in span.replaced.enumerated() {
                let piece: MathPlaceholder.Piece = span.replaced.count == 1 ? .whole
                    : index == 0 ? .first : index == span.replaced.count - 1 ? .last : .middle
                let text = MathPlaceholder.text(id: id, piece: piece)
                edits[range.line, default: []].append((range.start, range.end, text))
            }
        }

        let bytes = Array(source.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + spans.count * 12)
        var columnMap = MarkdownColumnMap()
        for (index, line) in splitLines(bytes).enumerated() {
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
        return MathScanResult(source: String(decoding: output, as: UTF8.self), spans: spans, columnMap: columnMap)
    }

    /// Each line's content and its full extent with its line ending; like
    /// cmark, lines end at `\n`, `\r\n` or a lone `\r`.
    static func splitLines(_ bytes: [UInt8]) -> [(content: Range<Int>, full: Range<Int>)] {
        var lines: [(Range<Int>, Range<Int>)] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\n"):
                lines.append((start..<index, start..<index + 1))
            case UInt8(ascii: "\r"):
                let ending = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n") ? 2 : 1
                lines.append((start..<index, start..<index + ending))
                index += ending - 1
            default:
                index += 1
                continue
            }
            index += 1
            start = index
        }
        if start < bytes.count || lines.isEmpty {
            lines.append((start..<bytes.count, start..<bytes.count))
        }
        return lines
    }
}
