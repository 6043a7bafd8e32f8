import Foundation
import Testing

/// What the Markdown and BibTeX layers accept from a stranger's pull request,
/// through the real binary: raw HTML (shown as text unless the book allows
/// it, and then checked), links in the bibliography, nesting deep enough to
/// overflow a recursive walk, and inputs that cost quadratic time to parse.
/// (Issue 20, failures 3, 4, 7 and 8; the README's reliability table lists them.)
@Suite struct HostileInputTests {
    func failure(_ result: Harness.Result, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != 0 && result.status != 139, "expected a clean failure (\(result.status)): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(expected), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    func allowRawHTML(_ book: BookFixture) throws {
        try Data("[book]\ntitle = \"Raw\"\n\n[build]\nraw-html = true\n".utf8).write(to: book.root.appendingPathComponent("book.toml"))
    }

    /// Raw HTML in every place Markdown allows it: a block, inline, a callout, a footnote, a table cell.
    static let everywhere = """
        # Raw

        <img src=x onerror=alert(1)>

        Inline <a href="javascript:alert(2)">link</a> here.

        > [!NOTE]
        > <svg onload=alert(3)></svg>

        A footnote.[^1]

        | a | b |
        |---|---|
        | <img src=y onerror=alert(4)> | ok |

        <!-- a note to the author -->

        [^1]: <object data="x"></object>

        """

    // MARK: Raw HTML

    @Test func rawHTMLIsShownAsTextUnlessTheBookAllowsIt() throws {
        let book = try BookFixture(["01-raw.md": Self.everywhere])
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        let page = try book.page("01-raw.html")
        for tag in ["<img src=x", "<a href=\"javascript", "<svg onload", "<img src=y", "<object"] {
            #expect(!page.contains(tag), "\(tag) published as HTML")
        }
        // Shown as written, in every place: the reader sees what the author wrote.
        #expect(page.contains("<p>&lt;img src=x onerror=alert(1)&gt;</p>"))
        #expect(page.contains("Inline &lt;a href=&quot;javascript:alert(2)&quot;&gt;link&lt;/a&gt; here."))
        #expect(page.contains("&lt;svg onload=alert(3)&gt;"))
        #expect(page.contains("&lt;img src=y onerror=alert(4)&gt;"))
        #expect(page.contains("&lt;object data=&quot;x&quot;&gt;"))
        // A comment is left out rather than shown.
        #expect(!page.contains("a note to the author"))
    }

    @Test func allowedRawHTMLIsRefusedAtEachLineWhereItWouldRunCode() throws {
        let book = try BookFixture(["01-raw.md": Self.everywhere])
        try allowRawHTML(book)
        let built = try book.convbook("build")
        failure(built, "chapters/01-raw.md:3:")
        for (line, text) in [(3, "'onerror' on <img>"), (5, "javascript: URL ('href' on <a>)"), (8, "'onload' on <svg>"),
                             (14, "'onerror' on <img>"), (18, "<object>")] {
            #expect(built.stderr.contains("chapters/01-raw.md:\(line):"), "line \(line): \(built.stderr)")
            #expect(built.stderr.contains(text), "\(text): \(built.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site/01-raw.html").path))
    }

    @Test func allowedRawHTMLRefusesEveryDisguise() throws {
        let cases = [
            "<a href=\"  JaVaScRiPt:alert(1)\">x</a>", "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<a href=\"&#x6A;avascript:alert(1)\">x</a>", "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
            "<a href=\"javascript&colon;alert(1)\">x</a>", "<a href=\"jav&Tab;ascript:alert(1)\">x</a>",
            "<a href='\u{01}javascript:alert(1)'>x</a>", "<a href=vbscript:msgbox(1)>x</a>",
            "<img src=\"data:text/html,<script>alert(1)</script>\">", "<img src=x/ onerror=alert(1)>",
            "<IMG SRC=x OnError=alert(1)>", "<meta http-equiv=\"refresh\" content=\"0;url=https://example.org\">",
            "<base href=\"https://example.org/\">", "<embed src=x>", "<iframe src=x></iframe>", "<script>alert(1)</script>",
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
            "<svg><set attributeName=\"href\" to=\"javascript:alert(1)\"/></svg>", "<div title=\"never closed\n\nmore",
        ]
        let book = try BookFixture([:])
        try allowRawHTML(book)
        for html in cases {
            try book.write("01-raw.md", "# Raw\n\nText.\n\n\(html)\n")
            failure(try book.convbook("build"), "chapters/01-raw.md:5:")
        }
        // What does not run code is published as written.
        try book.write("01-raw.md", "# Raw\n\n<details><summary>More</summary>\n\n<a href=\"https://example.org/\" title=\"on: javascript\">x</a> <kbd>⌘</kbd>\n\n</details>\n")
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        #expect(try book.page("01-raw.html").contains("<a href=\"https://example.org/\" title=\"on: javascript\">x</a> <kbd>⌘</kbd>"))
    }

    // MARK: Bibliography links

    @Test func aBibliographyURLThatIsNotHTTPIsAnErrorAtItsLine() throws {
        let book = try BookFixture(["01-cite.md": "# Cite\n\nAs shown [@bad].\n"])
        try Data("[book]\ntitle = \"Cite\"\nbibliography = \"refs.bib\"\n".utf8).write(to: book.root.appendingPathComponent("book.toml"))
        for url in ["javascript:alert(1)", "  JaVaScRiPt:alert(1)", "data:text/html,x", "file:///etc/passwd", "notes.txt", "https://a b"] {
            try Data("@misc{bad,\n  author = {A. Writer},\n  title = {T},\n  url = {\(url)},\n  year = {2020}\n}\n".utf8)
                .write(to: book.root.appendingPathComponent("refs.bib"))
            failure(try book.convbook("build"), "refs.bib:4:1: error: @misc{bad}: url = {")
        }
        try Data("@misc{bad,\n  title = {T},\n  doi = {javascript:alert(1)}\n}\n".utf8).write(to: book.root.appendingPathComponent("refs.bib"))
        failure(try book.convbook("build"), "refs.bib:3:1: error: @misc{bad}: doi = {javascript:alert(1)} is not a DOI")
        // http(s) URLs and DOIs are links.
        try Data("@misc{bad,\n  title = {T},\n  doi = {10.1000/xyz-1}\n}\n".utf8).write(to: book.root.appendingPathComponent("refs.bib"))
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        #expect(try book.page("bibliography.html").contains("<a href=\"https://doi.org/10.1000/xyz-1\">"))
    }

    // MARK: Nesting

    @Test func deepNestingIsAnErrorAtItsLineNotACrash() throws {
        let book = try BookFixture([:])
        for body in [String(repeating: ">", count: 3000) + " x", String(repeating: "- ", count: 5000) + "x",
                     String(repeating: "*", count: 3000) + "x" + String(repeating: "*", count: 3000),
                     String(repeating: "![", count: 2000) + "x" + String(repeating: "](y)", count: 2000)] {
            try book.write("01-deep.md", "# Deep\n\n" + body + "\n")
            failure(try book.convbook("build"), "chapters/01-deep.md:3:")
        }
        #expect(try book.convbook("build").stderr.contains("nested more than 100 levels deep"))
        // Nesting up to the limit builds.
        try book.write("01-deep.md", "# Deep\n\n" + String(repeating: ">", count: 98) + " x\n\n" + String(repeating: "- ", count: 49) + "y\n")
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
    }

    // MARK: Linear parsing

    /// Runs `convbook build` and fails if it has not finished after `limit`
    /// seconds: a guard against a hang, not a timing (BENCHMARKS.md times these).
    func buildsWithin(_ book: BookFixture, seconds limit: Double, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Harness.convbook)
        process.arguments = ["build", "--no-cache"]
        process.currentDirectoryURL = book.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(limit)
        while process.isRunning, Date() < deadline { usleep(100_000) }
        let finished = !process.isRunning
        if !finished { process.terminate() }
        process.waitUntilExit()
        #expect(finished, "still parsing after \(limit) s", sourceLocation: sourceLocation)
        #expect(!finished || process.terminationStatus == 0, "build failed", sourceLocation: sourceLocation)
    }

    @Test func hostileChaptersParseInLinearTime() throws {
        let book = try BookFixture([:])
        // 16k unmatched `[` on one line; 20k `@sec-a` in one paragraph; 10k formulas on one line.
        for body in [String(repeating: "[", count: 16000), Array(repeating: "@sec-a", count: 20000).joined(separator: " "),
                     (0..<10000).map { "$x_{\($0)}$" }.joined(separator: " ")] {
            try book.write("01-big.md", "# Big {#sec-a}\n\n" + body + "\n")
            try buildsWithin(book, seconds: 120)
        }
    }

    @Test func aLargeBibliographyParsesInLinearTime() throws {
        let book = try BookFixture(["01-cite.md": "# Cite\n\nAs shown [@key0].\n"])
        try Data("[book]\ntitle = \"Cite\"\nbibliography = \"refs.bib\"\n".utf8).write(to: book.root.appendingPathComponent("book.toml"))
        var bib = ""
        for i in 0..<8000 {
            bib += "@article{key\(i),\n  author = {Ada Lovelace and Charles Babbage},\n  title = {Notes \(i)},\n  year = {\(1900 + i % 100)},\n  url = {https://example.org/\(i)}\n}\n\n"
        }
        try Data(bib.utf8).write(to: book.root.appendingPathComponent("refs.bib"))
        try buildsWithin(book, seconds: 120)
    }
}
