import Testing
@testable import Convbook

/// Math (the cmark-gfm extension in `CCmarkExtensions`) and inline expressions (``MarkdownParser``).
struct MarkdownMathTests {
    private func html(_ source: String, math: Bool = true) -> String {
        MarkdownHTMLRenderer(unsafe: true).render(
            MarkdownParser.parse(source: source, path: "test.md", options: .init(math: math)))
    }

    @Test func texReachesTheMathNodeAsWritten() {
        let math = MarkdownNodeCollector.math(in: #"Let $\alpha_1 * \beta_2^* \\ \{x\}$ and $$\sum_{i=1}^{n} a_i * b_i$$."#)
        #expect(math == [
            MarkdownMath(tex: #"\alpha_1 * \beta_2^* \\ \{x\}"#, display: false),
            MarkdownMath(tex: #"\sum_{i=1}^{n} a_i * b_i"#, display: true),
        ])
    }

    @Test func underscoresAndAsterisksDoNotBecomeEmphasis() {
        #expect(html("$a_1 b_2$ and $x*y*z$\n") ==
            #"<p><span class="math inline">\(a_1 b_2\)</span> and <span class="math inline">\(x*y*z\)</span></p>"# + "\n")
    }

    @Test func dollarsInCodeAreNeverMath() {
        let source = """
            Use `$x$` and ``a $b$ c``.

            ```tex
            $x_1$
            ```

                $y_2$
            """
        #expect(MarkdownNodeCollector.math(in: source).isEmpty)
        #expect(html(source) == html(source, math: false))
    }

    @Test func pricesStayText() {
        for source in ["It costs $5 and $6.", "From $5 to $10", "$x$5", "$ x$", "$x $", "a $ b $ c", "$$ $$"] {
            #expect(MarkdownNodeCollector.math(in: source).isEmpty, "\(source)")
            #expect(html(source) == html(source, math: false), "\(source)")
        }
    }

    @Test func escapedDollarIsLiteral() {
        #expect(MarkdownNodeCollector.math(in: #"A literal \$x$ here"#).isEmpty)
        #expect(html(#"A literal \$x$ here"#) == "<p>A literal $x$ here</p>\n")
        #expect(MarkdownNodeCollector.math(in: #"$a \$ b$"#) == [MarkdownMath(tex: #"a \$ b"#, display: false)])
    }

    @Test func pandocRulesForClosers() {
        // Whitespace before a `$` ends the attempt; the next `$` may open again.
        #expect(MarkdownNodeCollector.math(in: "$a $b$") == [MarkdownMath(tex: "b", display: false)])
        #expect(MarkdownNodeCollector.math(in: "$5 and 6$ more") == [MarkdownMath(tex: "5 and 6", display: false)])
        #expect(MarkdownNodeCollector.math(in: "$a$$b$") == [MarkdownMath(tex: "a", display: false), MarkdownMath(tex: "b", display: false)])
        #expect(MarkdownNodeCollector.math(in: #"$\text{costs $5}$"#) == [MarkdownMath(tex: #"\text{costs $5}"#, display: false)])
    }

    @Test func rawHTMLAndAutolinksHideDollars() {
        let source = #"<span title="$x$">$y$</span> <http://a.com/$z$> <!-- $w$ -->"#
        #expect(MarkdownNodeCollector.math(in: source) == [MarkdownMath(tex: "y", display: false)])
    }

    @Test func mathNeverLeavesItsParagraph() {
        #expect(MarkdownNodeCollector.math(in: "$a\n\nb$").isEmpty)
        #expect(MarkdownNodeCollector.math(in: "$$\na\n\nb\n$$").isEmpty)
        #expect(MarkdownNodeCollector.math(in: "| a | b |\n|---|---|\n| $x | y$ |").isEmpty)
    }

    @Test func pipesInTableMath() {
        let source = "| a | b |\n|---|---|\n| $\\|x\\|$ | `{swift} a \\|\\| b` |\n"
        #expect(MarkdownNodeCollector.math(in: source) == [MarkdownMath(tex: "|x|", display: false)])
        #expect(MarkdownNodeCollector.expressions(in: source).map(\.code) == ["a || b"])
    }

    @Test func multilineDisplayMathKeepsLaterLineNumbers() {
        let source = """
            Intro
            $$
            \\begin{aligned}
              a &= b_1 \\\\
              c &= d_*
            \\end{aligned}
            $$
            after.

            > $$
            > x_1
            > $$

            # Heading

            ```swift
            let x = 1
            ```
            """
        let root = MarkdownParser.parse(source: source, path: "test.md").root
        let plain = MarkdownParser.parse(source: source, path: "test.md", options: .init(math: false)).root
        #expect(MarkdownNodeCollector.math(in: source) == [
            // cmark strips a paragraph's continuation lines of their indentation.
            MarkdownMath(tex: "\n\\begin{aligned}\na &= b_1 \\\\\nc &= d_*\n\\end{aligned}\n", display: true),
            MarkdownMath(tex: "\nx_1\n", display: true),
        ])
        let blocks = { (root: MarkdownNode) in
            MarkdownNodeCollector.collect(root) { $0.kind.isBlock }.map { $0.position }
        }
        #expect(blocks(root) == blocks(plain))
        let mathNodes = MarkdownNodeCollector.collect(root) { if case .math = $0.kind { true } else { false } }
        #expect(mathNodes.map(\.position) == [
            MarkdownSourceRange(startLine: 2, startColumn: 1, endLine: 7, endColumn: 2),
            MarkdownSourceRange(startLine: 10, startColumn: 3, endLine: 12, endColumn: 4),
        ])
        let code = MarkdownNodeCollector.collect(root) { if case .codeBlock = $0.kind { true } else { false } }
        #expect(code.first?.position?.startLine == 16)
        #expect(code.first?.firstCodeLine == 17)
        #expect(html(source).contains("<p>Intro\n<span class=\"math display\">\\[\n\\begin{aligned}"))
        #expect(html(source).contains("\\end{aligned}\n\\]</span>\nafter.</p>"))
    }

    @Test func inlineMathOverTwoLines() {
        #expect(html("Quote $a\nb_1$ end\n") == "<p>Quote <span class=\"math inline\">\\(a\nb_1\\)</span> end</p>\n")
        #expect(html("> q $a\n> b_1$ end\n") == "<blockquote>\n<p>q <span class=\"math inline\">\\(a\nb_1\\)</span> end</p>\n</blockquote>\n")
    }

    @Test func inlineExpressionsOutsideMath() {
        let source = "Total: `{swift} total(1, 2)` items,\nmean `` {swift} xs.mean() ``.\n"
        let expressions = MarkdownNodeCollector.expressions(in: source)
        #expect(expressions == [
            MarkdownInlineExpression(code: "total(1, 2)", line: 1, column: 17, id: 0),
            MarkdownInlineExpression(code: "xs.mean()", line: 2, column: 17, id: 1),
        ])
        #expect(html(source) == html(source, math: false))
        // An ordinary code span stays code.
        #expect(MarkdownNodeCollector.expressions(in: "`swift x` and `{swiftly} y`").isEmpty)
    }

    @Test func inlineExpressionsInsideMath() {
        let source = "Loss\n$L = `{swift} loss` \\cdot \\frac{1}{`{swift} n`}$ and\n$$\\sum_i `{swift} w[0]`$$\n"
        let math = MarkdownNodeCollector.math(in: source)
        #expect(math == [
            MarkdownMath(segments: [.tex("L = "), .expression(code: "loss", line: 2, column: 15, id: 0),
                                    .tex(" \\cdot \\frac{1}{"), .expression(code: "n", line: 2, column: 45, id: 1), .tex("}")],
                         display: false),
            MarkdownMath(segments: [.tex("\\sum_i "), .expression(code: "w[0]", line: 3, column: 19, id: 2)], display: true),
        ])
        #expect(math[0].tex(substituting: { id, code in code == "loss" && id == 0 ? "0.5" : "10" }) == "L = 0.5 \\cdot \\frac{1}{10}")
        // The expression's `$` and backticks do not close the math.
        #expect(MarkdownNodeCollector.math(in: "$a `{swift} \"$\"` b$") ==
            [MarkdownMath(segments: [.tex("a "), .expression(code: "\"$\"", line: 1, column: 13, id: 0), .tex(" b")], display: false)])
    }

    @Test func positionsAfterMathOnTheSameLine() {
        let root = MarkdownParser.parse(source: "$\\alpha_1^2$ and *b* [c](d)\n", path: "t.md").root
        let emphasis = MarkdownNodeCollector.collect(root) { $0.kind == .emphasis }
        let link = MarkdownNodeCollector.collect(root) { if case .link = $0.kind { true } else { false } }
        #expect(emphasis.first?.position == MarkdownSourceRange(startLine: 1, startColumn: 18, endLine: 1, endColumn: 20))
        #expect(link.first?.position == MarkdownSourceRange(startLine: 1, startColumn: 22, endLine: 1, endColumn: 27))
    }

    @Test func mathInEveryKindOfInlineContainer() {
        // Headings, emphasis, links, image descriptions, list items.
        let source = "# $h_1$\n\n*$a*b$* [$c_d$](u) ![$e$](i.png)\n\n- $f$\n"
        #expect(MarkdownNodeCollector.math(in: source).map(\.tex) == ["h_1", "a*b", "c_d", "e", "f"])
    }

    @Test("Math never changes the block structure; it is found in the blocks cmark made", arguments: [
        // A line starting with ``` and holding a backtick is no fence: a paragraph, with math after the backticks.
        ("```$`{swift} y`^2$\naaa\n```\n", ["`{swift} y`^2"]),
        // Line 1 is a reference definition; the paragraph is line 2.
        ("[foo]: /ur$a\nb$l \"$$title\"\n\n[foo]\n", ["l \""]),
        // One header cell against two delimiter cells: no table, so the `|` is the math's.
        ("$a|b$\n|-|\n", ["a|b"]),
    ])
    func mathInTheBlocksCmarkMade(source: String, tex: [String]) {
        #expect(MarkdownNodeCollector.math(in: source).map(\.tex) == tex)
        let blocks = { (math: Bool) in
            MarkdownNodeCollector.collect(MarkdownParser.parse(source: source, path: "t.md", options: .init(math: math)).root) { $0.kind.isBlock }
                .map { "\($0.position!)" }
        }
        #expect(blocks(true) == blocks(false))
    }

    @Test func positionsAfterMultilineMathAndInBlockQuotes() {
        let source = "Text $$\na\nb\n$$ then `{swift} x` and [l](u)\n\n> q `{swift} z`\n> $w + `{swift} v`$\n"
        #expect(MarkdownNodeCollector.expressions(in: source) == [
            MarkdownInlineExpression(code: "x", line: 4, column: 18, id: 0),
            MarkdownInlineExpression(code: "z", line: 6, column: 14, id: 1),
        ])
        let root = MarkdownParser.parse(source: source, path: "t.md").root
        let link = MarkdownNodeCollector.collect(root) { if case .link = $0.kind { true } else { false } }
        #expect(link.first?.position?.startLine == 4)
        let math = MarkdownNodeCollector.collect(root) { if case .math = $0.kind { true } else { false } }
        #expect(math.map { [$0.position!.startLine, $0.position!.startColumn] } == [[1, 6], [7, 3]])
        #expect(MarkdownNodeCollector.math(in: source).last?.segments == [.tex("w + "), .expression(code: "v", line: 7, column: 17, id: 2)])
    }
}
