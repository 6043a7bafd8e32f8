import Foundation

/// ``LedgerDiff`` as JSON (`convbook diff --format json`), for tools: keys
/// sorted, each list sorted by place (file, line, column, then key), the
/// entries whole as the ledgers hold them (``LedgerEntry``).
///
/// ```json
/// { "format": 1, "oldLedger": "site/manifest.json at HEAD~1", "newLedger": "site/manifest.json",
///   "summary": { "changed": 1, "beyondTolerance": 1, "moved": 0, "new": 0, "removed": 0, "unchanged": 12 },
///   "changed": [ { "file": "chapters/01-forward.md", "line": 162, "column": 5, "kind": "tensor", "label": "y",
///                  "match": "key", "withinTolerance": false, "reason": "entry [0, 1]: 5.0 → 6.0, tolerance exact",
///                  "old": { …ledger entry… }, "new": { …ledger entry… } } ],
///   "moved": [], "new": [], "removed": [] }
/// ```
///
/// `file`, `line`, `column` say where the value is (where it was, for a
/// removed one); `old` is absent for a new value, `new` for a removed one;
/// `match` (`key`, `code`, `place`, `label`: see ``LedgerDiff``) only for
/// changed and moved values, `withinTolerance` and `reason` only for changed ones.
public struct LedgerDiffJSON: Encodable {
    /// The version of this layout; a change of its meaning gets a new number.
    public static let format = 1

    let diff: LedgerDiff
    let old: String
    let new: String

    public init(_ diff: LedgerDiff, old: String, new: String) {
        self.diff = diff
        self.old = old
        self.new = new
    }

    /// The report, pretty-printed with sorted keys, ending in a line break.
    public var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    struct Summary: Encodable {
        var changed, beyondTolerance, moved, new, removed, unchanged: Int
    }

    struct Record: Encodable {
        var file: String
        var line: Int
        var column: Int
        var kind: String
        var label: String?
        var match: LedgerDiff.Match?
        var withinTolerance: Bool?
        var reason: String?
        var old: LedgerEntry?
        var new: LedgerEntry?

        init(_ change: LedgerDiff.Change) {
            let at = change.position
            file = at.file
            line = at.line
            column = at.column
            kind = change.entry.kind
            label = change.entry.label
            match = change.match
            withinTolerance = change.withinTolerance
            reason = change.reason
            old = change.old
            new = change.new
        }
    }

    private enum Keys: String, CodingKey { case format, oldLedger, newLedger, summary, changed, moved, new, removed }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(Self.format, forKey: .format)
        try c.encode(old, forKey: .oldLedger)
        try c.encode(new, forKey: .newLedger)
        try c.encode(Summary(changed: diff.changes(.changed).count, beyondTolerance: diff.beyondTolerance,
                             moved: diff.changes(.moved).count, new: diff.changes(.new).count,
                             removed: diff.changes(.removed).count, unchanged: diff.unchanged),
                     forKey: .summary)
        try c.encode(diff.changes(.changed).map(Record.init), forKey: .changed)
        try c.encode(diff.changes(.moved).map(Record.init), forKey: .moved)
        try c.encode(diff.changes(.new).map(Record.init), forKey: .new)
        try c.encode(diff.changes(.removed).map(Record.init), forKey: .removed)
    }
}
