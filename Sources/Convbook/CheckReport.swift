import Foundation

/// What `convbook check` found.
public struct CheckReport: Sendable {
    /// Published values that changed beyond their tolerance, appeared or went
    /// away, at their chapter lines, and chapters whose page differs in prose,
    /// code or structure.
    public var drifts: [Diagnostic]
    /// Files of the site folder that differ from what this machine builds
    /// (`stale: 10-fast.html`, `missing: …`, `extra: …`), published numbers kept.
    public var staleFiles: [String]
    /// Values that differ on this machine only within their tolerance.
    public var withinTolerance: Int
    /// Values compared with the published ledger; nil when the site folder has none.
    public var compared: Int?

    public var upToDate: Bool { drifts.isEmpty && staleFiles.isEmpty }

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
