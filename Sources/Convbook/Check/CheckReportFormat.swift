/// How `convbook check --format` prints a ``CheckReport``: the ``output``
/// part of ``render(_:)`` goes to standard output (so `--format json > f.json`
/// is the document alone), the ``log`` part to standard error.
///
/// - `text`: compiler-style lines, `chapters/01-forward.md:41:7: error: …`
///   on standard error and the stale files (`stale: 01-forward.html`) on
///   standard output, as `convbook check` always printed.
/// - `github`: GitHub Actions workflow commands, one `::error file=…,line=…::…`
///   annotation per difference at its chapter line (``GitHubAnnotations``).
/// - `junit`: JUnit XML, a test case per chapter and a failure per difference (``JUnitReport``).
/// - `json`: one JSON object for tools (``JSONCheckReport``).
///
///     let (output, log) = CheckReportFormat.github.render(report)
///     // output: "::error file=chapters/01-forward.md,line=41,col=7,title=…::tensor 'y' …\n"
public enum CheckReportFormat: String, CaseIterable, Sendable {
    case text, github, junit, json

    /// The report, and the lines for a person (the summary; for `text`, the
    /// differences too). Both end in a newline unless empty.
    public func render(_ report: CheckReport) -> (output: String, log: String) {
        switch self {
        case .text:
            if report.upToDate { return (report.summary + "\n", "") }
            let output = report.staleFiles.map { $0 + "\n" }.joined()
            return (output, report.drifts.map { $0.description + "\n" }.joined() + report.summary + "\n")
        case .github:
            return (GitHubAnnotations.render(report), report.summary + "\n")
        case .junit:
            return (JUnitReport(report).xml, report.summary + "\n")
        case .json:
            return (JSONCheckReport(report).encoded(), report.summary + "\n")
        }
    }
}
