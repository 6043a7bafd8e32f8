import Foundation
import Testing
@testable import Convbook

/// The author–date style (``BibliographyStyle``, ``Bibliography``) on a file
/// with what real ones hold: works with no author, no date, one author's
/// several works in one year, organisations, accents, a described untitled work.
@Suite struct BibliographyStyleTests {
    static let file = """
        @misc{notes, author = {Andrej Karpathy}, title = {Neural Networks Part 3}, year = {2015}}
        @misc{convnets, author = {Andrej Karpathy}, title = {Convolutional Neural Networks}, year = {2015}}
        @misc{linear, author = {Karpathy, Andrej}, title = {Linear Classification}, year = {2015}}
        @misc{later, author = {Andrej Karpathy}, title = {A later note}, publisher = {Stanford}, year = {2016}, note = {revised since}}
        @article{dumoulin, author = {Dumoulin, Vincent and Visin, Francesco}, title = {A guide to convolution arithmetic}, year = {2016}}
        @article{dumoulinSolo, author = {Vincent Dumoulin}, title = {Solo}, year = {2017}}
        @misc{medium, title = {Forward and backward propagations for {2D} Convolutional layers}, howpublished = {Deep Learning on Medium}}
        @misc{primer, title = {Partial Gradient of a Convolutional Layer}, howpublished = {Primers}, urldate = {2024-03-05}, url = {https://example.org/p}}
        @misc{thread, title = {[Question-and-answer thread on convolutions]}, shorttitle = {[Stack Exchange thread]}, year = {2018}}
        @misc{theTitle, title = {The Backward Pass}, year = {2019}}
        @misc{keras, author = {{Keras developers}}, title = {DepthwiseConv2D layer}}
        @misc{batraNotes, author = {Dhruv Batra}, title = {Hand-written notes on backpropagation}}
        @misc{batraSlides, author = {Dhruv Batra}, title = {Lecture slides on convolutions}}
        @inproceedings{chollet, author = {François Chollet}, title = {Xception}, year = {2017}}
        @misc{cs, author = {Chollet, Zoe}, title = {Other}, year = {2001}}
        @misc{org, organization = {World Health Organization}, title = {A report}, year = {2020}}
        """

    func bibliography() throws -> Bibliography {
        try Bibliography.parse(Self.file, file: "refs.bib")
    }

    @Test func listsSortByAuthorThenYearThenTitleWithTitlesInTheAuthorSlot() throws {
        let bib = try bibliography()
        let order = bib.keys.sorted { bib.sortKey($0) < bib.sortKey($1) }
        // Family name, then given name ("Chollet, François" before "Chollet, Zoe"); one author before
        // the same author with others; a title's "The" and brackets are skipped; undated works last.
        #expect(order == ["theTitle", "batraNotes", "batraSlides", "chollet", "cs", "dumoulinSolo", "dumoulin", "medium",
                          "convnets", "linear", "notes", "later", "keras", "primer", "thread", "org"])
    }

    @Test func yearLettersFollowTheOrderOfTheList() throws {
        let bib = try bibliography()
        // "Karpathy, Andrej" and "Andrej Karpathy" are one author.
        #expect(bib.year("convnets") == "2015a" && bib.year("linear") == "2015b" && bib.year("notes") == "2015c")
        #expect(bib.year("later") == "2016" && bib.year("dumoulin") == "2016" && bib.year("medium") == "")
        let order = bib.keys.filter { bib.year($0).hasPrefix("2015") }.sorted { bib.sortKey($0) < bib.sortKey($1) }
        #expect(order.map(bib.year) == ["2015a", "2015b", "2015c"])
    }

    @Test func citationsNameAuthorsOrAShortTitleAndNeverWriteNoDate() throws {
        let bib = try bibliography()
        func cite(_ key: String) -> String { CrossReferenceResolver.parenthetical(key, bib) }
        #expect(cite("notes") == "Karpathy 2015c")
        #expect(cite("dumoulin") == "Dumoulin and Visin 2016")
        #expect(cite("medium") == "“Forward and backward propagations”")
        #expect(cite("primer") == "“Partial Gradient”")
        #expect(cite("thread") == "Stack Exchange thread 2018")
        #expect(cite("keras") == "Keras developers")
        #expect(cite("org") == "World Health Organization 2020")
        // Two undated works of one author are told apart by their short titles.
        #expect(cite("batraNotes") == "Batra, “Hand-written notes on backpropagation”" && cite("batraSlides") == "Batra, “Lecture slides on convolutions”")
        #expect(CrossReferenceResolver.narrative("dumoulin", locator: "p. 3", bib) == "Dumoulin and Visin (2016, p. 3)")
        #expect(CrossReferenceResolver.narrative("keras", locator: "", bib) == "Keras developers")
        #expect(CrossReferenceResolver.narrative("keras", locator: "§2", bib) == "Keras developers (§2)")
        for key in bib.keys {
            #expect(!cite(key).contains("n.d."), "\(key)")
            #expect(!bib.reference(key).text.contains("n.d."), "\(key)")
        }
    }

    @Test func referencesPutTheTitleInTheAuthorSlotAndAnAccessDateLast() throws {
        let bib = try bibliography()
        #expect(bib.reference("notes").text == "Karpathy, Andrej. 2015c. Neural Networks Part 3.")
        #expect(bib.reference("medium").text == "Forward and backward propagations for 2D Convolutional layers. Deep Learning on Medium.")
        #expect(bib.reference("primer").text == "Partial Gradient of a Convolutional Layer. Primers. Accessed 5 March 2024.")
        #expect(bib.reference("primer").url == "https://example.org/p")
        #expect(bib.reference("thread").text == "[Question-and-answer thread on convolutions]. 2018.")
        #expect(bib.reference("later").text == "Karpathy, Andrej. 2016. A later note. Stanford. Revised since.")
        #expect(bib.reference("keras").text == "Keras developers. DepthwiseConv2D layer.")
        #expect(bib.reference("org").text == "World Health Organization. 2020. A report.")
        #expect(bib.reference("dumoulin").text == "Dumoulin, Vincent, and Francesco Visin. 2016. A guide to convolution arithmetic.")
        #expect(BibliographyStyle.day("2024-12-01") == "1 December 2024" && BibliographyStyle.day("March 2024") == "March 2024")
    }

    @Test func aURLWrittenInAnEntrysTextIsALinkAndNothingElseIs() throws {
        func shown(_ nodes: [MarkdownNode]) -> [String] {
            nodes.map { node in
                switch node.kind {
                case .text(let text): return text
                case .link(let url, _): return "<\(url)>"
                default: return "?"
                }
            }
        }
        #expect(shown(CrossReferenceResolver.linked("Its page (https://example.org/~x/) lists them.")) == ["Its page (", "<https://example.org/~x/>", ") lists them."])
        #expect(shown(CrossReferenceResolver.linked("See https://example.org/a.")) == ["See ", "<https://example.org/a>", "."])
        #expect(shown(CrossReferenceResolver.linked("No link: javascript:alert(1), ftp://x.org, http://")) == ["No link: javascript:alert(1), ftp://x.org, http://"])
        #expect(shown(CrossReferenceResolver.linked("")) == [""])
    }
}
