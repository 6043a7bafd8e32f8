import ArgumentParser
import Convbook
import Foundation

/// `convbook serve`: a local preview of the site that rebuilds and reloads on every change.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Build the site, serve it on 127.0.0.1, and rebuild it and reload open pages when a chapter changes.",
        discussion: """
        Prints `serving SITE/ at http://127.0.0.1:PORT/` on standard output once the first build is done. \
        Watches the chapters, the theme and the engine and runtime modules; a failed build prints its \
        errors and the previous site stays served. The files written are exactly those of `convbook build`; \
        the live-reload script is added to pages as they are served. Ctrl-C stops it.
        """
    )

    @OptionGroup var book: BookArguments
    @Option(help: "The port on 127.0.0.1 (0: any free port).") var port: UInt16 = 8000

    func run() async throws {
        Interrupts.shared.install()
        do {
            try await PreviewServer(options: book.options(useCache: true), port: port).run()
        } catch {
            throw convbook.report(error)
        }
    }
}
