import Testing
@testable import Convbook

/// The renderer's safe/unsafe modes, hooks, and the generator's node kinds,
/// with ``MarkdownVisitor`` and ``MarkdownRewriter``.
struct MarkdownRenderingTests {
    private func parse(_ source: String) -> MarkdownDocument {
        MarkdownParser.parse(source: source, path: "test.md")
    }

    @Test func safeAndUnsafe() {
        let document = parse("<div>\n*x*\n</div>\n\n<b>bold</b> [a](javascript:alert(1)) <script>\n")
        #expect(MarkdownHTMLRenderer(unsafe: false).render(document) ==
            "<!-- raw HTML omitted -->\n<p><!-- raw HTML omitted -->bold<!-- raw HTML omitted --> <a href=\"\">a</a> <!-- raw HTML omitted --></p>\n")
        #expect(MarkdownHTMLRenderer(unsafe: true).render(document) ==
            "<div>\n*x*\n</div>\n<p><b>bold</b> <a href=\"javascript:alert(1)\">a</a> &lt;script></p>\n")
        #expect(MarkdownHTMLRenderer(unsafe: true, tagFilter: false).render(document).contains("<script>"))
    }

    @Test func codeBlockLanguageIsTheInfoStringsFirstWord() {
        let html = MarkdownHTMLRenderer(unsafe: true).render(parse("```swift hide <x>\nlet a = \"<&>\"\n```\n"))
        #expect(html == "<pre><code class=\"language-swift\">let a = &quot;&lt;&amp;&gt;&quot;\n</code></pre>\n")
    }

    @Test func headingIDHook() {
        var hooks = MarkdownHTMLHooks()
        hooks.headingID = { heading in
            heading.plainText.lowercased().split(separator: " ").joined(separator: "-")
        }
        let html = MarkdownHTMLRenderer(unsafe: true, hooks: hooks).render(parse("# Hello *World*\n\ntext\n"))
        #expect(html == "<h1 id=\"hello-world\">Hello <em>World</em></h1>\n<p>text</p>\n")
    }

    @Test func nodeHookReplacesMathAndWrapsBlocks() {
        let hooks = MarkdownHTMLHooks(node: { node, output, renderChildren in
            switch node.kind {
            case .math(let math):
                output.append(math.display ? "<katex-display>" : "<katex>")
                output.appendEscaped(math.tex)
                output.append("</katex>")
                return true
            case .blockQuote:
                output.cr()
                output.append("<aside>\n")
                renderChildren(&output)
                output.append("</aside>\n")
                return true
            default:
                return false
            }
        })
        let html = MarkdownHTMLRenderer(unsafe: true, hooks: hooks).render(parse("> $a<b$\n> - tight\n> - list\n"))
        #expect(html == "<aside>\n<p><katex>a&lt;b</katex></p>\n<ul>\n<li>tight</li>\n<li>list</li>\n</ul>\n</aside>\n")
    }

    /// Replaces inline expressions by their values and appends output after
    /// Swift code blocks, as the generator does.
    private struct Injector: MarkdownRewriter {
        mutating func rewrite(_ node: MarkdownNode) -> [MarkdownNode] {
            switch node.kind {
            case .inlineExpression(let expression):
                return [.text("<\(expression.code)=42>")]
            case .math(var math) where math.hasExpressions:
                math.segments = [.tex(math.tex(substituting: { _, _, _ in "42" }))]
                return [MarkdownNode(.math(math), position: node.position)]
            case .codeBlock(let block) where block.language == "swift":
                return [node, .rawHTML("<pre class=\"output\">42</pre>", block: true)]
            case .htmlBlock:
                return []
            default:
                return [rewriteChildren(of: node)]
            }
        }
    }

    @Test func rewriterInjectsOutput() {
        var injector = Injector()
        let document = injector.rewrite(parse("Value `{swift} x`, $y = `{swift} x`$.\n\n```swift\nx\n```\n\n<div>gone</div>\n"))
        let html = MarkdownHTMLRenderer(unsafe: false).render(document)
        #expect(html == """
            <p>Value &lt;x=42&gt;, <span class="math inline">\\(y = 42\\)</span>.</p>
            <pre><code class="language-swift">x
            </code></pre>
            <pre class="output">42</pre>

            """)
    }

    @Test func visitorCollectsInOrder() {
        struct Outline: MarkdownVisitor {
            var titles: [String] = []
            mutating func visit(_ node: MarkdownNode) {
                if case .heading(let level, _) = node.kind {
                    titles.append("\(level):\(node.plainText)")
                    return
                }
                visitChildren(of: node)
            }
        }
        var outline = Outline()
        outline.visit(parse("# A\n\n> ## B `c`\n\n- ### D $e$\n"))
        #expect(outline.titles == ["1:A", "2:B c", "3:D e"])
    }

    @Test func generatorNodesRender() {
        let root = MarkdownNode(.document, children: [
            MarkdownNode(.paragraph, children: [.text("a"), .math(tex: "x<y", display: false), .rawHTML("<b>", block: false)]),
            .rawHTML("<figure></figure>", block: true),
            MarkdownNode(.paragraph, children: [.math(tex: "\\int", display: true)]),
        ])
        #expect(MarkdownHTMLRenderer(unsafe: false).render(root) == """
            <p>a<span class="math inline">\\(x&lt;y\\)</span><b></p>
            <figure></figure>
            <p><span class="math display">\\[\\int\\]</span></p>

            """)
    }
}
