import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// `convbook serve` as a user runs it: the real binary on a small book,
/// requests to 127.0.0.1 only, every wait bounded.
@Suite struct ServeCommandTests {
    static func chapter(_ word: String) -> String {
        """
        ---
        title: First
        summary: The only chapter.
        ---
        # First

        Version \(word) of the prose.

        ```swift
        let v = Tensor(vector: [1, 2, 3])
        print("sum", v[0] + v[1] + v[2])
        ```
        """
    }

    @Test(.timeLimit(.minutes(5)))
    func servesTheSiteReloadsOnEditsAndRefusesPathsOutsideIt() async throws {
        let book = try BookFixture(["01-first.md": Self.chapter("one")])
        try Data("TOP SECRET\n".utf8).write(to: book.root.appendingPathComponent("secret.txt"))
        let server = try ServeProcess(in: book.root)
        defer { server.kill() }

        // The first line on stdout is the address, once the first build is done.
        let line = try #require(server.firstLine(timeout: 240), "no address line; stderr:\n\(server.stderr)")
        let match = try #require(line.firstMatch(of: /^serving site\/ at (http:\/\/127\.0\.0\.1:(\d+)\/)$/), "\(line)")
        let base = try #require(URL(string: String(match.1)))
        let port = try #require(UInt16(match.2))

        // Pages are the files on disk plus the live-reload script, only in the response.
        for (path, file) in [("", "index.html"), ("index.html", "index.html"), ("01-first.html", "01-first.html")] {
            let response = try await HTTP.get(base.appendingPathComponent(path))
            #expect(response.status == 200)
            #expect(response.contentType == "text/html; charset=utf-8")
            let page = String(decoding: response.body, as: UTF8.self)
            let script = try #require(ServeProcess.liveReloadScript(in: page), "no live-reload script in /\(path)")
            #expect(script.contains("/__convbook/events"))
            #expect(page.contains(script + "</body>"))
            let onDisk = try Data(contentsOf: book.root.appendingPathComponent("site/\(file)"))
            #expect(Data(page.replacingOccurrences(of: script, with: "").utf8) == onDisk, "/\(path) differs from site/\(file)")
            #expect(!String(decoding: onDisk, as: UTF8.self).contains("__convbook"))
        }
        #expect(try book.page("01-first.html").contains("Version one"))
        // The site on disk is exactly what `convbook build` writes.
        let check = try book.convbook("check")
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

        // Content types, HEAD, other methods.
        let css = try await HTTP.get(base.appendingPathComponent("style.css"))
        #expect(css.status == 200 && css.contentType == "text/css; charset=utf-8")
        #expect(css.body == (try Data(contentsOf: book.root.appendingPathComponent("site/style.css"))))
        #expect(try await HTTP.get(base.appendingPathComponent("manifest.json")).contentType == "application/json")
        let head = try await HTTP.get(base.appendingPathComponent("01-first.html"), method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty && head.contentType == "text/html; charset=utf-8")
        #expect(try await HTTP.get(base, method: "POST").status == 405)
        #expect(try await HTTP.get(base.appendingPathComponent("no-such-page.html")).status == 404)

        // Nothing outside the site folder, however asked for. Raw requests, so
        // that no client normalises the path first.
        try FileManager.default.createSymbolicLink(atPath: book.root.appendingPathComponent("site/escape.txt").path,
                                                   withDestinationPath: "../secret.txt")
        try FileManager.default.createSymbolicLink(atPath: book.root.appendingPathComponent("site/outside").path,
                                                   withDestinationPath: book.root.path)
        let attempts = [
            "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
            "/./../secret.txt", "//../secret.txt", "/01-first.html/../../secret.txt", "/..\\secret.txt",
            "/escape.txt", "/outside/secret.txt", book.root.appendingPathComponent("secret.txt").path,
            "http://127.0.0.1:\(port)/../secret.txt",
        ]
        for target in attempts {
            let response = try RawHTTP.request("GET \(target) HTTP/1.1", port: port)
            #expect([400, 403, 404].contains(response.status), "\(target): \(response.head)")
            #expect(!response.text.contains("TOP SECRET"), "\(target) leaked the file")
        }
        #expect(try RawHTTP.request("GET /../secret.txt HTTP/1.1", port: port).status == 403)
        #expect(try RawHTTP.request("GET /%2e%2e/secret.txt HTTP/1.1", port: port).status == 403)
        #expect(try await HTTP.get(URL(string: "\(base)%2e%2e/secret.txt")!).status == 403)

        // An edit rebuilds the site and tells open pages (an event stream) to reload.
        let versionBefore = String(decoding: try await HTTP.get(base.appendingPathComponent("__convbook/version")).body, as: UTF8.self)
        let events = try RawHTTP.Connection(port: port)
        defer { events.close() }
        try events.send("GET /__convbook/events HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n")
        let greeting = events.read(until: { $0.contains("data: \(versionBefore)\n") }, timeout: 10)
        #expect(greeting.contains("text/event-stream") && greeting.contains("data: \(versionBefore)\n"), "\(greeting)")

        try book.write("01-first.md", Self.chapter("two"))
        let edited = try await Self.poll(timeout: 60) {
            let page = String(decoding: try await HTTP.get(base.appendingPathComponent("01-first.html")).body, as: UTF8.self)
            return page.contains("Version two") ? page : nil
        }
        #expect(edited != nil, "the page did not change; stderr:\n\(server.stderr)")
        #expect(try book.page("01-first.html").contains("Version two"))
        let pushed = events.read(until: { Self.eventVersions($0).contains { $0 != versionBefore } }, timeout: 10)
        let versionAfter = String(decoding: try await HTTP.get(base.appendingPathComponent("__convbook/version")).body, as: UTF8.self)
        #expect(versionAfter != versionBefore)
        #expect(Self.eventVersions(pushed).contains { $0 != versionBefore }, "no new version pushed: \(pushed)")

        // A broken chapter: the error at its line on stderr, and the last good site stays served.
        try book.write("01-first.md", Self.chapter("three").replacingOccurrences(of: "print(\"sum\"", with: "let wrong: String = v\nprint(\"sum\""))
        let reported = try await Self.poll(timeout: 120) {
            server.stderr.contains("chapters/01-first.md:11:21: error: cannot convert value of type 'Tensor' to specified type 'String'") ? true : nil
        }
        #expect(reported == true, "no error reported; stderr:\n\(server.stderr)")
        #expect(server.stderr.contains("still serving the previous site"))
        let stillServed = String(decoding: try await HTTP.get(base.appendingPathComponent("01-first.html")).body, as: UTF8.self)
        #expect(stillServed.contains("Version two") && !stillServed.contains("Version three"))

        // Ctrl-C stops it; nothing is left half-written.
        let status = server.interrupt(timeout: 20)
        #expect(status == 130, "stderr:\n\(server.stderr)")
        #expect(!book.rootEntries().contains { $0.contains("convbook-new") || $0.contains("convbook-old") })
        #expect(try book.page("01-first.html").contains("Version two"))
        #expect(server.stdoutLines == [line])
    }

    @Test(.timeLimit(.minutes(5)))
    func aTakenPortIsAnErrorBeforeAnyBuild() async throws {
        let listener = try RawHTTP.Listener()
        defer { listener.close() }
        let book = try BookFixture(["01-first.md": Self.chapter("one")])
        let result = try Harness.convbook(["serve", "--port", String(listener.port)], in: book.root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot serve on 127.0.0.1:\(listener.port)"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site").path))
    }

    /// `swift build` relinks `convbook` when it rebuilds the engine, so a
    /// running server's /proc/self/exe soon names a deleted file: the modules
    /// it found at start must still be used.
    @Test(.timeLimit(.minutes(5)))
    func keepsRebuildingAfterItsExecutableIsReplaced() async throws {
        let book = try BookFixture(["01-first.md": Self.chapter("one")])
        let tools = try Harness.temporaryDirectory()
        let fm = FileManager.default
        let executable = tools.appendingPathComponent("convbook")
        do {
            try fm.linkItem(atPath: Harness.convbook, toPath: executable.path)
        } catch {
            try fm.copyItem(atPath: Harness.convbook, toPath: executable.path)
        }
        for name in ["Modules", "libConvbookRuntime.so"] {
            try fm.createSymbolicLink(at: tools.appendingPathComponent(name),
                                      withDestinationURL: Harness.productsDirectory.appendingPathComponent(name))
        }
        let server = try ServeProcess(in: book.root, executable: executable.path)
        defer { server.kill() }
        let line = try #require(server.firstLine(timeout: 240), "no address line; stderr:\n\(server.stderr)")
        let match = try #require(line.firstMatch(of: /^serving site\/ at (http:\/\/127\.0\.0\.1:\d+\/)$/), "\(line)")
        let base = try #require(URL(string: String(match.1)))

        try fm.removeItem(at: executable)
        try book.write("01-first.md", Self.chapter("two"))
        let edited = try await Self.poll(timeout: 60) {
            let page = String(decoding: try await HTTP.get(base.appendingPathComponent("01-first.html")).body, as: UTF8.self)
            return page.contains("Version two") ? true : nil
        }
        #expect(edited == true, "no rebuild; stderr:\n\(server.stderr)")
        #expect(!server.stderr.contains("cannot find the ConvEngine"), "\(server.stderr)")
        #expect(server.interrupt(timeout: 20) == 130)
    }

    /// Saving a chapter nested 3,000 quotes deep ended `serve` (SIGSEGV in the
    /// recursive copy of the tree): now it is an error at its line, the
    /// server keeps serving the site it had, and a fixed chapter rebuilds.
    @Test(.timeLimit(.minutes(5)))
    func survivesAChapterNestedTooDeep() async throws {
        let book = try BookFixture(["01-first.md": Self.chapter("one")])
        let server = try ServeProcess(in: book.root)
        defer { server.kill() }
        let line = try #require(server.firstLine(timeout: 240), "no address line; stderr:\n\(server.stderr)")
        let match = try #require(line.firstMatch(of: /^serving site\/ at (http:\/\/127\.0\.0\.1:\d+\/)$/), "\(line)")
        let base = try #require(URL(string: String(match.1)))

        try book.write("01-first.md", "# First\n\n" + String(repeating: ">", count: 3_000) + " deep\n")
        let refused = try await Self.poll(timeout: 60) { server.stderr.contains("nested more than") ? true : nil }
        #expect(refused == true, "no error for the nesting; stderr:\n\(server.stderr)")
        let page = String(decoding: try await HTTP.get(base.appendingPathComponent("01-first.html")).body, as: UTF8.self)
        #expect(page.contains("Version one"), "the site it had is no longer served")

        try book.write("01-first.md", Self.chapter("two"))
        let edited = try await Self.poll(timeout: 60) {
            let page = String(decoding: try await HTTP.get(base.appendingPathComponent("01-first.html")).body, as: UTF8.self)
            return page.contains("Version two") ? true : nil
        }
        #expect(edited == true, "no rebuild after the fix; stderr:\n\(server.stderr)")
        #expect(server.interrupt(timeout: 20) == 130)
    }

    /// Any page the author visits can make the browser send such requests to
    /// 127.0.0.1: each is answered at once, costs nothing after the client
    /// has gone, and the server keeps serving.
    @Test(.timeLimit(.minutes(5)))
    func refusesOversizedRequestsAtOnceAndKeepsServing() async throws {
        let book = try BookFixture(["01-first.md": Self.chapter("one")])
        let server = try ServeProcess(in: book.root)
        defer { server.kill() }
        let line = try #require(server.firstLine(timeout: 240), "no address line; stderr:\n\(server.stderr)")
        let port = try #require(line.firstMatch(of: /127\.0\.0\.1:(\d+)\//).flatMap { UInt16($0.1) }, "\(line)")
        let host = "Host: 127.0.0.1:\(port)\r\n"

        let hostile = [
            (414, "a 100 KB path", "GET /\(String(repeating: "a", count: 100_000)) HTTP/1.1\r\n\(host)\r\n"),
            (431, "a 1 MB header", "GET / HTTP/1.1\r\n\(host)X-Big: \(String(repeating: "b", count: 1_000_000))\r\n\r\n"),
            (431, "4,000 small headers", "GET / HTTP/1.1\r\n\(host)" + String(repeating: "X-Small: 0123456789\r\n", count: 4_000) + "\r\n"),
            (400, "a header line without a colon", "GET / HTTP/1.1\r\n\(host)no colon here\r\n\r\n"),
        ]
        for round in 0..<2 {
            for (status, what, request) in hostile {
                let started = Date()
                let response = try RawHTTP.exchange(request, port: port)
                let elapsed = Date().timeIntervalSince(started)
                #expect(response.status == status, "\(what) (round \(round)): \(response.head)")
                #expect(elapsed < 3, "\(what) (round \(round)) took \(elapsed) s")
                #expect(response.peerClosed, "\(what): the connection was not closed")
            }
        }

        // Nothing left running: the server idles, and answers at once.
        let cpuBefore = try #require(ServeProcess.cpuSeconds(pid: server.process.processIdentifier))
        try await Task.sleep(for: .seconds(2))
        let cpuAfter = try #require(ServeProcess.cpuSeconds(pid: server.process.processIdentifier))
        #expect(cpuAfter - cpuBefore < 0.5, "the server used \(cpuAfter - cpuBefore) s of CPU in 2 s idle")
        let started = Date()
        let normal = try RawHTTP.request("GET /01-first.html HTTP/1.1", port: port)
        #expect(normal.status == 200 && normal.text.contains("Version one"), "\(normal.head)")
        #expect(Date().timeIntervalSince(started) < 1)

        // Limits that hold are not refused: a request line and headers just under them.
        let longPath = "/" + String(repeating: "x", count: 8_000)
        #expect(try RawHTTP.request("GET \(longPath) HTTP/1.1", port: port).status == 404)
        let bigHeaders = "GET / HTTP/1.1\r\n\(host)X-Cookie: \(String(repeating: "c", count: 30_000))\r\nConnection: close\r\n\r\n"
        #expect(try RawHTTP.exchange(bigHeaders, port: port).status == 200)
        #expect(server.interrupt(timeout: 20) == 130)
    }

    /// A connection that sends nothing, or a request too slowly, is closed at
    /// its time-out (here made short); the event stream, which only receives,
    /// stays open.
    @Test(.timeLimit(.minutes(5)))
    func dropsIdleAndSlowClients() async throws {
        let book = try BookFixture(["01-first.md": Self.chapter("one")])
        let server = try ServeProcess(in: book.root, arguments: ["--idle-timeout", "2", "--request-timeout", "2"])
        defer { server.kill() }
        let line = try #require(server.firstLine(timeout: 240), "no address line; stderr:\n\(server.stderr)")
        let port = try #require(line.firstMatch(of: /127\.0\.0\.1:(\d+)\//).flatMap { UInt16($0.1) }, "\(line)")

        // Idle from the start.
        let idle = try RawHTTP.Connection(port: port)
        defer { idle.close() }
        var started = Date()
        let nothing = idle.read(until: { _ in false }, timeout: 10)
        var elapsed = Date().timeIntervalSince(started)
        #expect(idle.peerClosed && nothing.isEmpty, "\(nothing)")
        #expect(elapsed > 1.5 && elapsed < 4.5, "closed after \(elapsed) s")

        // Idle after a response on a kept-alive connection.
        let kept = try RawHTTP.Connection(port: port)
        defer { kept.close() }
        try kept.send("GET /__convbook/version HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
        let answered = kept.read(until: { $0.hasPrefix("HTTP/1.1 200 ") && $0.contains("\r\n\r\n") }, timeout: 5)
        #expect(answered.hasPrefix("HTTP/1.1 200 "), "\(answered)")
        started = Date()
        _ = kept.read(until: { _ in false }, timeout: 10)
        elapsed = Date().timeIntervalSince(started)
        #expect(kept.peerClosed && elapsed > 1.5 && elapsed < 4.5, "closed: \(kept.peerClosed), after \(elapsed) s")

        // A request sent a byte every 0.3 s would take 12 s: it is dropped at 2 s, unanswered.
        let slow = try RawHTTP.Connection(port: port)
        defer { slow.close() }
        let request = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n".utf8)
        started = Date()
        var sent = 0
        while sent < request.count && !slow.isClosedByPeer() {
            guard (try? slow.send(bytes: [request[sent]])) != nil else { break }
            sent += 1
            try await Task.sleep(for: .milliseconds(300))
        }
        elapsed = Date().timeIntervalSince(started)
        let slowAnswer = slow.read(until: { _ in false }, timeout: 2)
        // Dropped before the request was complete, and not before its time-out. (No tight upper
        // bound: with every test of the suite running at once on 2 cores, the client's own
        // 0.3 s sleeps stretch; the whole request would take 16 s.)
        #expect(sent < request.count, "the whole request was sent")
        #expect(elapsed > 1.5, "dropped after \(elapsed) s")
        #expect(!slowAnswer.contains("HTTP/1.1 200"), "\(slowAnswer)")

        // The event stream stays open past the idle time-out: it gets its keep-alive comment (every 5 s).
        let events = try RawHTTP.Connection(port: port)
        defer { events.close() }
        try events.send("GET /__convbook/events HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
        let stream = events.read(until: { $0.contains(": keep-alive") }, timeout: 10)
        #expect(stream.contains("text/event-stream") && stream.contains(": keep-alive"), "\(stream)")
        #expect(!events.peerClosed)

        #expect(try RawHTTP.request("GET / HTTP/1.1", port: port).status == 200)
        #expect(server.interrupt(timeout: 20) == 130)
    }

    /// A head with two `Host` (or `Content-Length`) fields is 400, a method
    /// in lowercase 501; past `--max-connections` (here 20) a new connection
    /// takes the place of the one idle the longest, so idle clients cannot
    /// starve a real request, and the server never holds more.
    @Test(.timeLimit(.minutes(5)))
    func refusesAmbiguousHeadsAndCapsConnectionsDroppingTheIdleFirst() async throws {
        let book = try BookFixture(["01-first.md": "---\ntitle: First\nsummary: The only chapter.\n---\n# First\n\nVersion one of the prose.\n"])
        let server = try ServeProcess(in: book.root, arguments: ["--max-connections", "20"])
        defer { server.kill() }
        let line = try #require(server.firstLine(timeout: 240), "no address line; stderr:\n\(server.stderr)")
        let port = try #require(line.firstMatch(of: /127\.0\.0\.1:(\d+)\//).flatMap { UInt16($0.1) }, "\(line)")
        let host = "Host: 127.0.0.1:\(port)\r\n"

        for (status, what, request) in [
            (400, "the same Host twice", "GET /01-first.html HTTP/1.1\r\n\(host)\(host)\r\n"),
            (400, "a second, other Host", "GET /01-first.html HTTP/1.1\r\n\(host)host: example.com\r\n\r\n"),
            (400, "two Content-Length fields", "POST / HTTP/1.1\r\n\(host)Content-Length: 0\r\nContent-Length: 5\r\n\r\nhello"),
            (501, "a lowercase get", "get /01-first.html HTTP/1.1\r\n\(host)\r\n"),
            (501, "a mixed-case Get", "Get /01-first.html HTTP/1.1\r\n\(host)\r\n"),
        ] {
            let response = try RawHTTP.exchange(request, port: port)
            #expect(response.status == status, "\(what): \(response.head)")
            #expect(response.peerClosed, "\(what): the connection was not closed")
        }

        // Refused connections linger for at most 2 s (``PreviewConnection`` drains them): let them go.
        try await Task.sleep(for: .seconds(2.5))

        // 60 clients connect and send nothing: the first 40 are dropped as the later ones come.
        var idle = [RawHTTP.Connection]()
        defer { idle.forEach { $0.close() } }
        for _ in 0..<60 { idle.append(try RawHTTP.Connection(port: port)) }
        let dropped = try await Self.poll(timeout: 20) { () -> Int? in
            let count = idle.filter { $0.isClosedByPeer() }.count
            return count >= 40 ? count : nil
        }
        #expect(dropped == 40, "dropped: \(String(describing: dropped))")
        #expect(idle.prefix(40).allSatisfy { $0.isClosedByPeer() } && !idle.suffix(20).contains { $0.isClosedByPeer() },
                "the oldest idle connections go first: \(idle.map { $0.isClosedByPeer() ? "x" : "o" }.joined())")
        // The server holds no more sockets than the cap (and its listener, and what a moment's lag leaves).
        let sockets = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(server.process.processIdentifier)/fd")) ?? [])
            .compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(server.process.processIdentifier)/fd/\($0)") }
            .filter { $0.hasPrefix("socket:") }
        #expect(sockets.count <= 24, "the server holds \(sockets.count) sockets")

        // A real request is served at once, in the place of the oldest idle connection left.
        let started = Date()
        let normal = try RawHTTP.request("GET /01-first.html HTTP/1.1", port: port)
        #expect(normal.status == 200 && normal.text.contains("Version one"), "\(normal.head)")
        #expect(Date().timeIntervalSince(started) < 3)
        let next = try await Self.poll(timeout: 10) { idle[40].isClosedByPeer() ? true : nil }
        #expect(next == true && !idle.suffix(19).contains { $0.isClosedByPeer() })
        #expect(server.interrupt(timeout: 20) == 130)
    }

    /// The versions in the `data:` lines of an event stream.
    static func eventVersions(_ stream: String) -> [String] {
        stream.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
    }

    /// Calls `attempt` every quarter second until it gives a value or `timeout` seconds pass.
    static func poll<T>(timeout: Double, _ attempt: () async throws -> T?) async throws -> T? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let value = try await attempt() { return value }
            try await Task.sleep(for: .milliseconds(250))
        }
        return nil
    }
}

/// A running `convbook serve --port 0`, its stdout read line by line and its
/// stderr collected in a file.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    private let stderrURL: URL
    private let lock = NSLock()
    private var lines = [String]()
    private var partial = Data()
    private let gotLine = DispatchSemaphore(value: 0)

    init(in directory: URL, executable: String = Harness.convbook, arguments: [String] = []) throws {
        stderrURL = try Harness.temporaryDirectory().appendingPathComponent("serve.stderr")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--port", "0"] + arguments
        process.currentDirectoryURL = directory
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        let handle = out.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.withLock {
                    partial.append(chunk)
                    while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                        lines.append(String(decoding: partial[partial.startIndex..<newline], as: UTF8.self))
                        partial = Data(partial[(newline + 1)...])
                        gotLine.signal()
                    }
                }
            }
            gotLine.signal()
        }
    }

    /// The first line on stdout, waiting up to `timeout` seconds.
    func firstLine(timeout: Double) -> String? {
        if let line = lock.withLock({ lines.first }) { return line }
        _ = gotLine.wait(timeout: .now() + timeout)
        return lock.withLock { lines.first }
    }

    var stdoutLines: [String] { lock.withLock { lines } }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Sends SIGINT and waits for the exit; its status, or nil if it did not stop.
    func interrupt(timeout: Double) -> Int32? {
        Glibc.kill(process.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func kill() {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The CPU time (user and system) that process `pid` has used, in seconds.
    static func cpuSeconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After "pid (name)": state is field 3, utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The element the server adds to HTML responses.
    static func liveReloadScript(in page: String) -> String? {
        guard let start = page.range(of: "<script data-convbook-serve>"),
              let end = page.range(of: "</script>", range: start.upperBound..<page.endIndex) else { return nil }
        return String(page[start.lowerBound..<end.upperBound])
    }
}

/// Requests through URLSession (a fresh, cache-less session per request).
enum HTTP {
    struct Response: Sendable {
        var status: Int
        var contentType: String?
        var body: Data
    }

    static func get(_ url: URL, method: String = "GET") async throws -> Response {
        precondition(url.host == "127.0.0.1")
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 10)
        request.httpMethod = method
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        return try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error { return continuation.resume(throwing: error) }
                let http = response as? HTTPURLResponse
                continuation.resume(returning: Response(status: http?.statusCode ?? 0,
                                                        contentType: http?.value(forHTTPHeaderField: "Content-Type"),
                                                        body: data ?? Data()))
            }.resume()
        }
    }
}

/// Requests written byte for byte on a socket to 127.0.0.1, so that paths
/// reach the server exactly as written.
enum RawHTTP {
    struct Response {
        var status: Int
        var head: String
        var text: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One request with `Connection: close`; the whole response.
    static func request(_ requestLine: String, port: UInt16) throws -> Response {
        let connection = try Connection(port: port)
        defer { connection.close() }
        try connection.send("\(requestLine)\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
        let text = connection.read(until: { _ in false }, timeout: 10)
        let head = String(text.prefix { $0 != "\r" && $0 != "\n" })
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return Response(status: status, head: head, text: text)
    }

    /// Sends `request` as written (a send cut short by the server is no
    /// error) and reads until the server closes, at most 5 s.
    static func exchange(_ request: String, port: UInt16) throws -> (status: Int, head: String, peerClosed: Bool) {
        let connection = try Connection(port: port)
        defer { connection.close() }
        try? connection.send(request)
        let text = connection.read(until: { _ in false }, timeout: 5)
        let head = String(text.prefix { $0 != "\r" && $0 != "\n" })
        return (head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0, head, connection.peerClosed)
    }

    final class Connection {
        private let fd: Int32

        init(port: UInt16) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var sendTimeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
            var address = RawHTTP.loopback(port: port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                Glibc.close(fd)
                throw Failure(description: "connect to 127.0.0.1:\(port): \(errno)")
            }
        }

        func send(_ text: String) throws {
            try send(bytes: Array(text.utf8))
        }

        /// Sends every byte, each send waiting at most 5 s.
        func send(bytes: [UInt8]) throws {
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard n > 0 else { throw Failure(description: "send: \(errno)") }
                sent += n
            }
        }

        private var received = Data()
        /// Whether a read found the connection closed (or reset) by the server.
        private(set) var peerClosed = false

        /// Whether the server has closed the connection, without waiting.
        func isClosedByPeer() -> Bool {
            var byte: UInt8 = 0
            let n = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
            return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        }

        /// Reads until `done` holds for everything read so far, the peer
        /// closes, or `timeout` seconds pass; returns everything read so far.
        func read(until done: (String) -> Bool, timeout: Double) -> String {
            let deadline = Date().addingTimeInterval(timeout)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                if done(String(decoding: received, as: UTF8.self)) { break }
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n > 0 {
                    received.append(contentsOf: buffer[0..<n])
                } else if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                    peerClosed = true
                    break
                }
            }
            return String(decoding: received, as: UTF8.self)
        }

        func close() { Glibc.close(fd) }
    }

    /// A socket listening on 127.0.0.1 on a free port (to make a port taken).
    final class Listener {
        private let fd: Int32
        let port: UInt16

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = RawHTTP.loopback(port: 0)
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            guard fd >= 0, bound else {
                Glibc.close(fd)
                throw Failure(description: "cannot listen: \(errno)")
            }
            self.fd = fd
            port = UInt16(bigEndian: address.sin_port)
        }

        func close() { Glibc.close(fd) }
    }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
