import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Convbook

/// The formats of `convbook check --format`: GitHub's workflow-command
/// escaping, JUnit's XML escaping, and the JSON layout, each read back the way
/// its consumer reads it.
@Suite struct CheckReportFormatTests {
    /// A report with the characters each format must escape: `%`, `:`, `,`,
    /// newlines, XML's specials and a control character XML 1.0 forbids.
    static let report = CheckReport(
        site: "site",
        chapters: ["chapters/01-a.md", "chapters/02-b,c:d.md"],
        drifts: [
            Drift(Diagnostic(file: "chapters/02-b,c:d.md", line: 12, column: 5,
                             message: "value 'p' published as 50%, computed 51% on this machine: a, b\nnext line\r\nend"),
                  kind: .changed, published: "50%", computed: "51%"),
            Drift(Diagnostic(file: "chapters/02-b,c:d.md", line: 20, column: 0,
                             message: "printed output published as \"<a & 'b'>\", computed \"\u{1B}[31mred\u{7}\" (tolerance exact)"),
                  kind: .changed, published: "<a & 'b'>", computed: "\u{1B}[31mred\u{7}"),
            Drift(Diagnostic(file: "chapters/02-b,c:d.md", message: "the page differs from site/02-b.html in its prose"), kind: .page),
        ],
        staleFiles: ["stale: 02-b.html", "missing: x.npy", "extra: stray.txt"],
        withinTolerance: 3, compared: 40)

    // MARK: GitHub

    /// The runner's unescaping, the inverse of the toolkit's escaping.
    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%0A", with: "\n")
            .replacingOccurrences(of: "%3A", with: ":").replacingOccurrences(of: "%2C", with: ",")
            .replacingOccurrences(of: "%25", with: "%")
    }

    /// A workflow command taken apart as the runner does: name, properties, message.
    static func parse(_ line: Substring) -> (name: String, properties: [String: String], message: String)? {
        guard line.hasPrefix("::"), let end = line.dropFirst(2).range(of: "::") else { return nil }
        let head = line[line.index(line.startIndex, offsetBy: 2)..<end.lowerBound]
        let name = String(head.prefix { $0 != " " })
        var properties = [String: String]()
        for pair in head.dropFirst(name.count).trimmingCharacters(in: .whitespaces).split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            properties[String(parts[0])] = unescape(String(parts[1]))
        }
        return (name, properties, unescape(String(line[end.upperBound...])))
    }

    @Test func gitHubEscapesMessagesAndPropertiesAsTheToolkitDoes() {
        let message = "50% of a: b, c\nd\r\ne"
        #expect(GitHubAnnotations.escapeData(message) == "50%25 of a: b, c%0Ad%0D%0Ae")
        #expect(GitHubAnnotations.escapeProperty(message) == "50%25 of a%3A b%2C c%0Ad%0D%0Ae")
        // `%` first: an escape in the input is escaped, not taken for one.
        #expect(GitHubAnnotations.escapeData("%0A") == "%250A")
        #expect(GitHubAnnotations.escapeProperty("chapters/a,b:c%.md") == "chapters/a%2Cb%3Ac%25.md")
    }

    @Test func gitHubAnnotationsReadBackToTheDiagnostics() throws {
        let output = GitHubAnnotations.render(Self.report)
        let lines = output.split(separator: "\n")
        #expect(lines.count == Self.report.drifts.count + Self.report.staleFiles.count, "\(output)")
        for (line, drift) in zip(lines, Self.report.drifts) {
            let command = try #require(Self.parse(line), "\(line)")
            #expect(command.name == "error")
            #expect(command.properties["file"] == "chapters/02-b,c:d.md")
            #expect(command.properties["line"] == (drift.diagnostic.line > 0 ? String(drift.diagnostic.line) : nil))
            #expect(command.properties["col"] == (drift.diagnostic.column > 0 ? String(drift.diagnostic.column) : nil))
            #expect(command.properties["title"] == GitHubAnnotations.title(of: drift.kind))
            #expect(command.message == drift.diagnostic.message)
        }
        #expect(lines[0] == "::error file=chapters/02-b%2Cc%3Ad.md,line=12,col=5,title=convbook check%3A changed value::"
                + "value 'p' published as 50%25, computed 51%25 on this machine: a, b%0Anext line%0D%0Aend")
        let stale = lines.suffix(3).compactMap { Self.parse($0) }
        #expect(stale.map { $0.properties["file"] } == ["site/02-b.html", nil, "site/stray.txt"])
        #expect(stale.allSatisfy { $0.name == "warning" }, "beside drifts, stale files are warnings")
        // Stale files alone are the failure: errors.
        var filesOnly = Self.report
        filesOnly.drifts = []
        #expect(GitHubAnnotations.render(filesOnly).split(separator: "\n").compactMap { Self.parse($0)?.name } == ["error", "error", "error"])
        // More drifts than GitHub shows: a notice counts them.
        var many = Self.report
        many.drifts = (1...12).map { Drift(Diagnostic(file: "chapters/01-a.md", line: $0, message: "m\($0)"), kind: .changed) }
        let notice = try #require(GitHubAnnotations.render(many).split(separator: "\n").last.flatMap { Self.parse($0) })
        #expect(notice.name == "notice" && notice.message.hasPrefix("12 differences at chapter lines; GitHub annotates the first 10"))
        #expect(!GitHubAnnotations.render(Self.report).contains("::notice"))
    }

    @Test func gitHubSeverities() {
        let warning = GitHubAnnotations.annotation(Diagnostic(file: "a.md", line: 3, severity: .warning, message: "w"), title: "t")
        let note = GitHubAnnotations.annotation(Diagnostic(file: "a.md", severity: .note, message: "n"), title: "t")
        #expect(warning == "::warning file=a.md,line=3,title=t::w")
        #expect(note == "::notice file=a.md,title=t::n")
    }

    // MARK: JUnit

    @Test func junitEscapesWhatXMLForbidsOrWouldAlter() {
        #expect(JUnitReport.escape("a < b & c > \"d\" 'e'", attribute: true) == "a &lt; b &amp; c &gt; &quot;d&quot; &apos;e&apos;")
        #expect(JUnitReport.escape("a < b & c > \"d\" 'e'", attribute: false) == "a &lt; b &amp; c &gt; \"d\" 'e'")
        #expect(JUnitReport.escape("1\t2\n3\r4", attribute: true) == "1&#9;2&#10;3&#13;4")
        #expect(JUnitReport.escape("1\t2\n3\r\n4", attribute: false) == "1\t2\n3&#13;\n4")
        #expect(JUnitReport.escape("\u{0}\u{1B}x\u{7}\u{FFFE}\u{FFFF}é😀", attribute: false) == "\u{FFFD}\u{FFFD}x\u{FFFD}\u{FFFD}\u{FFFD}é😀")
    }

    #if canImport(FoundationXML)
    /// Elements and attributes as an XML parser reads them.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String], text: String)] = []
        private var open: [Int] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            open.append(elements.count)
            elements.append((name, attributes, ""))
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let last = open.last { elements[last].text += string }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { open.removeLast() }
    }

    @Test func junitParsesBackToTheReport() throws {
        let xml = JUnitReport(Self.report).xml
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")\n\(xml)")
        let elements = collector.elements
        let suite = try #require(elements.first { $0.name == "testsuite" })
        let cases = elements.filter { $0.name == "testcase" }
        #expect(cases.map { $0.attributes["name"] } == ["chapters/01-a.md", "chapters/02-b,c:d.md", "site files"])
        #expect(cases.map { $0.attributes["classname"] } == ["chapters", "chapters", "site"])
        #expect(suite.attributes["tests"] == "3" && suite.attributes["failures"] == "2" && suite.attributes["errors"] == "0")
        let failures = elements.filter { $0.name == "failure" }
        #expect(failures.count == Self.report.drifts.count + Self.report.staleFiles.count)
        for (failure, drift) in zip(failures, Self.report.drifts) {
            #expect(failure.attributes["type"] == drift.kind.rawValue)
            // The newline and CR in the message survive in the attribute; the forbidden controls became U+FFFD.
            #expect(failure.attributes["message"] == drift.description
                .replacingOccurrences(of: "\u{1B}", with: "\u{FFFD}").replacingOccurrences(of: "\u{7}", with: "\u{FFFD}"))
        }
        #expect(failures[0].text.contains("published: 50%\ncomputed: 51%"))
        #expect(failures[1].text.contains("published: <a & 'b'>\n"))
        #expect(failures.suffix(3).map { $0.attributes["type"] } == ["stale", "missing", "extra"])
        let properties = Dictionary(elements.filter { $0.name == "property" }.map { ($0.attributes["name"] ?? "", $0.attributes["value"] ?? "") }) { a, _ in a }
        #expect(properties == ["site": "site", "compared": "40", "withinTolerance": "3"])
    }
    #endif

    @Test func anUpToDateReportHasNoFailures() {
        let clean = CheckReport(site: "out", chapters: ["ch/01-a.md"], drifts: [], staleFiles: [], withinTolerance: 0, compared: nil)
        let xml = JUnitReport(clean).xml
        #expect(xml.contains("<testsuites name=\"convbook check\" tests=\"2\" failures=\"0\" errors=\"0\">"))
        #expect(xml.contains("<testcase classname=\"ch\" name=\"ch/01-a.md\"/>"))
        #expect(xml.contains("<testcase classname=\"out\" name=\"out files\"/>"))
        #expect(!xml.contains("<failure"))
        #expect(!xml.contains("name=\"compared\""))
    }

    // MARK: JSON

    @Test func jsonRoundTripsWithSortedKeysAndExplicitNulls() throws {
        let text = JSONCheckReport(Self.report).encoded()
        let decoded = try JSONDecoder().decode(JSONCheckReport.self, from: Data(text.utf8))
        #expect(decoded == JSONCheckReport(Self.report))
        #expect(decoded.version == JSONCheckReport.currentVersion)
        #expect(decoded.drifts.map(\.kind) == ["changed", "changed", "page"])
        #expect(decoded.drifts[0].message == Self.report.drifts[0].diagnostic.message)
        #expect(decoded.drifts[1].computed == "\u{1B}[31mred\u{7}")
        #expect(decoded.staleFiles == [.init(change: "stale", file: "site/02-b.html"), .init(change: "missing", file: "site/x.npy"),
                                       .init(change: "extra", file: "site/stray.txt")])
        #expect(!decoded.upToDate && decoded.compared == 40 && decoded.withinTolerance == 3)

        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object.keys.sorted() == ["chapters", "compared", "drifts", "site", "staleFiles", "upToDate", "version", "withinTolerance"])
        let page = try #require((object["drifts"] as? [[String: Any]])?.last)
        #expect(page["published"] is NSNull && page["computed"] is NSNull, "unknown values are null, not absent")
        #expect(page["line"] as? Int == 0)
        // Sorted keys: each key of the top object appears after the one before it.
        let positions = ["\"chapters\"", "\"compared\"", "\"drifts\"", "\"site\"", "\"staleFiles\"", "\"upToDate\"", "\"version\"", "\"withinTolerance\""]
            .map { key in text.range(of: "\n  " + key)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())

        let clean = CheckReport(site: "site", chapters: [], drifts: [], staleFiles: [], withinTolerance: 0, compared: nil)
        let none = try #require(try JSONSerialization.jsonObject(with: Data(JSONCheckReport(clean).encoded().utf8)) as? [String: Any])
        #expect(none["compared"] is NSNull && none["upToDate"] as? Bool == true)
    }

    // MARK: Text

    @Test func textIsWhatCheckAlwaysPrinted() {
        let (output, log) = CheckReportFormat.text.render(Self.report)
        #expect(output == "stale: 02-b.html\nmissing: x.npy\nextra: stray.txt\n")
        #expect(log.hasPrefix("chapters/02-b,c:d.md:12:5: error: value 'p' published as 50%"))
        #expect(log.hasSuffix("convbook check: site is stale: 3 differences at chapter lines, 3 files differ; 3 values differ on this machine within their tolerance; run `convbook build` and commit it\n"))
        let clean = CheckReport(site: "site", chapters: [], drifts: [], staleFiles: [], withinTolerance: 1, compared: 7)
        #expect(CheckReportFormat.text.render(clean) == ("site is up to date (7 published values compared; 1 value differs on this machine within its tolerance)\n", ""))
        // The machine-read formats keep standard output for the document and give the summary to the log.
        for format in [CheckReportFormat.github, .junit, .json] {
            #expect(format.render(Self.report).log == Self.report.summary + "\n")
        }
    }
}
