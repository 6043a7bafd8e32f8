import Foundation
import Testing

/// A value's provenance (issue 24): every published value on a page carries
/// its index in the page's slice of the ledger (`data-v`), the page's
/// `provenance/SLUG.js` says for each where it was computed (the chapter line,
/// that line in the code download, the repository's line), and the summary
/// under the title splits the ledger's count between the browser and the build.
@Suite struct ValueProvenanceTests {
    static let chapter = """
        # Alpha

        Some prose.

        ```swift
        let x = Tensor(matrix: [[1, 2], [3, 4]])
        show(x, "x")
        checkAgreement("x vs itself", x, x)
        showTable(["a", "b"], [["1", "two"]])
        ```

        The sum is `{swift} x.sum()`.

        ```swift
        explore(Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9]),
                Tensor(shape: [1, 1, 2, 2], scalars: [1, 0, 0, -1]), nil, ConvParameters(), label: "ex")
        ```

        """

    /// The JSON a `provenance/SLUG.js` assigns.
    func provenance(_ script: String) throws -> [String: Any] {
        let start = try #require(script.range(of: "] = "))
        let json = script[start.upperBound...].dropLast(2)   // ";\n"
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func everyValueOnThePageIndexesItsLedgerEntryAndItsSourceResolves() throws {
        let book = try BookFixture(["01-a.md": Self.chapter])
        try Data("[book]\ntitle = \"Linked\"\nrepository = \"https://example.org/owner/linked\"\n".utf8)
            .write(to: book.root.appendingPathComponent("book.toml"))
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        let page = try book.page("01-a.html")
        let data = try provenance(book.page("provenance/01-a.js"))
        let values = try #require(data["values"] as? [[String: Any]])
        #expect(data["repo"] as? String == "https://example.org/owner/linked/blob/HEAD/chapters/01-a.md")
        #expect(data["code"] as? String == "code/01-a.swift")

        // The ledger, read on its own: one provenance value per entry, at the same line and column.
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(book.page("manifest.json").utf8)) as? [String: Any])
        let entries = try #require(((manifest["chapters"] as? [[String: Any]])?.first)?["values"] as? [[String: Any]])
        #expect(values.count == entries.count)
        for (value, entry) in zip(values, entries) {
            let source = try #require(entry["source"] as? String)
            #expect(source == "chapters/01-a.md:\(value["s"] as? Int ?? -1):\(value["c"] as? Int ?? -1)", "\(value) \(entry)")
            #expect((entry["printed"] as? [String])?.count == value["n"] as? Int)
        }

        // Each kind of value points at its own entry.
        func index(after marker: String) throws -> Int {
            let at = try #require(page.range(of: marker), "no \(marker)")
            let rest = page[at.upperBound...]
            return try #require(Int(rest.prefix { $0.isNumber }))
        }
        let tensor = try index(after: "<figure class=\"cb-tensor\" data-v=\"")
        #expect(entries[tensor]["kind"] as? String == "tensor" && entries[tensor]["label"] as? String == "x")
        let agreement = try index(after: "<table class=\"cb-agreement\" data-v=\"")
        #expect(entries[agreement]["kind"] as? String == "agreement")
        #expect(values[tensor]["g"] as? [Int] == [agreement], "the agreement in its block guards the tensor")
        let table = try index(after: "<table class=\"cb-table\" data-v=\"")
        #expect(entries[table]["kind"] as? String == "table-cell" && entries[table + 1]["printed"] as? [String] == ["two"])
        let inline = try index(after: "<span class=\"cb-value\" data-v=\"")
        #expect(entries[inline]["printed"] as? [String] == ["10"])
        let explorer = try index(after: "<figure class=\"cb-explorer\" data-v=\"")
        #expect(values[explorer]["p"] as? String == "x" && values[explorer + 2]["p"] as? String == "y")
        #expect(values[explorer + 2]["r"] as? Bool == true && values[explorer]["r"] == nil, "y is re-derived, x is an input")

        // The download's line holds the chapter's line; the inline value's line prints it.
        let code = try book.page("code/01-a.swift").components(separatedBy: "\n")
        let chapterLines = Self.chapter.components(separatedBy: "\n")
        for at in [tensor, agreement, table, explorer] {
            let d = try #require(values[at]["d"] as? Int), s = try #require(values[at]["s"] as? Int)
            #expect(code[d - 1].trimmingCharacters(in: .whitespaces) == chapterLines[s - 1].trimmingCharacters(in: .whitespaces),
                    "download line \(d) is not chapter line \(s)")
        }
        let inlineLine = try #require(values[inline]["d"] as? Int)
        #expect(code[inlineLine - 1].contains("print(\"01-a.md line \(values[inline]["s"] as? Int ?? -1):\", x.sum())"))
        // The block's cell is on the page.
        #expect(page.contains("id=\"cell-\(values[tensor]["b"] as? Int ?? -1)\""))

        // The summary under the title: the ledger's count, split between the browser and the build.
        let total = entries.reduce(0) { $0 + (($1["printed"] as? [String])?.count ?? 0) }
        let browser = values.reduce(0) { $0 + (($1["r"] as? Bool) == true ? ($1["n"] as? Int ?? 0) : 0) }
        #expect(browser == 4, "y of the explorer: 2 × 2")
        let title = try #require(page.range(of: "</h1>\n"))
        #expect(page[title.upperBound...].hasPrefix("<section class=\"cb-ledger-summary\" aria-label=\"Who checked this page's values\" data-total=\"\(total)\" data-browser=\"\(browser)\">"))
        #expect(page.contains("holds \(total) values of this page, in \(entries.count) entries. Your browser can re-derive \(browser) of them"))
        #expect(page.contains("holds \(total) values of this page, in \(entries.count) entries.</p>"), "the footer agrees")
        // The data is loaded on first use, never with the page.
        #expect(!page.contains("provenance/01-a.js") && !page.contains("<script src=\"convbook-provenance.js\""))
    }

    @Test func withoutARepositoryTheChapterLineLinksNowhereElse() throws {
        let book = try BookFixture(["01-a.md": "# A\n\nNo code, one value: `{swift} 1 + 1`.\n"])
        #expect(try book.convbook("build").status == 0)
        let data = try provenance(book.page("provenance/01-a.js"))
        #expect(data["repo"] == nil)
        let page = try book.page("01-a.html")
        #expect(page.contains("data-total=\"1\" data-browser=\"0\""))
        #expect(page.contains("All were verified when the page was built; none can be re-derived in a browser."))
        #expect(!page.contains("cb-recompute-run"))
    }
    /// A value inside math is typeset by KaTeX with the formula: inject marks it (`\htmlData{v=N}`), so it
    /// has a `data-v` of its own on the page, and the provenance quotes it as prose reads it.
    @Test func aValueInsideMathIndexesItsLedgerEntry() throws {
        let chapter = #"""
            # Math

            ```swift
            let m = Tensor(matrix: [[1, 2], [3, 4]])
            ```

            In prose `{swift} 2 + 3`, and in math $y_`{swift} 1 + 1` = `{swift} 3 * 4`$.

            $$
            m = `{swift} m`, \quad \sum m = `{swift} m.sum()`
            $$

            """#
        let book = try BookFixture(["01-a.md": chapter])
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        let page = try book.page("01-a.html")
        let values = try #require(try provenance(book.page("provenance/01-a.js"))["values"] as? [[String: Any]])
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(book.page("manifest.json").utf8)) as? [String: Any])
        let entries = try #require(((manifest["chapters"] as? [[String: Any]])?.first)?["values"] as? [[String: Any]])

        // Every inline value of the ledger is marked once on the page: in prose, or inside KaTeX's HTML.
        let inline = entries.indices.filter { (entries[$0]["key"] as? String)?.hasPrefix("inline") == true }
        #expect(inline.count == 5)
        let marked = page.matches(of: /<span class="enclosing(?: mtight)?" data-v="(\d+)">/).map { Int($0.1)! }
        let prose = page.matches(of: /<span class="cb-value" data-v="(\d+)">/).map { Int($0.1)! }
        #expect(prose.count == 1 && marked.count == 4)
        #expect((prose + marked).sorted() == inline, "each inline entry, once")
        // Each mark holds the ledger's printed value: a subscript, a product, a matrix, a sum.
        for (index, shown) in zip(marked, ["2", "12", "[[1, 2], [3, 4]]", "10"]) {
            #expect(values[index]["x"] as? String == shown, "\(values[index])")
            let printed = try #require(entries[index]["printed"] as? [String])
            #expect(printed.joined(separator: " ") == shown.filter { !"[],".contains($0) }, "\(printed) vs \(shown)")
        }
        #expect(values[prose[0]]["x"] == nil, "a value in prose is quoted from the page")
        // The marks are in the HTML only: the MathML's TeX reads the values, the search index too.
        #expect(page.contains("<annotation encoding=\"application/x-tex\">y_{2} = 12</annotation>"))
        #expect(!page.contains("\\htmlData"))
        let search = try book.page("search-index.js")
        #expect(search.contains("y_2 = 12") && !search.contains("htmlData"))
    }

    /// An author's own `\htmlData` (with or without values in the formula) could add attributes to the page:
    /// it is a TeX error at its formula's line, and the site is left as it was.
    @Test func anAuthorsHtmlDataIsRefusedAtItsLine() throws {
        for math in ["$\\htmlData{v=0}{3} = `{swift} 1 + 2`$", "$\\htmlData{v=0}{3}$"] {
            let book = try BookFixture(["01-a.md": "# A\n\nFine: $x$.\n\nNot fine: \(math).\n"])
            let built = try book.convbook("build")
            #expect(built.status != 0)
            #expect(built.stderr.contains("chapters/01-a.md:5:11: error: TeX error: refused \\htmlData"), "\(built.stderr)")
            #expect((try? book.page("01-a.html")) == nil, "a failed build writes no page")
        }
    }
}
