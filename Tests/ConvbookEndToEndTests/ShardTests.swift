import Foundation
import Testing

/// A build sharded over machines (`convbook build --shard K/N`, `convbook
/// cache merge`), with the real binary: two shards fill two cache folders,
/// the merge joins them, and the build over the merged cache compiles
/// nothing and publishes a site byte-identical to a one-machine build; a
/// damaged or foreign entry in a shard's cache costs one chapter's run, and
/// publishes nothing wrong.
@Suite struct ShardTests {
    /// Four chapters with code (the fourth prints a variable that `--env` sets) and one of prose.
    static let chapters = [
        "01-one.md": "# One\n\n```swift\nlet a = 6 * 7\nprint(a)\n```\n\nThe answer is `{swift} a`.\n",
        "02-two.md": "# Two\n\n```swift\nprint((1...10).reduce(0, +))\n```\n",
        "03-three.md": "# Three\n\n```swift\nprint(\"three\")\n```\n",
        "04-env.md": "# Env\n\n```swift\nimport Foundation\nprint(\"flavour: \" + (ProcessInfo.processInfo.environment[\"FLAVOUR\"] ?? \"plain\"))\n```\n",
        "05-prose.md": "# Prose\n\nNo code here.\n",
    ]

    func succeeds(_ result: Harness.Result, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
    }

    /// The chapter files a run compiled, from its progress lines (`[i/n] FILE: compiled …`).
    func compiled(_ result: Harness.Result) -> Set<String> {
        Set(result.stderr.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("["), let close = line.firstIndex(of: "]"), line.contains(": compiled ") else { return nil }
            return String(line[line.index(close, offsetBy: 2)...].prefix { $0 != ":" })
        })
    }

    func page(_ book: BookFixture, _ path: String) throws -> String {
        try String(contentsOf: book.root.appendingPathComponent(path), encoding: .utf8)
    }

    func copy(_ book: BookFixture, _ from: String, _ to: String) throws {
        try FileManager.default.copyItem(at: book.root.appendingPathComponent(from), to: book.root.appendingPathComponent(to))
    }

    /// The results entry (file) of `cache` whose bytes contain `text`.
    func resultEntry(_ book: BookFixture, cache: String, containing text: String) throws -> URL {
        let folder = book.root.appendingPathComponent("\(cache)/results")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.count == 64 }
        let matching = try names.filter { try Data(contentsOf: folder.appendingPathComponent($0)).range(of: Data(text.utf8)) != nil }
        #expect(matching.count == 1, "\(matching)")
        return folder.appendingPathComponent(try #require(matching.first))
    }

    /// Builds the book on one machine (`one`, cache `c0`) and as two shards
    /// (caches `c1`, `c2`), checking what the shards did.
    func shardedBook() throws -> BookFixture {
        let book = try BookFixture(Self.chapters)
        succeeds(try book.convbook("build", "--cache", "c0", "--out", "one"))
        let first = try book.convbook("build", "--shard", "1/2", "--cache", "c1")
        let second = try book.convbook("build", "--shard", "2/2", "--cache", "c2")
        succeeds(first)
        succeeds(second)
        // No known times (fresh caches): every chapter counts 1 s, and they alternate in the order of their names.
        #expect(compiled(first) == ["01-one.md", "03-three.md"], "\(first.stderr)")
        #expect(compiled(second) == ["02-two.md", "04-env.md"], "\(second.stderr)")
        for result in [first, second] {
            #expect(result.stderr.contains("wrote no site"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site").path), "a shard wrote a site")
        return book
    }

    @Test func twoShardsMergedPublishTheOneMachineSiteAndCompileNothing() throws {
        let book = try shardedBook()
        let merged = try book.convbook("cache", "merge", "c1", "c2", "--into", "merged")
        succeeds(merged)
        #expect(merged.stderr.contains("merged 2 caches into merged:") && !merged.stderr.contains("left out"), "\(merged.stderr)")
        let final = try book.convbook("build", "--cache", "merged", "--out", "sharded")
        succeeds(final)
        #expect(final.stderr.contains("built 5 chapters (0 compiled, 5 cached)"), "\(final.stderr)")
        #expect(compiled(final).isEmpty)
        let one = book.siteSnapshot("one"), sharded = book.siteSnapshot("sharded")
        #expect(!one.isEmpty && one.keys.contains("04-env.html"))
        #expect(one == sharded, "files that differ: \(Set(one.keys).union(sharded.keys).filter { one[$0] != sharded[$0] }.sorted())")
        #expect(try page(book, "sharded/01-one.html").contains("42"))
    }

    @Test func aDamagedEntryInAShardsCacheCostsOneChapterAndPublishesNothingWrong() throws {
        let book = try shardedBook()
        // A flipped byte in the result of 01-one.md, which shard 1 ran.
        let entry = try resultEntry(book, cache: "c1", containing: "42")
        var bytes = try Data(contentsOf: entry)
        let at = try #require(bytes.range(of: Data("42".utf8))).lowerBound
        bytes[at] = UInt8(ascii: "7")   // 42 -> 72, checksum unchanged
        try bytes.write(to: entry)
        let before = try Data(contentsOf: entry)
        let merged = try book.convbook("cache", "merge", "c1", "c2", "--into", "merged")
        succeeds(merged)
        #expect(merged.stderr.contains("c1/results/\(entry.lastPathComponent): warning: fails its checksum"), "\(merged.stderr)")
        #expect(merged.stderr.contains("1 failed its checksum and was left out"), "\(merged.stderr)")
        #expect(try Data(contentsOf: entry) == before, "the merge changed a source")
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("merged/results/\(entry.lastPathComponent)").path))
        let final = try book.convbook("build", "--cache", "merged", "--out", "sharded")
        succeeds(final)
        #expect(compiled(final) == ["01-one.md"], "\(final.stderr)")
        #expect(final.stderr.contains("(1 compiled, 4 cached)"), "\(final.stderr)")
        #expect(book.siteSnapshot("one") == book.siteSnapshot("sharded"))
        // The value as published (an element's text), not any "72" in the page's markup.
        let published = try page(book, "sharded/01-one.html")
        #expect(!published.contains(">72<") && published.contains(">42<"), "\(published)")
    }

    @Test func aForeignEntryUnderAnEntrysNameIsLeftOutAndAnotherToolchainsEntriesChangeNothing() throws {
        let book = try shardedBook()
        // A cache made with another environment (as another toolchain, its keys are all other keys).
        succeeds(try book.convbook(["build", "--shard", "1/1", "--cache", "c3", "--env", "FLAVOUR=spicy"], environment: [:]))
        let spicy = try resultEntry(book, cache: "c3", containing: "flavour: spicy")
        let plain = try resultEntry(book, cache: "c2", containing: "flavour: plain")
        #expect(spicy.lastPathComponent != plain.lastPathComponent)
        // The foreign result, with its own (valid) checksum, under the name of 04-env.md's result.
        for suffix in ["", ".sha256"] {
            try FileManager.default.removeItem(atPath: plain.path + suffix)
            try FileManager.default.copyItem(atPath: spicy.path + suffix, toPath: plain.path + suffix)
        }
        // Merging the other environment's whole cache as well: its entries are valid under their own keys.
        let merged = try book.convbook("cache", "merge", "c1", "c2", "c3", "--into", "merged")
        succeeds(merged)
        #expect(merged.stderr.contains("c2/results/\(plain.lastPathComponent): warning: fails its checksum (damaged, or stored under another entry's name)"),
                "\(merged.stderr)")
        #expect(merged.stderr.contains("merged 3 caches into merged:"), "\(merged.stderr)")
        let final = try book.convbook("build", "--cache", "merged", "--out", "sharded")
        succeeds(final)
        #expect(compiled(final) == ["04-env.md"], "\(final.stderr)")
        #expect(book.siteSnapshot("one") == book.siteSnapshot("sharded"))
        let envPage = try page(book, "sharded/04-env.html")
        #expect(envPage.contains("flavour: plain") && !envPage.contains("spicy"))
    }

    /// Each chapter's seconds to compile and run, from a build's progress lines (`[i/n] FILE: compiled A s, ran B s`).
    func times(_ result: Harness.Result) -> [String: Double] {
        var times = [String: Double]()
        for line in result.stderr.split(separator: "\n") where line.hasPrefix("[") && line.contains(": compiled ") {
            let name = String(line[line.index(line.firstIndex(of: "]")!, offsetBy: 2)...].prefix { $0 != ":" })
            let numbers = line.split(separator: " ").compactMap { Double($0) }
            if numbers.count == 2 { times[name] = numbers[0] + numbers[1] }
        }
        return times
    }

    @Test func aShardIsBalancedByTheTimesTheCacheKnowsAndStable() throws {
        let slow = "# One\n\n```swift\nimport Glibc\nusleep(8_000_000)\nlet a = 6 * 7\nprint(a)\n```\n"
        let book = try BookFixture(Self.chapters.merging(["01-one.md": slow]) { $1 })
        let built = try book.convbook("build", "--cache", "c0", "--out", "one")
        succeeds(built)
        let known = times(built)
        #expect(known.count == 4, "\(built.stderr)")
        // Only the times of the one-machine build: every chapter must run again, and 01 is known to be slow.
        try FileManager.default.createDirectory(at: book.root.appendingPathComponent("times"), withIntermediateDirectories: true)
        try copy(book, "c0/timings", "times/timings")
        for cache in ["t1", "t2", "t1again"] { try copy(book, "times", cache) }
        let first = try book.convbook("build", "--shard", "1/2", "--cache", "t1")
        let second = try book.convbook("build", "--shard", "2/2", "--cache", "t2")
        let again = try book.convbook("build", "--shard", "1/2", "--cache", "t1again")
        for result in [first, second, again] { succeeds(result) }
        let one = compiled(first), two = compiled(second)
        #expect(one.isDisjoint(with: two) && one.union(two) == Set(known.keys), "\(first.stderr)\n\(second.stderr)")
        #expect(compiled(again) == one, "the same cache must give the same shard")
        // Longest first, each to the lighter shard: 01 (the slowest) to shard 1, the next two to shard 2,
        // and the last to shard 2 too while those two together take less than 01 (name order would give 01 and 03 to shard 1).
        let others = known.filter { $0.key != "01-one.md" }.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
        let expected: Set<String> = others[0].value + others[1].value < known["01-one.md"]! ? ["01-one.md"] : ["01-one.md", others[2].key]
        #expect(one == expected, "times \(known)\n\(first.stderr)")
    }

    @Test(arguments: ["0/2", "3/2", "1/0", "2", "a/b", "1/2/3", "-1/2", "", "1/"])
    func aShardThatIsNotKOfNIsAUsageError(shard: String) throws {
        let book = try BookFixture(["01-one.md": Self.chapters["01-one.md"]!])
        let result = try book.convbook("build", "--shard", shard)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("--shard"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent(".convbook-cache").path))
    }

    @Test func aShardWithoutACacheAndAMergeOfNothingAreErrors() throws {
        let book = try BookFixture(["01-one.md": Self.chapters["01-one.md"]!])
        let noCache = try book.convbook("build", "--shard", "1/2", "--no-cache")
        #expect(noCache.status == 64 && noCache.stderr.contains("--shard fills the cache"), "\(noCache.stderr)")
        let missing = try book.convbook("cache", "merge", "nowhere", "--into", "merged")
        #expect(missing.status == 1 && missing.stderr.contains("nowhere: error: no cache folder here"), "\(missing.stderr)")
        try FileManager.default.createDirectory(at: book.root.appendingPathComponent("merged"), withIntermediateDirectories: true)
        let itself = try book.convbook("cache", "merge", "merged", "--into", "./merged")
        #expect(itself.status == 1 && itself.stderr.contains("this is the folder merged into"), "\(itself.stderr)")
    }
}
