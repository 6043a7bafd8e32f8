import ConvbookFormat
import Testing
@testable import Convbook

/// The one judgement of a value against its published self, shared by
/// `check`, `verify`, `build` (reconciling) and `diff`.
@Suite struct LedgerJudgementTests {
    func entry(_ numbers: [Double], kind: String = "tensor", tolerance: Tolerance = .rounding, shape: [Int]? = nil) -> LedgerEntry {
        LedgerEntry(LedgerItem(key: "block 1 #00000000 / item 1", kind: kind, origin: .block(0), tolerance: tolerance,
                               shape: shape, numbers: numbers), source: "chapters/a.md:1:1")
    }

    func judge(_ new: LedgerEntry, _ old: LedgerEntry) -> LedgerJudgement { LedgerJudgement.judge(LedgerItem(new), against: old) }

    @Test func eachVerdict() {
        let old = entry([1, 2])
        #expect(judge(old, old) == .identical)
        #expect(judge(entry([1, 2 + 1e-13]), old) == .withinTolerance)
        #expect(judge(entry([1, 2.5]), old) == .disagreement(index: 1))
        #expect(judge(entry([1, 2, 3]), old) == .disagreement(index: 2))
        #expect(judge(entry([1, 2], tolerance: .exact), old) == .differentTolerance)
        #expect(judge(entry([1, 2], kind: "plot"), old) == .differentForm)
        #expect(judge(entry([1, 2], shape: [2]), old) == .differentForm)
        #expect(judge(entry([.nan, 2]), entry([.nan, 2])) == .disagreement(index: 0))
        #expect(judge(entry([.nan], tolerance: .exact), entry([.nan], tolerance: .exact)) == .identical)
        var edited = entry([1, 2])
        edited.printed = ["1", "3"]
        #expect(judge(entry([1, 2 + 1e-13]), edited) == .editedByHand(index: 1))
        #expect(!LedgerJudgement.disagreement(index: 0).agrees && LedgerJudgement.withinTolerance.agrees)
    }

    @Test func texts() {
        let a = LedgerEntry(LedgerItem(key: "k", kind: "printed", origin: .block(0), tolerance: .exact, numbers: [], text: "a\n"), source: "s:1:1")
        var b = a
        b.printed = ["b\n"]
        #expect(judge(a, a) == .identical)
        #expect(judge(b, a) == .differentText)
        #expect(judge(entry([1]), a) == .differentForm)
    }
}
