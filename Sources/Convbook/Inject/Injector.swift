/// Weaves a chapter's results into its Markdown: each Swift block becomes its
/// code (unless hidden) followed by its output (unless hidden), each inline
/// expression becomes its value, and expressions inside math become TeX.
/// The `output` block after an `expect` block is dropped: the actual output,
/// which matched it, is shown instead.
struct Injector: MarkdownRewriter {
    let chapter: Chapter
    let result: ExecutionResult
    let locator: Locator
    private var blockIndex = 0
    private var inlineIndex = 0
    private var dropNextOutputBlock = false

    init(chapter: Chapter, result: ExecutionResult) {
        self.chapter = chapter
        self.result = result
        self.locator = Locator(program: chapter.program, chapterPath: chapter.path)
    }

    mutating func rewrite(_ node: MarkdownNode) -> [MarkdownNode] {
        switch node.kind {
        case .codeBlock(let code) where code.isFenced && BlockOptions.isSwift(code.info):
            defer { blockIndex += 1 }
            guard let block = chapter.program.block(blockIndex) else { return [node] }
            dropNextOutputBlock = block.expectedOutput != nil
            return [.rawHTML(blockHTML(block), block: true)]
        case .codeBlock(let code) where dropNextOutputBlock && code.info == "output":
            dropNextOutputBlock = false
            return []
        case .inlineExpression:
            defer { inlineIndex += 1 }
            let value = inlineIndex < result.inlines.count ? result.inlines[inlineIndex] : nil
            let text = value.map(OutputHTML.inlineText) ?? "?"
            return [.rawHTML("<span class=\"cb-value\">\(OutputHTML.escape(text))</span>", block: false)]
        case .math(let math) where math.hasExpressions:
            var substituted = math
            substituted.segments = math.segments.map { segment in
                guard case .expression = segment else { return segment }
                defer { inlineIndex += 1 }
                let value = inlineIndex < result.inlines.count ? result.inlines[inlineIndex] : nil
                return .tex(value.map(OutputHTML.tex) ?? "?")
            }
            return [MarkdownNode(.math(substituted), position: node.position)]
        default:
            dropNextOutputBlock = false   // only the block right after `expect` is its expected output
            return [rewriteChildren(of: node)]
        }
    }

    private func blockHTML(_ block: CodeCell) -> String {
        var html = "<div class=\"cb-cell\" id=\"cell-\(block.index + 1)\">\n"
        if block.options.showCode {
            html += "<pre class=\"cb-code\"><code class=\"language-swift\">\(SwiftHighlighter.html(block.code))</code></pre>\n"
        }
        let blockResult = block.index < result.blocks.count ? result.blocks[block.index] : nil
        if block.options.showOutput, let blockResult {
            var output = blockResult.items.map { OutputHTML.item($0) }.joined()
            if let errors = blockResult.compilerErrors {
                // Named by the file's name alone, so the page does not depend on where convbook ran.
                let lines = errors.map { message -> String in
                    var diagnostic = locator.diagnostic(message)
                    diagnostic.file = chapter.file.url.lastPathComponent
                    return diagnostic.description
                }
                output += "<pre class=\"cb-compiler-error\"><code>\(OutputHTML.escape(lines.joined(separator: "\n")))</code></pre>\n"
            }
            if let trap = blockResult.trapMessage {
                output += "<pre class=\"cb-trap\"><code>\(OutputHTML.escape(trap))</code></pre>\n"
            }
            if !output.isEmpty { html += "<div class=\"cb-output\">\n\(output)</div>\n" }
        }
        return html + "</div>"
    }
}
