import Foundation

/// Turns the placeholders ``MathScanner`` left in the source back into
/// `.math` and `.inlineExpression` nodes after cmark has parsed it, merging
/// the pieces of a multi-line span (and the soft breaks between them) into
/// one node, and maps every position back to the original source.
///
/// A span is restored only if all its pieces come back as text, in order,
/// among one node's children. Otherwise (cmark put a piece in a link
/// destination, a code span, an HTML tag...) the span is reported by
/// ``unrestored(in:)`` and ``MarkdownParser`` parses again without it.
///
/// As a fallback for code spans the scanner did not see as cmark does, a
/// `.code` node whose content starts with `{swift}` also becomes an
/// `.inlineExpression` (positioned as cmark reports it).
struct MathRestorer {
    let spans: [MathSpan]
    let columnMap: MarkdownColumnMap
    /// Ids of the spans restored so far.
    private(set) var restored: Set<Int> = []

    init(spans: [MathSpan], columnMap: MarkdownColumnMap) {
        self.spans = spans
        self.columnMap = columnMap
    }

    /// `node` with placeholders restored and positions mapped back.
    mutating func restore(_ node: MarkdownNode) -> MarkdownNode {
        var result = node
        result.position = node.position.map(columnMap.original)
        if case .code(let literal) = node.kind, let expression = fallbackExpression(literal, result.position) {
            result.kind = .inlineExpression(expression)
        }
        result.children = restoreSiblings(node.children)
        return result
    }

    /// The ids of spans not restored, or with a piece left anywhere in `root`
    /// (restored with ``restore(_:)``).
    func unrestored(in root: MarkdownNode) -> Set<Int> {
        var ids = Set(spans.indices).subtracting(restored)
        func walk(_ node: MarkdownNode) {
            let strings: [String] = switch node.kind {
            case .text(let text), .code(let text), .htmlInline(let text), .htmlBlock(let text): [text]
            case .link(let url, let title), .image(let url, let title): [url, title]
            case .codeBlock(let block): [block.info, block.literal]
            case .inlineExpression(let expression): [expression.code]
            default: []
            }
            for string in strings where MathPlaceholder.containsReserved(string) {
                ids.formUnion(MathPlaceholder.ids(in: string))
            }
            node.children.forEach(walk)
        }
        walk(root)
        return ids
    }

    /// A multi-line span whose first piece has been seen.
    private struct Pending {
        var id: Int
        /// Index of the span's node in the output.
        var slot: Int
    }

    private mutating func restoreSiblings(_ nodes: [MarkdownNode]) -> [MarkdownNode] {
        var result: [MarkdownNode] = []
        result.reserveCapacity(nodes.count)
        var pending: Pending?
        for original in nodes {
            var node = original
            if let open = pending {
                // Inside a multi-line span: drop its breaks and middle pieces,
                // keep what follows its last piece.
                switch node.kind {
                case .softBreak, .lineBreak:
                    continue
                case .text(let text):
                    let scalars = Array(text.unicodeScalars)
                    guard let found = MathPlaceholder.piece(at: scalars[...]), found.id == open.id,
                          found.piece == .middle || found.piece == .last else {
                        pending = nil
                        break
                    }
                    if found.piece == .middle {
                        if found.length == scalars.count { continue }
                        pending = nil
                        break
                    }
                    restored.insert(open.id)
                    pending = nil
                    let rest = String(String.UnicodeScalarView(scalars[found.length...]))
                    if rest.isEmpty { continue }
                    node.kind = .text(rest)
                    node.position?.startColumn += scalars[..<found.length].reduce(0) { $0 + String($1).utf8.count }
                default:
                    pending = nil
                }
            }
            guard case .text(let text) = node.kind else {
                result.append(restore(node))
                continue
            }
            guard MathPlaceholder.containsReserved(text) else {
                node.position = node.position.map(columnMap.original)
                result.append(node)
                continue
            }
            pending = split(text, position: node.position, into: &result)
        }
        return result
    }

    /// Appends the text and span nodes of a text node holding placeholders;
    /// returns the multi-line span its last piece opens, if any.
    private mutating func split(_ text: String, position: MarkdownSourceRange?, into result: inout [MarkdownNode]) -> Pending? {
        var pendingText = String.UnicodeScalarView()
        var pendingOffset = 0
        var offset = 0
        var opened: Pending?

        func flush() {
            guard !pendingText.isEmpty else { return }
            let piece = String(pendingText)
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
            pendingText = String.UnicodeScalarView()
        }

        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if opened == nil, let found = MathPlaceholder.piece(at: scalars[index...]), found.id < spans.count,
               found.piece == .whole || found.piece == .first {
                flush()
                if found.piece == .whole {
                    restored.insert(found.id)
                } else {
                    opened = Pending(id: found.id, slot: result.count)
                }
                result.append(spans[found.id].node)
                for consumed in scalars[index..<index + found.length] { offset += String(consumed).utf8.count }
                index += found.length
                pendingOffset = offset
                continue
            }
            if pendingText.isEmpty { pendingOffset = offset }
            pendingText.append(scalars[index])
            offset += String(scalars[index]).utf8.count
            index += 1
        }
        flush()
        // A multi-line span must end its text node; otherwise it is not restored.
        guard let open = opened, result.count == open.slot + 1 else { return nil }
        return open
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
