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
        Watches the chapters, the theme, the engine and runtime modules, and the author's package (book.toml's \
        `package`: its Package.swift and Sources/); a failed build prints its \
        errors and the previous site stays served. The files written are exactly those of `convbook build`; \
        the live-reload script is added to pages as they are served. A request line over 8 KiB is answered 414, \
        a request head over 32 KiB 431, a second Host header 400, a lowercase method 501; idle and slow clients \
        are disconnected, and past --max-connections the connection idle the longest is dropped. Ctrl-C stops it.
        """
    )

    @OptionGroup var book: BookArguments
    @Option(help: "The port on 127.0.0.1 (0: any free port).") var port: UInt16 = 8000
    @Option(help: "Seconds a connection may wait for a request, or a client for a response, before it is closed.")
    var idleTimeout: Double = 30
    @Option(help: "Seconds a request may take to arrive, from its first byte, before the connection is closed.")
    var requestTimeout: Double = 10
    @Option(help: "The most connections open at once; at the cap, the one idle the longest is dropped for a new one.")
    var maxConnections: Int = 512

    func validate() throws {
        guard idleTimeout > 0, idleTimeout <= 86_400, requestTimeout > 0, requestTimeout <= 86_400 else {
            throw ValidationError("time-outs are seconds between 0 and 86400")
        }
        guard (1...100_000).contains(maxConnections) else {
            throw ValidationError("--max-connections is a number from 1 to 100000, got \(maxConnections)")
        }
    }

    func run() async throws {
        Interrupts.shared.install()
        var limits = ServeLimits()
        limits.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        limits.requestTimeout = .milliseconds(Int64(requestTimeout * 1000))
        limits.maxConnections = maxConnections
        do {
            try await PreviewServer(options: book.options(useCache: true), port: port, limits: limits).run()
        } catch {
            throw convbook.report(error)
        }
    }
}
