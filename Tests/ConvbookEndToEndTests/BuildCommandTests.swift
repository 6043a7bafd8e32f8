import ConvEngine
import ConvNPY
import Foundation
import Testing

/// `convbook build`, `check` and `verify` on small books, good and broken, run
/// as a user runs them.
@Suite struct BuildCommandTests {
    static let goodChapter = """
    ---
    title: Good
    summary: A chapter that works.
    ---
    # A good chapter

    Prose with $a_{i,j} * b^*$ math and a $5 price.

    ```swift
    let x = Tensor(matrix: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    let k = Tensor(matrix: [[1, 2], [3, 4]])
    let y = crossCorrelate(x, k)
    print("printed <tag> & more")
    show(y, "y")
    ```

    The corner is `{swift} y[0, 0]` and in math $y = `{swift} y`$.

    ```swift hide-code
    print("hidden code ran")
    ```
    """

    @Test func aGoodBookBuildsWithComputedValuesInThePage() throws {
        let book = try BookFixture(["01-good.md": Self.goodChapter])
        let result = try book.convbook("build")
        #expect(result.status == 0, "\(result.stderr)")
        let page = try book.page("01-good.html")
        // The values come from the engine: compute them here independently.
        let y = crossCorrelate(Tensor(matrix: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]), Tensor(matrix: [[1, 2], [3, 4]]))
        #expect(page.withoutLedgerMarks.contains("<span class=\"cb-value\">\(Int(y[0, 0]))</span>"))
        #expect(page.contains("\\begin{bmatrix} \(Int(y[0, 0])) &amp; \(Int(y[0, 1])) \\\\ \(Int(y[1, 0])) &amp; \(Int(y[1, 1])) \\end{bmatrix}"))
        for value in y.scalars { #expect(page.contains("<td>\(Int(value))</td>")) }
        // Printed text is escaped; TeX reaches the page as written; a price stays text.
        #expect(page.contains("printed &lt;tag&gt; &amp; more"))
        #expect(page.contains("a_{i,j} * b^*"))
        #expect(page.contains("a $5 price"))
        // hide-code: output without the code.
        #expect(page.contains("hidden code ran"))
        #expect(!page.contains("print(&quot;hidden code ran&quot;)"))
        let index = try book.page("index.html")
        #expect(index.contains("01-good.html") && index.contains("A chapter that works."))
        #expect(FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site/manifest.json").path))
    }

    /// One broken chapter per case (the whole file): the message names the
    /// chapter's file and line (and column where there is one), and the old
    /// site survives byte for byte.
    @Test(arguments: [
        ("# Bad\n\n```swift\nlet a = 1\nlet b: String = a\n```\n",
         "chapters/02-bad.md:5:17: error: cannot convert value of type 'Int' to specified type 'String'"),
        ("# Bad\n\n```swift\nlet v = [1, 2]\n```\n\n```swift\nprint(v[5])\n```\n",
         "chapters/02-bad.md:8:8: error: block 2 trapped: Fatal error: Index out of range"),
        ("---\ntimeout: 1\n---\n```swift\nwhile true {}\n```\n",
         "chapters/02-bad.md:4: error: the chapter program did not finish within its time limit of 1 s"),
        ("# Bad\n\nValue `{swift} nothingHere + 1` here.\n",
         "chapters/02-bad.md:3:16: error: cannot find 'nothingHere' in scope"),
        ("# Bad\n\n```swift shiny\nprint(1)\n```\n",
         "chapters/02-bad.md:3:1: error: unknown code block option 'shiny'"),
        ("# Bad\n\n```swift\nlet a = Tensor(vector: [1, 2])\ncheckGradients((\"da\", a, Tensor(vector: [1, 2.5])))\n```\n",
         "chapters/02-bad.md:5:15: error: gradient check failed: relative error of da is 1.111e-01"),
        ("# Bad\n\n```swift\ncheckAgreement(\"same?\", Tensor(vector: [1]), Tensor(vector: [1.5]))\n```\n",
         "chapters/02-bad.md:4:15: error: 'same?' disagree: largest difference 5.000e-01"),
        ("# Bad\n\n```swift traps\nprint(1)\n```\n",
         "chapters/02-bad.md:3:1: error: block marked 'traps' ran to its end without trapping"),
        ("# Bad\n\n```swift fails\nlet fine = 1\n```\n",
         "chapters/02-bad.md:3:1: error: block marked 'fails' compiled"),
        ("# Bad\n\n```swift expect\nprint(1.5)\n```\n\n```output\n1.6\n```\n",
         "chapters/02-bad.md:3:1: error: output differs from the expected output"),
        ("---\ncolour: blue\n---\n# Bad\n",
         "chapters/02-bad.md:2:1: error: unknown front matter key 'colour'"),
    ])
    func brokenChapterFailsAtItsLineAndKeepsTheSite(markdown: String, expected: String) throws {
        let book = try BookFixture(["01-good.md": Self.goodChapter])
        #expect(try book.convbook("build").status == 0)
        let before = book.siteSnapshot()
        try book.write("02-bad.md", markdown)
        let result = try book.convbook("build")
        #expect(result.status == 1)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stderr.contains("site left as it was"))
        #expect(book.siteSnapshot() == before)
        #expect(!book.rootEntries().contains { $0.contains("convbook-new") || $0.contains("convbook-old") })
    }

    @Test func everyFailingChapterIsReportedInOneRun() throws {
        let book = try BookFixture([
            "01-a.md": "```swift\nlet a: Int = \"no\"\n```\n",
            "02-b.md": "```swift\nlet b = [0][3]\n```\n",
            "03-c.md": "```swift nope\n```\n",
            "04-ok.md": "```swift\nprint(1)\n```\n",
        ])
        let result = try book.convbook("build")
        #expect(result.status == 1)
        #expect(result.stderr.contains("chapters/01-a.md:2:14: error:"))
        #expect(result.stderr.contains("chapters/02-b.md:2:"))
        #expect(result.stderr.contains("chapters/03-c.md:1:1: error: unknown code block option 'nope'"))
        #expect(result.stderr.contains("3 errors"))
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site").path))
    }

    @Test func aMissingChaptersFolderIsAnError() throws {
        let book = try BookFixture([:])
        let result = try book.convbook("build", "--chapters", "nowhere")
        #expect(result.status == 1)
        #expect(result.stderr.contains("nowhere: error: chapters folder does not exist"))
    }

    @Test func hugeOutputIsCutWithANotice() throws {
        let book = try BookFixture(["01-huge.md": "```swift\nfor i in 0..<100_000 { print(\"line \\(i)\") }\n```\n"])
        #expect(try book.convbook("build").status == 0)
        let page = try book.page("01-huge.html")
        #expect(page.contains("output cut here"))
        #expect(page.utf8.count < 200_000)
    }

    @Test func theCacheSkipsUnchangedChaptersAndRecompilesEditedOnes() throws {
        let book = try BookFixture([
            "01-a.md": "# A\n\n```swift\nprint(\"a\")\n```\n",
            "02-b.md": "# B\n\n```swift\nprint(\"b\")\n```\n",
        ])
        #expect(try book.convbook("build").stderr.contains("(2 compiled, 0 cached)"))
        #expect(try book.convbook("build").stderr.contains("(0 compiled, 2 cached)"))
        // Prose only, with lines added above the block: nothing compiles, and the page follows the edit.
        try book.write("01-a.md", "# A\n\nNew prose.\n\nMore.\n\n```swift\nprint(\"a\")\n```\n")
        #expect(try book.convbook("build").stderr.contains("(0 compiled, 2 cached)"))
        #expect(try book.page("01-a.html").contains("New prose."))
        // One block edited: only its chapter compiles.
        try book.write("02-b.md", "# B\n\n```swift\nprint(\"b, edited\")\n```\n")
        let edited = try book.convbook("build")
        #expect(edited.stderr.contains("(1 compiled, 1 cached)"))
        #expect(edited.stderr.contains("02-b.md: compiled"))
        // A corrupt entry is detected and rebuilt.
        #expect(book.cacheEntries().count >= 2)
        for entry in book.cacheEntries() {
            try Data("{\"garbage\": true}".utf8).write(to: entry)
        }
        // (Into another folder: the site itself is up to date, so a build there would have nothing to do.)
        let rebuilt = try book.convbook("build", "--out", "another")
        #expect(rebuilt.status == 0)
        #expect(rebuilt.stderr.contains("(2 compiled, 0 cached)"))
        #expect(rebuilt.stderr.contains("corrupt cache entry was rebuilt"))
        #expect(try book.convbook("build", "--no-cache").stderr.contains("(2 compiled, 0 cached)"))
    }

    @Test func anUnchangedChapterIsNeitherParsedNorRenderedAgain() throws {
        let book = try BookFixture([
            "01-a.md": "# A\n\nProse with $x^2$.\n\n```swift\nprint(\"a\")\n```\n",
            "02-b.md": "# B\n\n```swift\nprint(\"b\")\n```\n",
        ])
        #expect(try book.convbook("build").status == 0)
        let pages = Set(book.cacheEntries("pages")), loads = Set(book.cacheEntries("chapters"))
        #expect(pages.count == 2 && loads.count == 2)
        // A prose edit in A: one new load and one new page; B's entries serve again as they are.
        try book.write("01-a.md", "# A\n\nProse with $x^3$, edited.\n\n```swift\nprint(\"a\")\n```\n")
        #expect(try book.convbook("build").status == 0)
        #expect(try book.page("01-a.html").contains("edited"))
        #expect(Set(book.cacheEntries("pages")).subtracting(pages).count == 1)
        #expect(Set(book.cacheEntries("chapters")).subtracting(loads).count == 1)
        // Damaged page and load entries fail their checksums and are made again: the site is as a clean build makes it.
        for entry in book.cacheEntries("pages") + book.cacheEntries("chapters") {
            try Data("<p>tampered</p>".utf8).write(to: entry)
        }
        #expect(try book.convbook("build").status == 0)
        #expect(try book.convbook("build", "--no-cache", "--out", "clean").status == 0)
        #expect(book.siteSnapshot() == book.siteSnapshot("clean"))
    }

    @Test func aProseEditKeepsTheOtherChaptersPublishedFilesWithoutReadingThem() throws {
        let book = try BookFixture([
            "01-a.md": "# A\n\nProse.\n\n```swift\nprint(\"a\")\n```\n",
            "02-b.md": "# B\n\n```swift\nlet t = Tensor.randomNormal(shape: [2, 2], seed: 1)\nshow(t)\npublish(t, as: \"t\")\n```\n",
        ])
        #expect(try book.convbook("build").status == 0)
        // B's page and download are kept from the published site by the build stamp: with the
        // cache's copies gone, a prose edit in A renders A alone, and the site is still a clean build's.
        for entry in book.cacheEntries("pages") + book.cacheEntries("npy") { try FileManager.default.removeItem(at: entry) }
        try book.write("01-a.md", "# A\n\nProse, edited.\n\n```swift\nprint(\"a\")\n```\n")
        #expect(try book.convbook("build").status == 0)
        #expect(book.cacheEntries("pages").count == 1)
        #expect(try book.convbook("build", "--no-cache", "--out", "clean").status == 0)
        #expect(book.siteSnapshot() == book.siteSnapshot("clean"))
        // A kept file edited by hand no longer matches its stamp: it is made again, not kept.
        try Data("vandalised".utf8).write(to: book.root.appendingPathComponent("site/02-b.html"))
        try Data("vandalised".utf8).write(to: book.root.appendingPathComponent("site/data/02-b/t.npy"))
        try book.write("01-a.md", "# A\n\nProse, edited twice.\n\n```swift\nprint(\"a\")\n```\n")
        try book.write("01-a.md", "# A\n\nProse, edited.\n\n```swift\nprint(\"a\")\n```\n")
        #expect(try book.convbook("build").status == 0)
        #expect(book.siteSnapshot() == book.siteSnapshot("clean"))
    }

    @Test func aRebuildReplacesOnlyTheFilesThatChangedInPlace() throws {
        let book = try BookFixture([
            "01-a.md": "# A\n\nProse.\n",
            "02-b.md": "# B\n\n```swift\nlet t = Tensor.randomNormal(shape: [2, 2], seed: 1)\npublish(t, as: \"t\")\n```\n",
        ])
        #expect(try book.convbook("build").status == 0)
        func inode(_ path: String) -> UInt64? {
            var info = stat()
            return stat(book.root.appendingPathComponent("site/" + path).path, &info) == 0 ? UInt64(info.st_ino) : nil
        }
        let style = inode("style.css"), page = inode("02-b.html"), edited = inode("01-a.html")
        // A prose edit and a removed chapter: the edited page is replaced, the removed chapter's page
        // and its data folder go, and every other file is the very file it was.
        try book.write("01-a.md", "# A\n\nProse, edited.\n")
        try book.remove("02-b.md")
        #expect(try book.convbook("build").status == 0)
        #expect(inode("style.css") == style)
        #expect(inode("01-a.html") != edited)
        #expect(page != nil && inode("02-b.html") == nil)
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site/data/02-b").path))
        #expect(!book.rootEntries().contains { $0.contains("convbook-new") || $0.contains("convbook-old") })
        #expect(try book.convbook("build", "--no-cache", "--out", "clean").status == 0)
        #expect(book.siteSnapshot() == book.siteSnapshot("clean"))
        // A folder where a file of the site goes: the site is published whole, the folder gone.
        try FileManager.default.removeItem(at: book.root.appendingPathComponent("site/01-a.html"))
        try FileManager.default.createDirectory(at: book.root.appendingPathComponent("site/01-a.html/inner"), withIntermediateDirectories: true)
        #expect(try book.convbook("build").status == 0)
        #expect(book.siteSnapshot() == book.siteSnapshot("clean"))
    }

    @Test func aChapterReadsTheFilesItsFrontMatterNamesAndRerunsWhenTheyChange() throws {
        let book = try BookFixture(["01-data.md": "---\nfiles: inputs/x.npy\n---\n# Data\n\n```swift\nlet x = loadNPY(\"inputs/x.npy\")\n```\n\nSum `{swift} x.sum()`.\n"])
        let inputs = book.root.appendingPathComponent("chapters/inputs")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        try Data(Tensor(vector: [1, 2, 3.5]).npyBytes()).write(to: inputs.appendingPathComponent("x.npy"))
        let first = try book.convbook("build")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stderr.contains("warning"), "\(first.stderr)")
        #expect(try book.page("01-data.html").withoutLedgerMarks.contains("Sum <span class=\"cb-value\">6.5</span>"))
        // The file's bytes are part of the chapter's key: a changed file reruns it.
        try Data(Tensor(vector: [1, 2, 10]).npyBytes()).write(to: inputs.appendingPathComponent("x.npy"))
        #expect(try book.convbook("build").stderr.contains("1 compiled"))
        #expect(try book.page("01-data.html").withoutLedgerMarks.contains("Sum <span class=\"cb-value\">13</span>"))
        // A named file that is missing is an error at the front matter's line; the site stays.
        let before = book.siteSnapshot()
        try FileManager.default.removeItem(at: inputs.appendingPathComponent("x.npy"))
        let missing = try book.convbook("build")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("chapters/01-data.md:2:1: error: the front matter names 'inputs/x.npy' in files, but there is no such file beside the chapter"))
        #expect(book.siteSnapshot() == before)
        // A file not named is not there for the program.
        try book.write("01-data.md", "# Data\n\n```swift\nlet x = loadNPY(\"inputs/x.npy\")\n```\n")
        let undeclared = try book.convbook("build")
        #expect(undeclared.status == 1)
        #expect(undeclared.stderr.contains("must be named in the chapter's front matter"))
        try book.write("02-bad.md", "---\nfiles: ../secret.npy\n---\n# Bad\n")
        #expect(try book.convbook("build").stderr.contains("chapters/02-bad.md:2:7: error: files names paths inside the chapter's folder"))
    }

    @Test func aSiteEditedByHandIsRestoredEvenWhenNothingElseChanged() throws {
        let book = try BookFixture(["01-good.md": Self.goodChapter])
        #expect(try book.convbook("build").status == 0)
        let built = book.siteSnapshot()
        #expect(try book.convbook("build").status == 0)   // nothing changed: nothing to do
        #expect(book.siteSnapshot() == built)
        try Data("vandalised".utf8).write(to: book.root.appendingPathComponent("site/01-good.html"))
        try FileManager.default.removeItem(at: book.root.appendingPathComponent("site/search-index.js"))
        try Data().write(to: book.root.appendingPathComponent("site/stray.txt"))
        #expect(try book.convbook("build").status == 0)
        #expect(book.siteSnapshot() == built)
    }

    @Test func buildsAreByteIdentical() throws {
        let book = try BookFixture(["01-good.md": Self.goodChapter, "02-more.md": "# More\n\n```swift\nshow(Tensor.randomNormal(shape: [2, 3], seed: 9))\n```\n"])
        #expect(try book.convbook("build", "--no-cache", "--out", "first").status == 0)
        #expect(try book.convbook("build", "--no-cache", "--out", "second", "--jobs", "1").status == 0)
        let first = book.siteSnapshot("first"), second = book.siteSnapshot("second")
        #expect(!first.isEmpty)
        #expect(first == second)
    }

    @Test func checkListsStaleFiles() throws {
        let book = try BookFixture(["01-good.md": Self.goodChapter])
        #expect(try book.convbook("build").status == 0)
        let clean = try book.convbook("check")
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        try book.write("01-good.md", Self.goodChapter + "\nA new sentence.\n")
        try Data().write(to: book.root.appendingPathComponent("site/stray.txt"))
        let stale = try book.convbook("check")
        #expect(stale.status == 1)
        #expect(stale.stdout.contains("stale: 01-good.html"))
        #expect(stale.stdout.contains("extra: stray.txt"))
        // Prose that changed is named at its chapter, with the first line that differs.
        #expect(stale.stderr.contains("chapters/01-good.md: error: the page differs from site/01-good.html in its prose, code or structure"))
        #expect(stale.stderr.contains("A new sentence."))
    }

    @Test func verifyRecomputesAndCatchesATamperedValue() throws {
        let book = try BookFixture(["01-good.md": Self.goodChapter])
        #expect(try book.convbook("build").status == 0)
        let verified = try book.convbook("verify")
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("01-good.md"))
        #expect(verified.stdout.contains("ok"))
        let manifestURL = book.root.appendingPathComponent("site/manifest.json")
        let text = try String(contentsOf: manifestURL, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "37", with: "36").utf8).write(to: manifestURL)
        let tampered = try book.convbook("verify", "01-good")
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("MISMATCH"))
        #expect(tampered.stdout.contains("published as 36.0, computed 37.0"))
    }

    @Test func worksFromAnotherDirectory() throws {
        let book = try BookFixture(["01-good.md": Self.goodChapter])
        let elsewhere = try Harness.temporaryDirectory()
        let result = try Harness.convbook(["build", "--chapters", book.root.appendingPathComponent("chapters").path,
                                           "--out", book.root.appendingPathComponent("out").path], in: elsewhere)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: book.root.appendingPathComponent("out/01-good.html").path))
    }

    @Test func anInterruptedBuildLeavesTheSiteAsItWas() throws {
        let book = try BookFixture(["01-good.md": Self.goodChapter])
        #expect(try book.convbook("build").status == 0)
        let before = book.siteSnapshot()
        try book.write("02-slow.md", "# Slow\n\n```swift\nvar i = 0\nwhile true { i &+= 1 }\n```\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Harness.convbook)
        process.arguments = ["build"]
        process.currentDirectoryURL = book.root
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 2)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(book.siteSnapshot() == before)
        #expect(!book.rootEntries().contains { $0.contains("convbook-new") })
    }
}

/// The parts of the site beyond the runner: math, theme, downloads.
@Suite struct SiteBuildTests {
    @Test func texErrorsFailTheBuildAtTheFormula() throws {
        let book = try BookFixture(["01-tex.md": "# TeX\n\nFine $x^2$ and broken $\\frac{1}{$ here.\n\n$$\n\\nosuchcommand{x}\n$$\n"])
        let result = try book.convbook("build")
        #expect(result.status == 1)
        #expect(result.stderr.contains("chapters/01-tex.md:3:"))
        #expect(result.stderr.contains("error: TeX error: KaTeX parse error"))
        #expect(result.stderr.contains("chapters/01-tex.md:5:1: error: TeX error: KaTeX parse error: Undefined control sequence: \\nosuchcommand"))
    }

    @Test func mathIsTypesetAtBuildTimeWithNothingRemote() throws {
        let book = try BookFixture(["01-math.md": "# Math\n\nInline $\\sum_{i} x_i$ and display:\n\n$$\ny = \\begin{bmatrix} 1 & 2 \\end{bmatrix}\n$$\n"])
        #expect(try book.convbook("build").status == 0)
        let page = try book.page("01-math.html")
        #expect(page.contains("class=\"katex\""))
        #expect(page.contains("<math"))                         // MathML for screen readers
        #expect(page.contains("data-formula-count=\"2\""))
        #expect(FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site/katex/katex.min.css").path))
        #expect(FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site/katex/fonts/KaTeX_Main-Regular.woff2").path))
        for name in ["01-math.html", "index.html", "style.css"] {
            let text = try book.page(name)
            #expect(!text.contains("src=\"http"), "\(name)")
            #expect(!text.contains("href=\"http"), "\(name)")
            #expect(!text.contains("url(http"), "\(name)")
        }
    }

    @Test func aThemeFolderOverridesTemplatesAndStyles() throws {
        let book = try BookFixture(["01-a.md": "# A\n\nText.\n"])
        let theme = book.root.appendingPathComponent("mytheme")
        try FileManager.default.createDirectory(at: theme, withIntermediateDirectories: true)
        try Data("body { color: rebeccapurple; }\n".utf8).write(to: theme.appendingPathComponent("style.css"))
        try Data("<!DOCTYPE html><html lang=\"en\"><head><title>{{title}}</title></head><body><main>{{{body}}}</main></body></html>\n".utf8)
            .write(to: theme.appendingPathComponent("page.mustache"))
        let result = try book.convbook("build", "--theme", "mytheme")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try book.page("style.css").contains("rebeccapurple"))
        let page = try book.page("01-a.html")
        #expect(page.hasPrefix("<!DOCTYPE html><html lang=\"en\"><head><title>A"))
        #expect(page.contains("Text."))
        // The index keeps the default template.
        #expect(try book.page("index.html").contains("chapter-list"))
    }

    @Test func explorerAndPublishedTensorsAreInThePage() throws {
        let book = try BookFixture(["01-x.md": """
        # Explore

        ```swift
        let x = Tensor.ramp(shape: [1, 1, 4, 4], start: 1)
        let w = Tensor(batch: [[[[1, 0], [0, -1]]]])
        let dy = Tensor.ramp(shape: [1, 1, 3, 3])
        explore(x, w, nil, ConvParameters(), dy: dy, label: "tiny")
        publish(x, as: "input")
        show(Tensor(matrix: [[2, -1], [0, 1]]), "signed", heatmap: true)
        ```
        """])
        let result = try book.convbook("build")
        #expect(result.status == 0, "\(result.stderr)")
        let page = try book.page("01-x.html")
        #expect(page.contains("class=\"cb-explorer\""))
        #expect(page.contains("data-cell=\"y:0\""))
        // y[0,0,0,0] is the 2×2 window at the corner times w, listed by the engine: cells 0, 1, 4, 5 of x
        // with taps 0 to 3 of w (the page script writes the sum out: Tests/js/explorer.test.js).
        #expect(page.contains("\"0\":{\"a\":[0,1,4,5],\"b\":[0,1,2,3]}"))
        #expect(page.contains("torch.nn.functional.conv2d"))
        // The heatmap: the largest positive value at full strength, negatives in blue, zero uncoloured.
        #expect(page.contains("<td class=\"cb-pos\" style=\"--a:0.65\">2</td>"))
        #expect(page.contains("<td class=\"cb-neg\" style=\"--a:0.33\">-1</td>"))
        #expect(page.contains("<td>0</td>"))
        let npy = try Data(contentsOf: book.root.appendingPathComponent("site/data/01-x/input.npy"))
        let parsed = try Tensor(npy: Array(npy))
        #expect(parsed == Tensor.ramp(shape: [1, 1, 4, 4], start: 1))
        #expect(FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site/data/01-x/tiny-dw.npy").path))
        #expect(page.contains("href=\"data/01-x/input.npy\""))
        let code = try book.page("code/01-x.swift")
        #expect(code.contains("explore(x, w, nil, ConvParameters(), dy: dy, label: \"tiny\")"))
    }
}
