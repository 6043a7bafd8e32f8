import Foundation

/// The site folder served as it is on 127.0.0.1 at a free port, for as long
/// as a synchronous caller needs it: `convbook pdf` prints the book from
/// here, so the page's origin is `http://127.0.0.1:PORT` and the browser
/// refuses its `file://` loads, and the server gives nothing outside the
/// site folder (``SiteFileHandler``; no live-reload script).
///
/// ```swift
/// let server = try StaticSiteServer(root: URL(fileURLWithPath: "site"))
/// defer { server.stop() }
/// print(server.url(for: "book.html"))   // http://127.0.0.1:41234/book.html
/// ```
final class StaticSiteServer: Sendable {
    let port: UInt16
    private let task: Task<Void, Never>

    /// Binds and listens at once, then serves on a task of its own.
    init(root: URL, limits: ServeLimits = ServeLimits()) throws {
        let server = try LoopbackHTTPServer(port: 0, limits: limits, handler: SiteFileHandler(root: root, channel: nil))
        guard let port = server.port else { throw Diagnostic(file: root.path, message: "cannot serve the site on 127.0.0.1: no port") }
        self.port = port
        task = Task.detached { try? await server.run() }
    }

    /// The address of the site file at `path` (relative to the site folder).
    func url(for path: String) -> String {
        "http://127.0.0.1:\(port)/" + (path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path)
    }

    /// Stops accepting and serving.
    func stop() {
        task.cancel()
    }

    deinit { task.cancel() }
}
