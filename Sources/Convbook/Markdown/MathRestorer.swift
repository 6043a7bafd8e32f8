import Foundation

/// Turns the placeholders ``MathScanner`` left in the source back into
/// `.math` and `.inlineExpression` nodes after cmark has parsed it, merging
/// the pieces of a multi-line span (and the soft breaks between them) into
/// one node, and maps every position back to the original source.
///
/// As a fallback for code spans the scanner did not see as cmark does, a
/// `.code` node whose content starts with `{swift}` also becomes an
/// `.inlineExpression` (positioned as cmark reports it).
struct MathRestorer {
    let spans: [MathSpan]
    let columnMap: MarkdownColumnMap

    init(spans: [MathSpan], columnMap: MarkdownColumnMap) {
        self.spans = spans
        self.columnMap = columnMap
    }

    /// `node` with placeholders restored and positions mapped back.
    func restore(_ node: MarkdownNode) -> MarkdownNode {
        var result = node
        result.position = node.position.map(columnMap.original)
        if case .code(let literal) = node.kind, let expression = fallbackExpression(literal, result.position) {
            result.kind = .inlineExpression(expression)
        }
        result.children = restoreSiblings(node.children)
        return result
    }

    private func restoreSiblings(_ nodes: [MarkdownNode]) -> [MarkdownNode] {
        var result: [MarkdownNode] = []
        result.reserveCapacity(nodes.count)
        var inMultilineSpan = false
        for original in nodes {
            var node = original
            if inMultilineSpan {
                // Drop the breaks and middle lines of the span; keep what follows its end.
                switch node.kind {
                case .softBreak, .lineBreak:
                    continue
                case .text(let text) where text.unicodeScalars.first == MathPlaceholder.middleLine:
                    continue
                case .text(let text) where text.unicodeScalars.first == MathPlaceholder.lastLine:
                    inMultilineSpan = false
                    let rest = String(text.unicodeScalars.dropFirst())
                    if rest.isEmpty { continue }
                    node.kind = .text(rest)
                    node.position?.startColumn += String(MathPlaceholder.lastLine).utf8.count
                default:
                    inMultilineSpan = false
                }
            }
            guard case .text(let text) = node.kind else {
                result.append(restore(node))
                continue
            }
            guard text.unicodeScalars.contains(MathPlaceholder.open) else {
                node.position = node.position.map(columnMap.original)
                result.append(node)
                continue
            }
            inMultilineSpan = split(text, position: node.position, into: &result)
        }
        return result
    }

    /// Appends the text and span nodes of a text node holding placeholders;
    /// returns whether it ends with the first line of a multi-line span.
    private func split(_ text: String, position: MarkdownSourceRange?, into result: inout [MarkdownNode]) -> Bool {
        var pending = String.UnicodeScalarView()
        var pendingOffset = 0
        var offset = 0
        var continues = false

        func flush() {
            guard !pending.isEmpty else { return }
            let piece = String(pending)
            var node = MarkdownNode(.text(piece))
            if let position {
                let start = position.startColumn + pendingOffset
                node.position = MarkdownSourceRange(
                    startLine: position.startLine,
                    startColumn: columnMap.originalColumn(line: position.startLine, column: start),
                    endLine: position.startLine,
                    endColumn: columnMap.originalColumn(line: position.startLine, column: start + piece.utf8.count - 1, isEnd: true))
            }
            result.append(node)
            pending = String.UnicodeScalarView()
        }

        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == MathPlaceholder.open,
               let terminator = scalars[(index + 1)...].firstIndex(where: { $0 == MathPlaceholder.close || $0 == MathPlaceholder.continues }),
               let id = MathPlaceholder.id(fromDigits: scalars[(index + 1)..<terminator]), id < spans.count {
                flush()
                result.append(spans[id].node)
                continues = scalars[terminator] == MathPlaceholder.continues
                for consumed in scalars[index...terminator] { offset += String(consumed).utf8.count }
                index = terminator + 1
                pendingOffset = offset
                continue
            }
            if pending.isEmpty { pendingOffset = offset }
            pending.append(scalar)
            offset += String(scalar).utf8.count
            index += 1
        }
        flush()
        return continues
    }

    private func fallbackExpression(_ literal: String, _ position: MarkdownSourceRange?) -> MarkdownInlineExpression? {
        guard literal.hasPrefix("{swift}") else { return nil }
        let afterTag = literal.dropFirst("{swift}".count)
        let code = afterTag.trimmingCharacters(in: .whitespaces)
        guard !code.isEmpty else { return nil }
        let leading = afterTag.prefix(while: { $0 == " " || $0 == "\t" }).utf8.count
        return MarkdownInlineExpression(
            code: code,
            line: position?.startLine ?? 0,
            column: (position?.startColumn ?? 0) + "{swift}".utf8.count + leading)
    }
}
