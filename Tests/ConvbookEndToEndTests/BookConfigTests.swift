import Foundation
import Testing

/// `book.toml`: a second small book with its own settings, and the errors a
/// bad file gets, at its line.
@Suite struct BookConfigTests {
    static let chapterA = "# Alpha\n\n```swift\nlet x = Tensor(vector: [1, 2])\nshow(x, \"x\")\n```\n"
    static let chapterB = "# Beta\n\nNo code, just prose.\n"

    func book(_ toml: String) throws -> BookFixture {
        let book = try BookFixture(["a.md": Self.chapterA, "b.md": Self.chapterB])
        try Data(toml.utf8).write(to: book.root.appendingPathComponent("book.toml"))
        return book
    }

    @Test func aSecondBookWithItsOwnSettings() throws {
        let book = try book("""
        [book]
        title = "A Small Book"
        authors = ["Ada", "Grace"]
        description = "Two chapters and a settings file."
        language = "fr"

        [build]
        chapters = ["b.md", "a"]
        imports = ["ConvEngine"]
        timeout = 30
        """)
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        let index = try book.page("index.html")
        #expect(index.contains("<html lang=\"fr\">"))
        #expect(index.contains("A Small Book"))
        #expect(index.contains("Two chapters and a settings file."))
        #expect(!index.contains("convolutional"), "the generator must hold no word of the convbook book")
        // The order is the one book.toml gives, not the file names'.
        let beta = try #require(index.range(of: "b.html")), alpha = try #require(index.range(of: "a.html"))
        #expect(beta.lowerBound < alpha.lowerBound)
        #expect(try book.page("b.html").contains("Beta · A Small Book"))
    }

    @Test func theBooksGradientThresholdIsTheDefault() throws {
        let chapter = "# G\n\n```swift\ncheckGradients((\"dx\", Tensor(vector: [1, 2]), Tensor(vector: [1, 2.00002])))\n```\n"
        let loose = try BookFixture(["01-g.md": chapter])
        try Data("[build]\ngradient-threshold = 1e-4\n".utf8).write(to: loose.root.appendingPathComponent("book.toml"))
        #expect(try loose.convbook("build").status == 0)
        let strict = try BookFixture(["01-g.md": chapter])
        let failed = try strict.convbook("build")
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("chapters/01-g.md:4:"))
        #expect(failed.stderr.contains("above the threshold 1.000e-07"))
    }

    @Test(arguments: [
        ("[book]\ntitle = \"T\"\ncolour = \"red\"\n", "book.toml:3:1: error: unknown key 'colour' in [book]"),
        ("[book]\ntitle = 3\n", "book.toml:2:1: error: book.title must be a string"),
        ("[build]\n\ntimeout = \"soon\"\n", "book.toml:3:1: error: build.timeout must be a positive number"),
        ("[output]\nhtml = true\n", "book.toml:1:1: error: unknown table 'output'"),
        ("[book]\ntitle = \"unclosed\n", "book.toml:2:"),
        ("[build]\nchapters = [\"a.md\", \"missing.md\"]\n", "book.toml: error: build.chapters names 'missing.md', which is not a .md file"),
        ("[build]\nimports = [1]\n", "book.toml:2:1: error: build.imports must be an array of strings"),
        // Settings that would inject code, or make a check or a limit that cannot apply.
        ("[build]\nimports = [\"Foundation\\nlet injected = 1\"]\n", "book.toml:2:1: error: build.imports must be an array of module names"),
        ("[build]\nimports = [\"Foundation; let x = 1\"]\n", "book.toml:2:1: error: build.imports must be an array of module names"),
        ("[build]\ngradient-threshold = inf\n", "book.toml:2:1: error: build.gradient-threshold must be a finite number"),
        ("[build]\ngradient-threshold = nan\n", "book.toml:2:1: error: build.gradient-threshold must be a positive number"),
        ("[build]\ngradient-threshold = 2\n", "book.toml:2:1: error: build.gradient-threshold must be between 0 and 1"),
        ("[build]\ntimeout = inf\n", "book.toml:2:1: error: build.timeout must be a finite number"),
        ("[book]\ntitle = \"  \"\n", "book.toml:2:1: error: book.title must be a title that is not empty"),
        // Every page links to the repository: only a web address may become that link.
        ("[book]\ntitle = \"T\"\nrepository = \"javascript:alert(1)\"\n", "book.toml:3:1: error: book.repository must be an http:// or https:// URL"),
        ("[book]\n\nrepository = \"github.com/owner/book\"\n", "book.toml:3:1: error: book.repository must be an http:// or https:// URL"),
        ("[book]\nrepository = \"https://example.org/a b\"\n", "book.toml:2:1: error: book.repository must be an http:// or https:// URL"),
        ("[book]\nrepository = 1\n", "book.toml:2:1: error: book.repository must be a string"),
        ("[book]\nedit-url-template = \"file:///etc/{path}\"\n", "book.toml:2:1: error: book.edit-url-template must be an http:// or https:// URL"),
        ("[book]\nedit-url-template = \"https://example.org/edit/main\"\n", "book.toml:2:1: error: book.edit-url-template must be a URL with {path}"),
        // The author's package (AuthorPackageTests builds one): both keys or neither, and names that can go into a manifest.
        ("[build]\nproducts = [\"MyLib\"]\n", "book.toml:2:1: error: build.products needs build.package"),
        ("[build]\npackage = \".\"\n", "book.toml:2:1: error: build.package needs build.products"),
        ("[build]\npackage = \".\"\nproducts = []\n", "book.toml:3:1: error: build.products must be a list of the package's library products"),
        ("[build]\npackage = \".\"\nproducts = [\"My\\\")Lib\"]\n", "book.toml:3:1: error: build.products must be an array of product names"),
        ("[build]\npackage = 1\nproducts = [\"MyLib\"]\n", "book.toml:2:1: error: build.package must be a string"),
        ("[build]\npackage = \"nowhere\"\nproducts = [\"MyLib\"]\n", "book.toml:2:11: error: build.package: there is no folder"),
        ("[build]\npackage  =   \"chapters\"\nproducts = [\"MyLib\"]\n", "book.toml:2:14: error: build.package: "),
    ])
    func badSettingsAreErrorsAtTheirLine(toml: String, expected: String) throws {
        let book = try book(toml)
        let result = try book.convbook("build")
        #expect(result.status == 1)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site").path))
    }

    @Test(arguments: [
        ("---\ntimeout: inf\n---\n# A\n", "chapters/a.md:2:9: error: timeout must be a positive number of seconds written in decimal digits"),
        ("---\ntimeout: 0x10\n---\n# A\n", "chapters/a.md:2:9: error: timeout must be a positive number of seconds written in decimal digits"),
        ("---\ntimeout: 1e400\n---\n# A\n", "chapters/a.md:2:9: error: timeout must be a positive number"),
        ("---\ntimeout: 0\n---\n# A\n", "chapters/a.md:2:9: error: timeout must be a positive number"),
        ("---\ntitle: \"\"\n---\n# A\n", "chapters/a.md:2:1: error: title is empty"),
    ])
    func badFrontMatterIsAnErrorAtItsLine(chapter: String, expected: String) throws {
        let book = try BookFixture(["a.md": chapter])
        let result = try book.convbook("build")
        #expect(result.status == 1)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
    }

    @Test func modulesAndDecimalTimeoutsAreAccepted() throws {
        let book = try BookFixture(["a.md": "---\ntimeout: 2.5\n---\n# A\n\n```swift\nprint(sqrt(4.0))\n```\n"])
        try Data("[build]\nimports = [\"ConvEngine\", \"Foundation\"]\ngradient-threshold = 1e-6\n".utf8)
            .write(to: book.root.appendingPathComponent("book.toml"))
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
    }
}
