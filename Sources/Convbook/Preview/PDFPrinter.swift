import ConvbookFormat
import Foundation

/// `convbook pdf`: the site's `book.html` printed to PDF by Debian's headless
/// Chromium. The page's print style gives A4 pages with their numbers
/// (CSS page-margin boxes), each chapter starting a page; Chromium embeds the
/// fonts (KaTeX's and the text's), keeps links as links and, with
/// `--generate-pdf-document-outline`, makes the headings the PDF's outline,
/// a table of contents in any viewer, beside the one on the first pages.
///
/// The PDF is written whole or not at all (``AtomicFile``), and only where
/// ``PDFDestination`` allows. It is not part of the site: Chromium stamps the
/// time of printing into it.
///
/// The page loads only the site's own files: Chromium opens it from a
/// ``StaticSiteServer`` on 127.0.0.1, never as a `file://` URL, so a
/// chapter's `<object data="file:///etc/passwd">`, `<img src="file://…">` or
/// `<iframe src="file://…">` loads nothing (an `http:` page may not load
/// local files), and the server gives nothing outside the site folder. The
/// flags deny the rest: no FileSystem API (`--disable-file-system`), and
/// every other host goes to the site server as to a proxy, which refuses it,
/// so nothing is fetched from the network.
public enum PDFPrinter {
    /// Prints `site/book.html` to `output`; throws a ``Diagnostic`` saying what is missing or what Chromium said.
    /// `chapters` is the chapters folder, where `output` may not be.
    public static func print(site: String, to output: String, chapters: String = "chapters", timeout: Double = 180) throws {
        _ = try PDFDestination.check(output, chapters: chapters, site: site)
        let book = URL(fileURLWithPath: site).appendingPathComponent("book.html").standardizedFileURL
        guard FileManager.default.fileExists(atPath: book.path) else {
            throw Diagnostic(file: book.path, message: "no book.html: build the site first (convbook build)")
        }
        guard let chromium = Subprocess.locate(["chromium", "chromium-browser", "google-chrome"]) else {
            throw Diagnostic(file: "convbook", message: "cannot find Chromium on PATH: `convbook pdf` prints with it (Debian: apt-get install chromium)")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("convbook-pdf-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let printed = scratch.appendingPathComponent("book.pdf")
        let server: StaticSiteServer
        do {
            server = try StaticSiteServer(root: book.deletingLastPathComponent())
        } catch {
            throw Diagnostic(file: "convbook pdf", message: "cannot serve the site on 127.0.0.1 to print it: \(error.localizedDescription)")
        }
        defer { server.stop() }
        var arguments = ["--headless", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                         "--user-data-dir=\(scratch.appendingPathComponent("profile").path)", "--no-pdf-header-footer",
                         "--generate-pdf-document-outline", "--virtual-time-budget=20000", "--run-all-compositor-stages-before-draw",
                         // Only the site's own files: no FileSystem API, no extensions or background
                         // fetches, and every other host sent to the site server as to a proxy, which
                         // refuses it (its Host is not local); the loopback is never proxied.
                         "--disable-file-system", "--disable-extensions", "--disable-background-networking", "--disable-sync",
                         "--disable-component-update", "--proxy-server=http://127.0.0.1:\(server.port)",
                         "--print-to-pdf=\(printed.path)", server.url(for: "book.html")]
        if getuid() == 0 { arguments.insert("--no-sandbox", at: 0) }   // Chromium refuses to run as root with its sandbox
        let outcome = try Subprocess(executable: chromium, arguments: arguments, timeout: timeout).run()
        server.stop()
        guard let pdf = FileManager.default.contents(atPath: printed.path), pdf.starts(with: Data("%PDF".utf8)) else {
            let said = outcome.stderrText.split(separator: "\n").suffix(3).joined(separator: " ")
            throw Diagnostic(file: book.path, message: "Chromium printed no PDF (\(outcome.succeeded ? "it exited" : "it failed")): \(said)")
        }
        // Checked again: the printing took a while.
        let target = URL(fileURLWithPath: try PDFDestination.check(output, chapters: chapters, site: site))
        do {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw Diagnostic(file: output, message: "cannot make the folder for the PDF: \(error.localizedDescription)")
        }
        do {
            try AtomicFile.write(Array(pdf), to: target.path)
        } catch {
            throw Diagnostic(file: output, message: "cannot write the PDF: \(error.message)")
        }
    }
}
