import Testing
@testable import Convbook

/// TeX as plain text for the search index (``MathText``, ``SearchIndex``).
struct MathTextTests {
    private func text(_ tex: String) -> String { MathText.text(fromTeX: tex) }

    @Test func aSumReadsFromItsLowerLimitToItsUpper() {
        #expect(text(#"\sum_{a=0}^{HH-1} x_{i+a}"#) == "∑ a=0 … HH−1 x_(i+a)")
        #expect(text(#"\max_{i} y_i"#) == "max i y_i")
    }

    @Test func symbolsFractionsAndGroupsReadAsText() {
        #expect(text(#"\frac{\partial L}{\partial x}"#) == "∂L/∂x")
        #expect(text(#"\tfrac{a+b}{2}"#) == "(a+b)/2")
        #expect(text(#"dx = dy \star \operatorname{rot180}(w)"#) == "dx = dy ⋆ rot180 (w)")
        #expect(text(#"\alpha \cdot \beta \le \gamma"#) == "α · β ≤ γ")
        #expect(text(#"\left\lfloor \frac{H - HH}{s} \right\rfloor + 1"#) == "⌊ (H − HH)/s ⌋ + 1")
        #expect(text(#"x^2 + x^{n+1} + \tilde{w}"#) == "x^2 + x^(n+1) + w̃")
        #expect(text(#"\sqrt{2}\,\mathbf{x}"#) == "√2 x")
    }

    @Test func textFontsAndEnvironmentsKeepOnlyWhatTheyHold() {
        #expect(text(#"\text{valid, length } W'"#) == "valid, length W′")
        #expect(text(#"\begin{aligned} db &= \textstyle\sum_i dy_i \\ dw &= x \end{aligned}"#) == "db = ∑ i dy_i ; dw = x")
        #expect(text(#"a \xrightarrow{\text{pad}} b"#) == "a →(pad) b")
        #expect(text(#"\unknowncommand{k} \{x\}"#) == "k {x}")
    }

    @Test func noBackslashSurvives() {
        let tex = ##"\big( \mathsf{x}_{n,c} \big) \qquad \lVert v \rVert_2 \; \href{https://e.org}{e} \htmlClass{c}{z} \\ \% \#"##
        let plain = text(tex)
        #expect(!plain.contains("\\"), "\(plain)")
        #expect(!plain.contains("{") && !plain.contains("}"), "\(plain)")
    }

    @Test func theSearchIndexHoldsMathAsText() {
        let document = MarkdownParser.parse(source: "# T\n\n## The sum $\\sum_i a_i$\n\nIt is $$\\sum_{a=0}^{HH-1} w_a$$ here.\n",
                                            path: "s.md", options: .init(math: true))
        let entries = SearchIndex.entries(page: .init(slug: "s", title: "T"), document: document)
        #expect(entries.last?.s == "The sum ∑ i a_i")
        #expect(entries.last?.x == "It is ∑ a=0 … HH−1 w_a here.")
    }
}
