import ConvbookFormat

/// How a value as computed now compares with the same value as a ledger
/// published it, under the value's tolerance: the one judgement that
/// `convbook check`, `convbook verify`, `convbook build` (``Reconciliation``)
/// and `convbook diff` (``LedgerDiff``) make of a value.
///
///     let item = LedgerItem(entry)   // or a value a chapter computed
///     switch LedgerJudgement.judge(item, against: published) {
///     case .identical: …             // same bits
///     case .withinTolerance: …       // may stand for the published value
///     default: …                     // changed beyond its tolerance
///     }
enum LedgerJudgement: Equatable, Sendable {
    /// The same numbers, bit for bit (or the same text).
    case identical
    /// Different numbers that the tolerance lets stand for the published ones.
    case withinTolerance
    /// Another kind, shape, or a text where numbers were (or the other way round).
    case differentForm
    /// The same value under another tolerance: never judged within it.
    case differentTolerance
    /// A text value with another text.
    case differentText
    /// Number `index` (in order) is beyond the tolerance, or the counts differ.
    case disagreement(index: Int)
    /// The published numbers are not what the published entry prints at
    /// `index`: the ledger was edited by hand.
    case editedByHand(index: Int)

    /// Whether the value may stand for the published one.
    var agrees: Bool { self == .identical || self == .withinTolerance }

    /// Judges `item` against the published `old` entry.
    static func judge(_ item: LedgerItem, against old: LedgerEntry) -> LedgerJudgement {
        if old.kind != item.kind || old.shape != item.shape || (old.text == nil) != (item.text == nil) { return .differentForm }
        if old.tolerance != item.tolerance { return .differentTolerance }
        if let text = item.text { return text == old.text ? .identical : .differentText }
        let publishedNumbers = old.values.map(\.value)
        if let k = item.tolerance.firstDisagreement(published: publishedNumbers, computed: item.numbers) {
            return .disagreement(index: k)
        }
        if zip(publishedNumbers, item.numbers).allSatisfy({ $0.bitPattern == $1.bitPattern }) { return .identical }
        // A ledger whose numbers are not what its page prints was edited by hand:
        // its numbers are not the site's, and must not replace the computed ones.
        var asPublished = item
        asPublished.numbers = publishedNumbers
        if asPublished.printed != old.printed {
            return .editedByHand(index: asPublished.printed.indices.first { $0 >= old.printed.count || asPublished.printed[$0] != old.printed[$0] } ?? 0)
        }
        return .withinTolerance
    }
}

extension LedgerItem {
    /// A published entry as an item, to judge one ledger against another.
    init(_ entry: LedgerEntry) {
        self.init(key: entry.key, kind: entry.kind, label: entry.label, origin: .block(-1), tolerance: entry.tolerance,
                  shape: entry.shape, numbers: entry.values.map(\.value), text: entry.text, passed: entry.passed)
    }
}
