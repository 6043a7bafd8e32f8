import FlyingFox
import FlyingSocks
import Foundation

/// `convbook serve`: builds the site, serves it on 127.0.0.1, and rebuilds it
/// and reloads open pages whenever a chapter, the theme or the compiled
/// engine changes.
///
/// ```swift
/// var options = BuildOptions()
/// options.chapters = "chapters"
/// options.out = "site"
/// try await PreviewServer(options: options, port: 8000).run()
/// ```
///
/// - The first line on standard output is where it listens:
///   `serving site/ at http://127.0.0.1:8000/` (port 0 picks a free port).
///   Progress and build errors go to standard error, as `convbook build`
///   prints them.
/// - Watched, by inotify where the kernel has it (``FileEvents``), else by
///   polling twice a second: the chapters folder, the theme
///   folders (`options.theme` and the default theme in convbook's resources,
///   which `swift build` refreshes), and the engine and runtime modules
///   (`libConvbookRuntime.so` and the two `.swiftmodule` files that
///   ``Toolchain/locate(modules:)`` finds).
/// - A failed build leaves the previous site on disk and in the browser.
/// - Requests that are too large, too slow or never come are refused or
///   dropped promptly (``ServeLimits``, ``LoopbackHTTPServer``).
/// - The files written are exactly those of `convbook build`; the live-reload
///   script is added to HTML responses only (``LiveReloadScript``).
public struct PreviewServer: Sendable {
    public let options: BuildOptions
    public let port: UInt16
    /// Sizes and time-outs of requests (``ServeLimits``).
    public let limits: ServeLimits

    /// Time between two looks at the watched files when the kernel does not
    /// report changes (and the longest wait between keep-alive checks).
    var pollInterval: Duration = .milliseconds(500)
    /// After a change, how long to wait for the rest of a save that writes in
    /// several steps: with inotify, until the files are quiet this long.
    var settleInterval: Duration = .milliseconds(40)
    /// Time between keep-alive comments on the event streams.
    var keepAliveInterval: Duration = .seconds(5)

    public init(options: BuildOptions, port: UInt16, limits: ServeLimits = ServeLimits()) {
        self.options = options
        self.port = port
        self.limits = limits
    }

    /// Listens, builds, prints the address, then watches and rebuilds until
    /// cancelled. Throws only when it cannot listen (the port is taken).
    public func run() async throws {
        let channel = ReloadChannel()
        var routes = RoutedHTTPHandler()
        routes.appendRoute(HTTPRoute(method: .GET, path: LiveReloadScript.eventsPath)) { _ in
            HTTPResponse(statusCode: .ok,
                         headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                         body: ReloadEventStream(events: channel.subscribe()).body)
        }
        routes.appendRoute(HTTPRoute(method: .GET, path: LiveReloadScript.versionPath)) { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                         body: Data(channel.version.utf8))
        }
        routes.appendRoute("*", to: SiteFileHandler(root: URL(fileURLWithPath: options.out), channel: channel))

        let server: LoopbackHTTPServer
        do {
            server = try LoopbackHTTPServer(port: port, limits: limits, handler: routes)
        } catch {
            throw Diagnostic(file: "convbook serve", message: "cannot serve on 127.0.0.1:\(port): \(error.localizedDescription)")
        }
        let url = "http://127.0.0.1:\(server.port ?? port)/"

        defer { channel.finish() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            group.addTask { try await serve(channel: channel, url: url) }
            try await group.next()
            group.cancelAll()
        }
    }

    /// The first build, the address line, then the watch loop.
    private func serve(channel: ReloadChannel, url: String) async throws {
        // Found once, then pinned: `swift build` relinks this executable when
        // it rebuilds the engine, and the modules are found next to it through
        // /proc/self/exe, which then names a deleted file.
        var options = options
        let toolchain = await offPool { [options] in try? Toolchain.locate(modules: options.modules) }
        if let toolchain { options.modules = toolchain.libraryDirectory.path }

        // What a build reads: the chapters, the theme (the --theme folder and
        // the default theme convbook was built with) and the compiled modules.
        var watched = [URL(fileURLWithPath: options.chapters)]
        watched += [options.theme.map { URL(fileURLWithPath: $0) }, Theme.defaultFolder].compactMap { $0 }
        if let toolchain {
            watched.append(toolchain.libraryDirectory.appendingPathComponent(Toolchain.library))
            watched += Toolchain.modules.map { toolchain.moduleDirectory.appendingPathComponent("\($0).swiftmodule") }
        }
        // The author's package (book.toml's `package`): its manifest and sources; the build rebuilds it.
        if let package = (try? BookConfig.load(chaptersFolder: options.chapters))?.package {
            watched += [package.folder.appendingPathComponent("Package.swift"), package.folder.appendingPathComponent("Sources")]
        }
        // The snapshot is taken before the first build, so an edit made while
        // it runs (or right after the address is printed) triggers a rebuild.
        var watcher = ChangeWatcher(watching: watched, excluding: [URL(fileURLWithPath: options.out), options.cacheURL])
        let events = FileEvents(watching: watched)
        await rebuild(options, channel: channel, reason: nil)
        let folder = options.out.hasSuffix("/") ? options.out : options.out + "/"
        Self.write("serving \(folder) at \(url)\n", to: .standardOutput)
        var lastKeepAlive = ContinuousClock.now
        let interval = pollInterval
        while true {
            _ = await offPool { events.wait(interval) }
            try Task.checkCancellation()
            if ContinuousClock.now - lastKeepAlive >= keepAliveInterval {
                channel.keepAlive()
                lastKeepAlive = .now
            }
            var changed = watcher.changes()
            guard !changed.isEmpty else { continue }
            // Let a save that writes in several steps settle before building.
            let settle = events.isNotified ? settleInterval : .milliseconds(150)
            for _ in 0..<25 {
                try await Task.sleep(for: settle)
                let more = watcher.changes()
                if more.isEmpty { break }
                changed += more
            }
            events.watch(watched)   // folders made since are watched too
            await rebuild(options, channel: channel, reason: Set(changed).sorted())
        }
    }

    /// Builds once; on success bumps the version, which reloads open pages.
    private func rebuild(_ options: BuildOptions, channel: ReloadChannel, reason changed: [String]?) async {
        if let changed {
            let names = changed.prefix(3).map(Self.displayPath).joined(separator: ", ") + (changed.count > 3 ? ", ..." : "")
            Self.write("changed: \(names); rebuilding\n", to: .standardError)
        }
        let builder = BookBuilder(options: options)
        let outcome = await offPool { Result { try builder.build() } }
        switch outcome {
        case .success(let report):
            let pages = channel.publishNewBuild()
            let reload = changed == nil ? "" : "; told \(pages) open page\(pages == 1 ? "" : "s") to reload"
            Self.write(report.summary + reload + "\n", to: .standardError)
        case .failure(let failure as BuildFailure):
            var text = failure.diagnostics.map { $0.description + "\n" }.joined()
            let errors = failure.diagnostics.filter { $0.severity == .error }.count
            text += "convbook serve: \(errors) error\(errors == 1 ? "" : "s"); still serving the previous site\n"
            Self.write(text, to: .standardError)
        case .failure(let diagnostic as Diagnostic):
            Self.write(diagnostic.description + "\nconvbook serve: still serving the previous site\n", to: .standardError)
        case .failure(let error):
            Self.write("convbook serve: error: \(error)\nconvbook serve: still serving the previous site\n", to: .standardError)
        }
    }

    /// Runs blocking work (builds wait on child processes) on its own thread,
    /// off Swift's cooperative pool, which keeps serving meanwhile.
    private func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }

    private static func displayPath(_ path: String) -> String {
        let current = FileManager.default.currentDirectoryPath
        return path.hasPrefix(current + "/") ? String(path.dropFirst(current.count + 1)) : path
    }

    private static func write(_ text: String, to handle: FileHandle) {
        handle.write(Data(text.utf8))
    }
}
