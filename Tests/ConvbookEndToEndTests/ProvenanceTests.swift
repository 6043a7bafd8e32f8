import Foundation
import Testing

/// The footer of every page (issue 22): the chapter's last change and commit
/// as git records them, the toolchain, its values in the ledger; the links to
/// the repository `book.toml` names and to each chapter's source.
@Suite struct ProvenanceTests {
    static let chapter = "# Alpha\n\n## One\n\n```swift\nlet x = Tensor(vector: [1, 2])\nshow(x, \"x\")\n```\n\nThe sum is `{swift} x.sum()`.\n"

    func footer(_ page: String) throws -> String {
        let start = try #require(page.range(of: "<footer class=\"site-footer\">"))
        let end = try #require(page.range(of: "</footer>", range: start.upperBound..<page.endIndex))
        return String(page[start.lowerBound..<end.upperBound])
    }

    @Test func aRepositoryIsLinkedFromEveryPage() throws {
        let book = try BookFixture(["01-a.md": Self.chapter, "02-b.md": "# Beta\n\nProse only.\n"])
        try Data("[book]\ntitle = \"Linked\"\nrepository = \"https://example.org/owner/linked/\"\n".utf8)
            .write(to: book.root.appendingPathComponent("book.toml"))
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        let a = try footer(book.page("01-a.html"))
        // The trailing slash is dropped; "edit this page" is the file at HEAD by default, from the folder of book.toml.
        #expect(a.contains("<a href=\"https://example.org/owner/linked/blob/HEAD/chapters/01-a.md\">Edit this page</a>"), "\(a)")
        #expect(a.contains("<a href=\"https://example.org/owner/linked\">Source repository</a>"), "\(a)")
        #expect(a.contains("Built by convbook with Swift "), "\(a)")
        // The ledger's values for the page, one by one (the shown tensor's two entries and the inline value), in its
        // entries as `check` counts published values (the shown tensor and the inline value).
        #expect(a.contains("holds 3 values of this page, in 2 entries."), "\(a)")
        #expect(try footer(book.page("02-b.html")).contains("holds 0 values of this page, in 0 entries."))
        #expect(try footer(book.page("index.html")).contains("https://example.org/owner/linked"))
        #expect(try book.page("book.html").contains("<a href=\"index.html\">"))
        #expect(try book.page("book.html").contains("<a href=\"https://example.org/owner/linked\">Source</a>"))
        let program = try book.page("code/01-a.swift")
        #expect(program.contains("from a checkout of convbook, as this book's source holds it (git clone https://example.org/owner/linked)"), "\(program)")
        // No git here: the page says the day its text was first built, and names no commit.
        #expect(a.contains("Last changed on \(Self.today()). Built by"), "\(a)")

        // A template of one's own, with the path in it.
        try Data("[book]\ntitle = \"Linked\"\nrepository = \"https://example.org/r\"\nedit-url-template = \"https://example.org/r/edit/main/book/{path}\"\n".utf8)
            .write(to: book.root.appendingPathComponent("book.toml"))
        #expect(try book.convbook("build").status == 0)
        #expect(try footer(book.page("01-a.html")).contains("<a href=\"https://example.org/r/edit/main/book/chapters/01-a.md\">Edit this page</a>"))
    }

    @Test func withoutARepositoryThereAreNoLinks() throws {
        let book = try BookFixture(["01-a.md": Self.chapter])
        #expect(try book.convbook("build").status == 0)
        let a = try footer(book.page("01-a.html"))
        #expect(!a.contains("Edit this page") && !a.contains("Source repository"), "\(a)")
        #expect(a.contains("Built by convbook with Swift "))
        #expect(try book.page("code/01-a.swift").contains("from a checkout of convbook:"))
        #expect(try !book.page("book.html").contains(">Source</a>"))
    }

    /// Today in UTC, as a page names the day a text not yet committed was first built.
    static func today() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }

    @Test func theLastChangeIsTheChaptersLastCommit() throws {
        let git = try #require(Harness.which("git"), "git is needed")
        let book = try BookFixture(["01-a.md": Self.chapter, "02-b.md": "# Beta\n\nProse only.\n"])
        try Data("[book]\ntitle = \"Dated\"\nrepository = \"https://example.org/dated\"\n".utf8).write(to: book.root.appendingPathComponent("book.toml"))
        let environment = ["GIT_AUTHOR_DATE": "2024-05-06T12:00:00Z", "GIT_COMMITTER_DATE": "2024-05-06T12:00:00Z",
                           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"]
        func run(_ arguments: String...) throws -> String {
            let result = try Harness.run(git, ["-c", "user.name=T", "-c", "user.email=t@example.org"] + arguments, in: book.root, environment: environment)
            #expect(result.status == 0, "git \(arguments): \(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try run("init", "-q")
        _ = try run("add", "chapters", "book.toml")
        _ = try run("commit", "-q", "-m", "first")
        let first = try run("rev-parse", "HEAD")
        #expect(try book.convbook("build").status == 0)
        let a = try footer(book.page("01-a.html"))
        #expect(a.contains("Last changed on 2024-05-06, commit <a href=\"https://example.org/dated/commit/\(first)\"><code>\(first.prefix(12))</code></a>."), "\(a)")
        // The site is not committed: building again writes the same bytes, and check agrees.
        let before = book.siteSnapshot()
        #expect(try book.convbook("build").status == 0)
        #expect(book.siteSnapshot() == before)
        #expect(try book.convbook("check").status == 0)

        // An edit not yet committed: its page says it changed on the day it was built, with no commit; the other page keeps its own.
        try book.write("01-a.md", Self.chapter + "\nMore.\n")
        #expect(try book.convbook("build").status == 0)
        let today = Self.today()
        #expect(try footer(book.page("01-a.html")).contains("Last changed on \(today). Built by"))
        #expect(try footer(book.page("02-b.html")).contains(String(first.prefix(12))))
        // Committing it (the site built from it can go in the same commit) changes nothing: the record of that text
        // is kept, so check agrees and a rebuild writes the same bytes, as a fresh clone of that commit would.
        let edited = book.siteSnapshot()
        _ = try run("commit", "-q", "-am", "second")
        let second = try run("rev-parse", "HEAD")
        #expect(try book.convbook("check").status == 0)
        #expect(try book.convbook("build").status == 0)
        #expect(book.siteSnapshot() == edited)
        #expect(try footer(book.page("01-a.html")).contains("Last changed on \(today). Built by"))
        #expect(try footer(book.page("02-b.html")).contains(String(first.prefix(12))))
        // A record lost (the site folder deleted): the committed, unmodified chapter gets git's last commit again.
        try FileManager.default.removeItem(at: book.root.appendingPathComponent("site"))
        #expect(try book.convbook("build").status == 0)
        #expect(try footer(book.page("01-a.html")).contains(String(second.prefix(12))))

        // Without the history (an archive, a shallow clone), the site's record of unchanged chapters is kept:
        // the committed site is rebuilt byte for byte, and check agrees.
        let published = book.siteSnapshot()
        #expect(published["history.json"].map { String(decoding: $0, as: UTF8.self).contains(second) } == true)
        try FileManager.default.removeItem(at: book.root.appendingPathComponent(".git"))
        #expect(try book.convbook("check").status == 0)
        #expect(try book.convbook("build", "--no-cache").status == 0)
        #expect(book.siteSnapshot() == published)
        // A chapter changed since: its page no longer claims that commit.
        try book.write("01-a.md", Self.chapter + "\nEdited again.\n")
        #expect(try book.convbook("build").status == 0)
        #expect(try !footer(book.page("01-a.html")).contains(String(second.prefix(12))))
        #expect(try footer(book.page("01-a.html")).contains("Last changed on \(Self.today()). Built by"))
        #expect(try footer(book.page("02-b.html")).contains(String(first.prefix(12))))
    }
}
