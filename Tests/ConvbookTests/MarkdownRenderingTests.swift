import Testing
@testable import Convbook

/// The renderer's safe/unsafe modes and the chapter's node kinds,
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

    @Test func anchoredHeadingsAndTypesetMath() {
        var document = parse("# Hello *World*\n\n$a<b$ and $$c$$\n")
        document.root.children[0].kind = .heading(level: 1, setext: false, id: "hello-world")
        let html = MarkdownHTMLRenderer(unsafe: true, typeset: .init(math: [.init(tex: "a<b", display: false): "<katex>a&lt;b</katex>"])).render(document)
        #expect(html == """
            <h1 id="hello-world">Hello <em>World</em><a class="anchor" href="#hello-world" aria-label="Link to this section">#</a></h1>
            <p><katex>a&lt;b</katex> and <span class="math display">\\[c\\]</span></p>

            """)
    }

    /// Replaces inline expressions by their values and Swift code blocks by
    /// cells with output, as the generator's inject does.
    private struct Injector: MarkdownRewriter {
        mutating func rewrite(_ node: MarkdownNode) -> [MarkdownNode] {
            switch node.kind {
            case .inlineExpression(let expression):
                return [MarkdownNode(.extension(MarkdownExtension(InjectedValue(text: "<\(expression.code)=42>"))))]
            case .math(var math) where math.hasExpressions:
                math.segments = [.tex(math.tex(substituting: { _, _ in "42" }))]
                return [MarkdownNode(.math(math), position: node.position)]
            case .codeBlock(let block) where block.language == "swift":
                return [MarkdownNode(.extension(MarkdownExtension(InjectedCell(id: 0, code: nil, output: .init(items: [.text("42\n")])))))]
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
            <p>Value <span class="cb-value">&lt;x=42&gt;</span>, <span class="math inline">\\(y = 42\\)</span>.</p>
            <div class="cb-cell" id="cell-1">
            <div class="cb-output" tabindex="0">
            <pre class="cb-stdout"><code>42
            </code></pre>
            </div>
            </div>

            """)
    }

    @Test func visitorCollectsInOrder() {
        struct Outline: MarkdownVisitor {
            var titles: [String] = []
            mutating func visit(_ node: MarkdownNode) {
                if case .heading(let level, _, _) = node.kind {
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

    @Test func chapterNodesRender() {
        let root = MarkdownNode(.document, children: [
            MarkdownNode(.paragraph, children: [.text("a"), .math(tex: "x<y", display: false), MarkdownNode(.extension(MarkdownExtension(InjectedValue(text: "<b>"))))]),
            MarkdownNode(.extension(MarkdownExtension(CellPlaceholder(id: 0)))),
            MarkdownNode(.paragraph, children: [.math(tex: "\\int", display: true)]),
        ])
        #expect(MarkdownHTMLRenderer(unsafe: false).render(root) == """
            <p>a<span class="math inline">\\(x&lt;y\\)</span><span class="cb-value">&lt;b&gt;</span></p>
            <p><span class="math display">\\[\\int\\]</span></p>

            """)
    }

    @Test func calloutsAreGitHubAlerts() {
        let loaded = ChapterDocument(markdown: "> [!WARNING]\n> Mind the *stride*.\n>\n> Second.\n\n> [!tip]\n> Lower case.\n\n> [!NOTE] text on the marker line\n\n> [!NOPE]\n> x\n\n> [!CAUTION]\n", path: "t.md")
        let kinds = loaded.document.root.children.map(\.kind)
        #expect(kinds == [.callout(.warning), .callout(.tip), .blockQuote, .blockQuote, .callout(.caution)])
        let html = MarkdownHTMLRenderer(unsafe: true).render(MarkdownNode(.document, children: [loaded.document.root.children[0]]))
        #expect(html.hasPrefix("<div class=\"cb-callout cb-callout-warning\" role=\"note\">\n<p class=\"cb-callout-title\"><svg class=\"cb-callout-icon\""))
        #expect(html.hasSuffix("Warning</p>\n<p>Mind the <em>stride</em>.</p>\n<p>Second.</p>\n</div>\n"))
    }

    @Test func aCalloutTakesTheLabelAfterItsMarkerAsItsId() {
        let loaded = ChapterDocument(markdown: "> [!WARNING] {#pit-stride}\n> Mind the stride.\n\n> [!TIP] {#not a label}\n> x\n\n> [!NOTE] {#pit-stride}\n> again\n", path: "t.md")
        let kinds = loaded.document.root.children.map(\.kind)
        #expect(kinds == [.callout(.warning, id: "pit-stride"), .blockQuote, .callout(.note, id: "pit-stride")])
        #expect(loaded.anchors.contains("pit-stride"))
        #expect(loaded.diagnostics.map(\.message) == ["the callout's label 'pit-stride' is already an anchor of this chapter"])
        #expect(loaded.diagnostics.first?.line == 7)
        let html = MarkdownHTMLRenderer(unsafe: true).render(MarkdownNode(.document, children: [loaded.document.root.children[0]]))
        #expect(html.hasPrefix("<div class=\"cb-callout cb-callout-warning\" id=\"pit-stride\" role=\"note\">\n"))
        #expect(html.hasSuffix("Warning</p>\n<p>Mind the stride.</p>\n</div>\n"))
    }
}
