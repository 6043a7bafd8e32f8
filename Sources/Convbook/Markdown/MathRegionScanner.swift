import Foundation

/// Scans one ``MathSourceRegion`` left to right for math spans and inline
/// expressions, following the rules documented on ``MathScanner``: at each
/// position the construct that starts first wins, as in cmark's inline
/// parser (a code span or raw HTML hides a `$`; math hides backticks).
struct MathRegionScanner {
    let region: MathSourceRegion

    init(region: MathSourceRegion) {
        self.region = region
    }

    private var text: [UInt8] { region.text }

    /// The spans found, each with its region offsets `start..<end`.
    mutating func scan() -> [(span: MathSpan, start: Int, end: Int)] {
        var results: [(MathSpan, Int, Int)] = []
        for cell in cells() {
            scan(cell, into: &results)
        }
        return results
    }

    /// Table rows split into cells at unescaped `|` before any inline parsing.
    private func cells() -> [Range<Int>] {
        guard region.isTableRow else { return [0..<text.count] }
        var cells: [Range<Int>] = []
        var start = 0
        var index = 0
        while index < text.count {
            if text[index] == Byte.backslash {
                index += 2
                continue
            }
            if text[index] == Byte.pipe {
                cells.append(start..<index)
                start = index + 1
            }
            index += 1
        }
        cells.append(start..<text.count)
        return cells
    }

    private func scan(_ range: Range<Int>, into results: inout [(MathSpan, Int, Int)]) {
        let end = range.upperBound
        var index = range.lowerBound
        while index < end {
            switch text[index] {
            case Byte.backslash:
                index += index + 1 < end && Byte.isASCIIPunctuation(text[index + 1]) ? 2 : 1
            case Byte.backtick:
                let run = runLength(at: index, end: end)
                guard let close = closingBackticks(from: index + run, length: run, end: end) else {
                    index += run
                    continue
                }
                if let expression = expression(open: index, run: run, close: close) {
                    results.append((span(.inlineExpression(expression), index, close + run), index, close + run))
                }
                index = close + run
            case Byte.lessThan:
                index = MarkdownInlineHTMLMatcher.match(text, at: index, end: end) ?? index + 1
            case Byte.dollar:
                if let (math, mathEnd) = math(at: index, end: end) {
                    results.append((span(.math(math), index, mathEnd), index, mathEnd))
                    index = mathEnd
                } else {
                    index += index + 1 < end && text[index + 1] == Byte.dollar ? 2 : 1
                }
            default:
                index += 1
            }
        }
    }

    // MARK: Math

    private func math(at start: Int, end: Int) -> (MarkdownMath, Int)? {
        let display = start + 1 < end && text[start + 1] == Byte.dollar
        if !display {
            guard start + 1 < end, !Byte.isWhitespace(text[start + 1]) else { return nil }
        }
        var segments = SegmentBuilder(scanner: self, start: start + (display ? 2 : 1))
        var index = segments.start
        while index < end {
            let byte = text[index]
            if byte == Byte.backslash {
                index = textCommandEnd(at: index, end: end) ?? min(index + 2, end)
            } else if byte == Byte.backtick {
                let run = runLength(at: index, end: end)
                if let close = closingBackticks(from: index + run, length: run, end: end),
                   let expression = expression(open: index, run: run, close: close) {
                    segments.append(expression, from: index, to: close + run)
                    index = close + run
                } else {
                    index += run
                }
            } else if display {
                if byte == Byte.dollar, index + 1 < end, text[index + 1] == Byte.dollar {
                    let math = segments.finish(at: index, display: true)
                    return math.segments.contains(where: Self.isNonBlank) ? (math, index + 2) : nil
                }
                index += 1
            } else if Byte.isWhitespace(byte) {
                while index < end, Byte.isWhitespace(text[index]) { index += 1 }
                if index < end, text[index] == Byte.dollar { return nil }
            } else if byte == Byte.dollar {
                if index + 1 < end, Byte.isDigit(text[index + 1]) { return nil }
                return (segments.finish(at: index, display: false), index + 1)
            } else {
                index += 1
            }
        }
        return nil
    }

    /// The end of `\text{...}` starting at `start`, whose balanced braces may hold `$`.
    private func textCommandEnd(at start: Int, end: Int) -> Int? {
        let command = "\\text{".utf8
        guard start + command.count <= end, text[start..<start + command.count].elementsEqual(command) else { return nil }
        var depth = 1
        var index = start + command.count
        while index < end {
            switch text[index] {
            case Byte.backslash: index += 1
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return index + 1 }
            default: break
            }
            index += 1
        }
        return nil
    }

    private static func isNonBlank(_ segment: MarkdownMathSegment) -> Bool {
        switch segment {
        case .tex(let tex): tex.unicodeScalars.contains { !$0.properties.isWhitespace }
        case .expression: true
        }
    }

    /// Collects a math span's segments.
    private struct SegmentBuilder {
        let scanner: MathRegionScanner
        var start: Int
        var segments: [MarkdownMathSegment] = []

        init(scanner: MathRegionScanner, start: Int) {
            self.scanner = scanner
            self.start = start
        }

        mutating func append(_ expression: MarkdownInlineExpression, from: Int, to: Int) {
            flush(upTo: from)
            segments.append(.expression(code: expression.code, line: expression.line, column: expression.column))
            start = to
        }

        mutating func finish(at end: Int, display: Bool) -> MarkdownMath {
            flush(upTo: end)
            return MarkdownMath(segments: segments, display: display)
        }

        private mutating func flush(upTo end: Int) {
            if start < end { segments.append(.tex(scanner.string(start..<end))) }
        }
    }

    // MARK: Code spans and inline expressions

    private func runLength(at start: Int, end: Int) -> Int {
        var index = start
        while index < end, text[index] == Byte.backtick { index += 1 }
        return index - start
    }

    /// The start of the next backtick run of exactly `length`, if any.
    private func closingBackticks(from start: Int, length: Int, end: Int) -> Int? {
        var index = start
        while index < end {
            if text[index] == Byte.backtick {
                let run = runLength(at: index, end: end)
                if run == length { return index }
                index += run
            } else {
                index += 1
            }
        }
        return nil
    }

    /// The inline expression in the code span `open..<close + run`, if its
    /// content (normalised as CommonMark does) starts with `{swift}`.
    private func expression(open: Int, run: Int, close: Int) -> MarkdownInlineExpression? {
        var lower = open + run
        var upper = close
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == Byte.newline }
        if upper - lower >= 2, isSpace(text[lower]), isSpace(text[upper - 1]),
           text[lower..<upper].contains(where: { !isSpace($0) }) {
            lower += 1
            upper -= 1
        }
        let tag = "{swift}".utf8
        guard upper - lower >= tag.count, text[lower..<lower + tag.count].elementsEqual(tag) else { return nil }
        lower += tag.count
        while lower < upper, Byte.isWhitespace(text[lower]) { lower += 1 }
        while upper > lower, Byte.isWhitespace(text[upper - 1]) { upper -= 1 }
        guard lower < upper else { return nil }
        let location = region.location(of: lower)
        let code = string(lower..<upper).replacingOccurrences(of: "\n", with: " ")
        return MarkdownInlineExpression(code: code, line: location.line, column: location.column)
    }

    // MARK: Helpers

    /// Region text as a string; in table cells `\|` stands for `|`.
    fileprivate func string(_ range: Range<Int>) -> String {
        let string = String(decoding: text[range], as: UTF8.self)
        return region.isTableRow ? string.replacingOccurrences(of: "\\|", with: "|") : string
    }

    private func span(_ content: MathSpan.Content, _ start: Int, _ end: Int) -> MathSpan {
        let first = region.location(of: start), last = region.location(of: end - 1)
        return MathSpan(content: content, position: MarkdownSourceRange(
            startLine: first.line, startColumn: first.column, endLine: last.line, endColumn: last.column))
    }

    private enum Byte {
        static let backslash = UInt8(ascii: "\\")
        static let backtick = UInt8(ascii: "`")
        static let dollar = UInt8(ascii: "$")
        static let pipe = UInt8(ascii: "|")
        static let lessThan = UInt8(ascii: "<")
        static let newline = UInt8(ascii: "\n")

        static func isWhitespace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == newline || byte == 0x0D
        }

        static func isDigit(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }

        static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
            (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte)
                || (0x5B...0x60).contains(byte) || (0x7B...0x7E).contains(byte)
        }
    }
}
