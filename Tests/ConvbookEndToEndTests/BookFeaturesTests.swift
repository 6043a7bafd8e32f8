import Foundation
import Testing

/// Writing a real book, end to end through the binary: cross-references,
/// citations, callouts, footnotes, the link check, `book.html` and the PDF.
@Suite struct BookFeaturesTests {
    static let bibliography = """
        % Two entries, as authors' files hold them.
        @string{arx = "arXiv preprint"}
        @article{dumoulin2016,
          author = {Dumoulin, Vincent and Visin, Francesco},
          title = {A guide to convolution arithmetic for deep learning},
          journal = arx # " arXiv:1603.07285",
          year = 2016,
          url = {https://arxiv.org/abs/1603.07285}
        }
        @misc{cs231n, author = {{Stanford CS231n}}, title = "Convolutional Neural Networks for Visual Recognition", year = {2016}}
        @book{goodfellow, author = {Ian Goodfellow and Yoshua Bengio and Aaron Courville}, title = {Deep Learning}, publisher = {MIT Press}, year = 2016}
        """

    static let first = """
        # First {#sec-first}

        ## Sizes {#sec-sizes}

        The size is @eq-size; see @sec-later, @fig-grid, @tbl-t and @fig-plot.
        Following @dumoulin2016 and [@cs231n, p. 3; @goodfellow]. Write to me@sec-x.org; @MainActor stays text.

        $$
        H' = \\frac{H - HH}{s} + 1
        $$ {#eq-size}

        ![A grid of windows](grid.png){#fig-grid}

        > [!WARNING]
        > Mind the stride.[^n]

        ```swift label=tbl-t caption="Two numbers"
        showTable(["a", "b"], [[1, 2]])
        ```

        ```swift label=fig-plot caption="A tensor"
        show(Tensor(shape: [2], scalars: [1, 2]), "t")
        ```

        [^n]: A footnote, with [a link](02-second.md#sec-later) and [one back](#sec-sizes).

        """

    static let second = """
        # Second

        ## Later {#sec-later}

        Back to @sec-sizes and @eq-size; [@dumoulin2016]. See the [bibliography](bibliography.html#ref-goodfellow).

        """

    private func book() throws -> BookFixture {
        let book = try BookFixture(["01-first.md": Self.first, "02-second.md": Self.second])
        try Data("[book]\ntitle = \"Features\"\nauthors = [\"A. Writer\"]\nbibliography = \"refs.bib\"\n".utf8)
            .write(to: book.root.appendingPathComponent("book.toml"))
        try Data(Self.bibliography.utf8).write(to: book.root.appendingPathComponent("refs.bib"))
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: book.root.appendingPathComponent("chapters/grid.png"))
        return book
    }

    @Test func everyFormRendersAsLinksNumbersAndCallouts() throws {
        let book = try book()
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        let first = try book.page("01-first.html"), second = try book.page("02-second.html")
        // Cross-references, within the chapter and across, with the book's numbers.
        #expect(first.contains(##"The size is <a href="#eq-size">Equation (1.1)</a>; see <a href="02-second.html#sec-later">Section 2.1</a>, <a href="#fig-grid">Figure 1.1</a>, <a href="#tbl-t">Table 1.1</a> and <a href="#fig-plot">Figure 1.2</a>."##))
        #expect(second.contains(##"<a href="01-first.html#sec-sizes">Section 1.1</a> and <a href="01-first.html#eq-size">Equation (1.1)</a>"##))
        #expect(first.contains(##"<h2 id="sec-sizes">Sizes<a class="anchor""##))
        // The equation carries its number and its anchor; figures and tables their captions.
        #expect(first.contains(##"<span class="cb-equation" id="eq-size">"##) && first.contains(##"<span class="cb-eqno">(1.1)</span></span>"##))
        #expect(first.contains("<figure class=\"cb-float\" id=\"fig-grid\">\n<img src=\"grid.png\" alt=\"A grid of windows\" />\n<figcaption>Figure 1.1: A grid of windows</figcaption>"))
        #expect(first.contains("<figure class=\"cb-float\" id=\"tbl-t\">\n<figcaption>Table 1.1: Two numbers</figcaption>"))
        #expect(first.contains("<figcaption>Figure 1.2: A tensor</figcaption>"))
        #expect(FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site/grid.png").path))
        // Citations: narrative and parenthetical with a locator, linked to the chapter's references.
        #expect(first.contains(##"<span id="cite-0"><a href="#ref-dumoulin2016">Dumoulin and Visin (2016)</a></span>"##))
        #expect(first.contains(##"<span id="cite-1">(<a href="#ref-cs231n">Stanford CS231n 2016</a>, p. 3; <a href="#ref-goodfellow">Goodfellow et al. 2016</a>)</span>"##))
        #expect(first.contains(##"<h2 id="cb-references">References"##))
        #expect(first.contains(##"<span id="ref-dumoulin2016">Dumoulin, Vincent, and Francesco Visin. 2016. A guide to convolution arithmetic for deep learning. arXiv preprint arXiv:1603.07285. <a href="https://arxiv.org/abs/1603.07285">"##))
        // What is not a reference stays text.
        #expect(first.contains("me@sec-x.org") && first.contains("@MainActor stays text"))
        // The bibliography page links back to every place that cites.
        let bibliography = try book.page("bibliography.html")
        #expect(bibliography.contains(##"<span id="ref-dumoulin2016">"##))
        #expect(bibliography.contains(##"Chapter 1 (<a href="01-first.html#cite-0""##) && bibliography.contains(##"Chapter 2 (<a href="02-second.html#cite-0""##))
        // Callouts and footnotes, with back-links.
        #expect(first.contains(##"<div class="cb-callout cb-callout-warning" role="note">"##))
        #expect(first.contains(##"<sup class="footnote-ref"><a href="#fn-n" id="fnref-n" data-footnote-ref>1</a></sup>"##))
        #expect(first.contains(##"<a href="02-second.html#sec-later">a link</a>"##), "a link to a chapter's .md goes to its page")
        #expect(first.contains(##"<a href="#fnref-n" class="footnote-backref""##))
    }

    @Test func theBookPageHoldsEveryChapterWithUniqueAnchors() throws {
        let book = try book()
        #expect(try book.convbook("build").status == 0)
        let whole = try book.page("book.html")
        #expect(whole.contains("<h1>Features</h1>") && whole.contains("A. Writer"))
        #expect(whole.contains(##"<li><a href="#01-first">First</a></li>"##) && whole.contains(##"<li><a href="#02-second">Second</a></li>"##))
        #expect(whole.contains(##"<section class="cb-book-chapter" id="01-first">"##))
        #expect(whole.contains(##"<h2 id="01-first--sec-first">"##) && whole.contains(##"<h3 id="01-first--sec-sizes">"##) && whole.contains(##"<a href="#02-second--sec-later">Section 2.1</a>"##))
        #expect(whole.contains(##"class="katex""##), "math is typeset")
        #expect(!whole.contains("site-header") && !whole.contains(##"class="chapters""##), "no navigation")
        let ids = whole.matches(of: /id="([^"]+)"/).map { String($0.1) }
        #expect(ids.count == Set(ids).count, "every id once: \(ids.count - Set(ids).count) repeated")
        for link in Set(whole.matches(of: /href="#([^"]+)"/).map { String($0.1) }) {
            #expect(ids.contains(link), "book.html links to #\(link), which it does not have")
        }
    }

    @Test func linksToFilesBesideTheChaptersAreCheckedOnEveryBuild() throws {
        let book = try book()
        try book.write("03-links.md", "# Links\n\n![grid](grid.png)\n")
        #expect(try book.convbook("build").status == 0)
        // The book-wide check is cached while clean; a linked file that goes away still breaks the build.
        try FileManager.default.removeItem(at: book.root.appendingPathComponent("chapters/grid.png"))
        let gone = try book.convbook("build")
        #expect(gone.status == 1 && gone.stderr.contains("chapters/03-links.md:3:1: error: broken link 'grid.png': no chapter page or file grid.png"), "\(gone.stderr)")
        // A page beside the chapters that is not a chapter is not copied into the site.
        try Data("<p>notes</p>".utf8).write(to: book.root.appendingPathComponent("chapters/notes.html"))
        try book.write("03-links.md", "# Links\n\n[notes](notes.html)\n")
        let notes = try book.convbook("build")
        #expect(notes.status == 1 && notes.stderr.contains("broken link 'notes.html': notes.html is a file beside the chapters, not a chapter's page"), "\(notes.stderr)")
    }

    @Test("Each error at its file and line", arguments: [
        ("See @sec-nowhere.\n", "chapters/03-bad.md:3:5: error: no label 'sec-nowhere' in the book"),
        ("See @fig-none and @tbl-none.\n", "chapters/03-bad.md:3:19: error: no label 'tbl-none' in the book"),
        ("A cite [@unknown2020, p. 4].\n", "chapters/03-bad.md:3:8: error: no entry 'unknown2020' in the bibliography"),
        ("[broken](01-first.html#no-such)\n", "chapters/03-bad.md:3:1: error: broken link '01-first.html#no-such': 01-first.html has no heading, label or anchor 'no-such'"),
        ("Text.\n\n[here](#nothing)\n", "chapters/03-bad.md:5:1: error: broken link '#nothing': this page has no heading, label or anchor 'nothing'"),
        ("[page](nope.html) [img](../x.png)\n", "chapters/03-bad.md:3:1: error: broken link 'nope.html': no chapter page or file nope.html"),
        ("[img](../x.png)\n", "a file outside the chapters folder is not copied into the site"),
        ("```swift label=figure-x\nlet a = 1\n```\n", "chapters/03-bad.md:3:1: error: 'label=figure-x': a block's label is fig-<name> or tbl-<name>"),
    ])
    func errorsAtTheirLines(body: String, expected: String) throws {
        let book = try book()
        #expect(try book.convbook("build").status == 0)
        let before = book.siteSnapshot()
        try book.write("03-bad.md", "# Bad\n\n" + body)
        let failed = try book.convbook("build")
        #expect(failed.status == 1)
        #expect(failed.stderr.contains(expected), "\(failed.stderr)")
        #expect(book.siteSnapshot() == before, "a failed build leaves the site as it was")
    }

    @Test func aLabelDefinedTwiceIsAnErrorAtBothPlaces() throws {
        let book = try book()
        try book.write("03-bad.md", "# Bad\n\n## Again {#sec-sizes}\n")
        let failed = try book.convbook("build")
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("chapters/01-first.md:3:1: error: the label 'sec-sizes' is defined twice; the other is at chapters/03-bad.md:3"))
        #expect(failed.stderr.contains("chapters/03-bad.md:3:1: error: the label 'sec-sizes' is defined twice; the other is at chapters/01-first.md:3"))
    }

    @Test func aCitationWithoutABibliographyAndABadBibTeXFileAreErrors() throws {
        let plain = try BookFixture(["01-a.md": "# A\n\nAs [@someone] says.\n"])
        let failed = try plain.convbook("build")
        #expect(failed.stderr.contains("chapters/01-a.md:3:4: error: a citation of 'someone', but the book has no bibliography"), "\(failed.stderr)")
        let book = try book()
        try Data("@article{broken,\n  title = {never closed\n".utf8).write(to: book.root.appendingPathComponent("refs.bib"))
        let bad = try book.convbook("build")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("refs.bib:"), "\(bad.stderr)")
    }

    @Test func aShownFileThatChangesIsCopiedAgain() throws {
        let book = try book()
        #expect(try book.convbook("build").status == 0)
        #expect(try book.convbook("build").status == 0)   // nothing changed
        try Data([1, 2, 3, 4, 5]).write(to: book.root.appendingPathComponent("chapters/grid.png"))
        #expect(try book.convbook("build").status == 0)
        #expect(FileManager.default.contents(atPath: book.root.appendingPathComponent("site/grid.png").path) == Data([1, 2, 3, 4, 5]))
        try FileManager.default.removeItem(at: book.root.appendingPathComponent("chapters/grid.png"))
        let failed = try book.convbook("build")
        #expect(failed.status == 1 && failed.stderr.contains("broken link 'grid.png'"), "\(failed.stderr)")
    }

    @Test func aChaptersFrontMatterCanNameTheBibliography() throws {
        let book = try BookFixture(["01-a.md": "---\nbibliography: own.bib\n---\n# A\n\nAs [@goodfellow] and @dumoulin2016 say.\n",
                                    "02-b.md": "# B\n\nAlso [@cs231n].\n"])
        try Data(Self.bibliography.utf8).write(to: book.root.appendingPathComponent("chapters/own.bib"))
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        #expect(try book.page("01-a.html").contains("Dumoulin and Visin (2016)"))
        #expect(try book.page("02-b.html").contains("(<a href=\"#ref-cs231n\">Stanford CS231n 2016</a>)"), "its entries serve the whole book")
    }

    @Test(.enabled(if: Harness.which("chromium") != nil && Harness.which("pdftotext") != nil && Harness.which("pdffonts") != nil))
    func thePDFHasEveryChapterNumberedPagesAndEmbeddedFonts() throws {
        let book = try book()
        #expect(try book.convbook("build").status == 0)
        let printed = try book.convbook("pdf", "--out", "out/book.pdf")
        #expect(printed.status == 0, "\(printed.stderr)")
        let pdf = book.root.appendingPathComponent("out/book.pdf").path
        let text = try Harness.run(Harness.which("pdftotext")!, ["-layout", pdf, "-"]).stdout
        for expected in ["Features", "First", "Second", "Section 2.1", "Equation (1.1)", "(1.1)", "Dumoulin and Visin (2016)", "Table 1.1: Two numbers"] {
            #expect(text.contains(expected), "the PDF's text lacks \(expected)")
        }
        // Page numbers: the last page ends with its number.
        let pages = text.components(separatedBy: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        #expect(pages.count >= 3)
        #expect(pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("\(pages.count)") == true)
        // No blank page: every page has text.
        let info = try Harness.run(Harness.which("pdfinfo")!, [pdf]).stdout
        let count = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "") ?? 0
        #expect(count == pages.count, "every one of \(count) pages has text")
        // Every font embedded.
        let fonts = try Harness.run(Harness.which("pdffonts")!, [pdf]).stdout.split(separator: "\n").dropFirst(2)
        #expect(!fonts.isEmpty)
        for font in fonts { #expect(font.split(separator: " ", omittingEmptySubsequences: true).dropLast(4).last == "yes", "not embedded: \(font)") }
        // Without a built site there is nothing to print, and it says so.
        let empty = try BookFixture(["01-a.md": "# A\n"])
        let refused = try empty.convbook("pdf")
        #expect(refused.status == 1 && refused.stderr.contains("no book.html: build the site first"))
    }
}
