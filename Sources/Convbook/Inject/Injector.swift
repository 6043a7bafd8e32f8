import ConvbookFormat

/// Weaves a chapter's results into its Markdown, by cell id: each
/// ``CellPlaceholder`` becomes an ``InjectedCell`` (its code unless hidden,
/// its output unless hidden), each inline expression an ``InjectedValue``,
/// and each expression inside math the value's TeX, marked with its ledger
/// index (``MathValueMark``). It writes no HTML: Render does.
///
/// ```swift
/// var injector = Injector(chapter: chapter, result: result)
/// let woven = injector.rewrite(chapter.parsedDocument())
/// ```
struct Injector: MarkdownRewriter {
    let chapter: Chapter
    let result: ExecutionResult
    let locator: Locator
    /// Where each value lies in the chapter's slice of the ledger.
    let positions: LedgerPositions

    init(chapter: Chapter, result: ExecutionResult) {
        self.chapter = chapter
        self.result = result
        self.locator = Locator(program: chapter.program, chapterPath: chapter.path)
        self.positions = LedgerPositions(of: result, program: chapter.program)
    }

    mutating func rewrite(_ node: MarkdownNode) -> [MarkdownNode] {
        switch node.kind {
        case .extension(let custom):
            guard let placeholder = custom.payload as? CellPlaceholder else { return [rewriteChildren(of: node)] }
            guard let block = chapter.program.block(placeholder.id) else { return [] }
            return [MarkdownNode(.extension(MarkdownExtension(cell(block))), position: node.position)]
        case .inlineExpression(let expression):
            let text = value(expression.id).map(ValueText.inline) ?? "?"
            let injected = InjectedValue(text: text, ledger: positions.inlines[expression.id])
            return [MarkdownNode(.extension(MarkdownExtension(injected)), position: node.position)]
        case .math(let math) where math.hasExpressions:
            // Each value's TeX, marked with its ledger index (MathValueMark) for its provenance popover.
            var tex = "", values = 0
            for segment in math.segments {
                switch segment {
                case .tex(let text): tex += text
                case .expression(_, _, _, let id):
                    guard let published = value(id) else { tex += "?"; continue }
                    guard let ledger = positions.inlines[id] else { tex += ValueText.tex(published); continue }
                    tex += MathValueMark.wrap(ValueText.tex(published), ledger: ledger, after: tex)
                    values += 1
                }
            }
            var woven = math
            woven.segments = [.tex(tex)]
            woven.values = values
            return [MarkdownNode(.math(woven), position: node.position)]
        default:
            return [rewriteChildren(of: node)]
        }
    }

    private func value(_ id: Int) -> PublishedValue? {
        id < result.inlines.count ? result.inlines[id] : nil
    }

    private func cell(_ block: CodeCell) -> InjectedCell {
        var cell = InjectedCell(id: block.index, code: block.shownCode,
                                label: block.options.label, caption: block.options.caption)
        guard block.options.showOutput, block.index < result.blocks.count else { return cell }
        let blockResult = result.blocks[block.index]
        // Compiler errors name the file alone, so the page does not depend on where convbook ran.
        let errors = blockResult.compilerErrors.map { messages in
            messages.map { message -> String in
                var diagnostic = locator.diagnostic(message)
                diagnostic.file = chapter.file.url.lastPathComponent
                return diagnostic.description
            }
        }
        cell.output = InjectedCell.Output(items: blockResult.items, compilerErrors: errors, trap: blockResult.trapMessage,
                                          ledger: positions.items[blockResult.index] ?? [])
        return cell
    }
}
