import Foundation
import Testing
@testable import Convbook

/// Which shard runs which chapter (``ShardPlan``), what `--shard` accepts
/// (``BuildShard``), and the run times the cache keeps for the plan.
@Suite struct ShardPlanTests {
    typealias Item = ShardPlan.Chapter

    @Test func longestFirstEachToTheLighterShard() {
        let plan = ShardPlan([Item(name: "01-a.md", seconds: 9), Item(name: "02-b.md", seconds: 5), Item(name: "03-c.md", seconds: 4),
                              Item(name: "04-d.md", seconds: 3), Item(name: "05-e.md", seconds: 3)], count: 2)
        // 9 -> 1; 5 -> 2; 4 -> 2 (5 < 9); 3 -> 1 (9 = 9: the lower number); 3 -> 2 (9 < 12).
        #expect(plan.shards == [[0, 3], [1, 2, 4]])
        #expect(plan.loads == [12, 12])
        #expect(plan.estimates == [9, 5, 4, 3, 3])
    }

    @Test func everyChapterIsInExactlyOneShardAndTheLoadsAddUp() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let count = Int.random(in: 1...6, using: &generator)
            let items = (0..<Int.random(in: 0...20, using: &generator)).map {
                Item(name: String(format: "%02d-c.md", $0), seconds: Bool.random(using: &generator) ? nil : Double.random(in: 0...30, using: &generator))
            }
            let plan = ShardPlan(items, count: count)
            #expect(plan.shards.count == count)
            #expect(plan.shards.flatMap { $0 }.sorted() == Array(items.indices))
            for (shard, load) in zip(plan.shards, plan.loads) {
                #expect(abs(shard.map { plan.estimates[$0] }.reduce(0, +) - load) < 1e-9)
                #expect(shard == shard.sorted())
            }
            // Greedy longest-first is within 4/3 of the best; at least it never exceeds the mean plus the longest chapter.
            let total = plan.estimates.reduce(0, +)
            #expect(plan.loads.max() ?? 0 <= total / Double(count) + (plan.estimates.max() ?? 0) + 1e-9)
        }
    }

    @Test func unknownTimesCountAsTheMeanOfTheKnownOnesOrOneSecond() {
        let plan = ShardPlan([Item(name: "a", seconds: 2), Item(name: "b", seconds: nil), Item(name: "c", seconds: 6)], count: 2)
        #expect(plan.estimates == [2, 4, 6])
        let none = ShardPlan([Item(name: "b", seconds: nil), Item(name: "a", seconds: nil), Item(name: "c", seconds: nil)], count: 2)
        #expect(none.estimates == [1, 1, 1])
        // Equal times go in the order of the names, not of the list: a -> 1, b -> 2, c -> 1.
        #expect(none.shards == [[1, 2], [0]])
    }

    @Test func thePlanIsTheSameWhateverTheOrderGivenAndWithMoreShardsThanChapters() {
        let items = [Item(name: "03-c.md", seconds: 4), Item(name: "01-a.md", seconds: 4), Item(name: "02-b.md", seconds: 7)]
        let plan = ShardPlan(items, count: 2)
        let reversed = ShardPlan(items.reversed(), count: 2)
        let names = { (plan: ShardPlan, items: [Item]) in plan.shards.map { Set($0.map { items[$0].name }) } }
        #expect(names(plan, items) == names(reversed, items.reversed()))
        #expect(names(plan, items) == [["02-b.md"], ["01-a.md", "03-c.md"]])
        let wide = ShardPlan(items, count: 5)
        #expect(wide.shards.filter(\.isEmpty).count == 2)
        #expect(ShardPlan([], count: 3).shards == [[], [], []])
    }

    @Test(arguments: [("1/1", 1, 1), ("2/3", 2, 3), ("10/10", 10, 10)])
    func aShardIsKOfN(text: String, number: Int, count: Int) throws {
        let shard = try BuildShard(parsing: text)
        #expect(shard.number == number && shard.count == count && shard.description == text)
    }

    @Test(arguments: [("0/2", "K counts from 1"), ("3/2", "K is more than N"), ("1/0", "at least 1"), ("2", "takes K/N"),
                      ("a/b", "takes K/N"), ("1/2/3", "takes K/N"), ("-1/2", "takes K/N"), ("", "takes K/N"), (" 1/2", "takes K/N"),
                      ("1/99999999999999999999", "takes K/N")])
    func aShardThatIsNotKOfNSaysWhy(text: String, reason: String) {
        #expect(throws: BuildShard.Invalid.self) { try BuildShard(parsing: text) }
        do {
            _ = try BuildShard(parsing: text)
        } catch {
            #expect(error.description.contains(reason), "\(error.description)")
            #expect(error.description.contains("--shard"))
        }
    }

    @Test func theCacheKeepsEachChaptersLastKnownTime() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("convbook-timings-\(UUID().uuidString)")
        let cache = ExecutionCache(store: CacheStore(root: root))
        #expect(cache.knownTime(key: "k1", chapter: "chapters/01-a.md") == nil)
        cache.recordTime(3.25, key: "k1", chapter: "chapters/01-a.md")
        #expect(cache.knownTime(key: "k1", chapter: "chapters/01-a.md") == 3.25)
        // An edited program (another key) of the same chapter: its last known time.
        #expect(cache.knownTime(key: "k2", chapter: "chapters/01-a.md") == 3.25)
        cache.recordTime(5, key: "k2", chapter: "chapters/01-a.md")
        #expect(cache.knownTime(key: "k1", chapter: "chapters/01-a.md") == 3.25)
        #expect(cache.knownTime(key: "k3", chapter: "chapters/01-a.md") == 5)
        #expect(cache.knownTime(key: "k1", chapter: "chapters/02-b.md") == 3.25)
        #expect(cache.knownTime(key: "k9", chapter: "chapters/02-b.md") == nil)
        // Nonsense is not recorded.
        cache.recordTime(.nan, key: "k4", chapter: "chapters/03-c.md")
        cache.recordTime(-1, key: "k4", chapter: "chapters/03-c.md")
        #expect(cache.knownTime(key: "k4", chapter: "chapters/03-c.md") == nil)
    }
}
