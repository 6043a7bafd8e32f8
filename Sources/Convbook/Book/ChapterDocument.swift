import Foundation

/// A chapter's Markdown as loading makes it, the one place cell ids and
/// heading anchors are given out:
///
/// - the parser has given each inline expression its cell id;
/// - each fenced Swift block becomes a ``CellPlaceholder`` node
///   with the next block id (the `output` block after an `expect` block
///   goes: the cell holds it as its expected output);
/// - a block quote whose first line is `[!NOTE]` (or TIP, IMPORTANT,
///   WARNING, CAUTION) becomes a callout, as GitHub shows it, with the id
///   `{#name}` after the marker if there is one;
/// - each heading gets its anchor: `{#name}` at its end, or a slug of its
///   text made unique in the chapter with -2, -3, …;
/// - labels are found and numbered within the chapter: `{#sec-…}` on a
///   heading, `{#eq-…}` after display math, `{#fig-…}` after an image alone
///   in its paragraph (which becomes a figure), `label=` on a code block;
/// - `::: {.exercise #ex-…}` … `:::` fenced divs (Pandoc's, each fence a
///   line of its own) become exercises, numbered within the chapter, and
///   `::: {.answer}` inside one its answer, which must check something
///   (``ExerciseFence``);
/// - `@label` cross-references and citations (``MarkdownReferenceSyntax``)
///   become nodes, resolved once the whole book is loaded;
/// - the cells of the chapter's program are listed in document order, and
///   the links and anchors of the page, for the book's link check.
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
    /// The labels it defines, and the cross-references, citations and links it makes.
    var labels: [LabelDefinition] = []
    var references: [NameUse] = []
    var citations: [NameUse] = []
    var links: [NameUse] = []
    /// Every `id` its page will have that a link may name.
    var anchors: Set<String> = []

    private var path: String { document.path }
    private var blockCount = 0
    private var usedAnchors = Set<String>()
    private var citationCount = 0
    private var sectionNumbers: [Int] = [0, 0]
    private var counters: [LabelDefinition.Kind: Int] = [:]
    /// The bibliography's keys: `@key` in text is a citation only for these.
    private let citationKeys: Set<String>
    /// The book allows raw HTML (`[build] raw-html = true`): each piece is
    /// checked against ``RawHTMLPolicy``. Otherwise the page shows it as text.
    private let rawHTML: Bool
    /// The block being loaded: where inline raw HTML without a position of its own is reported.
    private var blockPosition: MarkdownSourceRange?

    init(markdown: String, path: String, citationKeys: Set<String> = [], rawHTML: Bool = false) {
        self.citationKeys = citationKeys
        self.rawHTML = rawHTML
        document = MarkdownParser.parse(source: markdown, path: path)
        if let deep = document.nestingTooDeep {
            diagnostics.append(Diagnostic(file: path, line: deep.startLine, column: deep.startColumn,
                                          message: "Markdown nested more than \(MarkdownParser.maximumDepth) levels deep (block quotes, lists, emphasis, links); convbook refuses it"))
        }
        document.root = load(document.root)
        anchors.formUnion((0..<blockCount).map { "cell-\($0 + 1)" })
    }

    private mutating func define(_ label: String, number: [Int], at position: MarkdownSourceRange?) {
        labels.append(LabelDefinition(label: label, number: number, line: position?.startLine ?? 0, column: position?.startColumn ?? 0))
        anchors.insert(label)
    }

    private mutating func nextNumber(_ kind: LabelDefinition.Kind) -> [Int] {
        counters[kind, default: 0] += 1
        return [counters[kind]!]
    }

    private mutating func load(_ node: MarkdownNode) -> MarkdownNode {
        var node = node
        if let (callout, label, content) = MarkdownCallout.callout(in: node) {
            node = MarkdownNode(.callout(callout, id: label), children: content, position: node.position)
            if let label {
                if anchors.contains(label) || usedAnchors.contains(label) {
                    diagnostics.append(Diagnostic(file: path, line: node.position?.startLine ?? 0, column: node.position?.startColumn ?? 0,
                                                  message: "the callout's label '\(label)' is already an anchor of this chapter"))
                }
                anchors.insert(label)
                usedAnchors.insert(label)
            }
        }
        if node.kind.isBlock, let position = node.position, position.startLine > 0 { blockPosition = position }
        var result = node
        switch node.kind {
        case .heading(let level, let setext, _):
            let explicit = Self.takeAttribute(&node)
            result = node
            if level == 1, firstHeading == nil { firstHeading = node.plainText.trimmingCharacters(in: .whitespaces) }
            if level == 2 { sectionNumbers = [sectionNumbers[0] + 1, 0] } else if level == 3 { sectionNumbers[1] += 1 }
            let id = explicit ?? anchor(node.plainText.trimmingCharacters(in: .whitespaces))
            if explicit != nil { usedAnchors.insert(id) }
            anchors.insert(id)
            result.kind = .heading(level: level, setext: setext, id: id)
            if id.hasPrefix("sec-") {
                define(id, number: level == 1 ? [] : level == 2 ? [sectionNumbers[0]] : level == 3 ? sectionNumbers : sectionNumbers, at: node.position)
            }
        case .footnoteDefinition(let label, _):
            anchors.insert("fn-" + label)
        case .footnoteReference(let label, _, let occurrence):
            anchors.insert("fnref-" + label + (occurrence > 1 ? "-\(occurrence)" : ""))
        case .link(let url, _), .image(let url, _):
            links.append(NameUse(name: url, line: node.position?.startLine ?? 0, column: node.position?.startColumn ?? 0))
            // A link that runs script when clicked is refused: chapters are documents, not programs for the reader's browser.
            let scheme = url.prefix { $0 != ":" }.lowercased().filter { !$0.isWhitespace }
            var isImage: Bool { if case .image = node.kind { true } else { false } }
            if url.contains(":"), ["javascript", "vbscript", "data"].contains(scheme), !(scheme == "data" && isImage) {
                diagnostics.append(Diagnostic(file: path, line: node.position?.startLine ?? 0, column: node.position?.startColumn ?? 0,
                                              message: "a link to a \(scheme): URL would run code in the reader's browser; convbook refuses it"))
            }
        case .htmlBlock(let html), .htmlInline(let html):
            if rawHTML { checkRawHTML(html, at: node.position.flatMap { $0.startLine > 0 ? $0 : nil } ?? blockPosition) }
        case .inlineExpression(let expression):
            if let problem = expression.tagError {
                diagnostics.append(Diagnostic(file: path, line: expression.line, column: expression.column, message: problem))
            }
            cells.append(.inline(InlineCell(id: expression.id, code: expression.code, line: expression.line,
                                            column: expression.column, inMath: false, answer: expression.answer)))
        case .math(let math):
            for case .expression(let code, let line, let column, let id) in math.segments {
                cells.append(.inline(InlineCell(id: id, code: code, line: line, column: column, inMath: true)))
            }
        default:
            break
        }
        result.children = []
        var children = node.children[...]
        // The fenced divs open among these children: each gathers the children up to its closing fence.
        var open: [OpenDiv] = []
        func emit(_ node: MarkdownNode) {
            if open.isEmpty { result.children.append(node) } else { open[open.count - 1].node.children.append(node) }
        }
        while let child = children.popFirst() {
            if case .paragraph = child.kind, let pieces = ExerciseFence.pieces(of: child) {
                for piece in pieces {
                    switch piece {
                    case .prose(let paragraph):
                        emit(load(paragraph))
                    case .fence(.problem(let message), let position):
                        diagnostics.append(at(position, message))
                    case .fence(.open(let kind, let label), let position):
                        if let div = openDiv(kind, label: label, at: position, inside: open.last) { open.append(div) }
                    case .fence(.close, let position):
                        if let div = open.popLast() {
                            if div.node.kind == .answer { open[open.count - 1].hasAnswer = true }
                            emit(closeDiv(div))
                        } else {
                            diagnostics.append(at(position, "this ':::' closes no fenced div: an exercise opens with '::: {.exercise #ex-name}'"))
                        }
                    }
                }
                continue
            }
            guard case .codeBlock(let code) = child.kind, code.isFenced, BlockOptions.isSwift(code.info) else {
                emit(load(child))
                continue
            }
            let cell = addBlock(code, child, following: children.first)
            if cell.expectedOutput != nil { children = children.dropFirst() }
            emit(MarkdownNode(.extension(MarkdownExtension(CellPlaceholder(id: cell.index))), position: child.position))
        }
        while let div = open.popLast() {
            diagnostics.append(at(div.node.position, "this fenced div is never closed: end it with a line ':::' (blank lines around it)"))
            emit(closeDiv(div))
        }
        switch result.kind {
        case .paragraph, .heading, .tableCell, .emphasis, .strong, .strikethrough:
            result.children = inlines(result.children)
            if case .paragraph = result.kind, let figure = figure(result) { return figure }
        default:
            break
        }
        return result
    }

    // MARK: Exercises and answers

    /// A fenced div being read: its node so far, and how many cells the chapter had when it opened.
    private struct OpenDiv {
        var node: MarkdownNode
        var firstCell: Int
        var hasAnswer = false
    }

    private func at(_ position: MarkdownSourceRange?, _ message: String) -> Diagnostic {
        Diagnostic(file: path, line: position?.startLine ?? 0, column: position?.startColumn ?? 0, message: message)
    }

    /// A div opening `::: {.kind #label}` inside `parent` (nil at the top of its container), or nil when it may not open here.
    private mutating func openDiv(_ kind: ExerciseFence.Kind, label: String?, at position: MarkdownSourceRange?, inside parent: OpenDiv?) -> OpenDiv? {
        var parentIsExercise: Bool { if case .exercise = parent?.node.kind { true } else { false } }
        switch kind {
        case .exercise:
            guard parent == nil else {
                diagnostics.append(at(position, "an exercise cannot sit inside another exercise or answer: close the one before with ':::'"))
                return nil
            }
            guard let label, label.hasPrefix("ex-"), label.count > 3 else {
                diagnostics.append(at(position, "an exercise needs a label starting 'ex-', '::: {.exercise #ex-name}': it numbers the exercise and is what @ex-name refers to"))
                return nil
            }
            let number = nextNumber(.exercise)
            define(label, number: number, at: position)
            return OpenDiv(node: MarkdownNode(.exercise(label: label, number: ""), position: position), firstCell: cells.count)
        case .answer:
            guard parentIsExercise else {
                diagnostics.append(at(position, "an answer must sit inside an exercise: '::: {.exercise #ex-name}', the question, then '::: {.answer}' … ':::' and the exercise's closing ':::'"))
                return nil
            }
            if parent?.hasAnswer == true {
                diagnostics.append(at(position, "this exercise already has an answer; give it one '::: {.answer}'"))
            }
            return OpenDiv(node: MarkdownNode(.answer, position: position), firstCell: cells.count)
        }
    }

    /// A closed div's node, once what it must hold is checked: an exercise its
    /// answer, an answer something the build checks.
    private mutating func closeDiv(_ div: OpenDiv) -> MarkdownNode {
        switch div.node.kind {
        case .exercise:
            if !div.node.children.contains(where: { $0.kind == .answer }) {
                diagnostics.append(at(div.node.position, "this exercise has no answer: add '::: {.answer}' … ':::' before its closing ':::', with an answer the build checks"))
            }
        case .answer:
            if !cells[div.firstCell...].contains(where: Self.checksSomething) {
                diagnostics.append(at(div.node.position, "this answer checks nothing, so it could go stale: state the value with `{swift answer=\"VALUE\"} expression`, or show it with a 'swift expect' block and its 'output', or a 'swift traps' or 'swift fails' block"))
            }
        default:
            break
        }
        return div.node
    }

    /// Whether a cell of an answer checks what the answer states.
    private static func checksSomething(_ cell: Cell) -> Bool {
        switch cell {
        case .inline(let inline): inline.answer != nil
        case .block(let block): block.options.expectTolerance != nil || block.options.mode == .traps || block.options.mode == .fails
        }
    }

    /// Raw HTML against ``RawHTMLPolicy``: each violation an error at its line.
    private mutating func checkRawHTML(_ html: String, at position: MarkdownSourceRange?) {
        let bytes = Array(html.utf8)
        for violation in RawHTMLPolicy.violations(in: html) {
            let before = bytes[..<violation.offset]
            let newlines = before.count { $0 == UInt8(ascii: "\n") }
            let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            let line = (position?.startLine ?? 0) + newlines
            let column = newlines == 0 ? (position?.startColumn ?? 1) + violation.offset : violation.offset - lineStart + 1
            diagnostics.append(Diagnostic(file: path, line: line, column: column, message: violation.message))
        }
    }

    // MARK: Labels, cross-references and citations in text

    /// `{#name}` at the end of a heading: removed from its text, and returned.
    private static func takeAttribute(_ heading: inout MarkdownNode) -> String? {
        guard let last = heading.children.last, case .text(let text) = last.kind,
              let open = text.range(of: "{#", options: .backwards), text.hasSuffix("}") else { return nil }
        let name = String(text[open.upperBound..<text.index(before: text.endIndex)])
        guard !name.isEmpty, name.allSatisfy({ MarkdownReferenceSyntax.isKeyCharacter($0) }) else { return nil }
        let rest = String(text[..<open.lowerBound]).replacingOccurrences(of: " +$", with: "", options: .regularExpression)
        heading.children[heading.children.count - 1].kind = .text(rest)
        if rest.isEmpty { heading.children.removeLast() }
        return name
    }

    /// Inline content with adjacent text merged, `{#eq-…}` after display
    /// math taken as its label, and `@` references and citations split out.
    private mutating func inlines(_ children: [MarkdownNode]) -> [MarkdownNode] {
        // Each run of text nodes becomes one, at the first one's place (appended to one buffer: linear in its length).
        var merged: [MarkdownNode] = []
        var run: (first: MarkdownNode, text: String)?
        func endRun() {
            if let (first, text) = run { merged.append(MarkdownNode(.text(text), children: first.children, position: first.position)) }
            run = nil
        }
        for child in children {
            if case .text(let text) = child.kind {
                if run == nil { run = (child, text) } else { run!.text += text }
            } else {
                endRun()
                merged.append(child)
            }
        }
        endRun()
        var result: [MarkdownNode] = []
        for node in merged {
            guard case .text(var text) = node.kind else { result.append(node); continue }
            // `$$ … $$ {#eq-name}`: the label of the display math before it.
            if let last = result.last, case .math(var math) = last.kind, math.display,
               let label = Self.leadingAttribute(&text, prefix: "eq-") {
                math.label = label
                result[result.count - 1].kind = .math(math)
                define(label, number: nextNumber(.equation), at: last.position)
                if text.isEmpty { continue }
            }
            result += split(text, at: node.position)
        }
        return result
    }

    /// `{#prefix…}` at the start of `text` (after spaces): removed, and returned.
    private static func leadingAttribute(_ text: inout String, prefix: String) -> String? {
        let trimmed = text.drop { $0 == " " }
        guard trimmed.hasPrefix("{#" + prefix), let close = trimmed.firstIndex(of: "}") else { return nil }
        let name = String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 2)..<close])
        guard name.allSatisfy({ MarkdownReferenceSyntax.isKeyCharacter($0) }) else { return nil }
        text = String(trimmed[trimmed.index(after: close)...])
        return name
    }

    /// A text node split at its cross-references and citations, in time
    /// linear in its length: a `[` looks for its citation only up to the
    /// next `]` and only when no other `[` comes first (a citation's brackets
    /// hold no bracket), so no character is read for two brackets.
    private mutating func split(_ text: String, at position: MarkdownSourceRange?) -> [MarkdownNode] {
        let characters = Array(text)
        var nodes: [MarkdownNode] = [], plain = "", index = 0
        // The next `]` and the next `[` at or after each offset (characters.count for none).
        var nextClose: [Int] = [], nextOpen: [Int] = []
        if text.contains("[") {
            nextClose = Array(repeating: characters.count, count: characters.count + 1)
            nextOpen = nextClose
            for i in characters.indices.reversed() {
                nextClose[i] = characters[i] == "]" ? i : nextClose[i + 1]
                nextOpen[i] = characters[i] == "[" ? i : nextOpen[i + 1]
            }
        }
        // The UTF-8 length of the text before each offset, made when the first reference needs it.
        var utf8Before: [Int] = []
        func at(_ offset: Int) -> MarkdownSourceRange? {
            guard var p = position else { return nil }
            if utf8Before.isEmpty {
                utf8Before.reserveCapacity(characters.count + 1)
                utf8Before.append(0)
                for c in characters { utf8Before.append(utf8Before.last! + c.utf8.count) }
            }
            p.startColumn += utf8Before[offset]
            return p
        }
        func flush() {
            if !plain.isEmpty { nodes.append(MarkdownNode(.text(plain))); plain = "" }
        }
        while index < characters.count {
            let c = characters[index]
            if c == "[", case let close = nextClose[index + 1], close < characters.count, nextOpen[index + 1] > close,
               let items = MarkdownReferenceSyntax.bracketedItems(String(characters[(index + 1)..<close])) {
                flush()
                let where_ = at(index)
                for item in items {
                    citations.append(NameUse(name: item.key, line: where_?.startLine ?? 0, column: where_?.startColumn ?? 0, anchor: "cite-\(citationCount)"))
                }
                nodes.append(MarkdownNode(.citation(MarkdownCitation(items: items, narrative: false, id: citationCount)), position: where_))
                citationCount += 1
                index = close + 1
                continue
            }
            let startsWord = index == 0 || !(characters[index - 1].isLetter || characters[index - 1].isNumber || characters[index - 1] == "_")
            if c == "@", startsWord {
                let end = MarkdownReferenceSyntax.key(in: characters, from: index + 1)
                let name = String(characters[(index + 1)..<end])
                let where_ = at(index)
                if MarkdownReferenceSyntax.labelPrefixes.contains(where: { name.hasPrefix($0) && name.count > $0.count }) {
                    flush()
                    references.append(NameUse(name: name, line: where_?.startLine ?? 0, column: where_?.startColumn ?? 0))
                    nodes.append(MarkdownNode(.reference(name), position: where_))
                    index = end
                    continue
                }
                if citationKeys.contains(name) {
                    flush()
                    citations.append(NameUse(name: name, line: where_?.startLine ?? 0, column: where_?.startColumn ?? 0, anchor: "cite-\(citationCount)"))
                    nodes.append(MarkdownNode(.citation(MarkdownCitation(items: [.init(key: name, locator: "")], narrative: true, id: citationCount)),
                                              position: where_))
                    citationCount += 1
                    index = end
                    continue
                }
            }
            plain.append(c)
            index += 1
        }
        flush()
        if nodes.count == 1, case .text = nodes[0].kind { nodes[0].position = position }
        return nodes
    }

    /// A paragraph that is an image and `{#fig-name}`, as a numbered figure.
    private mutating func figure(_ paragraph: MarkdownNode) -> MarkdownNode? {
        guard paragraph.children.count == 2, case .image = paragraph.children[0].kind,
              case .text(var text) = paragraph.children[1].kind, let label = Self.leadingAttribute(&text, prefix: "fig-"),
              text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        define(label, number: nextNumber(.figure), at: paragraph.position)
        return MarkdownNode(.figure(label: label, number: ""), children: [paragraph.children[0]], position: paragraph.position)
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
        if let label = options.label {
            define(label, number: nextNumber(label.hasPrefix("tbl-") ? .table : .figure), at: node.position)
        }
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
