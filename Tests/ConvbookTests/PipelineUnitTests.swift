import ConvbookFormat
import Foundation
import Testing
@testable import Convbook

/// The stages one at a time, without the binary: load (cells, book.toml),
/// execute (assembling records, the program's line maps, the environment,
/// the cache store), the ledger (walk and reconciliation) and render
/// (manifest, check tables). Publishing's are in ``PublishTests``.
@Suite struct PipelineUnitTests {
    static let site = Record.CallSite(file: "convbook-block-0.swift", line: 2, column: 1)

    // MARK: Load

    func chapter(_ markdown: String) throws -> Chapter {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convbook-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("01-unit.md")
        try Data(markdown.utf8).write(to: url)
        let file = BookFiles.File(displayPath: "chapters/01-unit.md", url: url, slug: "01-unit")
        return try Chapter.load(file, config: BookConfig(title: "Unit"))
    }

    @Test func loadingFindsCellsInDocumentOrderWithTheirLines() throws {
        let loaded = try chapter("# T\n\nValue `{swift} 1 + 1`.\n\n```swift\nlet a = 2\n```\n\nMath $`{swift} a`$.\n")
        #expect(loaded.program.blockCount == 1 && loaded.program.inlineCount == 2)
        let inline = try #require(loaded.program.inline(0))
        #expect(inline.line == 3 && inline.code == "1 + 1")
        let block = try #require(loaded.program.block(0))
        #expect(block.fenceLine == 5 && block.code == "let a = 2\n")
        #expect(loaded.program.source.hasPrefix("import ConvEngine\nimport ConvbookRuntime\n"))
    }

    @Test func loadingGivesCellsAndHeadingsTheirIDsInTheNodes() throws {
        let markdown = """
            # Intro

            ## Same

            Value `{swift} 1`, math $`{swift} 2` + `{swift} 3`$.

            ```swift expect
            print(1)
            ```

            ```output
            1
            ```

            ## Same

            - ```swift
              let b = 2
              ```
            """
        let loaded = ChapterDocument(markdown: markdown, path: "chapters/01-unit.md")
        #expect(loaded.document.root.headings.map(\.id) == ["intro", "same", "same-2"])
        #expect(loaded.firstHeading == "Intro")
        var cells: [Int] = [], values: [Int] = [], outputBlocks = 0
        func walk(_ node: MarkdownNode) {
            switch node.kind {
            case .extension(let custom): if let cell = custom.payload as? CellPlaceholder { cells.append(cell.id) }
            case .inlineExpression(let expression): values.append(expression.id)
            case .math(let math): for case .expression(_, _, _, let id) in math.segments { values.append(id) }
            case .codeBlock: outputBlocks += 1
            default: break
            }
            node.children.forEach(walk)
        }
        walk(loaded.document.root)
        #expect(cells == [0, 1] && values == [0, 1, 2])
        #expect(outputBlocks == 0, "the expected output belongs to its cell")
        guard case .block(let expecting) = loaded.cells.first(where: { if case .block = $0 { true } else { false } }) else {
            Issue.record("no block cell"); return
        }
        #expect(expecting.expectedOutput == "1\n")
        #expect(loaded.cells.count == 5)
    }

    @Test func aChaptersNamesSurviveTheirCacheText() throws {
        let names = Chapter.Names(labels: [LabelDefinition(label: "sec-a", number: [2, 1], line: 3, column: 1)],
                                  references: [NameUse(name: "eq-x", line: 4, column: 7)],
                                  citations: [NameUse(name: "k", line: 5, column: 2, anchor: "cite-0")],
                                  links: [NameUse(name: "a\tb\\c\nd.html#x", line: 6, column: 1)],
                                  anchors: ["sec-a", "cell-1", "odd\\one"])
        let back = try JSONDecoder().decode(Chapter.Names.self, from: JSONEncoder().encode(names))
        #expect(back.labels == names.labels && back.references == names.references && back.citations == names.citations)
        #expect(back.links == names.links && back.anchors == names.anchors)
    }

    @Test func injectFindsResultsByIDAndWritesNoHTML() throws {
        let loaded = try chapter("A `{swift} 1`, $x = `{swift} 2`$.\n\n```swift\nprint(1)\n```\n\n```swift setup\nlet b = 2\n```\n")
        #expect(loaded.diagnostics.isEmpty)
        var result = ExecutionResult(blocks: [.init(index: 0, items: [.text("1\n")], ran: true),
                                              .init(index: 1, items: [.text("hidden\n")], ran: true)],
                                     inlines: [.integer(7), .number(FlexibleDouble(0.5), tolerance: .exact)], warnings: [])
        var injector = Injector(chapter: loaded, result: result)
        let woven = injector.rewrite(loaded.parsedDocument())
        let paragraph = woven.root.children[0]
        // Each value knows its index in the chapter's slice of the ledger: the two blocks' printed text first, then the inline values.
        #expect(paragraph.children[1].kind == MarkdownNodeKind.extension(MarkdownExtension(InjectedValue(text: "7", ledger: 2))))
        // A value in math is marked with its ledger index (MathValueMark), which the typesetter trusts once.
        var marked = MarkdownMath(tex: #"x = \htmlData{v=3}{0.5}"#, display: false)
        marked.values = 1
        #expect(paragraph.children[3].kind == MarkdownNodeKind.math(marked))
        #expect(woven.root.children[1].kind == MarkdownNodeKind.extension(MarkdownExtension(InjectedCell(id: 0, code: "print(1)\n", output: .init(items: [.text("1\n")], ledger: [0])))))
        // `setup` hides code and output alike.
        #expect(woven.root.children[2].kind == MarkdownNodeKind.extension(MarkdownExtension(InjectedCell(id: 1, code: nil, output: nil))))
        // A value that is missing shows as "?", never as another cell's value.
        result.inlines = [nil, PublishedValue.integer(3)]
        injector = Injector(chapter: loaded, result: result)
        let partial = injector.rewrite(loaded.parsedDocument())
        #expect(partial.root.children[0].children[1].kind == MarkdownNodeKind.extension(MarkdownExtension(InjectedValue(text: "?"))))
        marked = MarkdownMath(tex: #"x = \htmlData{v=2}{3}"#, display: false)
        marked.values = 1
        #expect(partial.root.children[0].children[3].kind == MarkdownNodeKind.math(marked), "the missing value has no ledger entry")
    }

    @Test func renderWritesCellsValuesAndAnchors() {
        let root = MarkdownNode(.document, children: [
            MarkdownNode(.heading(level: 2, setext: false, id: "a-b")),
            MarkdownNode(.extension(MarkdownExtension(InjectedCell(id: 4, code: "let x = 1 // <&>\n",
                                                                   output: .init(items: [], compilerErrors: ["01.md:3:1: error: <bad>"], trap: "Fatal error"))))),
        ])
        let html = MarkdownHTMLRenderer(unsafe: true).render(root)
        #expect(html.hasPrefix("<h2 id=\"a-b\"><a class=\"anchor\" href=\"#a-b\" aria-label=\"Link to this section\">#</a></h2>\n<div class=\"cb-cell\" id=\"cell-5\">\n<pre class=\"cb-code\"><code class=\"language-swift\">"))
        #expect(html.contains("&lt;&amp;&gt;"))
        #expect(html.hasSuffix("<div class=\"cb-output\" tabindex=\"0\">\n<pre class=\"cb-compiler-error\"><code>01.md:3:1: error: &lt;bad&gt;</code></pre>\n<pre class=\"cb-trap\"><code>Fatal error</code></pre>\n</div>\n</div>\n"))
        let search = SearchIndex.entries(page: .init(slug: "s", title: "T"), document: MarkdownDocument(root: root, path: "s.md"))
        #expect(search.map(\.u) == ["s.html#a-b"])
    }

    @Test func bookTomlIsReadWithItsSchema() throws {
        var config = BookConfig(title: "x")
        try config.read("[book]\ntitle = \"T\"\nauthors = [\"A\"]\n[build]\ntimeout = 5\n", path: "book.toml")
        #expect(config.title == "T" && config.authors == ["A"] && config.timeout == 5)
        #expect(throws: Diagnostic.self) { try config.read("[build]\ntimeout = -1\n", path: "book.toml") }
    }

    @Test func worksOfOneAuthorInOneYearAreToldApartByALetterInTitleOrder() throws {
        var bibliography = try Bibliography.parse("""
            @misc{notes, author = {Andrej Karpathy}, title = {Neural Networks Part 3}, year = {2015}}
            @misc{convnets, author = {Andrej Karpathy}, title = {Convolutional Neural Networks}, year = {2015}}
            @misc{other, author = {Andrej Karpathy}, title = {A later note}, year = {2016}}
            @misc{pair, author = {A. Karpathy and B. Other}, title = {Joint}, year = {2015}}
            """, file: "refs.bib")
        #expect(bibliography.year("convnets") == "2015a" && bibliography.year("notes") == "2015b")
        #expect(bibliography.year("other") == "2016" && bibliography.year("pair") == "2015")
        #expect(bibliography.reference("notes").text.hasPrefix("Karpathy, Andrej. 2015b. Neural Networks Part 3."))
        // A second file's entry with the same authors and year joins the group.
        try bibliography.merge(Bibliography.parse("@misc{first, author = {Andrej Karpathy}, title = {Abc}, year = {2015}}", file: "own.bib"), shown: "own.bib")
        #expect(bibliography.year("first") == "2015a" && bibliography.year("convnets") == "2015b" && bibliography.year("notes") == "2015c")
    }

    // MARK: Execute

    @Test func aVariableUsedAboveItsDeclarationIsFoundAndLocalsAreNot() throws {
        let loaded = try chapter("""
            # T

            Too early: `{swift} later + 1`.

            ```swift
            func helper(_ n: Int,
                        scale: Int) -> Int {
                let h = later * n
                return h * scale
            }
            print(later)
            ```

            ```swift
            for later in 0..<2 { print(later) }
            let early = [1, 2].map { later in later + 1 }
            ```

            ```swift
            let later = 41
            var (a, b) = (1, 2)
            ```

            Fine here: `{swift} later + a + b`.
            """)
        let uses = ForwardReferences.find(in: loaded.program.cells)
        // The inline above and the print at the block's top level, not the
        // function body, nor a piece that binds the name itself (a loop
        // variable, a closure parameter: the scan then stays quiet on the
        // whole piece, a miss rather than a false alarm).
        #expect(uses == [
            ForwardReferences.Use(name: "later", line: 3, column: 21, declaredLine: 20),
            ForwardReferences.Use(name: "later", line: 11, column: 7, declaredLine: 20),
        ], "\(uses)")
        #expect(ForwardReferences.declaredVariables("@MainActor private let x: Int, y = 2") == ["x"])
        #expect(ForwardReferences.declaredVariables("var (a, b) = (1, 2)") == ["a", "b"])
        #expect(ForwardReferences.declaredVariables("    let local = 1").isEmpty)
    }


    @Test func recordsAndPrintedTextInterleaveByOffset() {
        let stdout = Data("before\nafter\n".utf8)
        let value = PublishedValue.tensor(shape: [1], data: [FlexibleDouble(3)], tolerance: .exact)
        let records = [
            Record(stdout: 0, event: .begin(block: 0)),
            Record(stdout: 7, event: .show(.init(at: Self.site, label: "t", value: value, padding: nil, heatmap: false))),
            Record(stdout: 13, event: .end(block: 0)),
            Record(stdout: 13, event: .inline(id: 0, value: nil, problem: "the expression is nil")),
            Record(stdout: 13, event: .begin(block: 1)),
        ]
        let assembled = OutputAssembler(blockCount: 2, inlineCount: 1).assemble(stdout: stdout, records: records)
        #expect(assembled.blocks[0].items.count == 3)
        if case .text(let text) = assembled.blocks[0].items[0] { #expect(text == "before\n") } else { Issue.record("no text first") }
        if case .tensor(let label, _, _, _, _) = assembled.blocks[0].items[1] { #expect(label == "t") } else { Issue.record("no tensor second") }
        #expect(assembled.inlineErrors[0] == "the expression is nil")
        #expect(assembled.unfinishedBlock == 1)
    }

    @Test func theProgramMapsGeneratedLinesBackToPieces() throws {
        let loaded = try chapter("# T\n\n```swift\nlet a = 1\nlet b = 2\n```\n\nAnd `{swift} a + b`.\n")
        let program = loaded.program
        #expect(program.contains(file: "convbook-block-0.swift", line: 2))
        #expect(!program.contains(file: "convbook-block-0.swift", line: 3))
        #expect(program.mapLocation(file: "/x/convbook-block-0.swift", line: 2, column: 5)?.line == 5)
        let lines = program.source.split(separator: "\n", omittingEmptySubsequences: false)
        let inlineLine = try #require(lines.firstIndex { $0.contains("convbook-inline-0.swift") }) + 1
        #expect(program.pieceLocation(generatedLine: inlineLine)?.line == 8)
    }

    @Test func chaptersSeeOnlyAFixedEnvironment() throws {
        let environment = try ChapterEnvironment(choices: ["KNOB=1", "HOMEY"], environment: ["SECRET": "x", "HOMEY": "h", "OPENBLAS_NUM_THREADS": "1"])
        let variables = environment.variables(folder: URL(fileURLWithPath: "/tmp/work"))
        #expect(variables["SECRET"] == nil)
        #expect(variables["KNOB"] == "1" && variables["HOMEY"] == "h" && variables["OPENBLAS_NUM_THREADS"] == "1")
        #expect(variables["HOME"] == "/tmp/work" && variables["TZ"] == "UTC")
        #expect(environment.fingerprint.contains("KNOB=1"))
        #expect(throws: Diagnostic.self) { try ChapterEnvironment(choices: ["CONVBOOK_RECORDS"], environment: [:]) }
        #expect(throws: Diagnostic.self) { try ChapterEnvironment(choices: ["1BAD"], environment: [:]) }
    }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256.hash(data: Data("abc".utf8)).hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash(data: Data()).hexString == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var hasher = SHA256()
        hasher.update(data: Data("ab".utf8))
        hasher.update(data: Data("c".utf8))
        #expect(hasher.finalize().hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func theCacheStoreRefusesADamagedEntry() throws {
        let store = CacheStore(root: FileManager.default.temporaryDirectory.appendingPathComponent("convbook-store-\(UUID().uuidString)"))
        store.store(["a": 1], kind: .links, key: "k")
        #expect(store.load([String: Int].self, kind: .links, key: "k") == ["a": 1])
        try Data("{\"a\":2}".utf8).write(to: store.root.appendingPathComponent("links/k"))
        guard case .corrupt = store.lookup([String: Int].self, kind: .links, key: "k") else {
            Issue.record("a damaged entry was read")
            return
        }
        #expect(store.load([String: Int].self, kind: .links, key: "k") == nil)
    }

    // MARK: Ledger

    func result(_ numbers: [Double], tolerance: Tolerance) -> ExecutionResult {
        var block = ExecutionResult.BlockResult(index: 0)
        block.items = [.tensor(label: "t", value: .tensor(shape: [numbers.count], data: numbers.map(FlexibleDouble.init), tolerance: tolerance),
                               padding: nil, heatmap: false, location: .init(file: Self.site.file, line: 2, column: 1))]
        return ExecutionResult(blocks: [block], inlines: [], warnings: [])
    }

    @Test func reconciliationKeepsPublishedNumbersWithinToleranceAndNamesDrifts() throws {
        let loaded = try chapter("# T\n\n```swift\nlet t = 1\nshow(t)\n```\n")
        let locator = Locator(program: loaded.program, chapterPath: loaded.path)
        let published = Manifest.chapter(file: "01-unit.md", folder: "chapters", blocks: 1,
                                         result: result([1, 2], tolerance: .relative(1e-9)), locator: locator).values
        var near = result([1, 2 + 1e-12], tolerance: .relative(1e-9))
        let kept = Reconciliation.reconcile(&near, with: published, locator: locator, publishedFile: { _ in nil })
        #expect(kept.kept == 1 && kept.drifts.isEmpty)
        #expect(LedgerWalk.items(of: near, program: loaded.program).first?.numbers == [1, 2], "the published numbers were put back")
        var far = result([1, 2.5], tolerance: .relative(1e-9))
        let drift = Reconciliation.reconcile(&far, with: published, locator: locator, publishedFile: { _ in nil })
        #expect(drift.kept == 0 && drift.drifts.count == 1)
        #expect(drift.drifts.first?.description.hasPrefix("chapters/01-unit.md:5:1: error: tensor 't' entry [1] published as 2.0, computed 2.5") == true)
        // What `check --format json` adds: the kind of drift and both values.
        #expect(drift.drifts.first.map { [$0.kind.rawValue, $0.published, $0.computed] } == ["changed", "2.0", "2.5"])
    }

    @Test func aValueMovedToAnotherPlaceIsNeverReplacedByThePublishedValueThere() throws {
        // An error measure of 0 published by inline 1; an edit inserts an expression before it, so inline 1
        // is now another expression whose value (1e-15) is "alike" by the error-measure class. It must not be
        // taken for the published one: the keys name the code as well as the place.
        let before = try chapter("# T\n\n```swift\nlet e = 0.0\n```\n\nError `{swift} measured(e, .errorMeasure(bound: 1e-12))`.\n")
        let old = ExecutionResult(blocks: [], inlines: [.number(FlexibleDouble(0), tolerance: .errorMeasure(bound: 1e-12))], warnings: [])
        let published = Manifest.chapter(file: "01-unit.md", folder: "chapters", blocks: 1, result: old,
                                         locator: Locator(program: before.program, chapterPath: before.path)).values
        let after = try chapter("# T\n\n```swift\nlet e = 0.0\n```\n\nOther `{swift} measured(1e-15, .errorMeasure(bound: 1e-12))` and `{swift} measured(e, .errorMeasure(bound: 1e-12))`.\n")
        var new = ExecutionResult(blocks: [], inlines: [.number(FlexibleDouble(1e-15), tolerance: .errorMeasure(bound: 1e-12)),
                                                        .number(FlexibleDouble(0), tolerance: .errorMeasure(bound: 1e-12))], warnings: [])
        let reconciled = Reconciliation.reconcile(&new, with: published, locator: Locator(program: after.program, chapterPath: after.path),
                                                  publishedFile: { _ in nil })
        #expect(reconciled.kept == 0)
        guard case .number(let first, _)? = new.inlines[0] else { Issue.record("no first value"); return }
        #expect(first.value == 1e-15, "the new expression's own value is published, not the old one at its place")
    }

    // MARK: Render

    @Test func theManifestHasOneValuePerLineAndReadsBack() throws {
        let loaded = try chapter("# T\n\n```swift\nlet t = 1\nshow(t)\n```\n")
        let chapter = Manifest.chapter(file: "01-unit.md", folder: "chapters", blocks: 1,
                                       result: result([1, .nan], tolerance: .exact), locator: Locator(program: loaded.program, chapterPath: loaded.path))
        let data = Manifest(chapters: [chapter]).encoded()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\n        {\"key\":\"block 1 #"))   // the block's place and its code's digest
        let back = try JSONDecoder().decode(Manifest.self, from: data)
        #expect(back.chapters[0].values[0].values[1].value.isNaN)
    }

    @Test func theManifestSplitsIntoItsChaptersWithoutDecoding() throws {
        let loaded = try chapter("# T\n\n```swift\nlet t = 1\nshow(t)\n```\n")
        let locator = Locator(program: loaded.program, chapterPath: loaded.path)
        let first = Manifest.chapter(file: "01-a.md", folder: "chapters", blocks: 1, result: result([1, 2], tolerance: .exact), locator: locator)
        let second = Manifest.chapter(file: "02-b.md", folder: "chapters", blocks: 1, result: result([3], tolerance: .rounding), locator: locator)
        let data = Manifest(chapters: [first, second]).encoded()
        let fragments = try #require(Manifest.fragments(in: data))
        #expect(fragments["01-a.md"] == Manifest.fragment(first))
        #expect(fragments["02-b.md"] == Manifest.fragment(second))
        #expect(try JSONDecoder().decode(Manifest.Chapter.self, from: Data(fragments["02-b.md"]!.utf8)) == second)
        #expect(Manifest.valueCount(in: fragments["01-a.md"]!) == first.values.count && first.values.count > 0)
        #expect(Manifest.fragments(in: Data("{\"chapters\": []}".utf8)) == nil)
        // One chapter, and none.
        #expect(Manifest.fragments(in: Manifest(chapters: [second]).encoded())?["02-b.md"] == Manifest.fragment(second))
        #expect(Manifest.fragments(in: Manifest(chapters: []).encoded()) == nil || Manifest.fragments(in: Manifest(chapters: []).encoded()) == [:])
    }

    @Test func aCheckTableShowsNaNAsAFailure() {
        let html = OutputHTML.item(.gradientCheck(rows: [.init(name: "dx", error: FlexibleDouble(.nan))], threshold: 1e-7,
                                                  location: .init(file: Self.site.file, line: 1)))
        #expect(html.contains("cb-fail") && html.contains("✗") && !html.contains("✓"))
    }
}
