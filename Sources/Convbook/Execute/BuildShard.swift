/// Shard K of N: the part of a book's chapters that `convbook build --shard
/// K/N` compiles and runs on one machine, into the cache (``ShardPlan`` says
/// which chapters are whose).
///
/// ```swift
/// let shard = try BuildShard(parsing: "2/3")   // number 2, count 3
/// try BuildShard(parsing: "4/3")               // throws: "shard 4 of 3: K is more than N"
/// ```
public struct BuildShard: Sendable, Hashable, CustomStringConvertible {
    /// K, from 1.
    public let number: Int
    /// N, at least 1.
    public let count: Int

    /// Why a `--shard` value is not `K/N` with 1 ≤ K ≤ N.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads `K/N` (decimal digits, 1 ≤ K ≤ N).
    public init(parsing text: String) throws(Invalid) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let isNumber = { (part: Substring) in !part.isEmpty && part.utf8.count <= 6 && part.utf8.allSatisfy { (48...57).contains($0) } }
        guard parts.count == 2, isNumber(parts[0]), isNumber(parts[1]), let number = Int(parts[0]), let count = Int(parts[1]) else {
            throw Invalid(description: "--shard takes K/N, shard K of N with 1 ≤ K ≤ N (for example 1/2), got '\(text)'")
        }
        guard count >= 1 else { throw Invalid(description: "--shard \(text): N, the number of shards, must be at least 1") }
        guard number >= 1 else { throw Invalid(description: "--shard \(text): K counts from 1 (the shards are 1/\(count) to \(count)/\(count))") }
        guard number <= count else {
            throw Invalid(description: "--shard \(text): shard \(number) of \(count): K is more than N (the shards are 1/\(count) to \(count)/\(count))")
        }
        self.number = number
        self.count = count
    }

    public var description: String { "\(number)/\(count)" }
}
