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
            part of the site, because Chromium stamps the time of printing into it. The page is \
            served from 127.0.0.1 while it prints and loads only the site's own files. --out may not \
            be inside the chapters or the site folder, and replaces only a PDF: an existing file that \
            is not one, a device, a FIFO or a folder is refused.
            """)

    @Option(help: "The PDF to write.") var out = "book.pdf"
    @Option(help: "The site folder holding book.html.") var site = "site"
    @Option(help: "The chapters folder (the PDF may not be written into it).") var chapters = "chapters"

    func run() throws {
        do {
            try PDFPrinter.print(site: site, to: out, chapters: chapters)
        } catch {
            throw report(error)
        }
        print("wrote \(out)")
    }
}
