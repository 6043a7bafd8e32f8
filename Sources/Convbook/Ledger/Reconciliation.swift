import ConvbookFormat
import Foundation

/// Compares what a chapter computed on this machine with what the site
/// published, value by value, under each value's tolerance.
///
/// Where the computed numbers agree with the published ones within the
/// tolerance, the published numbers are put back into the result (and a data
/// file keeps its published bytes), so that a build on a machine whose BLAS
/// rounds differently writes the same site, byte for byte. Every value that
/// does not agree becomes a diagnostic at its chapter line:
///
///     chapters/10-fast.md:478:24: error: agreement 'forward: …': largest difference
///         published as 3.552713678800501e-15, computed 0.5 on this machine (tolerance error measure ≤ 1.000e-12, within 10×)
struct Reconciliation: Sendable {
    /// Values whose numbers differ from the published ones within their
    /// tolerance; the published numbers were kept.
    var kept = 0
    /// Values identical to the published ones.
    var identical = 0
    /// Values that changed beyond their tolerance, are new, or are gone.
    var drifts: [Drift] = []
    /// How many values of each class were compared (`exact`, `relative`, ...).
    var classes: [String: Int] = [:]
    /// How many numbers were compared.
    var numbers = 0
    /// The largest difference among kept values, relative to each value's scale.
    var largestKeptDifference = 0.0

    /// Reconciles `result` with the chapter's published entries.
    /// `publishedFile` reads a data file of the published site by name (`x.npy`).
    static func reconcile(_ result: inout ExecutionResult, with published: [LedgerEntry], locator: Locator,
                          publishedFile: (String) -> Data?) -> Reconciliation {
        var report = Reconciliation()
        var byKey = [String: LedgerEntry]()
        for entry in published { byKey[entry.key] = entry }
        var seen = Set<String>()
        var keptData = Set<String>()

        LedgerWalk.walk(&result, program: locator.program) { item in
            seen.insert(item.key)
            report.classes[item.tolerance.className, default: 0] += 1
            report.numbers += max(item.numbers.count, 1)
            let at = locator.source(of: item.origin)
            func drift(_ kind: Drift.Kind, _ message: String, published: String? = nil, computed: String? = nil) {
                report.drifts.append(Drift(Diagnostic(file: locator.chapterPath, line: at.line, column: at.column, message: message),
                                           kind: kind, published: published, computed: computed))
            }
            guard let old = byKey[item.key] else {
                drift(.new, "\(item.description) is not in the published site: rebuild it with `convbook build`",
                      computed: item.text ?? (item.numbers.count == 1 ? Self.full(item.numbers[0]) : nil))
                return
            }
            let publishedNumbers = old.values.map(\.value)
            switch LedgerJudgement.judge(item, against: old) {
            case .differentForm:
                let (a, b) = (Self.form(old.kind, old.shape), Self.form(item.kind, item.shape))
                drift(.form, "\(item.description) was published as \(a), computed as \(b)", published: a, computed: b)
                return
            case .differentTolerance:
                drift(.tolerance, "\(item.description) was published with tolerance \(old.tolerance.description), the chapter now gives \(item.tolerance.description)",
                      published: old.tolerance.description, computed: item.tolerance.description)
                return
            case .differentText:
                drift(.changed, "\(item.description) published as \(Self.quoted(old.text ?? "")), computed \(Self.quoted(item.text ?? "")) on this machine (tolerance exact)",
                      published: old.text ?? "", computed: item.text ?? "")
                return
            case .identical:
                report.identical += 1
                return
            case .disagreement(let k):
                let a = k < publishedNumbers.count ? Self.full(publishedNumbers[k]) : "nothing"
                let b = k < item.numbers.count ? Self.full(item.numbers[k]) : "nothing"
                var kind = ""
                if k < publishedNumbers.count, k < item.numbers.count, item.tolerance != .exact {
                    let (p, c) = (publishedNumbers[k], item.numbers[k])
                    if (p == 0) != (c == 0) { kind = "; an exact zero and a non-zero never stand for each other" }
                    else if p != 0, c != 0, (p < 0) != (c < 0) { kind = "; numbers of opposite signs never stand for each other" }
                }
                drift(.changed, "\(item.description)\(item.element(k)) published as \(a), computed \(b) on this machine (tolerance \(item.tolerance.description)\(kind))",
                      published: k < publishedNumbers.count ? a : nil, computed: k < item.numbers.count ? b : nil)
                return
            case .editedByHand(let k):
                drift(.ledgerEdited, "\(item.description)\(item.element(k)) is recorded in the ledger as \(Self.full(publishedNumbers[k])) but printed as \(Self.quoted(k < old.printed.count ? old.printed[k] : "nothing")): the manifest was edited by hand; `convbook build` publishes the computed \(Self.full(item.numbers[k]))",
                      published: Self.full(publishedNumbers[k]), computed: Self.full(item.numbers[k]))
                return
            case .withinTolerance:
                break
            }
            report.kept += 1
            let scale = max(publishedNumbers.map(abs).max() ?? 0, Double.leastNormalMagnitude)
            for (p, c) in zip(publishedNumbers, item.numbers) {
                report.largestKeptDifference = max(report.largestKeptDifference, abs(p - c) / scale)
            }
            item.numbers = publishedNumbers
            if item.kind == "data", let name = item.label { keptData.insert(name) }
        }

        for a in result.artifacts.indices where keptData.contains(result.artifacts[a].name + ".npy") {
            if let bytes = publishedFile(result.artifacts[a].name + ".npy") { result.artifacts[a].bytes = bytes }
        }
        for entry in published where !seen.contains(entry.key) {
            let line = entry.source.split(separator: ":").dropFirst().first.flatMap { Int($0) } ?? 0
            report.drifts.append(Drift(Diagnostic(file: locator.chapterPath, line: line,
                                                  message: "\(entry.kind) '\(entry.key)' was published (at \(entry.source)) but the chapter no longer computes it"),
                                       kind: .removed, published: entry.text ?? (entry.values.count == 1 ? Self.full(entry.values[0].value) : nil)))
        }
        return report
    }

    /// Adds another chapter's counts.
    mutating func add(_ other: Reconciliation) {
        kept += other.kept
        identical += other.identical
        drifts += other.drifts
        numbers += other.numbers
        largestKeptDifference = max(largestKeptDifference, other.largestKeptDifference)
        for (name, count) in other.classes { classes[name, default: 0] += count }
    }

    /// A number with every digit it has: a drift of 1e-6 must show.
    static func full(_ x: Double) -> String {
        x.isNaN ? "NaN" : x.isInfinite ? (x > 0 ? "inf" : "-inf") : "\(x)"
    }

    private static func form(_ kind: String, _ shape: [Int]?) -> String {
        kind + (shape.map { " of shape (" + $0.map(String.init).joined(separator: ", ") + ")" } ?? "")
    }

    /// The first line where two texts differ, quoted, or the whole text when short.
    private static func quoted(_ text: String) -> String {
        let oneLine = text.replacingOccurrences(of: "\n", with: "⏎")
        return "\"" + (oneLine.count > 120 ? String(oneLine.prefix(117)) + "…" : oneLine) + "\""
    }
}

extension Locator {
    /// The chapter line and column where a ledger item was made.
    func source(of origin: LedgerItem.Origin) -> (line: Int, column: Int) {
        switch origin {
        case .call(let virtual, let block):
            if let mapped = location(virtual) { return mapped }
            return (program.block(block)?.fenceLine ?? 0, 0)
        case .inline(let id):
            guard let inline = program.inline(id) else { return (0, 0) }
            return (inline.line, inline.column)
        case .block(let index):
            return (program.block(index)?.fenceLine ?? 0, 1)
        }
    }
}
