import ConvEngine
import ConvNPY
import Foundation
import Testing

/// Bad input, faults and hostile use, as a demanding new user tries them:
/// each case asserts the exit status, the message with its file and line,
/// and that nothing was lost. (The README's reliability section lists them.)
@Suite struct ReliabilityTests {
    static let good = "# Good\n\n```swift\nprint(\"fine\")\n```\n"

    func failure(_ result: Harness.Result, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != 0, "expected a failure: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(expected), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    // MARK: Nothing lost

    @Test func aBuildNeverReplacesTheBookOrFilesItDidNotWrite() throws {
        let book = try BookFixture(["01-good.md": Self.good])
        try FileManager.default.createDirectory(at: book.root.appendingPathComponent("mine"), withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: book.root.appendingPathComponent("mine/notes.txt"))
        let before = Set(book.rootEntries())
        failure(try book.convbook("build", "--out", "."), "the output folder contains the chapters folder")
        failure(try book.convbook("build", "--out", "chapters"), "the output folder is the chapters folder")
        failure(try book.convbook("build", "--out", ".."), "the output folder contains the chapters folder")
        failure(try book.convbook("build", "--out", ""), "--out is empty")
        failure(try book.convbook("build", "--out", "mine"), "holds files convbook did not write")
        failure(try book.convbook("build", "--out", "mine/notes.txt"), "the output folder is a file")
        #expect(Set(book.rootEntries()) == before)
        #expect(try String(contentsOf: book.root.appendingPathComponent("mine/notes.txt"), encoding: .utf8) == "keep me")
        #expect(FileManager.default.fileExists(atPath: book.root.appendingPathComponent("chapters/01-good.md").path))
        // Its own site it does replace, and an empty folder it fills.
        try FileManager.default.createDirectory(at: book.root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        #expect(try book.convbook("build", "--out", "empty").status == 0)
        #expect(try book.convbook("build", "--out", "empty").status == 0)
        #expect(FileManager.default.fileExists(atPath: book.root.appendingPathComponent("empty/.convbook-site").path))
    }

    @Test func stagingAndWorkFoldersOfKilledBuildsAreRemoved() throws {
        let book = try BookFixture(["01-good.md": Self.good])
        let fm = FileManager.default
        let dead = book.root.appendingPathComponent(".site.convbook-new-999999")
        let deadOld = book.root.appendingPathComponent(".site.convbook-old-999998")
        let alive = book.root.appendingPathComponent(".site.convbook-new-\(getpid())")
        let deadWork = book.root.appendingPathComponent(".convbook-cache/work/999999-abc")
        for folder in [dead, deadOld, alive, deadWork] { try fm.createDirectory(at: folder, withIntermediateDirectories: true) }
        #expect(try book.convbook("build").status == 0)
        #expect(!fm.fileExists(atPath: dead.path))
        #expect(!fm.fileExists(atPath: deadOld.path))
        #expect(!fm.fileExists(atPath: deadWork.path))
        #expect(fm.fileExists(atPath: alive.path), "a running build's staging folder must be left alone")
    }

    @Test func identicalChapterProgramsRunApart() throws {
        var chapters = [String: String]()
        for n in 1...4 { chapters["0\(n)-same.md"] = "# Same \(n)\n\n```swift\nprint(\"hello\")\n```\n" }
        let book = try BookFixture(chapters)
        let built = try book.convbook("build", "--jobs", "4", "--no-cache")
        #expect(built.status == 0, "\(built.stderr)")
        for n in 1...4 { #expect(try book.page("0\(n)-same.html").contains("hello")) }
    }

    @Test func aTamperedKaTeXCacheEntryIsTypesetAgain() throws {
        let book = try BookFixture(["01-math.md": "# Math\n\n$x^2 + y^2$\n"])
        #expect(try book.convbook("build").status == 0)
        let page = try book.page("01-math.html")
        let formulas = book.cacheEntries("katex")
        #expect(!formulas.isEmpty)
        for entry in formulas {
            let html = try String(contentsOf: entry, encoding: .utf8)
            try Data(html.replacingOccurrences(of: "katex-html", with: "katex-hTml").utf8).write(to: entry)
        }
        // The page itself is cached too: without it, the page is rendered again and its math comes from the KaTeX cache.
        for entry in book.cacheEntries("pages") { try FileManager.default.removeItem(at: entry) }
        #expect(try book.convbook("build", "--out", "again").status == 0)
        let again = try String(contentsOf: book.root.appendingPathComponent("again/01-math.html"), encoding: .utf8)
        #expect(again == page)
        #expect(!again.contains("katex-hTml"))
    }

    // MARK: Nothing hidden

    @Test(arguments: [
        ("```swift\nlet a = Tensor(vector: [1, .nan, 3])\ncheckAgreement(\"nan\", a, Tensor(vector: [1, 2, 3]))\n```\n", 5, "disagree"),
        ("```swift\nlet e = Tensor(zeros: [0])\ncheckAgreement(\"empty\", e, e)\n```\n", 5, "nothing was compared"),
        ("```swift\ncheckGradients((\"dx\", Tensor(vector: [1, .nan]), Tensor(vector: [1, 2])))\n```\n", 4, "gradient check failed: relative error of dx is NaN"),
        ("```swift\ncheckGradients()\n```\n", 4, "compares no gradients"),
    ])
    func nanAndEmptyFailEveryCheck(block: String, line: Int, expected: String) throws {
        let book = try BookFixture(["01-check.md": "# Check\n\n" + block])
        let result = try book.convbook("build")
        failure(result, "chapters/01-check.md:\(line):")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stderr.contains("site left as it was"))
    }

    @Test func aValueUsedAboveItsDeclarationIsAnErrorNotAZero() throws {
        // Swift compiles this main.swift, and the inline would read the
        // storage of `later` before it is set: 1 would be published.
        let book = try BookFixture(["01-early.md": "# Early\n\nToo early: `{swift} later + 1`.\n\n```swift\nlet later = 41\n```\n"])
        failure(try book.convbook("build"), "chapters/01-early.md:3:21: error: 'later' is used here but declared further down, at line 6")
    }

    @Test func aProgramThatEndsEarlyIsAnErrorAtTheBlock() throws {
        let book = try BookFixture(["01-exit.md": "# Exit\n\n```swift\nprint(1)\n```\n\n```swift\nimport Glibc\nexit(0)\n```\n\n```swift\nprint(3)\n```\n\nA value `{swift} 2`.\n"])
        failure(try book.convbook("build"), "chapters/01-exit.md:7:1: error: block 2 ended the chapter program before its end")
    }

    @Test func backgroundChildrenDieWithTheirChapter() throws {
        let marker = "37.\(Int.random(in: 100...999))"
        // The child keeps the program's standard error open; it must hold nothing up.
        let book = try BookFixture(["01-bg.md": "# Background\n\n```swift\nimport Glibc\nsystem(\"sleep \(marker) &\")\nprint(\"started\")\n```\n"])
        let start = Date()
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(Self.processes(matching: "sleep \(marker)").isEmpty, "the background child outlived its chapter")
    }

    @Test func aKilledBuildTakesItsChapterProgramsWithIt() throws {
        let book = try BookFixture(["01-loop.md": "---\ntimeout: 120\n---\n# Loop\n\n```swift\nvar n = 0\nwhile true { n &+= 1 }\n```\n"])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Harness.convbook)
        process.arguments = ["build"]
        process.currentDirectoryURL = book.root
        process.standardError = FileHandle.nullDevice
        try process.run()
        let cache = book.root.appendingPathComponent(".convbook-cache").path
        var running = false
        for _ in 0..<300 where !running {   // up to 30 s for the compile
            running = !Self.processes(matching: cache + "/work/").filter { $0.hasSuffix("/program") }.isEmpty
            if !running { usleep(100_000) }
        }
        #expect(running, "the chapter program never started")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        var left = [String]()
        for _ in 0..<50 {   // up to 5 s
            left = Self.processes(matching: cache)
            if left.isEmpty { break }
            usleep(100_000)
        }
        #expect(left.isEmpty, "left running after kill -9: \(left)")
    }

    @Test func theMemoryCapIsNamed() throws {
        let book = try BookFixture(["01-memory.md": "---\nmemory: 512\n---\n# Memory\n\n```swift\nvar chunks = [[Double]]()\nfor i in 0..<100 { chunks.append([Double](repeating: Double(i), count: 20_000_000)) }\nprint(chunks.count)\n```\n"])
        let result = try book.convbook("build")
        failure(result, "chapters/01-memory.md:6:")   // the block: the allocation failed inside the runtime
        #expect(result.stderr.contains("failed to allocate"))
        #expect(result.stderr.contains("512 MiB"))
    }

    @Test func integerOverflowIsNamed() throws {
        let book = try BookFixture(["01-overflow.md": "# Overflow\n\n```swift\nlet big = Int.max - Int(CommandLine.arguments.count)\nprint(big + 5)\n```\n"])
        failure(try book.convbook("build"), "chapters/01-overflow.md:5:11:")
        #expect(try book.convbook("build").stderr.contains("arithmetic overflow"))
    }

    @Test(arguments: [
        ("The unit is `{swift} ()`.", 3, 22, "has no value"),
        ("A function `{swift} print`.", 3, 21, "is a function"),
        ("An object `{swift} Box()`.", 3, 20, "has no description"),
        ("Nothing `{swift} Optional<Int>.none`.", 3, 18, "is nil"),
    ])
    func inlineValuesWithNothingToShowAreErrors(prose: String, line: Int, column: Int, expected: String) throws {
        let book = try BookFixture(["01-inline.md": "# Inline\n\n\(prose)\n\n```swift\nfinal class Box {}\n```\n"])
        let result = try book.convbook("build")
        failure(result, "chapters/01-inline.md:\(line):\(column): error: this inline value cannot be shown")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
    }

    @Test(arguments: [
        ("```swift\nlet a = 1\nif a > 0 {\n    print(a)\n```\n", "chapters/01-code.md:4:10: error: expected '}'"),
        ("```swift\nlet b = 2 /* open\n```\n", "chapters/01-code.md:3:11: error: unterminated '/*' comment"),
        ("```swift\nlet c = 2\n```\n\nAnd `{swift} }` here.\n", "chapters/01-code.md:6:14:"),
    ])
    func compileErrorsOutsideTheCodeGetALine(markdown: String, expected: String) throws {
        let book = try BookFixture(["01-code.md": "# Code\n" + markdown])
        failure(try book.convbook("build"), expected)
    }

    @Test func scriptLinksAndTrustedTeXAreRefused() throws {
        let book = try BookFixture(["01-link.md": "# Link\n\nA [link](javascript:alert(1)) here.\n"])
        failure(try book.convbook("build"), "chapters/01-link.md:3:3: error: a link to a javascript: URL")
        try book.write("01-link.md", "# Link\n\nTeX $\\href{javascript:alert(1)}{x}$ here.\n")
        failure(try book.convbook("build"), "chapters/01-link.md:3:5: error: TeX error: refused \\href")
    }

    @Test func badArgumentsAndFoldersAreNamed() throws {
        let book = try BookFixture(["01-good.md": Self.good, "01-twin.md": Self.good])
        failure(try book.convbook("build"), "chapters/01-twin.md: error: has the same number prefix (01) as chapters/01-good.md")
        try book.remove("01-twin.md")
        failure(try book.convbook("build", "--jobs", "0"), "--jobs must be at least 1")
        failure(try book.convbook("build", "--jobs=-1"), "--jobs must be at least 1")
        failure(try book.convbook("build", "--cache", ""), "--cache is empty")
        try Data().write(to: book.root.appendingPathComponent("afile"))
        failure(try book.convbook("build", "--cache", "afile"), "afile: error: the cache folder is a file")
    }

    @Test func aChapterWithoutSummaryPrintsNoNil() throws {
        let book = try BookFixture(["01-good.md": Self.good])
        #expect(try book.convbook("build").status == 0)
        for page in ["index.html", "01-good.html"] {
            let html = try book.page(page)
            #expect(!html.contains(">nil<") && !html.contains("\"nil\""), "\(page) prints nil")
        }
    }

    @Test func chaptersSeeAFixedEnvironmentAndChosenVariablesAreInTheCacheKey() throws {
        let chapter = "# Env\n\n```swift\nimport Glibc\nprint(\"secret:\", getenv(\"E2E_SECRET\").map { String(cString: $0) } ?? \"unset\", \"home:\", String(cString: getenv(\"HOME\")).contains(\"/.convbook-cache/work/\") ? \"yes\" : \"no\")\n```\n"
        let book = try BookFixture(["01-env.md": chapter])
        #expect(try book.convbook(["build"], environment: ["E2E_SECRET": "one"]).status == 0)
        #expect(try book.page("01-env.html").contains("secret: unset"))
        #expect(try book.convbook(["build", "--env", "E2E_SECRET"], environment: ["E2E_SECRET": "one"]).status == 0)
        #expect(try book.page("01-env.html").contains("secret: one"))
        // Another value is another cache key: the chapter runs again.
        #expect(try book.convbook(["build", "--env", "E2E_SECRET=two"], environment: [:]).status == 0)
        #expect(try book.page("01-env.html").contains("secret: two"))
    }

    @Test func filesAChapterLeavesInItsWorkFolderAreNamed() throws {
        let book = try BookFixture(["01-files.md": "# Files\n\n```swift\nimport Glibc\nlet f = fopen(\"note.txt\", \"w\"); fputs(\"hi\", f); fclose(f)\n```\n"])
        let built = try book.convbook("build")
        #expect(built.status == 0)
        #expect(built.stderr.contains("chapters/01-files.md: warning: the chapter program wrote note.txt into its working folder"))
    }

    // MARK: convbook conv

    @Test func convNamesHugeAndNegativeParametersAndNaN() throws {
        let folder = try Harness.temporaryDirectory()
        let x = folder.appendingPathComponent("x.npy").path, w = folder.appendingPathComponent("w.npy").path
        try Tensor.randomNormal(shape: [1, 1, 4, 4], seed: 1).writeNPY(to: x)
        try Tensor.randomNormal(shape: [1, 1, 2, 2], seed: 2).writeNPY(to: w)
        func conv(_ extra: [String]) throws -> Harness.Result {
            try Harness.convbook(["conv", "--input", x, "--weight", w, "--out", folder.appendingPathComponent("out").path] + extra)
        }
        failure(try conv(["--padding", "9223372036854775807"]), "does not fit in a 64-bit integer")
        failure(try conv(["--padding", "100000"]), "GiB")
        failure(try conv(["--stride", "-1"]), "stride must be at least 1, got -1")
        var withNaN = Tensor.randomNormal(shape: [1, 1, 4, 4], seed: 1)
        withNaN[0, 0, 1, 1] = .nan
        let nanPath = folder.appendingPathComponent("nan.npy").path
        try withNaN.writeNPY(to: nanPath)
        let checked = try Harness.convbook(["conv", "--input", nanPath, "--weight", w, "--gradcheck", "--out", folder.appendingPathComponent("nan-out").path])
        #expect(checked.status == 2)
        #expect(!checked.stdout.contains(" ok"))
        #expect(checked.stderr.contains("gradient check failed"))
    }

    @Test func convRemovesOnlyTheResultsOfItsOwnEarlierRun() throws {
        let folder = try Harness.temporaryDirectory()
        let x = folder.appendingPathComponent("x.npy").path, w = folder.appendingPathComponent("w.npy").path
        let dy = folder.appendingPathComponent("dy.npy").path
        try Tensor.randomNormal(shape: [1, 1, 4, 4], seed: 1).writeNPY(to: x)
        try Tensor.randomNormal(shape: [1, 1, 2, 2], seed: 2).writeNPY(to: w)
        try Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 3).writeNPY(to: dy)
        let out = folder.appendingPathComponent("out")
        #expect(try Harness.convbook(["conv", "--input", x, "--weight", w, "--grad-output", dy, "--out", out.path]).status == 0)
        try Data("mine".utf8).write(to: out.appendingPathComponent("grad_mine.npy"))
        #expect(try Harness.convbook(["conv", "--input", x, "--weight", w, "--out", out.path]).status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(files == [".convbook-conv", "grad_mine.npy", "output.npy"])
    }

    /// Command lines of running processes that contain `text`.
    static func processes(matching text: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { name -> String? in
            guard Int32(name) != nil, Int32(name) != getpid(),
                  let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline"), !data.isEmpty else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            return line.contains(text) ? line.trimmingCharacters(in: .whitespaces) : nil
        }
    }
}
