import ConvbookFormat

/// The outcome of `convbook verify`: per chapter, the values recomputed
/// without the cache and judged against the published ledger, each by its
/// own class and tolerance (exact values bit for bit, rounding-level values
/// within their relative tolerance, error measures by their bound and order
/// of magnitude).
public struct Verification: Sendable {
    public struct Row: Sendable {
        public var chapter: String
        public var blocks: Int
        /// Entries the ledger holds for the chapter; nil when it holds none.
        var published: Int?
        var reconciliation: Reconciliation

        public var problems: [Diagnostic] {
            published == nil ? [Diagnostic(file: chapter, message: "not in the published manifest")] : reconciliation.drifts.map(\.diagnostic)
        }
        public var passed: Bool { problems.isEmpty }
    }

    public var rows: [Row]
    public var passed: Bool { rows.allSatisfy(\.passed) }

    /// The per-chapter table `convbook verify` prints, then every problem at
    /// its chapter line.
    ///
    ///     chapter      blocks  values  exact  rounding  error measures  within tolerance  largest kept  verdict
    ///     10-fast.md       17     412    350         0              62                 5      1.1e-16  ok
    public var table: String {
        let header = ["chapter", "blocks", "values", "exact", "rounding", "error measures", "within tolerance", "largest kept", "verdict"]
        let body = rows.map { row -> [String] in
            let r = row.reconciliation
            let rounding = (r.classes["relative"] ?? 0) + (r.classes["absolute"] ?? 0)
            return [row.chapter, String(row.blocks), String(r.kept + r.identical + r.drifts.count), String(r.classes["exact"] ?? 0),
                    String(rounding), String(r.classes["error-measure"] ?? 0), String(r.kept),
                    NumberFormat.scientific(r.largestKeptDifference, digits: 2), row.passed ? "ok" : "MISMATCH"]
        }
        let widths = header.indices.map { i in ([header[i]] + body.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == 0 || i == cells.count - 1 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ")
        }
        var text = ([line(header)] + body.map(line)).joined(separator: "\n")
        let problems = rows.flatMap(\.problems)
        if !problems.isEmpty { text += "\n\n" + problems.map(\.description).joined(separator: "\n") }
        return text
    }
}
