import Foundation
import Testing

/// `convbook check --format text|github|junit|json` on a built book whose
/// published values then drift (the ledger fixture's knobs, as in
/// ``LedgerTests``): every format reports the same differences at the same
/// chapter lines, each read back the way its consumer reads it, and the exit
/// status is the documented one (0 up to date, 1 stale, 2 no build, 64 usage).
@Suite struct CheckFormatTests {
    static let steady = "# Steady\n\nNothing here changes.\n\n```swift\nshow(Tensor(vector: [1, 2, 3]), \"steady\")\n```\n"
    static let drift = ["LEDGER_DRIFT": "1e-6", "LEDGER_TARGET": "all"]

    func builtBook() throws -> BookFixture {
        #expect(!LedgerTests.chapter.isEmpty, "the fixture chapter is missing")
        let book = try BookFixture(["01-ledger.md": LedgerTests.chapter, "02-steady.md": Self.steady])
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        return book
    }

    /// `check --format FORMAT` with every published value of the ledger chapter moved by a millionth.
    func drifted(_ book: BookFixture, _ format: String) throws -> Harness.Result {
        try book.convbook(["check", "--cache", "drift", "--env", "LEDGER_DRIFT", "--env", "LEDGER_TARGET", "--format", format],
                          environment: Self.drift)
    }

    /// `file:line:col` of a text diagnostic (line and column 0 when left out).
    static func place(_ diagnostic: Substring) -> (file: String, line: Int, column: Int)? {
        guard let match = diagnostic.firstMatch(of: #/^([^:]+\.md)(?::(\d+))?(?::(\d+))?: error: /#) else { return nil }
        return (String(match.1), match.2.flatMap { Int($0) } ?? 0, match.3.flatMap { Int($0) } ?? 0)
    }

    @Test func everyFormatReportsTheDriftsAtTheirChapterLines() throws {
        let book = try builtBook()
        let before = book.siteSnapshot()

        // Up to date: exit 0, and the JSON says so.
        let clean = try book.convbook("check", "--format", "json")
        #expect(clean.status == 0, "\(clean.stderr)")
        let cleanObject = try #require(try JSONSerialization.jsonObject(with: Data(clean.stdout.utf8)) as? [String: Any], "\(clean.stdout)")
        #expect(cleanObject["upToDate"] as? Bool == true && (cleanObject["drifts"] as? [Any])?.isEmpty == true)
        #expect((cleanObject["compared"] as? Int ?? 0) > 10, "\(clean.stdout)")
        #expect(clean.stderr.contains("site is up to date"), "the summary goes to standard error: \(clean.stderr)")

        // Text: today's lines, the reference for the others.
        let text = try drifted(book, "text")
        #expect(text.status == 1, "\(text.stdout)\(text.stderr)")
        let diagnostics = text.stderr.split(separator: "\n").filter { Self.place($0) != nil }
        let places = diagnostics.compactMap(Self.place)
        let staleLines = text.stdout.split(separator: "\n").map(String.init)
        #expect(places.count >= 10, "\(text.stderr)")
        #expect(places.allSatisfy { $0.file == "chapters/01-ledger.md" }, "the steady chapter did not change")
        #expect(!staleLines.isEmpty, "manifest.json at least holds the moved values")

        // GitHub: nothing but workflow commands on standard output, one per diagnostic at its place.
        let github = try drifted(book, "github")
        #expect(github.status == 1)
        let commands = github.stdout.split(separator: "\n")
        #expect(commands.allSatisfy { $0.hasPrefix("::error ") || $0.hasPrefix("::warning ") || $0.hasPrefix("::notice ") }, "\(github.stdout)")
        let annotations = commands.compactMap { line -> (severity: String, file: String, line: Int, column: Int, message: String)? in
            guard let m = line.firstMatch(of: #/^::(error|warning) file=([^,]+)(?:,line=(\d+))?(?:,col=(\d+))?,title=[^,:]+::(.*)$/#) else { return nil }
            return (String(m.1), String(m.2), m.3.flatMap { Int($0) } ?? 0, m.4.flatMap { Int($0) } ?? 0, String(m.5))
        }
        let atChapters = annotations.filter { $0.file.hasPrefix("chapters/") }
        #expect(atChapters.count == places.count, "\(github.stdout)")
        #expect(atChapters.allSatisfy { $0.severity == "error" })
        for (annotation, place) in zip(atChapters, places) {
            #expect((annotation.file, annotation.line, annotation.column) == (place.file, place.line, place.column))
        }
        // Every stale file too, as a warning beside the drifts; and, past GitHub's ten, a notice that counts them.
        let atSite = commands.filter { $0.hasPrefix("::warning ") }
        #expect(atSite.count == staleLines.count, "\(github.stdout)")
        #expect(commands.count == places.count + staleLines.count + 1)
        #expect(commands.last?.hasPrefix("::notice title=convbook check::\(places.count) differences at chapter lines") == true, "\(github.stdout)")
        // Line-exact: the annotation of the moved `rounded` tensor is at the chapter line that computes it.
        let roundingLine = LedgerTests.line("rounding")
        let rounded = try #require(atChapters.first { $0.line == roundingLine }, "no annotation at line \(roundingLine):\n\(github.stdout)")
        #expect(rounded.message.hasPrefix("tensor 'rounded' entry [0] published as "), "\(rounded.message)")
        for target in ["exact", "table", "figure", "plot", "explorer", "gradient"] {
            #expect(atChapters.contains { $0.line == LedgerTests.line(target) }, "no annotation at the line of \(target)")
        }
        #expect(github.stderr.contains("convbook check: site is stale"))

        // JSON: the same drifts, with the values before and after.
        let json = try drifted(book, "json")
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        #expect(object["version"] as? Int == 1 && object["upToDate"] as? Bool == false)
        #expect(object["chapters"] as? [String] == ["chapters/01-ledger.md", "chapters/02-steady.md"])
        let drifts = try #require(object["drifts"] as? [[String: Any]])
        #expect(drifts.count == places.count)
        for (drift, place) in zip(drifts, places) {
            #expect(drift["file"] as? String == place.file && drift["line"] as? Int == place.line && drift["column"] as? Int == place.column)
        }
        for (drift, line) in zip(drifts, diagnostics) {
            #expect(line.hasSuffix(": error: " + (drift["message"] as? String ?? "?")))
        }
        let roundedDrift = try #require(drifts.first { $0["line"] as? Int == roundingLine })
        #expect(roundedDrift["kind"] as? String == "changed")
        let published = try #require((roundedDrift["published"] as? String).flatMap(Double.init))
        let computed = try #require((roundedDrift["computed"] as? String).flatMap(Double.init))
        #expect(abs(computed / published - 1 - 1e-6) < 1e-12, "published \(published), computed \(computed): the knob moves it by a millionth")
        let stale = try #require(object["staleFiles"] as? [[String: String]])
        #expect(stale.map { "\($0["change"] ?? ""): \(($0["file"] ?? "").dropFirst("site/".count))" } == staleLines)

        // JUnit, read by Python's XML parser (and validated against junit-10.xsd where one is given).
        let junit = try drifted(book, "junit")
        #expect(junit.status == 1)
        let read = try JUnitReader.read(junit.stdout)
        #expect(read.suite["name"] == "convbook check" && read.suite["tests"] == "3" && read.suite["failures"] == "2", "\(read.suite)")
        #expect(read.cases.map(\.name) == ["chapters/01-ledger.md", "chapters/02-steady.md", "site files"])
        #expect(read.cases.map(\.classname) == ["chapters", "chapters", "site"])
        #expect(read.cases[0].failures.map(\.message) == diagnostics.map(String.init), "one failure per drifted value, in order")
        #expect(read.cases[0].failures.allSatisfy { ["changed", "ledger-edited"].contains($0.type) }, "\(read.cases[0].failures.map(\.type))")
        #expect(read.cases[1].failures.isEmpty)
        #expect(read.cases[2].failures.count == staleLines.count)
        if ProcessInfo.processInfo.environment["CONVBOOK_JUNIT_XSD"] != nil { #expect(read.schema == "valid", "junit-10.xsd: \(read.schema ?? "not validated")") }

        #expect(book.siteSnapshot() == before, "check writes nothing, in any format")
    }

    @Test func aBookThatDoesNotBuildExitsTwoAndAnnotatesItsErrors() throws {
        let book = try BookFixture(["01-bad.md": "# Bad\n\nSee @sec-nowhere.\n"])
        let json = try book.convbook("check", "--format", "json")
        #expect(json.status == 2, "\(json.stderr)")
        #expect(json.stdout.isEmpty, "no report when nothing was judged")
        #expect(json.stderr.contains("chapters/01-bad.md:3:5: error: no label 'sec-nowhere' in the book"), "\(json.stderr)")
        let github = try book.convbook("check", "--format", "github")
        #expect(github.status == 2)
        #expect(github.stdout.contains("::error file=chapters/01-bad.md,line=3,col=5,title=convbook%3A error::no label 'sec-nowhere' in the book"),
                "\(github.stdout)")
        #expect(try book.convbook("check").status == 2)
    }

    @Test func anUnknownFormatIsAUsageErrorListingTheChoices() throws {
        let book = try BookFixture(["01-a.md": "# A\n"])
        let result = try book.convbook("check", "--format", "xml")
        #expect(result.status == 64, "\(result.stderr)")
        for choice in ["text", "github", "junit", "json"] { #expect(result.stderr.contains("'\(choice)'"), "\(result.stderr)") }
        let help = try book.convbook("check", "--help")
        #expect(help.status == 0)
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("--format <format>") && words.contains("Exit status: 0 the site is up to date; 1"), "\(help.stdout)")
    }
}

/// A JUnit report as Python's `xml.etree` reads it; with
/// `CONVBOOK_JUNIT_XSD` set (a path to the Jenkins xUnit plugin's
/// `junit-10.xsd`), also validated by lxml, which that Python must have.
enum JUnitReader {
    struct Failure: Decodable { let type: String; let message: String; let text: String }
    struct Case: Decodable { let classname: String; let name: String; let failures: [Failure] }
    struct Read: Decodable { let suites: [String: String]; let suite: [String: String]; let cases: [Case]; let schema: String? }

    static let script = #"""
        import json, os, sys
        import xml.etree.ElementTree as ET
        with open(sys.argv[1], encoding="utf-8") as f:
            text = f.read()
        root = ET.fromstring(text)
        assert root.tag == "testsuites", root.tag
        suites = root.findall("testsuite")
        assert len(suites) == 1, len(suites)
        suite = suites[0]
        cases = []
        for case in suite.findall("testcase"):
            assert set(case.keys()) <= {"classname", "name", "time"}, case.keys()
            failures = [{"type": f.get("type"), "message": f.get("message"), "text": f.text or ""} for f in case.findall("failure")]
            assert len(failures) == len(list(case)), "a test case holds failures only"
            cases.append({"classname": case.get("classname"), "name": case.get("name"), "failures": failures})
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for c in cases if c["failures"])
        schema = None
        xsd = os.environ.get("CONVBOOK_JUNIT_XSD")
        if xsd:
            from lxml import etree
            validator = etree.XMLSchema(etree.parse(xsd))
            document = etree.fromstring(text.encode("utf-8"))
            schema = "valid" if validator.validate(document) else str(validator.error_log)
        print(json.dumps({"suites": dict(root.attrib), "suite": dict(suite.attrib), "cases": cases, "schema": schema}))
        """#

    static func read(_ xml: String) throws -> Read {
        let python = try #require(Harness.python, "python3 is needed to read the JUnit report")
        let input = try Harness.temporaryDirectory().appendingPathComponent("report.xml")
        try Data(xml.utf8).write(to: input)
        let result = try Harness.run(python, ["-c", script, input.path])
        #expect(result.status == 0, "Python could not read the JUnit report: \(result.stderr)\n\(xml)")
        if ProcessInfo.processInfo.environment["CONVBOOK_JUNIT_XSD"] == nil {
            print("note: JUnit report read with xml.etree only; set CONVBOOK_JUNIT_XSD to junit-10.xsd (and CONVBOOK_PYTHON to a Python with lxml) to validate it")
        }
        return try JSONDecoder().decode(Read.self, from: Data(result.stdout.utf8))
    }
}
