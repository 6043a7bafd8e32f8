import Foundation
import Testing

/// The author's Swift package (`[build] package` and `products` in
/// `book.toml`): a fixture package (`Fixtures/AuthorPackage`: the library
/// MyLib with one public function and its unit test, and an executable) in a
/// fixture book whose first chapter imports it. Built with the real
/// `convbook` and the real SwiftPM, so these tests take a minute or two.
@Suite(.serialized) struct AuthorPackageTests {
    static let fixture = Harness.packageRoot.appendingPathComponent("Tests/ConvbookEndToEndTests/Fixtures/AuthorPackage")

    static let importing = "# Uses\n\n```swift\nimport MyLib\n\nprint(\"triple(14) = \\(triple(14))\")\n```\n"
    static let plain = "# Plain\n\n```swift\nprint(\"six = \\(2 * 3)\")\n```\n"

    /// A book with the fixture package copied to `folder` (relative to the book; "." for the book's own folder).
    func book(package folder: String) throws -> BookFixture {
        let book = try BookFixture(["01-uses.md": Self.importing, "02-plain.md": Self.plain])
        let target = book.root.appendingPathComponent(folder).standardizedFileURL
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for entry in try FileManager.default.contentsOfDirectory(atPath: Self.fixture.path) {
            try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent(entry), to: target.appendingPathComponent(entry))
        }
        try writeSettings(book, package: folder, products: ["MyLib"])
        return book
    }

    func writeSettings(_ book: BookFixture, package: String, products: [String]) throws {
        let list = products.map { "\"\($0)\"" }.joined(separator: ", ")
        try Data("[build]\npackage = \"\(package)\"\nproducts = [\(list)]\n".utf8).write(to: book.root.appendingPathComponent("book.toml"))
    }

    func editLibrary(_ book: BookFixture, folder: String, body: String) throws {
        let source = book.root.appendingPathComponent(folder).appendingPathComponent("Sources/MyLib/MyLib.swift")
        try Data("/// Three times `x`, or so.\npublic func triple(_ x: Int) -> Int { \(body) }\n".utf8).write(to: source)
    }

    @Test func chaptersImportThePackageAndOnlyThoseRerunWhenItChanges() throws {
        let book = try book(package: ".")
        let first = try book.convbook("build")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("(2 compiled, 0 cached)"), "\(first.stderr)")
        #expect(try book.page("01-uses.html").contains("triple(14) = \(3 * 14)"))
        #expect(try book.page("02-plain.html").contains("six = 6"))
        // The package's build is in the cache folder: not in the site, not beside the chapters.
        let site = book.siteSnapshot()
        #expect(!site.keys.contains { $0.hasSuffix(".so") || $0.hasSuffix(".swiftmodule") || $0.hasSuffix(".o") })
        #expect(!book.rootEntries().contains(".build"))
        #expect(FileManager.default.fileExists(atPath: book.root.appendingPathComponent(".convbook-cache/package").path))

        // Nothing changed: nothing runs, and the site is byte for byte the same.
        let again = try book.convbook("build")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(book.siteSnapshot() == site)

        // The library's code changes (its interface does not): the chapter importing it reruns, the other does not.
        try editLibrary(book, folder: ".", body: "3 * x + 1")
        let edited = try book.convbook("build")
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(edited.stderr.contains("(1 compiled, 1 cached)"), "\(edited.stderr)")
        #expect(edited.stderr.contains("01-uses.md: compiled"), "\(edited.stderr)")
        #expect(edited.stderr.contains("02-plain.md: cached"), "\(edited.stderr)")
        let page = try book.page("01-uses.html")
        #expect(page.contains("triple(14) = \(3 * 14 + 1)"))
        #expect(!page.contains("triple(14) = \(3 * 14)<"), "the old value must not stay published")
        #expect(try book.page("02-plain.html") == String(decoding: site["02-plain.html"] ?? Data(), as: UTF8.self))
    }

    @Test(.timeLimit(.minutes(5)))
    func serveRebuildsWhenThePackageChanges() async throws {
        let book = try book(package: ".")
        let server = try ServeProcess(in: book.root)
        defer { server.kill() }
        let line = try #require(server.firstLine(timeout: 240), "no address line; stderr:\n\(server.stderr)")
        #expect(line.hasPrefix("serving site/ at "), "\(line)")
        #expect(try book.page("01-uses.html").contains("triple(14) = \(3 * 14)"), "\(server.stderr)")
        try editLibrary(book, folder: ".", body: "3 * x + 2")
        let rebuilt = try await ServeCommandTests.poll(timeout: 180) {
            (try? book.page("01-uses.html"))?.contains("triple(14) = \(3 * 14 + 2)") == true ? true : nil
        }
        #expect(rebuilt == true, "no rebuild after the package's source changed; stderr:\n\(server.stderr)")
        #expect(server.interrupt(timeout: 20) == 130)
    }

    @Test func eachPackageErrorIsOneMessageAndPublishesNothing() throws {
        let book = try book(package: "lib")
        #expect(try book.convbook("build").status == 0)
        let site = book.siteSnapshot()
        #expect(site["01-uses.html"] != nil)

        func fails(_ expected: [String], _ because: String) throws {
            let result = try book.convbook("build")
            #expect(result.status == 1, "\(because): \(result.stderr)")
            for text in expected { #expect(result.stderr.contains(text), "\(because): \(result.stderr)") }
            // One error of convbook's (the compiler's own lines may follow it, inside its message).
            let errors = result.stderr.split(separator: "\n").filter { ($0.hasPrefix("book.toml:") || $0.hasPrefix("chapters/")) && $0.contains(": error: ") }
            #expect(errors.count == 1, "\(because): one error, not \(result.stderr)")
            #expect(book.siteSnapshot() == site, "\(because): the site must stay as it was")
        }

        // A package that is not there, or a folder that is not a package: at the value of `package`.
        try writeSettings(book, package: "nowhere", products: ["MyLib"])
        try fails(["book.toml:2:11: error: build.package: there is no folder \(book.root.appendingPathComponent("nowhere").standardizedFileURL.path)"], "missing folder")
        try writeSettings(book, package: "chapters", products: ["MyLib"])
        try fails(["book.toml:2:11: error: build.package:", "holds no Package.swift"], "not a package")
        // A product the package does not have, and one that is not a library: at `products`, naming the package's products.
        try writeSettings(book, package: "lib", products: ["MyLib", "Missing"])
        try fails(["book.toml:3:12: error: package 'MyLib' at", "has no product 'Missing' (its products: MyLib (library), mytool (executable))"], "missing product")
        try writeSettings(book, package: "lib", products: ["mytool"])
        try fails(["book.toml:3:12: error: product 'mytool' is not a library of package 'MyLib'", "(its products: MyLib (library), mytool (executable))"],
                  "executable product")
        // A library that does not compile: the compiler's message, with its file and line, in the one error.
        try writeSettings(book, package: "lib", products: ["MyLib"])
        try editLibrary(book, folder: "lib", body: "3 * y")
        try fails(["book.toml:2:11: error: the package at \(book.root.appendingPathComponent("lib").path) did not build",
                   "Sources/MyLib/MyLib.swift:2:", "cannot find 'y' in scope"], "compile error")
        // Fixed again: it builds, and the page follows the new code.
        try editLibrary(book, folder: "lib", body: "3 * x - 1")
        let fixed = try book.convbook("build")
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(try book.page("01-uses.html").contains("triple(14) = \(3 * 14 - 1)"))
    }
}
