/// `convbook check --format junit`: the report as JUnit XML, for CI systems
/// that show test results (Jenkins, GitLab, test-reporter actions).
///
/// One test case per chapter (`classname` its folder, `name` its file), with
/// one `<failure>` per difference found in it (`type` the ``Drift/Kind``,
/// `message` the diagnostic `file:line:col: error: …`), and one test case for
/// the site's files, with a failure per stale, missing or extra file.
/// `failures` counts the test cases that failed (a chapter with two changed
/// values is one failed test with two failures). The document follows the
/// Jenkins xUnit plugin's `junit-10.xsd`, which allows several failures in a
/// test case; it has no time stamps, so the same report is the same bytes.
///
///     <testsuites name="convbook check" tests="2" failures="1" errors="0">
///       <testsuite name="convbook check" tests="2" failures="1" errors="0" skipped="0">
///         <testcase classname="chapters" name="chapters/01-forward.md">
///           <failure type="changed" message="chapters/01-forward.md:41:7: error: …">…</failure>
///         </testcase>
///         <testcase classname="site" name="site files"/>
///       </testsuite>
///     </testsuites>
public struct JUnitReport: Sendable {
    public var report: CheckReport

    public init(_ report: CheckReport) { self.report = report }

    /// The XML document, UTF-8, ending in a newline.
    public var xml: String {
        var cases = [TestCase]()
        for chapter in report.chapters {
            let folder = chapter.split(separator: "/").dropLast().joined(separator: "/")
            let failures = report.drifts.filter { $0.diagnostic.file == chapter }.map(Self.failure)
            cases.append(TestCase(classname: folder.isEmpty ? "." : folder, name: chapter, failures: failures))
        }
        // A difference at a file that is not one of the chapters (none today) still fails a test.
        let others = report.drifts.filter { !report.chapters.contains($0.diagnostic.file) }
        for file in Set(others.map(\.diagnostic.file)).sorted() {
            cases.append(TestCase(classname: "chapters", name: file, failures: others.filter { $0.diagnostic.file == file }.map(Self.failure)))
        }
        cases.append(TestCase(classname: report.site, name: "\(report.site) files", failures: report.staleFiles.map { entry in
            let (change, path) = CheckReport.staleFile(entry)
            let message = "\(change): \(report.site)/\(path)"
            return Failure(type: change, message: message, body: message + "\n")
        }))

        let failed = cases.filter { !$0.failures.isEmpty }.count
        let counts = "tests=\"\(cases.count)\" failures=\"\(failed)\" errors=\"0\""
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"convbook check\" \(counts)>\n"
        xml += "  <testsuite name=\"convbook check\" \(counts) skipped=\"0\">\n"
        xml += "    <properties>\n"
        var properties = [("site", report.site), ("withinTolerance", String(report.withinTolerance))]
        if let compared = report.compared { properties.append(("compared", String(compared))) }
        for (name, value) in properties {
            xml += "      <property name=\"\(Self.escape(name, attribute: true))\" value=\"\(Self.escape(value, attribute: true))\"/>\n"
        }
        xml += "    </properties>\n"
        for testcase in cases {
            let head = "    <testcase classname=\"\(Self.escape(testcase.classname, attribute: true))\" name=\"\(Self.escape(testcase.name, attribute: true))\""
            if testcase.failures.isEmpty {
                xml += head + "/>\n"
                continue
            }
            xml += head + ">\n"
            for failure in testcase.failures {
                xml += "      <failure type=\"\(Self.escape(failure.type, attribute: true))\" message=\"\(Self.escape(failure.message, attribute: true))\">"
                    + Self.escape(failure.body, attribute: false) + "</failure>\n"
            }
            xml += "    </testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    /// A drift as a failure: its diagnostic, then the published and computed forms where known.
    private static func failure(_ drift: Drift) -> Failure {
        var body = drift.description + "\n"
        if let published = drift.published { body += "published: \(published)\n" }
        if let computed = drift.computed { body += "computed: \(computed)\n" }
        return Failure(type: drift.kind.rawValue, message: drift.description, body: body)
    }

    private struct Failure {
        var type, message, body: String
    }

    private struct TestCase {
        var classname, name: String
        var failures: [Failure]
    }

    /// Text made safe for XML 1.0: `&`, `<`, `>` (and in an attribute `"`,
    /// `'`, tab, CR and LF, which a parser would otherwise turn into spaces)
    /// as references; CR in text as `&#13;`, which a parser would otherwise
    /// turn into LF; and each character XML 1.0 does not allow at all (the
    /// control characters below U+0020 other than tab, LF and CR, and
    /// U+FFFE, U+FFFF) as U+FFFD, since not even a reference may name them.
    ///
    ///     JUnitReport.escape("a < b & \"c\"", attribute: true)   // "a &lt; b &amp; &quot;c&quot;"
    public static func escape(_ text: String, attribute: Bool) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let replacement: String?
            switch scalar {
            case "&": replacement = "&amp;"
            case "<": replacement = "&lt;"
            case ">": replacement = "&gt;"
            case "\"" where attribute: replacement = "&quot;"
            case "'" where attribute: replacement = "&apos;"
            case "\t" where attribute: replacement = "&#9;"
            case "\n" where attribute: replacement = "&#10;"
            case "\r": replacement = "&#13;"
            case "\t", "\n": replacement = nil
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": replacement = "\u{FFFD}"
            default: replacement = nil
            }
            if let replacement { escaped.append(contentsOf: replacement.unicodeScalars) } else { escaped.append(scalar) }
        }
        return String(escaped)
    }
}
