import ConvbookFormat
import Foundation

/// A chapter's provenance for the reader's browser: what the ledger says of
/// each value its page publishes (in the ledger's order, so that a value's
/// `data-v` on the page indexes it), with where the chapter computed it in
/// the chapter file and in the chapter's code download, its value class and
/// tolerance, the checks its block ran, and whether the page's "Re-derive"
/// control recomputes it. Written as `provenance/SLUG.js`, a script (pages
/// open from `file://`, where `fetch` of a JSON file is refused) that
/// `convbook-provenance.js` loads the first time a reader points at, taps or
/// focuses a value: no page carries it.
///
/// ```swift
/// let page = ProvenanceData.page(chapter: chapter, result: result, book: config)
/// page.total      // every number the ledger holds for the page (its ✓/✗ split adds up to this)
/// ProvenanceData.script(slug: "03-two-dimensions", page: page)
/// // "(globalThis.CONVBOOK_PROVENANCE = globalThis.CONVBOOK_PROVENANCE || {})[\"03-two-dimensions\"] = {…};\n"
/// ```
enum ProvenanceData {
    /// One ledger entry, with short keys (a page has thousands).
    struct Value: Encodable, Equatable {
        /// Its kind (`tensor`, `gradient-check`, …) and label.
        var k: String
        var l: String?
        /// The chapter line and column that computed it.
        var s: Int
        var c: Int
        /// That line in the chapter's code download; nil when the download does not hold it.
        var d: Int?
        /// The number of its block's cell on the page (`cell-N`); nil for an inline value.
        var b: Int?
        /// Its value class and tolerance, in words.
        var t: String
        /// How many numbers it holds (a tensor's entries; one for a scalar or a text).
        var n: Int
        /// An explorer's tensor name.
        var p: String?
        /// A check's verdict and measured error, as the page prints it.
        var ok: Bool?
        var e: String?
        /// The ledger indices of the checks its block ran (none for a check itself).
        var g: [Int]?
        /// Whether the browser re-derives it ("Re-derive" on the page).
        var r: Bool?
        /// A value inside math: as prose reads it (its typeset TeX reads poorly as text: a matrix column by column).
        var x: String?
    }

    struct Page: Encodable, Equatable {
        /// The chapter file (`chapters/03-two-dimensions.md`) and its code download (`code/03-two-dimensions.swift`).
        var file: String
        var code: String
        /// The chapter file in the book's repository (`REPOSITORY/blob/HEAD/chapters/F.md`), when book.toml names one.
        var repo: String?
        var values: [Value]

        /// Every number the ledger holds for the page.
        var total: Int { values.reduce(0) { $0 + $1.n } }
        /// Those the browser re-derives.
        var browser: Int { values.reduce(0) { $0 + ($1.r == true ? $1.n : 0) } }
    }

    /// The explorer tensors the browser recomputes from the others (x, w, b and dy are its inputs).
    static let derivedExplorerTensors: Set<String> = ["y", "dx", "dw", "db"]

    static func page(chapter: Chapter, result: ExecutionResult, book: BookConfig) -> Page {
        let locator = Locator(program: chapter.program, chapterPath: chapter.path)
        let lines = StandaloneProgram.lines(for: chapter)
        let items = LedgerWalk.items(of: result, program: chapter.program)
        let checkKinds: Set<String> = ["gradient-check", "agreement", "rule"]
        // The checks each block ran, by block index.
        var checks = [Int: [Int]]()
        for (index, item) in items.enumerated() where checkKinds.contains(item.kind) {
            if case .call(_, let block) = item.origin, block >= 0 { checks[block, default: []].append(index) }
        }
        // The blocks by index, looked up once (a chapter may have thousands of values).
        var blocks = [Int: CodeCell]()
        for case .block(let block) in chapter.program.cells { blocks[block.index] = block }
        // The inline expressions inside math, whose values the popover quotes from here.
        var inMath = Set<Int>()
        for case .inline(let inline) in chapter.program.cells where inline.inMath { inMath.insert(inline.id) }
        let values = items.map { item -> Value in
            let at = locator.source(of: item.origin)
            var value = Value(k: item.kind, l: item.label, s: at.line, c: at.column, t: item.tolerance.description,
                              n: item.printed.count)
            var block: Int?
            switch item.origin {
            case .call(_, let b), .block(let b): block = b >= 0 ? b : nil
            case .inline(let id):
                value.d = lines.inlines[id]
                if inMath.contains(id), id < result.inlines.count, let shown = result.inlines[id] { value.x = ValueText.inline(shown) }
            }
            if let block, let cell = blocks[block] {
                value.b = block + 1
                if let mark = lines.blocks[block] { value.d = mark + at.line - cell.fenceLine }
                if !checkKinds.contains(item.kind), let guards = checks[block] { value.g = guards }
            }
            if checkKinds.contains(item.kind) {
                value.ok = item.passed
                if item.kind != "rule" { value.e = item.printed.first }
            }
            if item.kind == "explorer", let name = item.key.components(separatedBy: " / ").last {
                value.p = name
                if derivedExplorerTensors.contains(name) { value.r = true }
            }
            if item.kind == "parameter-explorer" { value.r = true }
            return value
        }
        let path = chapter.file.url.deletingLastPathComponent().lastPathComponent + "/" + chapter.file.url.lastPathComponent
        let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        return Page(file: path, code: "code/\(chapter.file.slug).swift",
                    repo: book.repository.map { "\($0)/blob/HEAD/\(encoded)" }, values: values)
    }

    /// The script that adds the page's provenance to the others loaded.
    static func script(slug: String, page: Page) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(page)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let key = (try? encoder.encode(slug)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        return "(globalThis.CONVBOOK_PROVENANCE = globalThis.CONVBOOK_PROVENANCE || {})[\(key)] = \(json.replacingOccurrences(of: "</", with: "<\\/"));\n"
    }

    /// The line under a chapter's title: how many values the ledger holds for
    /// the page, how many of them the browser can re-derive (with the control
    /// that does it) and how many were verified when the page was built.
    static func summaryHTML(total: Int, browser: Int, entries: Int) -> String {
        let built = total - browser
        var html = "<section class=\"cb-ledger-summary\" aria-label=\"Who checked this page's values\" data-total=\"\(total)\" data-browser=\"\(browser)\">\n<p>"
        html += "The ledger (<a href=\"manifest.json\">manifest.json</a>) holds \(count(total, "value")) of this page, in \(count(entries, "entry", "entries")). "
        if browser > 0 {
            html += "Your browser can re-derive \(browser) of them (<a href=\"convkernel.js\">convkernel.js</a>, an independent implementation of the layer); "
            html += "the other \(built) were verified when the page was built. "
        } else {
            html += "All were verified when the page was built; none can be re-derived in a browser. "
        }
        html += "Point at, tap or tab to a value to see where it comes from.</p>\n"
        if browser > 0 {
            html += "<button type=\"button\" class=\"cb-recompute-run\">Re-derive \(browser) values in this browser</button>\n"
            html += "<div class=\"cb-recompute-result\" aria-live=\"polite\"></div>\n"
        }
        return html + "</section>\n"
    }

    private static func count(_ n: Int, _ noun: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? noun : plural ?? noun + "s")"
    }
}
