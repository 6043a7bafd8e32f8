/// `convbook check --format github`: GitHub Actions workflow commands that
/// annotate each difference at its chapter line, in the pull request's diff
/// and the run's summary.
///
///     GitHubAnnotations.annotation(Diagnostic(file: "chapters/01-forward.md", line: 41, column: 7,
///                                             message: "y published as 1.0, computed 1.5"), title: "convbook check: changed value")
///     // "::error file=chapters/01-forward.md,line=41,col=7,title=convbook check%3A changed value::y published as 1.0, computed 1.5"
///
/// A line of the form `::COMMAND PROPERTIES::MESSAGE` is read by the runner
/// from the step's output; everything else is printed as it is.
public enum GitHubAnnotations {
    /// GitHub shows at most this many annotations of each kind (error,
    /// warning, notice) per step (actions/toolkit, docs/problem-matchers.md,
    /// "Limitations"); the rest reach the log only.
    public static let shownPerKind = 10

    /// Every drift at its chapter line (`::error`), then every stale site
    /// file, at the file itself where it exists: `::error` when the files are
    /// all that differs, `::warning` beside drifts, whose consequence they
    /// usually are (the page and the manifest that hold the moved value), so
    /// that they do not take the places of the drifts among the annotations
    /// GitHub shows. With more drifts than GitHub shows, a `::notice` says
    /// how many there are. One command a line.
    public static func render(_ report: CheckReport) -> String {
        var lines = report.drifts.map { annotation($0.diagnostic, title: title(of: $0.kind)) }
        let staleSeverity = report.drifts.isEmpty ? "error" : "warning"
        for entry in report.staleFiles {
            let (change, path) = CheckReport.staleFile(entry)
            let file = report.site + "/" + path
            let message: String
            switch change {
            case "missing": message = "\(file) is missing: `convbook build` writes it"
            case "extra": message = "\(file) is not part of the site `convbook build` writes"
            default: message = "\(file) differs from what `convbook build` writes on this machine"
            }
            lines.append(command(staleSeverity, properties: [("file", change == "missing" ? nil : file), ("title", "convbook check: \(change) file")],
                                 message: message))
        }
        if report.drifts.count > shownPerKind {
            lines.append(command("notice", properties: [("title", "convbook check")],
                                 message: "\(report.drifts.count) differences at chapter lines; GitHub annotates the first \(shownPerKind): the log of this step, or `convbook check` without --format, lists them all"))
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// Build errors (a chapter that does not compile, a failed check) as annotations.
    public static func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { annotation($0, title: "convbook: \($0.severity.rawValue)") + "\n" }.joined()
    }

    /// `::error file=F,line=L,col=C,title=T::MESSAGE` for a diagnostic
    /// (`::warning` for a warning, `::notice` for a note); a zero line or
    /// column is left out, as the diagnostic's text leaves it out.
    public static func annotation(_ diagnostic: Diagnostic, title: String) -> String {
        let command: String
        switch diagnostic.severity {
        case .error: command = "error"
        case .warning: command = "warning"
        case .note: command = "notice"
        }
        let line = diagnostic.line > 0 ? String(diagnostic.line) : nil
        let column = diagnostic.line > 0 && diagnostic.column > 0 ? String(diagnostic.column) : nil
        return Self.command(command, properties: [("file", diagnostic.file), ("line", line), ("col", column), ("title", title)],
                            message: diagnostic.message)
    }

    /// A workflow command; properties without a value are left out.
    static func command(_ name: String, properties: [(String, String?)], message: String) -> String {
        let given = properties.compactMap { key, value in value.map { "\(key)=\(escapeProperty($0))" } }
        return "::" + name + (given.isEmpty ? "" : " " + given.joined(separator: ",")) + "::" + escapeData(message)
    }

    // The escaping is the runner's own, as GitHub's toolkit writes it:
    // actions/toolkit, packages/core/src/command.ts, functions `escapeData`
    // and `escapeProperty` (in this form since commit 8b03001, "fix command
    // escaping (#302)", 2020-01-18; the same at ed3ea3b, 2026-01-28). In the
    // message `%` → `%25`, CR → `%0D`, LF → `%0A`; in a property value also
    // `:` → `%3A` and `,` → `%2C`. Nothing else is escaped: `::` inside the
    // message needs nothing, since the runner splits at the first `::` after
    // the command's name and properties.

    /// A command's message: `%`, CR and LF escaped.
    public static func escapeData(_ text: String) -> String {
        escape(text, property: false)
    }

    /// A property's value: as ``escapeData(_:)``, and `:` and `,` too.
    public static func escapeProperty(_ text: String) -> String {
        escape(text, property: true)
    }

    /// One pass over the scalars (a CR LF pair is one `Character` in Swift,
    /// so replacing characters would miss it).
    private static func escape(_ text: String, property: Bool) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": escaped.append(contentsOf: "%25".unicodeScalars)
            case "\r": escaped.append(contentsOf: "%0D".unicodeScalars)
            case "\n": escaped.append(contentsOf: "%0A".unicodeScalars)
            case ":" where property: escaped.append(contentsOf: "%3A".unicodeScalars)
            case "," where property: escaped.append(contentsOf: "%2C".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    /// The annotation's title for a kind of drift.
    static func title(of kind: Drift.Kind) -> String {
        switch kind {
        case .changed: return "convbook check: changed value"
        case .new: return "convbook check: new value"
        case .removed: return "convbook check: value removed"
        case .form: return "convbook check: value changed form"
        case .tolerance: return "convbook check: tolerance changed"
        case .ledgerEdited: return "convbook check: ledger edited by hand"
        case .page: return "convbook check: page changed"
        }
    }
}
