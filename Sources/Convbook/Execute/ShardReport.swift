/// What `convbook build --shard K/N` did: which chapters were its shard's,
/// which it compiled and ran into the cache; it writes no site.
public struct ShardReport: Sendable {
    public var shard: BuildShard
    /// The chapter files (as the build names them) of this shard, in the book's order.
    public var chapters: [String] = []
    /// Of those, the ones compiled and run now (others were found in the cache after all).
    public var compiled = 0
    /// Chapters the cache held already: no shard runs them.
    public var alreadyCached = 0
    /// Chapters that run in the other shards.
    public var elsewhere = 0
    /// The seconds the plan counted for this shard, and for all shards together.
    public var estimatedSeconds = 0.0
    public var totalEstimatedSeconds = 0.0
    public var warnings: [Diagnostic] = []

    /// One line: what this shard did, and that it wrote no site.
    public var summary: String {
        let plural = { (count: Int, word: String) in "\(count) \(word)\(count == 1 ? "" : "s")" }
        var line = "shard \(shard): compiled \(compiled) of its \(plural(chapters.count, "chapter")) into the cache"
        line += String(format: " (%.1f s of the %.1f s the plan counts for all shards)", estimatedSeconds, totalEstimatedSeconds)
        line += "; \(plural(elsewhere, "chapter")) in the other shards, \(alreadyCached) cached already"
        return line + "; wrote no site: merge the shards' caches (convbook cache merge) and run convbook build over them to publish"
    }
}
