import Foundation

/// Parses chapters: cmark-gfm (``CmarkGFM``) with the table, strikethrough,
/// autolink and tagfilter extensions and convbook's math extension
/// (`CCmarkExtensions`, `$...$` and `$$...$$` by Pandoc's rules), then one pass
/// over the copied tree for what a chapter computes:
///
/// - a code span whose content starts with `{swift}` becomes an
///   ``MarkdownNodeKind/inlineExpression(_:)`` (Quarto's syntax);
/// - inside math, such a span becomes an expression segment
///   (``MarkdownMathSegment``), its TeX around it;
/// - each expression gets its cell id, its place among them all in
///   document order, which later stages find its value by;
/// - each expression gets the exact line and column of its code, and inline
///   nodes after multi-line math get their lines (cmark's inline parser does
///   not count the newlines an extension consumes).
///
/// Math is found by cmark's inline parser in its left-to-right order, so it
/// behaves as a code span does: a code span, autolink or raw HTML that starts
/// first hides a `$`, `\$` is a literal dollar, math never leaves its
/// paragraph, heading or table cell, and it never changes the block structure
/// (in a table, `\|` stands for `|` inside math, as inside code).
///
/// Safe to call from several threads at once (cmark itself runs serially).
enum MarkdownParser {
    struct Options: Hashable, Sendable {
        /// Recognise math and inline expressions.
        var math: Bool
        /// Recognise footnotes (cmark-gfm's, as GitHub renders them).
        var footnotes: Bool

        init(math: Bool = true, footnotes: Bool = true) {
            self.math = math
            self.footnotes = footnotes
        }
    }

    /// How deep a chapter's tree may nest: block quotes, lists (a list and
    /// its item are two levels), emphasis, links and the rest, counted from
    /// the document. Deeper nesting is refused with an error at its line
    /// (``MarkdownDocument/nestingTooDeep``) before any recursive pass could
    /// overflow the stack; real chapters stay far below it (about 10).
    static let maximumDepth = 100

    /// Parses a chapter. `path` is only recorded in the document (for diagnostics).
    /// A source nested deeper than ``maximumDepth`` gives an empty document
    /// with ``MarkdownDocument/nestingTooDeep`` set.
    static func parse(source: String, path: String, options: Options = Options()) -> MarkdownDocument {
        let root: MarkdownNode
        do {
            root = try CmarkGFM.parse(source, math: options.math, footnotes: options.footnotes)
        } catch {
            return MarkdownDocument(root: MarkdownNode(.document), path: path, nestingTooDeep: error.position)
        }
        guard options.math else { return MarkdownDocument(root: root, path: path) }
        var cells = InlineCells(lines: sourceLines(source))
        return MarkdownDocument(root: cells.rewrite(root), path: path)
    }

    /// The source's lines without their endings; like cmark, lines end at
    /// `\n`, `\r\n` or a lone `\r`.
    static func sourceLines(_ source: String) -> [[UInt8]] {
        var lines: [[UInt8]] = [[]]
        var previous: UInt8 = 0
        for byte in source.utf8 {
            if byte == UInt8(ascii: "\n"), previous == UInt8(ascii: "\r") {
                // The \n of \r\n: the line already ended.
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                lines.append([])
            } else {
                lines[lines.count - 1].append(byte)
            }
            previous = byte
        }
        return lines
    }

    /// The pass over each paragraph, heading and table cell.
    private struct InlineCells {
        let lines: [[UInt8]]
        /// Newlines inside the math seen so far in the current block.
        private var extraLines = 0
        /// Per line, the column after the last expression or math placed on it.
        private var searchFrom: [Int: Int] = [:]
        /// The next expression's cell id.
        private var nextID = 0

        init(lines: [[UInt8]]) { self.lines = lines }

        mutating func rewrite(_ node: MarkdownNode) -> MarkdownNode {
            var result = node
            switch node.kind {
            case .paragraph, .heading, .tableCell:
                extraLines = 0
                result.children = node.children.map { rewriteInline($0) }
            default:
                result.children = node.children.map { rewrite($0) }
            }
            return result
        }

        private mutating func rewriteInline(_ node: MarkdownNode) -> MarkdownNode {
            var result = node
            if var position = node.position {
                position.startLine += extraLines
                position.endLine += extraLines
                result.position = position
            }
            let line = result.position?.startLine ?? 0, column = result.position?.startColumn ?? 0
            switch node.kind {
            case .code(let code):
                if let tag = MarkdownParser.inlineTag(code) {
                    let at = locateExpression(line: line, near: column)
                    result.kind = .inlineExpression(MarkdownInlineExpression(code: tag.code, answer: tag.answer, tagError: tag.error,
                                                                             line: line, column: at, id: nextID))
                    nextID += 1
                }
            case .math(let math):
                let content = math.tex
                let dollar = locate(line: line, near: column) { bytes, at in bytes[at] == UInt8(ascii: "$") ? at : nil }
                if var position = result.position { position.startColumn = dollar; result.position = position }
                result.kind = .math(MarkdownMath(segments: segments(content, line: line), display: math.display))
                extraLines += content.utf8.count(where: { $0 == UInt8(ascii: "\n") })
            default:
                result.children = node.children.map { rewriteInline($0) }
            }
            return result
        }

        /// Splits math content into TeX and `` `{swift} expr` `` segments.
        private mutating func segments(_ content: String, line firstLine: Int) -> [MarkdownMathSegment] {
            let bytes = Array(content.utf8)
            var segments: [MarkdownMathSegment] = []
            var texStart = 0, index = 0, line = firstLine
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "\n") { line += 1 }
                guard bytes[index] == UInt8(ascii: "`") else { index += 1; continue }
                let run = bytes[index...].prefix { $0 == UInt8(ascii: "`") }.count
                guard let close = Self.closingRun(bytes, from: index + run, length: run),
                      let code = Self.expressionCode(Self.codeSpanContent(bytes[(index + run)..<close])) else {
                    index += run
                    continue
                }
                if texStart < index { segments.append(.tex(String(decoding: bytes[texStart..<index], as: UTF8.self))) }
                segments.append(.expression(code: code, line: line, column: locateExpression(line: line, near: 0), id: nextID))
                nextID += 1
                line += bytes[index..<(close + run)].count(where: { $0 == UInt8(ascii: "\n") })
                index = close + run
                texStart = index
            }
            if texStart < bytes.count { segments.append(.tex(String(decoding: bytes[texStart...], as: UTF8.self))) }
            return segments
        }

        /// The column of the code of the next `` `{swift} `` span on `line`.
        private mutating func locateExpression(line: Int, near column: Int) -> Int {
            locate(line: line, near: column) { bytes, at in
                guard bytes[at] == UInt8(ascii: "`"), at == 0 || bytes[at - 1] != UInt8(ascii: "`") else { return nil }
                var index = at
                while index < bytes.count, bytes[index] == UInt8(ascii: "`") || bytes[index] == UInt8(ascii: " ") { index += 1 }
                guard bytes[index...].starts(with: "{swift".utf8) else { return nil }
                // Past the tag's closing brace (a quoted attribute value may hold one).
                var quoted = false
                while index < bytes.count, quoted || bytes[index] != UInt8(ascii: "}") {
                    if bytes[index] == UInt8(ascii: "\"") { quoted.toggle() }
                    index += 1
                }
                index += 1
                while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
                return index
            }
        }

        /// Finds, on source line `line`, the first place at or after the last
        /// one found on it where `match` answers (with the 0-based offset to
        /// report); the place cmark reported is tried first. Returns a 1-based column.
        private mutating func locate(line: Int, near column: Int, _ match: ([UInt8], Int) -> Int?) -> Int {
            guard line >= 1, line <= lines.count else { return column }
            let bytes = lines[line - 1], floor = searchFrom[line] ?? 0
            // The reported place, then each place from the floor on (never a list of them: a
            // line of 40,000 formulas would make one per formula).
            if column - 1 >= floor, column - 1 < bytes.count, let found = match(bytes, column - 1) {
                searchFrom[line] = column
                return found + 1
            }
            var at = floor
            while at < bytes.count {
                if let found = match(bytes, at) {
                    searchFrom[line] = at + 1
                    return found + 1
                }
                at += 1
            }
            return column
        }

        /// The code of an inline expression (`{swift} code`), newlines as spaces; nil for other code.
        static func expressionCode(_ content: String) -> String? {
            guard content.hasPrefix("{swift}") else { return nil }
            let code = content.dropFirst(7).trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: " ")
            return code.isEmpty ? nil : code
        }

        /// A code span's content as CommonMark normalises it: one space or newline stripped from each end.
        static func codeSpanContent(_ bytes: ArraySlice<UInt8>) -> String {
            var text = bytes
            let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") }
            if text.count >= 2, isSpace(text.first!), isSpace(text.last!), !text.allSatisfy(isSpace) {
                text = text.dropFirst().dropLast()
            }
            return String(decoding: text, as: UTF8.self)
        }

        static func closingRun(_ bytes: [UInt8], from start: Int, length: Int) -> Int? {
            var index = start
            while index < bytes.count {
                guard bytes[index] == UInt8(ascii: "`") else { index += 1; continue }
                let run = bytes[index...].prefix { $0 == UInt8(ascii: "`") }.count
                if run == length { return index }
                index += run
            }
            return nil
        }
    }
}

extension MarkdownParser {
    /// An inline expression's code span in prose: `{swift} code`, or
    /// `{swift answer="4"} code` (`answer=4` when the value has no space,
    /// quote or brace) with its stated answer. nil for other code; a tag
    /// with other attributes is an expression with an error to report.
    static func inlineTag(_ content: String) -> (code: String, answer: String?, error: String?)? {
        if let code = InlineCells.expressionCode(content) { return (code, nil, nil) }
        guard content.hasPrefix("{swift "), let close = content.firstIndex(of: "}") else { return nil }
        var attributes = content[content.index(content.startIndex, offsetBy: 7)...]
        let code = content[content.index(after: close)...].trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "\n", with: " ")
        attributes = attributes.drop { $0 == " " }
        let syntax = "write `{swift answer=\"VALUE\"} expression`"
        guard attributes.hasPrefix("answer=") else {
            return (code, nil, "unknown attribute in '\(content[...close])': an inline expression takes only answer=; \(syntax)")
        }
        attributes = attributes.dropFirst(7)
        var answer: Substring
        if attributes.first == "\"" {
            // The quoted value may hold a brace: the tag ends at the brace after the closing quote.
            let value = attributes.dropFirst()
            guard let quote = value.firstIndex(of: "\""), let end = content[quote...].firstIndex(of: "}") else {
                return (code, nil, "the answer's quotes are not closed; \(syntax)")
            }
            answer = value[..<quote]
            let code = content[content.index(after: end)...].trimmingCharacters(in: .whitespacesAndNewlines)
                .replacingOccurrences(of: "\n", with: " ")
            guard content[content.index(after: quote)..<end].allSatisfy({ $0 == " " }) else {
                return (code, nil, "only one attribute, answer=, may follow {swift; \(syntax)")
            }
            return (code, String(answer), code.isEmpty ? "no expression after the tag: \(syntax)" : nil)
        }
        answer = attributes.prefix { $0 != " " && $0 != "}" }
        guard attributes.dropFirst(answer.count).drop(while: { $0 == " " }).first == "}" else {
            return (code, nil, "only one attribute, answer=, may follow {swift; \(syntax)")
        }
        return (code, String(answer), code.isEmpty ? "no expression after the tag: \(syntax)" : nil)
    }
}
