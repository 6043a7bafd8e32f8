import Foundation
import Testing
@testable import Convbook

/// A page's previews file (``ReferencePreviews``): each target of the
/// chapter's text cut as the card shows it, and only the hoisted rules they use.
@Suite struct ReferencePreviewsTests {
    static let page = """
    <html><head><style id="cb-hoisted">.ks000001{top:-1em!important}.ks000002{height:2em!important}.ks000003{width:3em!important}</style></head>
    <body><aside class="toc"><a href="#sec-a" id="sec-toc">A</a></aside>
    <article class="chapter" data-formula-count="1">
    <h1 id="the-title">Title<a class="anchor" href="#the-title">#</a></h1>
    <h2 id="sec-a">Section A<a class="anchor" href="#sec-a">#</a></h2>
    <div class="cb-cell" id="cell-1"><pre>code</pre></div>
    <p>First <b>paragraph</b>.</p>
    <!-- a comment <p>not a tag</p> -->
    <p>Second, with <span class="katex"><span class="mord ks000001">x</span></span>.</p>
    <p>Third: not taken.</p>
    <h2 id="sec-b">Section B</h2>
    <p>Only one.</p>
    <ul><li>a list ends them</li></ul>
    <p>Not taken.</p>
    <p><span class="cb-equation" id="eq-e"><span class="katex-display"><span class="ks000002">y</span><br></span><span class="cb-eqno">(1.1)</span></span></p>
    <div class="cb-callout" id="pit-p" role="note"><p class="cb-callout-title"><svg viewBox="0 0 1 1"><path d="M0 0"/></svg>Warning</p><p>One.</p><p>Two.</p><p>Three.</p></div>
    <div class="cb-exercise" id="ex-x"><p class="cb-exercise-title">Exercise 1.1</p><p>Question.</p><details class="cb-answer"><summary>Answer</summary><p>Secret.</p></details></div>
    <figure class="cb-float" id="fig-f"><img src="a.svg" alt="A"><figcaption>Figure 1.1: a</figcaption></figure>
    <script>if (a < b) document.write("<p id='sec-fake'>")</script>
    </article>
    <p id="sec-after">After the article.</p>
    </body></html>
    """

    @Test func eachTargetIsCutAsTheCardShowsIt() {
        let previews = ReferencePreviews.previews(of: Self.page)
        #expect(previews.targets.keys.sorted() == ["eq-e", "ex-x", "fig-f", "pit-p", "sec-a", "sec-b"])
        // A heading: its first two paragraphs, the blocks before the first skipped.
        #expect(previews.targets["sec-a"] == ##"<h2 id="sec-a">Section A<a class="anchor" href="#sec-a">#</a></h2>"##
            + "<p>First <b>paragraph</b>.</p>" + ##"<p>Second, with <span class="katex"><span class="mord ks000001">x</span></span>.</p>"##)
        // A block after a paragraph ends them.
        #expect(previews.targets["sec-b"] == ##"<h2 id="sec-b">Section B</h2><p>Only one.</p>"##)
        // A div: its first three paragraphs, not the answer.
        #expect(previews.targets["pit-p"] == ##"<div class="cb-callout" id="pit-p" role="note"><p class="cb-callout-title"><svg viewBox="0 0 1 1"><path d="M0 0"/></svg>Warning</p><p>One.</p><p>Two.</p></div>"##)
        #expect(previews.targets["ex-x"] == ##"<div class="cb-exercise" id="ex-x"><p class="cb-exercise-title">Exercise 1.1</p><p>Question.</p></div>"##)
        // Anything else whole, void elements and all.
        #expect(previews.targets["eq-e"] == ##"<span class="cb-equation" id="eq-e"><span class="katex-display"><span class="ks000002">y</span><br></span><span class="cb-eqno">(1.1)</span></span>"##)
        #expect(previews.targets["fig-f"] == ##"<figure class="cb-float" id="fig-f"><img src="a.svg" alt="A"><figcaption>Figure 1.1: a</figcaption></figure>"##)
        // Only the rules the targets use.
        #expect(previews.css == ".ks000001{top:-1em!important}.ks000002{height:2em!important}")
    }

    @Test func theScriptNamesThePageAndHoldsJSON() throws {
        let script = String(decoding: ReferencePreviews.script(page: Data(Self.page.utf8), href: "01-a.html"), as: UTF8.self)
        let prefix = ##"(window.CONVBOOK_PREVIEWS = window.CONVBOOK_PREVIEWS || {})["01-a.html"] = "##
        #expect(script.hasPrefix(prefix) && script.hasSuffix(";\n"))
        let json = script.dropFirst(prefix.count).dropLast(2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((object["targets"] as? [String: String])?.count == 6)
        // The same page makes the same bytes.
        #expect(ReferencePreviews.script(page: Data(Self.page.utf8), href: "01-a.html") == Data(script.utf8))
        #expect(ReferencePreviews.path(for: "01-a") == "previews/01-a.js")
    }

    @Test func aPageWithoutTargetsOrArticleHasNone() {
        #expect(ReferencePreviews.previews(of: "<p id=\"sec-a\">no article</p>").targets.isEmpty)
        #expect(ReferencePreviews.previews(of: "<article class=\"chapter\"><p>text</p></article>").targets.isEmpty)
        // An element that never closes is left out.
        #expect(ReferencePreviews.previews(of: "<article class=\"chapter\"><div id=\"ex-a\"><p>open").targets.isEmpty)
    }
}
