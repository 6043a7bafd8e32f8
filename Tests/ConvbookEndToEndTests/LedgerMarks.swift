import Foundation

extension String {
    /// The page without the `data-v="N"` marks its values carry (their index in the page's slice of the
    /// ledger, which ValueProvenanceTests checks), for expectations about the rest of its markup.
    ///
    /// ```swift
    /// "<span class=\"cb-value\" data-v=\"3\">6.5</span>".withoutLedgerMarks   // "<span class=\"cb-value\">6.5</span>"
    /// ```
    var withoutLedgerMarks: String {
        replacingOccurrences(of: #" data-v="\d+""#, with: "", options: .regularExpression)
    }
}
