import ConvbookFormat
import Foundation
import Testing
@testable import Convbook

/// `convbook diff`'s matcher and reports, on hand-made ledgers: entries are
/// made the way a build makes them (``LedgerEntry/init(_:source:)``), so the
/// printed forms come from the one number formatter.
@Suite struct LedgerDiffTests {
    static let file = "01-a.md"

    static func entry(_ key: String, _ kind: String = "tensor", label: String? = nil, line: Int, column: Int = 5,
                      _ numbers: [Double] = [], text: String? = nil, shape: [Int]? = nil,
                      tolerance: Tolerance = .exact) -> LedgerEntry {
        let item = LedgerItem(key: key, kind: kind, label: label, origin: .block(0), tolerance: tolerance,
                              shape: shape ?? (text == nil && numbers.count > 1 ? [numbers.count] : nil), numbers: numbers, text: text)
        return LedgerEntry(item, source: "chapters/\(file):\(line):\(column)")
    }

    static func ledger(_ values: [LedgerEntry], file: String = file) -> Manifest {
        Manifest(chapters: [Manifest.Chapter(file: file, blocks: 9, values: values)])
    }

    static func diff(_ old: [LedgerEntry], _ new: [LedgerEntry]) -> LedgerDiff {
        LedgerDiff(old: ledger(old), new: ledger(new))
    }

    @Test func proseInsertedAboveAValueMovesItAndChangesNothing() {
        let y = Self.entry("block 3 #aaaa1111 / item 2", label: "y", line: 162, [4, 5, -2, 3])
        var moved = y
        moved.source = "chapters/\(Self.file):170:5"
        let diff = Self.diff([y], [moved])
        #expect(diff.changes.map(\.category) == [.moved])
        #expect(diff.changes(.changed).isEmpty && diff.beyondTolerance == 0)
        #expect(diff.changes[0].position.line == 170 && diff.changes[0].match == .key)
        // The same value at the same place is neither.
        let same = Self.diff([y], [y])
        #expect(same.changes.isEmpty && same.unchanged == 1)
    }

    @Test func aChangeWithinTheToleranceIsChangedAndSaysSo() {
        let old = Self.entry("block 2 #bbbb2222 / item 1", label: "y", line: 40, [1.0, 2.0], tolerance: .rounding)
        let new = Self.entry("block 2 #bbbb2222 / item 1", label: "y", line: 40, [1.0 + 1e-14, 2.0], tolerance: .rounding)
        let diff = Self.diff([old], [new])
        #expect(diff.changes.map(\.category) == [.changed])
        #expect(diff.changes[0].withinTolerance == true && diff.beyondTolerance == 0)
        #expect(diff.changes[0].reason?.contains("within tolerance relative") == true, "\(diff.changes[0].reason ?? "")")
    }

    @Test func aChangeBeyondTheToleranceNamesTheEntry() throws {
        let old = Self.entry("block 2 #bbbb2222 / item 1", label: "y", line: 40, [4, 5, -2, 3], shape: [2, 2])
        let new = Self.entry("block 2 #bbbb2222 / item 1", label: "y", line: 40, [4, 6, -2, 3], shape: [2, 2])
        let diff = Self.diff([old], [new])
        let change = try #require(diff.changes.first)
        #expect(change.category == .changed && change.withinTolerance == false && diff.beyondTolerance == 1)
        #expect(change.reason == "entry [0, 1]: 5.0 → 6.0, tolerance exact")
        // A different tolerance is never within it, whatever the numbers.
        let loose = Self.entry("block 2 #bbbb2222 / item 1", label: "y", line: 40, [4, 5, -2, 3], shape: [2, 2], tolerance: .relative(1e-9))
        let retoleranced = Self.diff([old], [loose])
        #expect(retoleranced.changes.first?.withinTolerance == false)
        #expect(retoleranced.changes.first?.reason?.hasPrefix("tolerance was exact") == true)
    }

    @Test func newAndRemovedValuesAreListedAtTheirLines() {
        let kept = Self.entry("block 1 #cccc3333 / item 1", label: "x", line: 10, [1])
        let gone = Self.entry("block 2 #dddd4444 / item 1", label: "gone", line: 20, [2])
        let added = Self.entry("block 2 #eeee5555 / item 1", label: "added", line: 22, [3])
        let diff = Self.diff([kept, gone], [kept, added])
        #expect(diff.changes(.removed).map(\.position.line) == [20])
        #expect(diff.changes(.new).map(\.position.line) == [22])
        #expect(diff.changes(.changed).isEmpty && diff.unchanged == 1)
    }

    @Test func nonFiniteValuesAreJudgedNotEqualToNumbers() {
        let nan = Self.entry("inline 1 #ffff6666", "number", line: 5, [.nan], tolerance: .relative(1e-9))
        #expect(nan.printed == ["NaN"])
        // The same NaN moved: moved, not changed.
        var movedNaN = nan
        movedNaN.source = "chapters/\(Self.file):7:5"
        #expect(Self.diff([nan], [movedNaN]).changes.map(\.category) == [.moved])
        // NaN to a number, and a number to NaN, are beyond any tolerance.
        let one = Self.entry("inline 1 #ffff6666", "number", line: 5, [1], tolerance: .relative(1e-9))
        for (a, b) in [(nan, one), (one, nan)] {
            let change = Self.diff([a], [b]).changes.first
            #expect(change?.category == .changed && change?.withinTolerance == false)
        }
        let inf = Self.entry("inline 1 #ffff6666", "number", line: 5, [.infinity], tolerance: .absolute(1))
        #expect(Self.diff([inf], [one]).changes.first?.withinTolerance == false)
    }

    @Test func aTextWhereANumberWasIsAChangeOfForm() {
        let dash = Self.entry("block 4 #abababab / item 1 / row 9 / column 2", "table-cell", label: "row 9, max", line: 9, text: "—")
        let zero = Self.entry("block 4 #abababab / item 1 / row 9 / column 2", "table-cell", label: "row 9, max", line: 9, [0])
        let change = Self.diff([dash], [zero]).changes.first
        #expect(change?.category == .changed && change?.withinTolerance == false)
        #expect(change?.reason == "was table-cell (text), now table-cell", "\(change?.reason ?? "")")
        let text = LedgerDiffMarkdown(Self.diff([dash], [zero]), old: "a", new: "b").text
        #expect(text.contains("| — | 0 | **no**: was table-cell (text), now table-cell |"), "\(text)")
    }

    @Test func printedAlikeButNotTheSameBitsShowsEveryDigit() {
        let old = Self.entry("block 2 #bbbb2222 / item 1", label: "y", line: 40, [0.0, 1.0], tolerance: .rounding)
        let new = Self.entry("block 2 #bbbb2222 / item 1", label: "y", line: 40, [-0.0, 1.0 + 1e-13], tolerance: .rounding)
        #expect(old.printed == new.printed)
        let text = LedgerDiffMarkdown(Self.diff([old], [new]), old: "a", new: "b").text
        #expect(text.contains("| 0.0, 1.0 | -0.0, \(1.0 + 1e-13) | yes: within tolerance relative"), "\(text)")
        let long = (0..<10).map { Double($0) }
        var longNew = long
        longNew[7] += 1e-9
        let big = LedgerDiffMarkdown(Self.diff([Self.entry("block 3 #cccc3333 / item 1", label: "z", line: 50, long)],
                                               [Self.entry("block 3 #cccc3333 / item 1", label: "z", line: 50, longNew)]), old: "a", new: "b").text
        #expect(big.contains("| entry [7]: 7.0 (1 of 10 differ) | entry [7]: \(7 + 1e-9) (1 of 10 differ) |"), "\(big)")
    }

    @Test func emptyLedgers() {
        let empty = Self.diff([], [])
        #expect(empty.changes.isEmpty && empty.unchanged == 0)
        #expect(LedgerDiffMarkdown(empty, old: "a", new: "b").text.contains("No published value changed"))
        let x = Self.entry("block 1 #cccc3333 / item 1", label: "x", line: 10, [1])
        #expect(Self.diff([], [x]).changes.map(\.category) == [.new])
        #expect(Self.diff([x], []).changes.map(\.category) == [.removed])
        // A chapter that is only in one ledger: all new (or removed), never paired across chapters.
        let other = LedgerDiff(old: Self.ledger([x]), new: Self.ledger([x], file: "02-b.md"))
        #expect(other.changes.map(\.category).sorted { $0.rawValue < $1.rawValue } == [.new, .removed])
    }

    @Test func identitySurvivesAnEditOfTheBlocksCodeAndAnInsertedBlock() {
        // Block 3's code edited (its digest changes): paired by place, changed.
        let before = Self.entry("block 3 #11111111 / item 2", label: "dx", line: 30, [1, 2])
        let edited = Self.entry("block 3 #22222222 / item 2", label: "dx", line: 30, [1, 3])
        let a = Self.diff([before], [edited])
        #expect(a.changes.map(\.category) == [.changed] && a.changes[0].match == .place)
        // A block inserted above: the same code is block 4 now, its value unchanged but lower.
        let renumbered = Self.entry("block 4 #11111111 / item 2", label: "dx", line: 41, [1, 2])
        let inserted = Self.entry("block 3 #33333333 / item 2", label: "dx", line: 30, [9, 9])
        let b = Self.diff([before], [inserted, renumbered])
        #expect(b.changes(.moved).map(\.match) == [.code])
        #expect(b.changes(.new).map(\.position.line) == [30])
        #expect(b.changes(.changed).isEmpty)
        // Moved and edited: paired by kind and label.
        let elsewhere = Self.entry("block 5 #44444444 / item 1", label: "dx", line: 50, [1, 2.5])
        let c = Self.diff([before], [elsewhere])
        #expect(c.changes.map(\.category) == [.changed] && c.changes[0].match == .label)
        // Unlabelled values are never paired by label alone.
        let printedOld = Self.entry("block 3 #11111111 / item 1", "printed", line: 29, text: "a\n")
        let printedNew = Self.entry("block 7 #55555555 / item 1", "printed", line: 70, text: "b\n")
        #expect(Self.diff([printedOld], [printedNew]).changes.map(\.category).sorted { $0.rawValue < $1.rawValue } == [.new, .removed])
    }

    @Test func keysAreTakenApart() {
        let parts = LedgerDiff.KeyParts("block 3 #bde78893 / item 2 / dx")
        #expect(parts.head == "block" && parts.number == 3 && parts.digest == "bde78893" && parts.path == "item 2 / dx")
        let inline = LedgerDiff.KeyParts("inline 5 #0a0b0c0d")
        #expect(inline.head == "inline" && inline.number == 5 && inline.digest == "0a0b0c0d" && inline.path == "")
        let data = LedgerDiff.KeyParts("data ledger-x.npy")
        #expect(data.number == nil && data.digest == nil)
        #expect(LedgerDiff.SourcePosition("chapters/01-a.md:162:5") == LedgerDiff.SourcePosition("chapters/01-a.md:162:5"))
        #expect(LedgerDiff.SourcePosition("chapters/01-a.md:162:5").line == 162)
    }

    @Test func markdownEscapesPrintedFormsAndShortensLongTensors() {
        let old = Self.entry("block 1 #12121212 / item 1", "printed", line: 3, text: "a | b `code` *x*\n")
        let new = Self.entry("block 1 #12121212 / item 1", "printed", line: 3, text: "a | c `code` *x*\n")
        let numbers = (0..<64).map(Double.init)
        var changedNumbers = numbers
        changedNumbers[9] = 90
        changedNumbers[17] = 170
        let big = Self.entry("block 2 #34343434 / item 1", label: "w", line: 8, numbers, shape: [8, 8])
        let bigNew = Self.entry("block 2 #34343434 / item 1", label: "w", line: 8, changedNumbers, shape: [8, 8])
        let diff = Self.diff([old, big], [new, bigNew])
        let text = LedgerDiffMarkdown(diff, old: "old", new: "new").text
        #expect(text.contains("a \\| b \\`code\\` \\*x\\*⏎"), "\(text)")
        #expect(text.contains("entry [1, 1]: 9; entry [2, 1]: 17 (2 of 64 differ)"), "\(text)")
        #expect(text.contains("entry [1, 1]: 90; entry [2, 1]: 170 (2 of 64 differ)"), "\(text)")
        #expect(text.contains("**2 changed** (2 beyond tolerance), **0 moved**, **0 new**, **0 removed**; 0 unchanged."), "\(text)")
        // A table is cut at `rows`, and says how many it left out.
        let cut = LedgerDiffMarkdown(diff, old: "old", new: "new", rows: 1).text
        #expect(cut.split(separator: "\n").filter { $0.hasPrefix("| chapters/") }.count == 1)
        #expect(cut.contains("… and 1 more (`convbook diff --format json` lists every one)."), "\(cut)")
        // No cell breaks its row: every table line has as many unescaped pipes as its header.
        for line in text.split(separator: "\n") where line.hasPrefix("| chapters/") {
            let pipes = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            #expect(pipes == 7, "\(line)")
        }
    }

    @Test func jsonIsSortedStableAndComplete() throws {
        let b = Self.entry("block 2 #bbbb2222 / item 1", label: "y", line: 40, [5])
        let b2 = Self.entry("block 2 #bbbb2222 / item 1", label: "y", line: 40, [6])
        let a = Self.entry("block 1 #aaaa1111 / item 1", label: "x", line: 12, [.nan])
        var a2 = a
        a2.source = "chapters/\(Self.file):14:5"
        let diff = Self.diff([b, a], [b2, a2])
        let text = LedgerDiffJSON(diff, old: "o", new: "n").text
        #expect(text == LedgerDiffJSON(Self.diff([a, b], [a2, b2]), old: "o", new: "n").text)
        let object = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["format", "oldLedger", "newLedger", "summary", "changed", "moved", "new", "removed"])
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary == ["changed": 1, "beyondTolerance": 1, "moved": 1, "new": 0, "removed": 0, "unchanged": 0])
        let changed = try #require((object["changed"] as? [[String: Any]])?.first)
        #expect(changed["line"] as? Int == 40 && changed["withinTolerance"] as? Bool == false)
        #expect((changed["old"] as? [String: Any])?["printed"] as? [String] == ["5"])
        // NaN survives as the ledger writes it.
        #expect(text.contains("\"values\" : [\n          \"nan\"\n        ]") || text.contains("\"nan\""), "\(text)")
    }
}
