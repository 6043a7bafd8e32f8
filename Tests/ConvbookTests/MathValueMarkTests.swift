import Testing
@testable import Convbook

/// Inject's mark on a value it puts into math (``MathValueMark``): `\htmlData{v=N}{…}`,
/// in braces where TeX reads one argument, and what the typesetter and the search index make of it.
@Suite struct MathValueMarkTests {
    @Test func aValueIsMarkedWithItsLedgerIndex() {
        #expect(MathValueMark.wrap("12", ledger: 3, after: "y = ") == #"\htmlData{v=3}{12}"#)
        #expect(MathValueMark.wrap(#"1.5 \times 10^{-3}"#, ledger: 0, after: "") == #"\htmlData{v=0}{1.5 \times 10^{-3}}"#)
    }

    @Test func afterAScriptOrACommandTheMarkIsOneArgument() {
        #expect(MathValueMark.wrap("2", ledger: 4, after: "x_") == #"{\htmlData{v=4}{2}}"#)
        #expect(MathValueMark.wrap("2", ledger: 4, after: "x^ ") == #"{\htmlData{v=4}{2}}"#)
        #expect(MathValueMark.wrap("2", ledger: 4, after: #"\sqrt "#) == #"{\htmlData{v=4}{2}}"#)
        // A line break (`\\`) or an escaped character is no command; letters after one are not its name.
        #expect(!MathValueMark.takesOneArgument(#"a \\ "#))
        #expect(!MathValueMark.takesOneArgument(#"a \\x"#))
        #expect(!MathValueMark.takesOneArgument(#"\{ "#))
        #expect(!MathValueMark.takesOneArgument("y = "))
        #expect(MathValueMark.takesOneArgument(#"a \\\frac"#))
    }

    @Test func theSearchIndexReadsTheValueNotTheMark() {
        #expect(MathText.text(fromTeX: #"y_{\htmlData{v=4}{2}} = \htmlData{v=5}{12}"#) == "y_2 = 12")
    }

    @Test func katexTrustsTheMarksAndRefusesAnAuthorsHtmlDataAtItsLine() throws {
        let typesetter = Typesetter(store: nil, script: try #require(Theme.typesetScript))
        let marked = Typesetter.Formula(tex: "y = " + MathValueMark.wrap("12", ledger: 7, after: "y = "), display: false, values: 1)
        let html = try #require(try typesetter.typeset([.init(formula: marked, file: "a.md", line: 1, column: 1)]).math[marked])
        #expect(html.contains("data-v=\"7\"><span class=\"mord\">12</span></span>"))
        #expect(html.contains("<annotation encoding=\"application/x-tex\">y = 12</annotation>"), "the annotation reads without the mark")
        // The same TeX written by an author (no marks of inject's) is refused, at its line.
        let authors = Typesetter.Formula(tex: marked.tex, display: false, values: 0)
        #expect {
            try typesetter.typeset([.init(formula: authors, file: "chapters/02.md", line: 9, column: 3)])
        } throws: { error in
            "\(error)".contains("chapters/02.md:9:3: error: TeX error: refused \\htmlData")
        }
    }
}
