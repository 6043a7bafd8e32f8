import ConvEngine
import ConvNPY
import Foundation
import Testing

/// The book's folder is the boundary (README, "Reliability"): nothing
/// outside it reaches the site, through a symbolic link or a path; nothing
/// the build generates can be replaced by a file of the book; and only
/// regular files of a bounded size are read, each refusal an error at the
/// line that names the file (or naming the file, for chapters and the
/// bibliography).
@Suite struct BoundaryTests {
    static let secret = "-----BEGIN PRIVATE KEY----- not for the site\n"

    /// A file outside the book (in a folder of its own), to link to.
    func outsideFile(_ name: String = "id_rsa", _ text: String = secret) throws -> URL {
        let url = try Harness.temporaryDirectory().appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    func link(_ book: BookFixture, _ name: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: book.root.appendingPathComponent("chapters/\(name)").path,
                                                   withDestinationPath: target)
    }

    /// `convbook build`, ended after 120 s should it hang (a FIFO read would): status 124 then.
    func build(_ book: BookFixture) throws -> Harness.Result {
        try Harness.run("/usr/bin/timeout", ["-s", "KILL", "120", Harness.convbook, "build"], in: book.root)
    }

    func failure(_ result: Harness.Result, _ expected: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 1, "expected a failure (status 1): \(result.status) \(result.stderr)", sourceLocation: sourceLocation)
        for text in expected {
            #expect(result.stderr.contains(text), "no '\(text)' in: \(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    /// Every byte of the site folder, as one text: what must not hold the secret.
    func siteText(_ book: BookFixture) -> String {
        book.siteSnapshot().values.map { String(decoding: $0, as: UTF8.self) }.joined()
    }

    // MARK: Symbolic links

    @Test func imagesAndLinkedFilesThatResolveOutsideTheBookAreRefused() throws {
        let book = try BookFixture(["01-a.md": "# A\n\n![logo](logo.png)\n\nSee [notes](notes.txt).\n"])
        let secret = try outsideFile()
        try link(book, "logo.png", to: secret.path)
        try link(book, "notes.txt", to: secret.path)
        let result = try build(book)
        failure(result, "chapters/01-a.md:3:1: error: broken link 'logo.png': the file resolves to \(secret.path), outside the book's folder",
                "chapters/01-a.md:5:5: error: broken link 'notes.txt': the file resolves to \(secret.path), outside the book's folder")
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site").path))
        // A folder on the way that leads out is refused the same way.
        try FileManager.default.removeItem(at: book.root.appendingPathComponent("chapters/logo.png"))
        try FileManager.default.removeItem(at: book.root.appendingPathComponent("chapters/notes.txt"))
        try link(book, "img", to: secret.deletingLastPathComponent().path)
        try book.write("01-a.md", "# A\n\n![logo](img/id_rsa)\n")
        failure(try build(book), "chapters/01-a.md:3:1: error: broken link 'img/id_rsa': the file resolves to \(secret.path), outside the book's folder")
    }

    @Test func aSymbolicLinkThatStaysInsideTheBookIsFollowed() throws {
        let book = try BookFixture(["01-a.md": "# A\n\n![logo](logo.svg)\n"])
        let assets = book.root.appendingPathComponent("assets")
        try FileManager.default.createDirectory(at: assets, withIntermediateDirectories: true)
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"
        try Data(svg.utf8).write(to: assets.appendingPathComponent("logo.svg"))
        try link(book, "logo.svg", to: "../assets/logo.svg")
        let result = try build(book)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(book.siteSnapshot()["logo.svg"] == Data(svg.utf8))
        // Retargeted outside, the next build sees it although the chapter did not change.
        try FileManager.default.removeItem(at: book.root.appendingPathComponent("chapters/logo.svg"))
        try link(book, "logo.svg", to: try outsideFile("logo.svg").path)
        failure(try build(book), "chapters/01-a.md:3:1: error: broken link 'logo.svg': the file resolves to")
        #expect(book.siteSnapshot()["logo.svg"] == Data(svg.utf8))
    }

    @Test func aChapterThatResolvesOutsideTheBookIsRefused() throws {
        let book = try BookFixture(["01-a.md": "# A\n"])
        try link(book, "02-b.md", to: "/etc/passwd")
        failure(try build(book), "chapters/02-b.md: error: the chapter resolves to /etc/passwd, outside the book's folder")
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site").path))
        // A chapters folder that is itself a link out of the book: each chapter resolves outside.
        let elsewhere = try Harness.temporaryDirectory()
        try Data("# Elsewhere\n".utf8).write(to: elsewhere.appendingPathComponent("01-x.md"))
        try FileManager.default.createSymbolicLink(atPath: book.root.appendingPathComponent("linked").path, withDestinationPath: elsewhere.path)
        failure(try Harness.convbook(["build", "--chapters", "linked", "--out", "other"], in: book.root),
                "linked/01-x.md: error: the chapter resolves to \(elsewhere.path)/01-x.md, outside the book's folder")
    }

    @Test func programFilesThatResolveOutsideTheBookAreRefusedAndInsideOnesAreCopiedWhole() throws {
        let book = try BookFixture(["01-a.md": "---\nfiles: inputs/x.npy\n---\n# A\n\n```swift\nlet x = loadNPY(\"inputs/x.npy\")\n```\n\nSum `{swift} x.sum()`.\n"])
        // A relative link to a file elsewhere in the book: the program gets the file, not a dangling link.
        let data = book.root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Data(Tensor(vector: [1, 2, 3.5]).npyBytes()).write(to: data.appendingPathComponent("x.npy"))
        try FileManager.default.createDirectory(at: book.root.appendingPathComponent("chapters/inputs"), withIntermediateDirectories: true)
        try link(book, "inputs/x.npy", to: "../../data/x.npy")
        let built = try build(book)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(try book.page("01-a.html").withoutLedgerMarks.contains("Sum <span class=\"cb-value\">6.5</span>"))
        // Pointed outside the book, it is refused at the front matter's line, and the chapter does not run.
        try FileManager.default.removeItem(at: book.root.appendingPathComponent("chapters/inputs/x.npy"))
        let secret = try outsideFile("x.npy")
        try link(book, "inputs/x.npy", to: secret.path)
        let refused = try build(book)
        failure(refused, "chapters/01-a.md:2:1: error: the front matter names 'inputs/x.npy' in files, which resolves to \(secret.path), outside the book's folder")
        #expect(!refused.stderr.contains("[1/1] 01-a.md"), "the chapter must not run: \(refused.stderr)")
        #expect(!siteText(book).contains("not for the site"))
    }

    @Test func aBibliographyOutsideTheBookIsRefused() throws {
        let book = try BookFixture(["01-a.md": "# A\n\nAs [@key] shows.\n"])
        let bib = try outsideFile("refs.bib", "@misc{key, title = {Secret}, author = {A. Author}, year = {2020}}\n")
        // By a path that climbs out of the book.
        let climbing = "../" + bib.deletingLastPathComponent().lastPathComponent + "/refs.bib"
        try Data("[book]\nbibliography = \"\(climbing)\"\n".utf8).write(to: book.root.appendingPathComponent("book.toml"))
        failure(try build(book), "\(climbing): error: the bibliography resolves to \(bib.path), outside the book's folder")
        // By a link beside book.toml.
        try FileManager.default.createSymbolicLink(atPath: book.root.appendingPathComponent("refs.bib").path, withDestinationPath: bib.path)
        try Data("[book]\nbibliography = \"refs.bib\"\n".utf8).write(to: book.root.appendingPathComponent("book.toml"))
        failure(try build(book), "refs.bib: error: the bibliography resolves to \(bib.path), outside the book's folder")
        // By a chapter's front matter.
        try FileManager.default.removeItem(at: book.root.appendingPathComponent("book.toml"))
        try book.write("01-a.md", "---\nbibliography: ../refs.bib\n---\n# A\n\nAs [@key] shows.\n")
        failure(try build(book), "chapters/../refs.bib: error: the bibliography resolves to \(bib.path), outside the book's folder")
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site").path))
    }

    // MARK: Generated files

    @Test func aBookFileMayNotReplaceAFileTheBuildGenerates() throws {
        let names = ["search-index.js", "convbook-core.js", "convkernel.js", "style.css", "manifest.json", ".convbook-site",
                     "Style.CSS", "katex/katex.min.css", "katex/x.png"]
        var text = "# A\n"
        for (number, name) in names.enumerated() { text += "\n[f\(number)](\(name))\n" }
        let book = try BookFixture(["01-a.md": "# A\n"])
        #expect(try build(book).status == 0)
        let before = book.siteSnapshot()
        try book.write("01-a.md", text)
        for name in names {
            let url = book.root.appendingPathComponent("chapters/\(name)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("window.stolen = true\n".utf8).write(to: url)
        }
        let result = try build(book)
        failure(result,
                "chapters/01-a.md:3:1: error: broken link 'search-index.js': the build writes search-index.js itself",
                "chapters/01-a.md:5:1: error: broken link 'convbook-core.js': the build writes convbook-core.js itself",
                "chapters/01-a.md:7:1: error: broken link 'convkernel.js': the build writes convkernel.js itself",
                "chapters/01-a.md:9:1: error: broken link 'style.css': the build writes style.css itself",
                "chapters/01-a.md:11:1: error: broken link 'manifest.json': the build writes manifest.json itself",
                "chapters/01-a.md:13:1: error: broken link '.convbook-site': the build writes .convbook-site itself",
                "chapters/01-a.md:15:1: error: broken link 'Style.CSS': the build writes style.css itself",
                "chapters/01-a.md:17:1: error: broken link 'katex/katex.min.css': the build writes katex/katex.min.css itself",
                "chapters/01-a.md:19:1: error: broken link 'katex/x.png': katex/ is a folder the build writes itself")
        #expect(book.siteSnapshot() == before)
        #expect(!siteText(book).contains("window.stolen"))
        // `code/` holds the chapters' programs: a link there must name one, and nothing is copied.
        try FileManager.default.createDirectory(at: book.root.appendingPathComponent("chapters/code"), withIntermediateDirectories: true)
        try Data("stolen".utf8).write(to: book.root.appendingPathComponent("chapters/code/x.png"))
        try book.write("01-a.md", "# A\n\n![x](code/x.png)\n")
        failure(try build(book), "chapters/01-a.md:3:1: error: broken link 'code/x.png': no chapter's code is code/x.png")
        #expect(book.siteSnapshot() == before)
    }

    // MARK: Regular files only, of a bounded size

    @Test func imagesMustBeRegularFilesOfABoundedSize() throws {
        let book = try BookFixture(["01-a.md": "# A\n\n![f](fifo.png)\n\n![d](folder.png)\n\n![n](nowhere.png)\n\n![b](big.png)\n"])
        let chapters = book.root.appendingPathComponent("chapters")
        #expect(mkfifo(chapters.appendingPathComponent("fifo.png").path, 0o644) == 0)
        try FileManager.default.createDirectory(at: chapters.appendingPathComponent("folder.png"), withIntermediateDirectories: true)
        try link(book, "nowhere.png", to: "missing.png")
        try sparseFile(chapters.appendingPathComponent("big.png"), bytes: 65 << 20)
        let result = try build(book)
        failure(result,
                "chapters/01-a.md:3:1: error: broken link 'fifo.png': the file is a FIFO (named pipe), not a regular file",
                "chapters/01-a.md:5:1: error: broken link 'folder.png': the file is a folder, not a regular file",
                "chapters/01-a.md:7:1: error: broken link 'nowhere.png': the file is a symbolic link to missing.png, which does not exist",
                "chapters/01-a.md:9:1: error: broken link 'big.png': the file is 65.0 MiB; a file the book reads may be at most 64.0 MiB")
        // A device (root may make one: the same as /dev/null).
        if try Harness.run("/usr/bin/mknod", [chapters.appendingPathComponent("device.png").path, "c", "1", "3"]).status == 0 {
            try book.write("01-a.md", "# A\n\n![c](device.png)\n")
            failure(try build(book), "chapters/01-a.md:3:1: error: broken link 'device.png': the file is a character device, not a regular file")
        }
    }

    @Test func programFilesMustBeRegularFilesOfABoundedSize() throws {
        let book = try BookFixture(["01-a.md": "---\nfiles: fifo.npy\n---\n# A\n\n```swift\nprint(1)\n```\n"])
        let chapters = book.root.appendingPathComponent("chapters")
        #expect(mkfifo(chapters.appendingPathComponent("fifo.npy").path, 0o644) == 0)
        let expected = [
            ("fifo.npy", "which is a FIFO (named pipe), not a regular file"),
            ("inputs", "which is a folder, not a regular file"),
            ("dangling.npy", "which is a symbolic link to gone.npy, which does not exist"),
            ("big.npy", "which is 2.0 GiB; a file the book reads may be at most 64.0 MiB"),
        ]
        try FileManager.default.createDirectory(at: chapters.appendingPathComponent("inputs"), withIntermediateDirectories: true)
        try link(book, "dangling.npy", to: "gone.npy")
        try sparseFile(chapters.appendingPathComponent("big.npy"), bytes: 2 << 30)
        for (name, message) in expected {
            try book.write("01-a.md", "---\nfiles: \(name)\n---\n# A\n\n```swift\nprint(1)\n```\n")
            let result = try build(book)
            failure(result, "chapters/01-a.md:2:1: error: the front matter names '\(name)' in files, \(message)")
            #expect(!result.stderr.contains("[1/1] 01-a.md"), "the chapter must not run: \(result.stderr)")
        }
    }

    @Test func aChapterMustBeARegularFile() throws {
        let book = try BookFixture(["01-a.md": "# A\n"])
        #expect(mkfifo(book.root.appendingPathComponent("chapters/02-b.md").path, 0o644) == 0)
        failure(try build(book), "chapters/02-b.md: error: the chapter is a FIFO (named pipe), not a regular file")
        try FileManager.default.removeItem(at: book.root.appendingPathComponent("chapters/02-b.md"))
        try FileManager.default.createDirectory(at: book.root.appendingPathComponent("chapters/02-b.md"), withIntermediateDirectories: true)
        failure(try build(book), "chapters/02-b.md: error: the chapter is a folder, not a regular file")
    }

    // MARK: Config

    @Test func anEmptyChapterListIsAnError() throws {
        let book = try BookFixture(["01-a.md": "# A\n"])
        #expect(try build(book).status == 0)
        let before = book.siteSnapshot()
        try Data("[book]\ntitle = \"T\"\n\n[build]\nchapters = []\n".utf8).write(to: book.root.appendingPathComponent("book.toml"))
        failure(try build(book), "book.toml:5:1: error: build.chapters is empty")
        #expect(book.siteSnapshot() == before)
    }

    /// A file of `bytes` bytes that takes no room on the disk.
    func sparseFile(_ url: URL, bytes: Int) throws {
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(bytes))
        try handle.close()
    }
}
