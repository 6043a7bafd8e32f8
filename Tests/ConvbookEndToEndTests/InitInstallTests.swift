import Foundation
import Testing

/// A new author's first hour, as README's "Quick start for authors" writes it:
/// `make install` into a fresh prefix, `convbook init`, `convbook build` and
/// `convbook check` from a folder that is not convbook's, then a commit.
///
/// `make install` builds convbook in release first, minutes on two cores; here
/// it installs this test run's own build folder instead (`PRODUCTS=`, which
/// the Makefile takes from the environment), so what is tested is the install
/// itself: what it copies, where, and that the installed convbook finds it all
/// from its own path.
@Suite(.serialized) struct InitInstallTests {
    /// A prefix with convbook installed by `make install`, once per run.
    static let installed: Result<URL, InstallError> = {
        do {
            let prefix = try Harness.temporaryDirectory().appendingPathComponent("prefix")
            let result = try Harness.run("/usr/bin/env", ["make", "--no-print-directory", "install", "PREFIX=\(prefix.path)"],
                                         in: Harness.packageRoot, environment: ["PRODUCTS": Harness.productsDirectory.path])
            guard result.status == 0 else { return .failure(InstallError(text: result.stdout + result.stderr)) }
            return .success(prefix)
        } catch {
            return .failure(InstallError(text: "\(error)"))
        }
    }()

    struct InstallError: Error, CustomStringConvertible { let text: String; var description: String { text } }

    /// Runs the installed `convbook` by name, found on PATH, as an author runs it.
    static func convbook(_ prefix: URL, _ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Harness.Result {
        let path = prefix.appendingPathComponent("bin").path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        // CONVBOOK_MODULES would point it elsewhere: the installed one must find its own.
        return try Harness.run("/usr/bin/env", ["-u", "CONVBOOK_MODULES", "convbook"] + arguments, in: folder,
                               environment: ["PATH": path].merging(environment) { _, new in new })
    }

    /// README's quick start for authors, run line by line by bash with a
    /// fresh HOME: the same commands a new author types.
    @Test func theReadmeQuickStartRunsAsWritten() throws {
        let readme = try String(contentsOf: Harness.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        guard let heading = readme.range(of: "## Quick start for authors"),
              let open = readme.range(of: "```sh\n", range: heading.upperBound..<readme.endIndex),
              let close = readme.range(of: "```", range: open.upperBound..<readme.endIndex) else {
            Issue.record("README.md has no \"## Quick start for authors\" with a ```sh block")
            return
        }
        let commands = String(readme[open.upperBound..<close.lowerBound])
        #expect(commands.contains("make install PREFIX="))
        #expect(commands.contains("convbook init mybook --package"))
        #expect(commands.contains("convbook build"))
        #expect(commands.contains("convbook check"))
        let home = try Harness.temporaryDirectory()
        let environment = ["HOME": home.path, "PRODUCTS": Harness.productsDirectory.path,
                           "GIT_AUTHOR_NAME": "A. Author", "GIT_AUTHOR_EMAIL": "author@example.com",
                           "GIT_COMMITTER_NAME": "A. Author", "GIT_COMMITTER_EMAIL": "author@example.com",
                           "GIT_CONFIG_GLOBAL": "/dev/null"]
        // From convbook's source folder, as the quick start says; `set -e`: every line must succeed.
        let result = try Harness.run("/bin/bash", ["-euc", "unset CONVBOOK_MODULES\n" + commands], in: Harness.packageRoot, environment: environment)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let book = home.appendingPathComponent("mybook")
        let page = try String(contentsOf: book.appendingPathComponent("site/01-first.html"), encoding: .utf8)
        #expect(page.contains(try Regex(#"<span class="cb-value"( data-v="\d+")?>"# + "\((1...100).reduce(0, +))</span>")), "\(page)")
        #expect(result.stdout.contains("site is up to date"), "\(result.stdout)")
        // The chapter's check ran: the rule's settings are counted on the page.
        #expect(page.contains(try Regex(#"<span class="cb-value"( data-v="\d+")?>201</span>"#)), "\(page)")
        // The book is about its own package, and carries its workflow.
        #expect(FileManager.default.fileExists(atPath: book.appendingPathComponent("Package.swift").path))
        #expect(FileManager.default.fileExists(atPath: book.appendingPathComponent(".github/workflows/book.yml").path))
        // Nothing was written into convbook's own folder.
        #expect(!FileManager.default.fileExists(atPath: Harness.packageRoot.appendingPathComponent("mybook").path))
    }

    @Test func anInstalledConvbookInitsBuildsAndChecksABookFromAnotherFolder() throws {
        let prefix = try Self.installed.get()
        // The installed files, and the link on PATH.
        let lib = prefix.appendingPathComponent("lib/convbook")
        for file in ["convbook", "libConvbookRuntime.so", "Modules/ConvEngine.swiftmodule", "Modules/ConvbookRuntime.swiftmodule",
                     "convbook_Convbook.resources/Theme/page.mustache", "convbook_Convbook.resources/Templates/book.yml",
                     "compiler-version", "build-info"] {
            #expect(FileManager.default.fileExists(atPath: lib.appendingPathComponent(file).path), "\(file) not installed")
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: prefix.appendingPathComponent("bin/convbook").path) == "../lib/convbook/convbook")

        let work = try Harness.temporaryDirectory()
        let initialised = try Self.convbook(prefix, ["init", "mybook"], in: work)
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let book = work.appendingPathComponent("mybook")
        for file in ["book.toml", "chapters/01-first.md", ".gitignore", ".github/workflows/book.yml"] {
            #expect(FileManager.default.fileExists(atPath: book.appendingPathComponent(file).path), "\(file) not written")
        }
        #expect(!FileManager.default.fileExists(atPath: book.appendingPathComponent("Package.swift").path))
        let chapter = try String(contentsOf: book.appendingPathComponent("chapters/01-first.md"), encoding: .utf8)
        // A running block, an inline value, a check and a cross-reference.
        #expect(chapter.contains("```swift\n") && chapter.contains("`{swift} ") && chapter.contains("checkRule(") && chapter.contains("@sec-"))
        let toml = try String(contentsOf: book.appendingPathComponent("book.toml"), encoding: .utf8)
        #expect(toml.contains("title = \"Mybook\""))

        // Build from a third folder, naming the book's folders; then check from inside the book.
        let elsewhere = try Harness.temporaryDirectory()
        let built = try Self.convbook(prefix, ["build", "--chapters", book.path + "/chapters", "--out", book.path + "/site"], in: elsewhere)
        #expect(built.status == 0, "\(built.stderr)")
        let page = try String(contentsOf: book.appendingPathComponent("site/01-first.html"), encoding: .utf8)
        #expect(page.contains(try Regex(#"<span class="cb-value"( data-v="\d+")?>"# + "\((1...100).reduce(0, +))</span>")), "\(page)")
        // Cross-references resolved to links.
        #expect(page.contains("href=\"#sec-running\""))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty, "the build wrote into the working folder")
        let checked = try Self.convbook(prefix, ["check"], in: book)
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.contains("site is up to date"))

        // The book's folder now holds files: a second init there is refused.
        let again = try Self.convbook(prefix, ["init"], in: book)
        #expect(again.status != 0)
        #expect(again.stderr.contains("is not empty"))
    }

    @Test func initRefusesAFolderThatHoldsFilesAndChangesNothing() throws {
        let prefix = try Self.installed.get()
        let work = try Harness.temporaryDirectory()
        let full = work.appendingPathComponent("notes")
        try FileManager.default.createDirectory(at: full, withIntermediateDirectories: true)
        try Data("mine\n".utf8).write(to: full.appendingPathComponent("todo.txt"))
        let hidden = work.appendingPathComponent("hidden")
        try FileManager.default.createDirectory(at: hidden, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: hidden.appendingPathComponent(".keep"))
        try Data("a file".utf8).write(to: work.appendingPathComponent("file.md"))
        for (folder, message) in [("notes", "notes: error: the folder is not empty (todo.txt)"),
                                  ("hidden", "hidden: error: the folder is not empty (.keep)"),
                                  ("file.md", "file.md: error: is a file, not a folder")] {
            let result = try Self.convbook(prefix, ["init", folder], in: work)
            #expect(result.status == 1, "\(folder): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: full.path) == ["todo.txt"])
        #expect(try String(contentsOf: full.appendingPathComponent("todo.txt"), encoding: .utf8) == "mine\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: hidden.path) == [".keep"])
        #expect(try String(contentsOf: work.appendingPathComponent("file.md"), encoding: .utf8) == "a file")
        // An empty folder that exists is fine, and so is the current folder when empty.
        let empty = work.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(try Self.convbook(prefix, ["init", "empty"], in: work).status == 0)
        let here = work.appendingPathComponent("here-book")
        try FileManager.default.createDirectory(at: here, withIntermediateDirectories: true)
        #expect(try Self.convbook(prefix, ["init"], in: here).status == 0)
        #expect(try String(contentsOf: here.appendingPathComponent("book.toml"), encoding: .utf8).contains("title = \"Here book\""))
    }

    @Test func versionNamesTheVersionCommitAndToolchain() throws {
        let prefix = try Self.installed.get()
        let result = try Self.convbook(prefix, ["--version"], in: try Harness.temporaryDirectory())
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.range(of: #"^convbook [0-9]+\.[0-9]+\.[0-9]+"#, options: .regularExpression) != nil, "\(result.stdout)")
        // The commit is the source's, asked of git independently.
        if let head = try? Harness.run("/usr/bin/env", ["git", "-C", Harness.packageRoot.path, "rev-parse", "HEAD"]), head.status == 0 {
            let commit = head.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let changed = try Harness.run("/usr/bin/env", ["git", "-C", Harness.packageRoot.path, "status", "--porcelain", "--untracked-files=no"])
            let suffix = changed.stdout.isEmpty ? "(commit \(commit))" : "(commit \(commit), with local changes)"
            #expect(lines.first?.hasSuffix(suffix) == true, "\(result.stdout)")
        }
        // Both compilers named: the one recorded at install, and the one on PATH now.
        let swiftc = try Harness.run("/usr/bin/env", ["swiftc", "--version"])
        let compiler = String(swiftc.stdout.split(separator: "\n").first ?? "")
        #expect(!compiler.isEmpty)
        #expect(lines.contains { $0.hasPrefix("modules: \(prefix.path)/lib/convbook, built by \(compiler)") }, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("swiftc: ") && $0.contains(compiler) }, "\(result.stdout)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    /// A `swiftc` that says it is another compiler than the one the installed
    /// modules were built by: one message naming both, and nothing built.
    @Test func aCompilerMismatchIsOneClearMessage() throws {
        let prefix = try Self.installed.get()
        let work = try Harness.temporaryDirectory()
        let fake = work.appendingPathComponent("swiftc")
        try Data("#!/bin/sh\necho 'Swift version 5.10.1 (swift-5.10.1-RELEASE)'\necho 'Target: x86_64-unknown-linux-gnu'\n".utf8).write(to: fake)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        #expect(try Self.convbook(prefix, ["init", "book"], in: work).status == 0)
        let book = work.appendingPathComponent("book")
        let recorded = try String(contentsOf: prefix.appendingPathComponent("lib/convbook/compiler-version"), encoding: .utf8)
        let recordedFirst = String(recorded.split(separator: "\n").first ?? "")
        #expect(recordedFirst.contains("Swift version"))

        let result = try Self.convbook(prefix, ["build"], in: book, environment: ["SWIFTC": fake.path])
        #expect(result.status == 1)
        let errors = result.stderr.split(separator: "\n").filter { $0.contains("error:") }
        #expect(errors.count == 1, "\(result.stderr)")
        let message = String(errors.first ?? "")
        #expect(message.contains("toolchain mismatch"), "\(message)")
        #expect(message.contains(recordedFirst) && message.contains("Swift version 5.10.1"), "\(message)")
        #expect(message.contains(fake.path) && message.contains("make install"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: book.appendingPathComponent("site").path))

        // --version shows both and says the same.
        let version = try Self.convbook(prefix, ["--version"], in: work, environment: ["SWIFTC": fake.path])
        #expect(version.stdout.contains("swiftc: \(fake.path), Swift version 5.10.1"), "\(version.stdout)")
        #expect(version.stderr.contains("toolchain mismatch"), "\(version.stderr)")
    }

    /// `convbook init --package`: the book and the Swift package it documents.
    /// Its chapter calls the package's function, built through `[build] package`.
    @Test func aPackageBookBuildsAgainstItsOwnPackage() throws {
        let prefix = try Self.installed.get()
        let work = try Harness.temporaryDirectory()
        let result = try Self.convbook(prefix, ["init", "--package", "tri-numbers"], in: work)
        #expect(result.status == 0, "\(result.stderr)")
        let book = work.appendingPathComponent("tri-numbers")
        for file in ["Package.swift", "Sources/TriNumbers/TriNumbers.swift", "Tests/TriNumbersTests/TriNumbersTests.swift"] {
            #expect(FileManager.default.fileExists(atPath: book.appendingPathComponent(file).path), "\(file)")
        }
        let built = try Self.convbook(prefix, ["build"], in: book)
        #expect(built.status == 0, "\(built.stderr)")
        let page = try String(contentsOf: book.appendingPathComponent("site/01-first.html"), encoding: .utf8)
        #expect(page.contains(try Regex(#"<span class="cb-value"( data-v="\d+")?>"# + "\((1...100).reduce(0, +))</span>")), "\(page)")
        #expect(try Self.convbook(prefix, ["check"], in: book).status == 0)
    }

    /// The package `--package` writes is a package: its own tests pass.
    @Test func thePackageInitWritesBuildsAndPassesItsTests() throws {
        let prefix = try Self.installed.get()
        let work = try Harness.temporaryDirectory()
        #expect(try Self.convbook(prefix, ["init", "--package", "2d-tri"], in: work).status == 0)
        let book = work.appendingPathComponent("2d-tri")
        let toml = try String(contentsOf: book.appendingPathComponent("book.toml"), encoding: .utf8)
        #expect(toml.contains("package = \".\"") && toml.contains("products = [\"Book2dTri\"]"))
        let chapter = try String(contentsOf: book.appendingPathComponent("chapters/01-first.md"), encoding: .utf8)
        #expect(!chapter.contains("func triangular"), "the package's chapter must use the package's function")
        let tested = try Harness.run("/usr/bin/env", ["swift", "test", "--scratch-path", work.appendingPathComponent("scratch").path], in: book)
        #expect(tested.status == 0, "\(tested.stdout)\(tested.stderr)")
    }
}
