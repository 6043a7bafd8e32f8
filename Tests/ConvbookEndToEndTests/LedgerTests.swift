import Foundation
import Testing

/// The ledger of published values (`site/manifest.json`): values that differ
/// between machines only by rounding pass `check` and rewrite nothing; a
/// real change of any published value fails `check` at its chapter line.
///
/// A test cannot change the CPU, so the fixture chapter
/// (`Fixtures/ledger-chapter.md`) changes its numbers on purpose through
/// environment variables: `LEDGER_REVERSED=1` sums in the other order (a
/// rounding difference), `LEDGER_DRIFT` with `LEDGER_TARGET` makes a real
/// change. The knobs reach the chapter through `--env` (chapters otherwise see
/// a fixed environment), which also puts them in the cache key.
@Suite struct LedgerTests {
    static let chapter: String = {
        let url = Harness.packageRoot.appendingPathComponent("Tests/ConvbookEndToEndTests/Fixtures/ledger-chapter.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    /// The chapter line of the call marked `// LINE target`, or of the first line containing `text`.
    static func line(_ target: String) -> Int {
        let lines = chapter.split(separator: "\n", omittingEmptySubsequences: false)
        let index = lines.firstIndex { $0.hasSuffix("// LINE \(target)") } ?? lines.firstIndex { $0.contains(target) }
        return (index ?? -1) + 1
    }

    /// The line of the fence that opens the block holding chapter line `line`.
    static func fenceLine(before line: Int) -> Int {
        let lines = chapter.split(separator: "\n", omittingEmptySubsequences: false)
        return (lines[..<(line - 1)].lastIndex { $0.hasPrefix("```swift") } ?? -1) + 1
    }

    func builtBook() throws -> BookFixture {
        #expect(!Self.chapter.isEmpty, "the fixture chapter is missing")
        let book = try BookFixture(["01-ledger.md": Self.chapter])
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        return book
    }

    /// Runs `convbook command` with the knobs passed to the chapter (`--env`).
    func run(_ book: BookFixture, _ command: String, cache: String, _ environment: [String: String]) throws -> Harness.Result {
        try book.convbook([command, "--cache", cache] + environment.keys.sorted().flatMap { ["--env", $0] }, environment: environment)
    }

    @Test func roundingDifferencesPassCheckAndRewriteNothing() throws {
        let book = try builtBook()
        let before = book.siteSnapshot()
        let check = try run(book, "check", cache: "other-order", ["LEDGER_REVERSED": "1"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        // The knob must really have changed something, or this test proves nothing.
        let counted = check.stdout.firstMatch(of: /(\d+) values? differs? on this machine within/).map { Int($0.1) ?? 0 } ?? 0
        #expect(counted >= 2, "\(check.stdout)")
        let build = try run(book, "build", cache: "other-order", ["LEDGER_REVERSED": "1"])
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stderr.contains("kept the published numbers of"))
        #expect(book.siteSnapshot() == before)
        let verify = try run(book, "verify", cache: "other-order", ["LEDGER_REVERSED": "1"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("error measures"))
    }

    @Test func aDriftOfOneMillionthFailsCheckAtEveryValuesLine() throws {
        let book = try builtBook()
        let before = book.siteSnapshot()
        let check = try run(book, "check", cache: "drift", ["LEDGER_DRIFT": "1e-6", "LEDGER_TARGET": "all"])
        #expect(check.status == 1)
        let targets = ["exact", "rounding", "table", "figure", "plot", "explorer", "printed", "gradient",
                       "measured(nudged(total, \"inline\")", "nudged(0.25, \"inline-exact\")"]
        for target in targets {
            // Printed text belongs to the block that printed it: its fence line.
            let line = target == "printed" ? Self.fenceLine(before: Self.line(target)) : Self.line(target)
            let prefix = "chapters/01-ledger.md:\(line):"
            let reported = check.stderr.split(separator: "\n").first { $0.hasPrefix(prefix) && $0.contains(": error: ") }
            #expect(reported != nil, "no error at \(prefix) for \(target):\n\(check.stderr)")
            if let reported, target != "printed" {
                #expect(reported.contains("published as") && reported.contains("on this machine (tolerance"), "\(reported)")
            }
        }
        #expect(check.stderr.contains("data file 'ledger-x.npy'"))
        #expect(check.stderr.contains("published as 4.0, computed 4.000004"))
        #expect(book.siteSnapshot() == before, "check must not write the site")
        let verify = try run(book, "verify", cache: "drift", ["LEDGER_DRIFT": "1e-6", "LEDGER_TARGET": "rounding"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("MISMATCH"))
        #expect(verify.stdout.contains("chapters/01-ledger.md:\(Self.line("rounding")):"))
    }

    @Test func anErrorMeasureThatGrowsTenfoldFailsEvenBelowItsBound() throws {
        let book = try builtBook()
        let check = try run(book, "check", cache: "agreement", ["LEDGER_TARGET": "agreement"])
        #expect(check.status == 1)
        #expect(check.stderr.contains("chapters/01-ledger.md:\(Self.line("agreement")):"), "\(check.stderr)")
        #expect(check.stderr.contains("within 10×"))
    }

    @Test func theManifestRecordsSourceClassAndPrintedForm() throws {
        let book = try builtBook()
        let data = try Data(contentsOf: book.root.appendingPathComponent("site/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(manifest["format"] as? Int == 2)
        let chapters = try #require(manifest["chapters"] as? [[String: Any]])
        let values = try #require(chapters.first?["values"] as? [[String: Any]])
        func entry(_ kind: String) -> [String: Any]? { values.first { $0["kind"] as? String == kind } }
        let gradient = try #require(entry("gradient-check"))
        #expect((gradient["tolerance"] as? [String: Any])?["class"] as? String == "error-measure")
        #expect((gradient["source"] as? String)?.hasPrefix("chapters/01-ledger.md:\(Self.line("gradient")):") == true)
        let rounded = try #require(values.first { $0["label"] as? String == "rounded" })
        #expect((rounded["tolerance"] as? [String: Any])?["class"] as? String == "relative")
        #expect((rounded["printed"] as? [String])?.first == "7.485")
        let exact = try #require(values.first { $0["label"] as? String == "exact" })
        #expect((exact["tolerance"] as? [String: Any])?["class"] as? String == "exact")
        for kind in ["figure", "plot", "explorer", "data", "table-cell", "printed", "agreement", "number"] {
            #expect(entry(kind) != nil, "no \(kind) entry in the manifest")
        }
    }

    /// Issue 20: a ledger edited by hand must not change the page. A gradient
    /// check computes about 2.2e-11; the manifest is edited to read 0.0, or
    /// 9.99e-11 with its printed form left as it was (both below the bound's
    /// floor of 1e-10, which made them "alike" before).
    @Test(arguments: [("0.0", "an exact zero and a non-zero never stand for each other"),
                      ("9.99e-11", "the manifest was edited by hand")])
    func aTamperedErrorMeasureFailsCheckAndIsRepublished(tampered: String, reason: String) throws {
        let chapter = "# Tamper\n\n```swift\nlet check = checkGradients((\"dx\", Tensor(vector: [1, 2]), Tensor(vector: [1, 2 + 8.8e-11])))\n```\n\nThe error is `{swift} check[\"dx\"]`.\n"
        let book = try BookFixture(["01-tamper.md": chapter])
        #expect(try book.convbook("build").status == 0)
        let manifestURL = book.root.appendingPathComponent("site/manifest.json")
        let manifest = try String(contentsOf: manifestURL, encoding: .utf8)
        let computed = try #require(manifest.firstMatch(of: /"kind":"gradient-check".*"values":\[([0-9.e-]+)\]/)).1
        #expect(Double(computed).map { $0 > 1e-11 && $0 < 1e-10 } == true, "\(computed)")
        let printed = try #require(manifest.firstMatch(of: /"printed":\["([0-9.e-]+)"\]/)).1
        try Data(manifest.replacingOccurrences(of: "[\(computed)]", with: "[\(tampered)]").utf8).write(to: manifestURL)
        let page = try book.page("01-tamper.html")

        let check = try book.convbook("check")
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
        #expect(check.stderr.contains("chapters/01-tamper.md:4:"), "\(check.stderr)")
        #expect(check.stderr.contains(reason), "\(check.stderr)")
        let verify = try book.convbook("verify", "01-tamper")
        #expect(verify.status == 1, "\(verify.stdout)\(verify.stderr)")

        let build = try book.convbook("build")
        #expect(build.status == 0, "\(build.stderr)")
        #expect(try book.page("01-tamper.html") == page, "the page must show the computed value")
        #expect(try book.page("01-tamper.html").contains(String(printed)))
        let republished = try String(contentsOf: manifestURL, encoding: .utf8)
        #expect(republished.contains("[\(computed)]") && !republished.contains("[\(tampered)]"))
        #expect(try book.convbook("check").status == 0)
    }
}
