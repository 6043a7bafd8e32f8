import Foundation

/// What `convbook check` found. ``CheckReportFormat`` prints it as text,
/// GitHub annotations, JUnit XML or JSON.
///
///     let report = try BookBuilder(options: options).check()
///     print(CheckReportFormat.json.render(report).output)
///     if !report.upToDate { /* exit 1 */ }
public struct CheckReport: Sendable {
    /// The site folder judged, as the user named it (`site`).
    public var site: String
    /// Every chapter checked, in book order, as the user names them (`chapters/01-forward.md`).
    public var chapters: [String]
    /// Published values that changed beyond their tolerance, appeared or went
    /// away, at their chapter lines, and chapters whose page differs in prose,
    /// code or structure.
    public var drifts: [Drift]
    /// Files of the site folder that differ from what this machine builds
    /// (`stale: 10-fast.html`, `missing: …`, `extra: …`), published numbers kept.
    public var staleFiles: [String]
    /// Values that differ on this machine only within their tolerance.
    public var withinTolerance: Int
    /// Values compared with the published ledger; nil when the site folder has none.
    public var compared: Int?

    public init(site: String, chapters: [String], drifts: [Drift], staleFiles: [String], withinTolerance: Int, compared: Int?) {
        self.site = site
        self.chapters = chapters
        self.drifts = drifts
        self.staleFiles = staleFiles
        self.withinTolerance = withinTolerance
        self.compared = compared
    }

    public var upToDate: Bool { drifts.isEmpty && staleFiles.isEmpty }

    /// One line for a person: `site is up to date (412 published values
    /// compared; 5 values differ on this machine within their tolerance)`, or
    /// `convbook check: site is stale: 2 differences at chapter lines, 3 files
    /// differ; run `convbook build` and commit it`.
    public var summary: String {
        let within = withinTolerance == 0 ? "" :
            "; \(withinTolerance) value\(withinTolerance == 1 ? "" : "s") differ\(withinTolerance == 1 ? "s" : "") on this machine within \(withinTolerance == 1 ? "its" : "their") tolerance"
        if upToDate {
            return "\(site) is up to date" + (compared.map { " (\($0) published values compared" + within + ")" } ?? "")
        }
        var summary = "convbook check: \(site) is stale"
        if !drifts.isEmpty { summary += ": \(drifts.count) difference\(drifts.count == 1 ? "" : "s") at chapter lines" }
        if !staleFiles.isEmpty { summary += (drifts.isEmpty ? ": " : ", ") + "\(staleFiles.count) file\(staleFiles.count == 1 ? " differs" : "s differ")" }
        return summary + within + "; run `convbook build` and commit it"
    }

    /// A line of ``staleFiles`` taken apart: `stale: 10-fast.html` is
    /// (`stale`, `10-fast.html`); the change is `stale`, `missing` or `extra`.
    static func staleFile(_ line: String) -> (change: String, path: String) {
        guard let colon = line.range(of: ": ") else { return ("stale", line) }
        return (String(line[..<colon.lowerBound]), String(line[colon.upperBound...]))
    }

    /// Where two versions of a page first differ, as a line of each, cut short.
    static func firstDifference(_ old: Data, _ new: Data) -> String {
        let a = String(decoding: old, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let b = String(decoding: new, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let k = a.indices.first { $0 >= b.count || a[$0] != b[$0] } ?? min(a.count, b.count)
        func cut(_ line: Substring?) -> String {
            guard let line else { return "(nothing)" }
            let text = line.trimmingCharacters(in: .whitespaces)
            return "\"" + (text.count > 100 ? String(text.prefix(97)) + "…" : text) + "\""
        }
        return "first at its line \(k + 1): published \(cut(k < a.count ? a[k] : nil)), built here \(cut(k < b.count ? b[k] : nil))"
    }
}
