import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Chapter programs run in bubblewrap's sandbox (README, Reliability): a
/// hostile chapter that deletes, reads, connects, detaches, fills the disk or
/// forks without end fails or is contained, and leaves nothing running.
/// Where the kernel gives no sandbox, these say so and are skipped; where
/// bwrap works (as on the machine `make test` runs on), convbook must use it.
@Suite struct SandboxTests {
    /// Whether convbook builds with the sandbox here: it says when it does not.
    static let sandboxed: Bool = {
        guard let book = try? BookFixture(["01-probe.md": "# Probe\n\n```swift\nprint(1)\n```\n"]),
              let built = try? book.convbook("build") else { return false }
        return built.status == 0 && !built.stderr.contains("without a sandbox")
    }()

    static let noSandbox: Comment = "bwrap cannot make a sandbox on this machine (convbook builds without one, and says so)"

    /// The page of a chapter whose block is `code`, built; fails the test when the build fails.
    func page(_ code: String, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> (book: BookFixture, html: String) {
        let book = try BookFixture(["01-hostile.md": "# Hostile\n\n```swift\n\(code)\n```\n"])
        let built = try book.convbook(["build"], environment: environment)
        #expect(built.status == 0, "\(built.stderr)", sourceLocation: sourceLocation)
        return (book, (try? book.page("01-hostile.html")) ?? "")
    }

    @Test func whereBwrapWorksConvbookUsesIt() throws {
        guard let bwrap = Harness.which("bwrap") else {
            // No bwrap: the build must say what it does not enforce.
            let book = try BookFixture(["01-a.md": "# A\n\n```swift\nprint(1)\n```\n"])
            let built = try book.convbook("build")
            #expect(built.stderr.contains("warning: chapter programs run without a sandbox (bubblewrap is not installed"), "\(built.stderr)")
            return
        }
        let direct = try Harness.run(bwrap, ["--unshare-pid", "--unshare-net", "--ro-bind", "/", "/", "--", "/bin/true"])
        if direct.status == 0 {
            #expect(Self.sandboxed, "bwrap works here, but convbook built without the sandbox")
        }
    }

    @Test func withoutTheSandboxTheBuildSaysWhatIsNotEnforcedOnce() throws {
        let book = try BookFixture(["01-a.md": "# A\n\n```swift\nprint(1)\n```\n", "02-b.md": "# B\n\n```swift\nprint(2)\n```\n"])
        let built = try book.convbook(["build"], environment: ["CONVBOOK_SANDBOX": "off"])
        #expect(built.status == 0, "\(built.stderr)")
        let warnings = built.stderr.components(separatedBy: "convbook: warning: chapter programs run without a sandbox (CONVBOOK_SANDBOX=off)")
        #expect(warnings.count == 2, "\(built.stderr)")
        for unenforced in ["PID namespace", "read-only book", "no network", "no home folder", "processes", "MiB cap"] {
            #expect(built.stderr.contains(unenforced), "\(unenforced): \(built.stderr)")
        }
        // Nothing to run, nothing to say.
        #expect(!(try book.convbook(["build"], environment: ["CONVBOOK_SANDBOX": "off"])).stderr.contains("without a sandbox"))
    }

    @Test(.enabled(if: sandboxed, noSandbox)) func aChapterCannotDeleteOrRewriteFilesOutsideItsFolder() throws {
        let outside = try Harness.temporaryDirectory().appendingPathComponent("victim.txt")
        try Data("keep".utf8).write(to: outside)
        let book = try BookFixture(["02-other.md": "# Other\n"])
        try Data("notes".utf8).write(to: book.root.appendingPathComponent("notes.txt"))
        try book.write("01-hostile.md", """
            # Hostile

            ```swift
            import Glibc
            print("unlink:", unlink("\(outside.path)"), unlink("\(book.root.path)/notes.txt"))
            print("rewrite:", fopen("\(book.root.path)/chapters/02-other.md", "w") == nil ? "refused" : "OPENED")
            print("system:", system("rm -rf \(book.root.path)/chapters 2>/dev/null; echo x > /usr/convbook-sandbox-test 2>/dev/null") == 0 ? "WROTE" : "refused")
            // Nowhere but its working folder: not the folders around it, nor /, /dev, /tmp.
            system("touch \\"$HOME/probe\\" && echo home'-'ok; for d in \\"$HOME/..\\" / /dev /dev/shm /tmp; do touch \\"$d/probe\\" 2>/dev/null && echo WROTE':'\\"$d\\"; done")
            ```
            """)
        let built = try book.convbook("build")
        defer { unlink("/usr/convbook-sandbox-test") }   // written only where the sandbox failed
        #expect(built.status == 0, "\(built.stderr)")
        let html = try book.page("01-hostile.html")
        #expect(html.contains("unlink: -1 -1"), "\(html)")
        #expect(html.contains("rewrite: refused"))
        #expect(html.contains("system: refused"))
        #expect(html.contains("home-ok"), "the working folder must be writable")
        #expect(!html.contains("WROTE:"), "\(html)")
        #expect(try String(contentsOf: outside, encoding: .utf8) == "keep")
        #expect(try String(contentsOf: book.root.appendingPathComponent("notes.txt"), encoding: .utf8) == "notes")
        #expect(try String(contentsOf: book.root.appendingPathComponent("chapters/02-other.md"), encoding: .utf8) == "# Other\n")
        #expect(!FileManager.default.fileExists(atPath: "/usr/convbook-sandbox-test"))
    }

    @Test(.enabled(if: sandboxed, noSandbox)) func aChapterCannotReadTheHomeFolderTheBookOrTheSystemsFiles() throws {
        let home = try Harness.temporaryDirectory()
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".ssh"), withIntermediateDirectories: true)
        try Data("PRIVATE-KEY-7731".utf8).write(to: home.appendingPathComponent(".ssh/id_rsa"))
        let book = try BookFixture([:])
        try Data("BOOK-SECRET-5521".utf8).write(to: book.root.appendingPathComponent("secret.txt"))
        try book.write("01-hostile.md", """
            # Hostile

            ```swift
            import Foundation
            func read(_ path: String) -> String { FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? "unreadable" }
            print("key:", read("\(home.path)/.ssh/id_rsa"))
            print("home:", read(NSHomeDirectory() + "/.ssh/id_rsa"))
            print("book:", read("\(book.root.path)/secret.txt"))
            print("passwd:", read("/etc/passwd").isEmpty ? "empty" : read("/etc/passwd") == "unreadable" ? "unreadable" : "READ")
            ```
            """)
        let built = try book.convbook(["build"], environment: ["HOME": home.path])
        #expect(built.status == 0, "\(built.stderr)")
        let html = try book.page("01-hostile.html")
        #expect(html.contains("key: unreadable"), "\(html)")
        #expect(html.contains("home: unreadable"))
        #expect(html.contains("book: unreadable"))
        #expect(html.contains("passwd: unreadable"))
        for secret in ["PRIVATE-KEY-7731", "BOOK-SECRET-5521", "root:x:0"] { #expect(!html.contains(secret)) }
    }

    @Test(.enabled(if: sandboxed, noSandbox)) func aChapterCannotConnectToTheMachine() throws {
        // A listener on 127.0.0.1 that would count any connection.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        #expect(bound && listen(listener, 16) == 0)
        let port = UInt16(bigEndian: address.sin_port)
        let html = try page("""
            import Glibc
            let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var target = sockaddr_in()
            target.sin_family = sa_family_t(AF_INET)
            target.sin_port = in_port_t(\(port)).bigEndian
            target.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &target) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            print("connect:", connected == 0 ? "CONNECTED" : "refused")
            """).html
        #expect(html.contains("connect: refused"), "\(html)")
        _ = fcntl(listener, F_SETFL, O_NONBLOCK)
        #expect(accept(listener, nil, nil) < 0, "the chapter program reached a listener on 127.0.0.1")
    }

    @Test(.enabled(if: sandboxed, noSandbox)) func detachedProcessesDieWithTheirChapter() throws {
        let marker = "41.\(Int.random(in: 100...999))", other = "42.\(Int.random(in: 100...999))", daemon = "43.\(Int.random(in: 100...999))"
        let start = Date()
        let html = try page("""
            import Glibc
            print("setsid:", system("setsid -f sleep \(marker)"), system("setsid sleep \(other) > /dev/null 2>&1 &"), system("sh -c '(setsid sleep \(daemon) &) &'"))
            """).html
        #expect(html.contains("setsid: 0 0 0"), "\(html)")
        #expect(Date().timeIntervalSince(start) < 30, "the build waited for the detached processes")
        for survivor in [marker, other, daemon] {
            #expect(ReliabilityTests.processes(matching: "sleep \(survivor)").isEmpty, "a detached process outlived its chapter: sleep \(survivor)")
        }
    }

    @Test(.enabled(if: sandboxed, noSandbox)) func fillingTheDiskStopsAtTheCapWithAMessage() throws {
        let book = try BookFixture(["01-fill.md": """
            # Fill

            ```swift
            import Foundation
            let chunk = Data(count: 16 << 20)
            var written = 0
            while written < 2048 << 20 {
                guard FileManager.default.createFile(atPath: "fill-\\(written >> 20)", contents: chunk) else {
                    fatalError("wrote \\(written >> 20) MiB, then no more")
                }
                written += chunk.count
            }
            print("wrote \\(written >> 20) MiB")
            ```
            """])
        let built = try book.convbook("build")
        #expect(built.status != 0)
        #expect(built.stderr.contains("chapters/01-fill.md:"), "\(built.stderr)")
        #expect(built.stderr.contains("its working folder is full: a chapter program may keep 512 MiB"), "\(built.stderr)")
        let written = built.stderr.firstMatch(of: /wrote (\d+) MiB, then no more/).flatMap { Int($0.1) }
        #expect(written != nil && written! <= 512, "\(built.stderr)")
        // Nothing of it stays on the disk.
        let sizes = FileManager.default.enumerator(atPath: book.root.path)?.compactMap { path in
            (try? FileManager.default.attributesOfItem(atPath: book.root.appendingPathComponent(path as! String).path))?[.size] as? Int
        } ?? []
        #expect(sizes.reduce(0, +) < 64 << 20)
    }

    @Test(.enabled(if: sandboxed, noSandbox)) func forkingBeyondTheProcessCapIsRefused() throws {
        let marker = "44.\(Int.random(in: 100...999))"
        let html = try page("""
            import Glibc
            var spawned = 0
            var pid: pid_t = 0
            let argv: [UnsafeMutablePointer<CChar>?] = [strdup("sleep"), strdup("\(marker)"), nil]
            while spawned < 2000, posix_spawn(&pid, "/bin/sleep", nil, nil, argv, nil) == 0 { spawned += 1 }
            print("spawned", spawned < 512 ? "fewer than 512" : "\\(spawned)")
            """).html
        #expect(html.contains("spawned fewer than 512"), "\(html)")
        #expect(ReliabilityTests.processes(matching: "sleep \(marker)").isEmpty, "the children outlived their chapter")
    }
}
