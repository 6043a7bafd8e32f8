/// Which shard compiles and runs which chapter (`convbook build --shard
/// K/N`): the chapters the cache does not hold, balanced by their last known
/// run times, longest first, each to the shard with the least work so far
/// (ties: the shard with the lower number), chapters of equal time in the
/// order of their file names. A chapter whose time the cache does not know
/// counts as the mean of the known ones, or 1 s when none is known.
///
/// The plan depends only on the chapters' names and times, so every machine
/// that restored the same cache makes the same plan; a machine that did not
/// only costs time (a chapter no shard ran is run by the final build).
///
/// ```swift
/// let plan = ShardPlan([.init(name: "01-a.md", seconds: 9), .init(name: "02-b.md", seconds: 5),
///                       .init(name: "03-c.md", seconds: 4)], count: 2)
/// plan.shards   // [[0], [1, 2]]: 9 s and 5 + 4 s
/// ```
struct ShardPlan: Sendable, Equatable {
    struct Chapter: Sendable, Equatable {
        /// Its file name, which breaks ties.
        var name: String
        /// Its last known time to compile and run; nil when unknown.
        var seconds: Double?
    }

    /// For each shard (the first is shard 1), the indices of its chapters in the order given.
    let shards: [[Int]]
    /// Each chapter's time as the plan counts it: known, or the default.
    let estimates: [Double]
    /// The time counted for each shard.
    let loads: [Double]

    init(_ chapters: [Chapter], count: Int) {
        precondition(count >= 1, "a plan needs at least one shard")
        let known = chapters.compactMap(\.seconds)
        let unknown = known.isEmpty ? 1 : known.reduce(0, +) / Double(known.count)
        let estimates = chapters.map { $0.seconds ?? unknown }
        let order = chapters.indices.sorted { a, b in
            if estimates[a] != estimates[b] { return estimates[a] > estimates[b] }
            if chapters[a].name != chapters[b].name { return chapters[a].name < chapters[b].name }
            return a < b
        }
        var shards = [[Int]](repeating: [], count: count)
        var loads = [Double](repeating: 0, count: count)
        for index in order {
            let lightest = loads.indices.min { loads[$0] < loads[$1] || (loads[$0] == loads[$1] && $0 < $1) }!
            shards[lightest].append(index)
            loads[lightest] += estimates[index]
        }
        self.shards = shards.map { $0.sorted() }
        self.estimates = estimates
        self.loads = loads
    }
}
