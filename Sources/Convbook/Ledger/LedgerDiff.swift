import ConvbookFormat

/// What changed between two ledgers (`site/manifest.json` of two builds):
/// every published value sorted into **changed**, **moved**, **new** or
/// **removed**, each changed value judged by its tolerance the way
/// `convbook check` judges a recomputation (``LedgerJudgement``).
///
/// ```swift
/// let diff = LedgerDiff(old: mainLedger, new: branchLedger)
/// print(diff.markdown(old: "origin/main", new: "site"))   // a pull-request comment
/// if diff.beyondTolerance > 0 { … }
/// ```
///
/// **Identity.** A value is matched within its chapter (the chapter's file
/// name; a renamed chapter's values are removed and new), never by its line.
/// Ledger keys name a value by its place and by its block's code
/// (`block 3 #bde78893 / item 2 / dx`), so four passes pair what is left
/// unpaired by the one before, each pass pairing the i-th old with the i-th
/// new value of the same identity in ledger order:
/// 1. **key**: the same key (prose edited around the value; nothing else);
/// 2. **code**: the same code digest and item path (`#bde78893 / item 2 / dx`),
///    kind and label: the block was renumbered by a block inserted or removed above;
/// 3. **place**: the same block (or inline) number and item path, kind and
///    label: the block's code was edited;
/// 4. **label**: the same kind and non-empty label: the block moved and was
///    edited. Unlabelled values (printed output, inline values) are never
///    paired this way.
///
/// A pair whose numbers (or text) are the same bits and whose printed forms
/// are equal is **moved** when its `chapters/F.md:LINE:COL` changed and
/// unchanged otherwise; any other pair is **changed**. What is left unpaired
/// is **new** or **removed**.
public struct LedgerDiff: Sendable {
    public enum Category: String, Sendable, CaseIterable, Codable {
        case changed, moved, new, removed
    }

    /// Which pass paired a value with its old self (``LedgerDiff``).
    public enum Match: String, Sendable, Codable {
        case key, code, place, label
    }

    /// One value that differs between the ledgers.
    public struct Change: Sendable {
        public var category: Category
        /// The chapter's file name, as the ledger records it (`01-forward.md`).
        public var chapter: String
        /// The value in the old ledger; nil when it is new.
        public var old: LedgerEntry?
        /// The value in the new ledger; nil when it was removed.
        public var new: LedgerEntry?
        /// How it was paired; nil for new and removed values.
        public var match: Match?
        /// For changed values: whether the new numbers may stand for the old
        /// ones under the value's tolerance.
        public var withinTolerance: Bool?
        /// For changed values: what differs, in words (`entry [0, 1]: 5 → 6, tolerance exact`).
        public var reason: String?

        /// The entry that says where the value is: the new one, or the old one when removed.
        public var entry: LedgerEntry { new ?? old! }

        /// Where the value is (where it was, when removed).
        public var position: SourcePosition { SourcePosition(entry.source) }
    }

    /// `chapters/01-forward.md:162:5` taken apart.
    public struct SourcePosition: Sendable, Equatable, Comparable {
        public var file: String
        public var line: Int
        public var column: Int

        /// Splits `FILE:LINE:COL` from the end (a file name may hold colons); a missing number is 0.
        public init(_ source: String) {
            var parts = source.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            var numbers = [Int]()
            while numbers.count < 2, parts.count > 1, let n = Int(parts.last!) {
                numbers.insert(n, at: 0)
                parts.removeLast()
            }
            file = parts.joined(separator: ":")
            line = numbers.first ?? 0
            column = numbers.count > 1 ? numbers[1] : 0
        }

        /// `chapters/01-forward.md:162`.
        public var fileAndLine: String { line > 0 ? "\(file):\(line)" : file }

        public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
            (a.file, a.line, a.column) < (b.file, b.line, b.column)
        }
    }

    /// Every differing value, sorted by where it is (then by key).
    public var changes: [Change]
    /// Values paired with identical numbers at the same place.
    public var unchanged: Int

    public func changes(_ category: Category) -> [Change] { changes.filter { $0.category == category } }

    /// Changed values whose new numbers may not stand for the old ones.
    public var beyondTolerance: Int { changes.filter { $0.category == .changed && $0.withinTolerance == false }.count }

    /// Compares `old` with `new`, chapter by chapter.
    public init(old: Manifest, new: Manifest) {
        var changes = [Change]()
        var unchanged = 0
        var chapters = [String]()
        for chapter in old.chapters.map(\.file) + new.chapters.map(\.file) where !chapters.contains(chapter) { chapters.append(chapter) }
        for chapter in chapters {
            let before = old.chapters.first { $0.file == chapter }?.values ?? []
            let after = new.chapters.first { $0.file == chapter }?.values ?? []
            let (pairs, removed, added) = Self.pair(before, after)
            for (a, b, match) in pairs {
                if let change = Self.compare(a, b, match: match, chapter: chapter) { changes.append(change) } else { unchanged += 1 }
            }
            changes += removed.map { Change(category: .removed, chapter: chapter, old: $0) }
            changes += added.map { Change(category: .new, chapter: chapter, new: $0) }
        }
        self.changes = changes.sorted { a, b in
            let (p, q) = (a.position, b.position)
            return p != q ? p < q : (a.entry.key, a.category.rawValue) < (b.entry.key, b.category.rawValue)
        }
        self.unchanged = unchanged
    }

    /// A key taken apart: `block 3 #bde78893 / item 2 / dx` is head `block`,
    /// number 3, digest `bde78893`, path `item 2 / dx`.
    struct KeyParts: Hashable {
        var head: String
        var number: Int?
        var digest: String?
        var path: String

        init(_ key: String) {
            let first = key.range(of: " / ").map { String(key[..<$0.lowerBound]) } ?? key
            path = key.range(of: " / ").map { String(key[$0.upperBound...]) } ?? ""
            var words = first.split(separator: " ").map(String.init)
            if let last = words.last, last.hasPrefix("#") {
                digest = String(last.dropFirst())
                words.removeLast()
            }
            if words.count == 2, let n = Int(words[1]) {
                head = words[0]
                number = n
            } else {
                head = words.joined(separator: " ")
            }
        }
    }

    /// The identity of `entry` in pass `match`; nil when the pass cannot pair it.
    static func identity(_ entry: LedgerEntry, _ match: Match) -> [String]? {
        let parts = KeyParts(entry.key)
        let label = entry.label ?? ""
        switch match {
        case .key: return [entry.key]
        case .code:
            guard let digest = parts.digest else { return nil }
            return [parts.head, digest, parts.path, entry.kind, label]
        case .place:
            guard let number = parts.number else { return nil }
            return [parts.head, String(number), parts.path, entry.kind, label]
        case .label:
            return label.isEmpty ? nil : [entry.kind, label]
        }
    }

    /// Pairs one chapter's old and new entries by the four passes.
    static func pair(_ old: [LedgerEntry], _ new: [LedgerEntry])
        -> (pairs: [(LedgerEntry, LedgerEntry, Match)], removed: [LedgerEntry], added: [LedgerEntry]) {
        var oldLeft = Array(old.indices), newLeft = Array(new.indices)
        var pairs = [(LedgerEntry, LedgerEntry, Match)]()
        for match in [Match.key, .code, .place, .label] {
            var waiting = [[String]: [Int]]()   // identity -> old indices, in ledger order
            for i in oldLeft { if let id = identity(old[i], match) { waiting[id, default: []].append(i) } }
            var pairedOld = Set<Int>(), pairedNew = Set<Int>()
            for j in newLeft {
                guard let id = identity(new[j], match), var queue = waiting[id], !queue.isEmpty else { continue }
                let i = queue.removeFirst()
                waiting[id] = queue
                pairs.append((old[i], new[j], match))
                pairedOld.insert(i)
                pairedNew.insert(j)
            }
            oldLeft.removeAll { pairedOld.contains($0) }
            newLeft.removeAll { pairedNew.contains($0) }
        }
        return (pairs, oldLeft.map { old[$0] }, newLeft.map { new[$0] })
    }

    /// A paired value as a change; nil when it is unchanged.
    static func compare(_ old: LedgerEntry, _ new: LedgerEntry, match: Match, chapter: String) -> Change? {
        let judgement = LedgerJudgement.judge(LedgerItem(new), against: old)
        // The same bits are the same value, whatever the class: a NaN that stayed NaN did not change
        // (though no class but exact would let a recomputed NaN stand for a published one).
        let sameBits = old.kind == new.kind && old.shape == new.shape && old.tolerance == new.tolerance && old.values.count == new.values.count
            && zip(old.values, new.values).allSatisfy { $0.value.bitPattern == $1.value.bitPattern }
        if (judgement == .identical || sameBits) && old.printed == new.printed {
            return old.source == new.source ? nil : Change(category: .moved, chapter: chapter, old: old, new: new, match: match)
        }
        return Change(category: .changed, chapter: chapter, old: old, new: new, match: match,
                      withinTolerance: judgement.agrees, reason: reason(judgement, old, new))
    }

    /// What differs, in words.
    static func reason(_ judgement: LedgerJudgement, _ old: LedgerEntry, _ new: LedgerEntry) -> String {
        func form(_ e: LedgerEntry) -> String {
            e.kind + (e.text != nil ? " (text)" : e.shape.map { " of shape (" + $0.map(String.init).joined(separator: ", ") + ")" } ?? "")
        }
        let tolerance = "tolerance \(new.tolerance.description)"
        switch judgement {
        case .identical:
            return "same numbers, printed differently"
        case .withinTolerance:
            return "within \(tolerance)"
        case .differentForm:
            return "was \(form(old)), now \(form(new))"
        case .differentTolerance:
            return "tolerance was \(old.tolerance.description), now \(new.tolerance.description)"
        case .differentText:
            return "text differs (\(tolerance))"
        case .disagreement(let k):
            let (a, b) = (old.values.map(\.value), new.values.map(\.value))
            guard k < a.count, k < b.count else { return "\(a.count) numbers, now \(b.count)" }
            let element = LedgerItem(new).element(k).dropFirst()   // "entry [0, 1]", or nothing for a scalar
            return (element.isEmpty ? "" : String(element) + ": ") + "\(Reconciliation.full(a[k])) → \(Reconciliation.full(b[k])), \(tolerance)"
        case .editedByHand(let k):
            return "the old ledger's numbers are not what it prints (number \(k + 1)): edited by hand"
        }
    }
}
