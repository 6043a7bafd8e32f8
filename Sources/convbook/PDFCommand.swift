import ArgumentParser
import Convbook

/// `convbook pdf`: the whole book as one PDF, from the site's `book.html`.
struct PDFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdf",
        abstract: "Print the built site's book.html (every chapter on one page) to a PDF with headless Chromium.",
        discussion: """
            Build the site first (convbook build). The PDF has A4 pages with their numbers, a table \
            of contents on its first pages and as its outline, and every font embedded. It is not \
            part of the site, because Chromium stamps the time of printing into it.
            """)

    @Option(help: "The PDF to write.") var out = "book.pdf"
    @Option(help: "The site folder holding book.html.") var site = "site"

    func run() throws {
        do {
            try PDFPrinter.print(site: site, to: out)
        } catch {
            throw report(error)
        }
        print("wrote \(out)")
    }
}
