import Foundation
import Testing

/// The author–date style through the binary: a book whose BibTeX file has
/// works with no author, no date, and one author's several works in a year.
@Suite struct BibliographyEndToEndTests {
    static let bibliography = """
        @misc{notes, author = {Andrej Karpathy}, title = {Neural Networks Part 3}, year = {2015}}
        @misc{convnets, author = {Andrej Karpathy}, title = {Convolutional Neural Networks}, year = {2015}}
        @misc{medium, title = {Forward and backward propagations for {2D} Convolutional layers}, howpublished = {Deep Learning on Medium}, url = {https://example.org/medium}}
        @misc{keras, author = {{Keras developers}}, title = {DepthwiseConv2D layer}, urldate = {2024-03-05}}
        @article{dumoulin, author = {Dumoulin, Vincent and Visin, Francesco}, title = {A guide to convolution arithmetic}, year = {2016}}
        """

    static let chapter = """
        # Cites

        First [@notes], then [@convnets; @medium], @keras and [@dumoulin, p. 3].

        """

    @Test func citationsAndListsAreAuthorDateWithoutNoDate() throws {
        let book = try BookFixture(["01-cites.md": Self.chapter])
        try Data("[book]\ntitle = \"Cites\"\nbibliography = \"refs.bib\"\n".utf8).write(to: book.root.appendingPathComponent("book.toml"))
        try Data(Self.bibliography.utf8).write(to: book.root.appendingPathComponent("refs.bib"))
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        let page = try book.page("01-cites.html"), bibliography = try book.page("bibliography.html")
        #expect(page.contains(##"(<a href="#ref-notes">Karpathy 2015b</a>)"##))
        #expect(page.contains(##"(<a href="#ref-convnets">Karpathy 2015a</a>; <a href="#ref-medium">“Forward and backward propagations”</a>)"##))
        #expect(page.contains(##"<a href="#ref-keras">Keras developers</a>"##))
        #expect(page.contains(##"(<a href="#ref-dumoulin">Dumoulin and Visin 2016</a>, p. 3)"##))
        #expect(!page.contains("n.d.") && !bibliography.contains("n.d."))
        // Both lists: by author slot (a title stands in it), then year; the letters in that order.
        for html in [page, bibliography] {
            let order = ["ref-dumoulin", "ref-medium", "ref-convnets", "ref-notes", "ref-keras"].map { html.range(of: "id=\"\($0)\"")?.lowerBound }
            #expect(!order.contains(nil) && order.map { $0! } == order.map { $0! }.sorted(), "\(order)")
        }
        #expect(bibliography.contains("Forward and backward propagations for 2D Convolutional layers. Deep Learning on Medium. <a href=\"https://example.org/medium\">"))
        #expect(bibliography.contains("Keras developers. DepthwiseConv2D layer. Accessed 5 March 2024."))
    }
}
