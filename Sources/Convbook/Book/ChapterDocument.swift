import Foundation

/// A chapter's Markdown as loading makes it, the one place cell ids and
/// heading anchors are given out:
///
/// - the parser has given each inline expression its cell id;
/// - each fenced Swift block becomes a ``MarkdownNodeKind/cell(_:)`` node
///   with the next block id (the `output` block after an `expect` block
///   goes: the cell holds it as its expected output);
/// - each heading gets its anchor: a slug of its text, made unique in the
///   chapter with -2, -3, …;
/// - the cells of the chapter's program are listed in document order.
///
/// Later stages find a cell's results and a heading's anchor in the node,
/// never by counting nodes.
struct ChapterDocument {
    var document: MarkdownDocument
    var cells: [Cell] = []
    /// Problems found while loading (unknown block options, say).
    var diagnostics: [Diagnostic] = []
    /// The text of the first level-1 heading.
    var firstHeading: String?

    private var path: String { document.path }
    private var blockCount = 0
    private var usedAnchors = Set<String>()

    init(markdown: String, path: String) {
        document = MarkdownParser.parse(source: markdown, path: path)
        document.root = load(document.root)
    }

    private mutating func load(_ node: MarkdownNode) -> MarkdownNode {
        var result = node
        switch node.kind {
        case .heading(let level, let setext, _):
            if level == 1, firstHeading == nil { firstHeading = node.plainText }
            result.kind = .heading(level: level, setext: setext, id: anchor(node.plainText.trimmingCharacters(in: .whitespaces)))
        case .link(let url, _), .image(let url, _):
            // A link that runs script when clicked is refused: chapters are documents, not programs for the reader's browser.
            let scheme = url.prefix { $0 != ":" }.lowercased().filter { !$0.isWhitespace }
            var isImage: Bool { if case .image = node.kind { true } else { false } }
            if url.contains(":"), ["javascript", "vbscript", "data"].contains(scheme), !(scheme == "data" && isImage) {
                diagnostics.append(Diagnostic(file: path, line: node.position?.startLine ?? 0, column: node.position?.startColumn ?? 0,
                                              message: "a link to a \(scheme): URL would run code in the reader's browser; convbook refuses it"))
            }
        case .inlineExpression(let expression):
            cells.append(.inline(InlineCell(id: expression.id, code: expression.code, line: expression.line,
                                            column: expression.column, inMath: false)))
        case .math(let math):
            for case .expression(let code, let line, let column, let id) in math.segments {
                cells.append(.inline(InlineCell(id: id, code: code, line: line, column: column, inMath: true)))
            }
        default:
            break
        }
        result.children = []
        var children = node.children[...]
        while let child = children.popFirst() {
            guard case .codeBlock(let code) = child.kind, code.isFenced, BlockOptions.isSwift(code.info) else {
                result.children.append(load(child))
                continue
            }
            let cell = addBlock(code, child, following: children.first)
            if cell.expectedOutput != nil { children = children.dropFirst() }
            result.children.append(MarkdownNode(.cell(cell.index), position: child.position))
        }
        return result
    }

    private mutating func addBlock(_ code: MarkdownCodeBlock, _ node: MarkdownNode, following next: MarkdownNode?) -> CodeCell {
        let line = node.position?.startLine ?? 0
        var options = BlockOptions()
        do {
            options = try BlockOptions(info: code.info)
        } catch {
            diagnostics.append(Diagnostic(file: path, line: line, column: (code.fence?.offset ?? 0) + 1, message: error.message))
        }
        var expected: String?
        if options.expectTolerance != nil, let next, case .codeBlock(let output) = next.kind, output.info == "output" {
            expected = output.literal
        }
        let cell = CodeCell(index: blockCount, code: code.literal, options: options, fenceLine: line,
                            indent: code.fence?.offset ?? 0, expectedOutput: expected)
        cells.append(.block(cell))
        blockCount += 1
        return cell
    }

    /// A heading's anchor: lower-case ASCII letters and digits, runs of
    /// anything else as one hyphen, unique in the chapter.
    private mutating func anchor(_ text: String) -> String {
        var base = ""
        var pendingHyphen = false
        for scalar in text.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII {
                if pendingHyphen && !base.isEmpty { base += "-" }
                base.unicodeScalars.append(scalar)
                pendingHyphen = false
            } else {
                pendingHyphen = true
            }
        }
        if base.isEmpty { base = "section" }
        var id = base
        var n = 2
        while usedAnchors.contains(id) { id = "\(base)-\(n)"; n += 1 }
        usedAnchors.insert(id)
        return id
    }
}
