import Testing
@testable import Convbook

/// ``RawHTMLPolicy``, ``CharacterReferences``, ``BibliographyLink`` and the
/// parser's nesting limit, one input at a time (HostileInputTests runs them
/// through the binary).
@Suite struct RawHTMLPolicyTests {
    func refused(_ html: String) -> Bool { !RawHTMLPolicy.violations(in: html).isEmpty }

    @Test func codeAndNavigationAreRefusedInEveryDisguise() {
        for html in ["<img src=x onerror=alert(1)>", "<IMG SRC=x ONERROR=alert(1)>", "<img/onerror=alert(1) src=x>",
                     "<img src=x\nonerror=alert(1)>", "<svg onload=alert(1)>", "<body onpageshow=alert(1)>",
                     "<a href=\"javascript:alert(1)\">", "<a href='JaVaScRiPt:alert(1)'>", "<a href=javascript:alert(1)>",
                     "<a href=\" \u{01}\u{1F}javascript:alert(1)\">", "<a href=\"java\tscript:alert(1)\">",
                     "<a href=\"&#106;avascript:alert(1)\">", "<a href=\"&#0000106avascript:alert(1)\">",
                     "<a href=\"&#x6a;avascript:alert(1)\">", "<a href=\"&#X6A&#x61;vascript:alert(1)\">",
                     "<a href=\"javascript&colon;alert(1)\">", "<a href=\"java&Tab;script:alert(1)\">",
                     "<a href=\"java&NewLine;script:alert(1)\">", "<a href=\"vbscript:x\">", "<object data=\"data:text/html,x\">",
                     "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">", "<img srcset=\"a.png 1x, javascript:alert(1) 2x\">",
                     "<svg><animate attributeName=href values=\"x;javascript:alert(1)\"/></svg>",
                     "<script>alert(1)</script>", "<SCRIPT SRC=x></SCRIPT>", "<iframe src=x>", "<object data=x>", "<embed src=x>",
                     "<base href=x>", "<meta http-equiv=refresh content=\"0;url=x\">", "<frameset>", "<applet code=x>",
                     "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
                     "<div title=\"open", "<div", "<!-- never closed", "<!doctype html", "<a href=x\n"] {
            #expect(refused(html), "\(html)")
        }
    }

    @Test func whatRunsNoCodeIsAllowed() {
        for html in ["<div class=\"note\">", "</div>", "<a href=\"https://example.org/?a=1&amp;b=2\">", "<a href=\"#sec-a\">",
                     "<img src=\"figure.png\" alt=\"a: b\" width=200>", "<span title=\"one: two\">", "<kbd>⌘</kbd>",
                     "<details><summary>More</summary>", "<!-- note -->", "<!-->", "<!--->", "<!DOCTYPE html>",
                     "<meta charset=\"utf-8\">", "<p title='on: javascript'>", "<a href=\"mailto:a@example.org\">",
                     "</a onclick=x>", "a < b and c > d", "<img src=x/onerror=alert(1)>"] {
            #expect(!refused(html), "\(html): \(RawHTMLPolicy.violations(in: html))")
        }
    }

    @Test func aCommentEndsWhereABrowserEndsIt() {
        // `--!>` and the abrupt `<!-->` end a comment: what follows is read as tags.
        #expect(refused("<!-- a --!><img src=x onerror=alert(1)>"))
        #expect(refused("<!--><img src=x onerror=alert(1)>"))
        #expect(!refused("<!-- <img src=x onerror=alert(1)> -->"))
        #expect(RawHTMLPolicy.isComment("<!-- note -->\n"))
        #expect(!RawHTMLPolicy.isComment("<!-- note --> <img src=x onerror=alert(1)>\n"))
    }

    @Test func violationsSayWhereAndWhy() {
        let violations = RawHTMLPolicy.violations(in: "<p>\n<img src=x onerror=alert(1)>")
        #expect(violations.count == 1)
        #expect(violations.first?.offset == 15)
        #expect(violations.first?.message.contains("'onerror' on <img>") == true)
    }

    @Test func characterReferencesDecodeAsInAnAttribute() {
        #expect(CharacterReferences.decode("&#106;&#x61;&#X76&#0097;") == "java")
        #expect(CharacterReferences.decode("a&colon;b&Tab;c&unknown;&copy;") == "a:b\tc&unknown;&copy;")
        #expect(CharacterReferences.decode("&#0;&#xD800;&#99999999;") == "\u{FFFD}\u{FFFD}\u{FFFD}")
    }

    @Test func bibliographyLinksAreHTTPOrDOIsOnly() {
        for url in ["https://example.org/a", "HTTP://example.org", "https://cs231n.github.io/neural-networks-3/#gradcheck"] {
            #expect(BibliographyLink.problem(field: "url", value: url) == nil, "\(url)")
        }
        for url in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "file:///etc/passwd", "//example.org",
                    "notes.txt", "https://", "https://a b", "https://a\u{7F}b"] {
            #expect(BibliographyLink.problem(field: "url", value: url) != nil, "\(url)")
        }
        #expect(BibliographyLink.href(url: nil, doi: "10.1000/xyz") == "https://doi.org/10.1000/xyz")
        #expect(BibliographyLink.href(url: nil, doi: "https://doi.org/10.1000/xyz") == "https://doi.org/10.1000/xyz")
        #expect(BibliographyLink.href(url: nil, doi: "doi:10.1000/xyz") == "https://doi.org/10.1000/xyz")
        for doi in ["javascript:alert(1)", "10.1000", "10.abc/x", "11.1000/x", "10.1000/x y"] {
            #expect(BibliographyLink.problem(field: "doi", value: doi) != nil, "\(doi)")
        }
    }

    @Test func aBibliographyURLIsCheckedWhereItIsWritten() throws {
        #expect(throws: Diagnostic.self) { try Bibliography.parse("@misc{a,\n title = {T},\n url = {javascript:alert(1)}\n}", file: "r.bib") }
        do {
            _ = try Bibliography.parse("@misc{a,\n title = {T},\n url = { JaVaScRiPt:alert(1)}\n}", file: "r.bib")
            Issue.record("a javascript: URL was accepted")
        } catch {
            #expect(error.line == 3)
            #expect(error.message.contains("not an http:// or https:// URL"))
        }
    }

    @Test func nestingPastTheLimitGivesAnEmptyTreeAndWhere() {
        let deep = MarkdownParser.parse(source: "# A\n\n" + String(repeating: "> ", count: 3000) + "x\n", path: "a.md")
        #expect(deep.nestingTooDeep?.startLine == 3)
        #expect(deep.root.children.isEmpty)
        let list = MarkdownParser.parse(source: String(repeating: "- ", count: 5000) + "x\n", path: "a.md")
        #expect(list.nestingTooDeep?.startLine == 1)
        // 98 quotes: the text is 100 levels down, the limit.
        let fine = MarkdownParser.parse(source: String(repeating: ">", count: 98) + " x\n", path: "a.md")
        #expect(fine.nestingTooDeep == nil)
        #expect(MarkdownParser.parse(source: String(repeating: ">", count: 99) + " x\n", path: "a.md").nestingTooDeep != nil)
        let loaded = ChapterDocument(markdown: String(repeating: "*", count: 400) + "x" + String(repeating: "*", count: 400), path: "a.md")
        #expect(loaded.diagnostics.count == 1)
        #expect(loaded.diagnostics.first?.description.hasPrefix("a.md:1:") == true)
        #expect(loaded.diagnostics.first?.message.contains("nested more than 100 levels deep") == true)
    }
}
