import Foundation
import Testing
@testable import Convbook

/// The cache store's checksums, which name their entry's kind and key, and
/// merging caches (``CacheMerge``): what is checked, copied, kept and left out.
@Suite struct CacheMergeTests {
    func folder(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("convbook-merge-\(name)-\(UUID().uuidString)")
    }

    func key(_ text: String) -> String { CacheKind.results.key([text]) }

    @Test func anEntryUnderAnotherEntrysNameFailsItsChecksum() throws {
        let store = CacheStore(root: folder("store"))
        let (a, b) = (key("a"), key("b"))
        store.storeData(Data("result of a".utf8), kind: .results, key: a)
        store.storeData(Data("result of b".utf8), kind: .results, key: b)
        guard case .hit(let bytes) = store.lookupData(kind: .results, key: a) else { Issue.record("a stored entry is a hit"); return }
        #expect(bytes == Data("result of a".utf8))
        // b's bytes and b's checksum, under a's name: each agrees with the other, but not with the name.
        let file = { (key: String) in store.root.appendingPathComponent("results/\(key)").path }
        for suffix in ["", ".sha256"] {
            try FileManager.default.removeItem(atPath: file(a) + suffix)
            try FileManager.default.copyItem(atPath: file(b) + suffix, toPath: file(a) + suffix)
        }
        guard case .corrupt = store.checkedData(kind: .results, key: a) else { Issue.record("a foreign entry must fail"); return }
        #expect(FileManager.default.fileExists(atPath: file(a)), "checking alone removes nothing")
        guard case .corrupt = store.lookupData(kind: .results, key: a) else { Issue.record("a foreign entry must fail"); return }
        #expect(!FileManager.default.fileExists(atPath: file(a)), "a lookup removes what fails")
        // The same bytes as another kind fail too: the kind is in the checksum.
        let checks = store.root.appendingPathComponent("checks")
        try FileManager.default.createDirectory(at: checks, withIntermediateDirectories: true)
        for suffix in ["", ".sha256"] { try FileManager.default.copyItem(atPath: file(b) + suffix, toPath: checks.path + "/\(b)" + suffix) }
        guard case .corrupt = store.checkedData(kind: .checks, key: b) else { Issue.record("an entry of another kind must fail"); return }
        // A checksum of the format before (the bytes' SHA-256 alone) is a miss, not a wrong value.
        try Data(CacheStore.digest(Data("result of b".utf8)).utf8).write(to: URL(fileURLWithPath: file(b) + ".sha256"))
        guard case .miss = store.checkedData(kind: .results, key: b) else { Issue.record("an old checksum is a miss"); return }
    }

    @Test func aMergeCopiesWhatIsSoundAndLeavesOutWhatIsNot() throws {
        let (one, two, into) = (folder("one"), folder("two"), folder("into"))
        let first = CacheStore(root: one), second = CacheStore(root: two)
        first.storeData(Data("a".utf8), kind: .results, key: key("a"))
        first.storeData(Data("page".utf8), kind: .pages, key: CacheKind.pages.key(["p"]))
        first.storeData(Data("stamp".utf8), kind: .builds, key: key("site"))
        second.storeData(Data("b".utf8), kind: .results, key: key("b"))
        second.storeData(Data("a".utf8), kind: .results, key: key("a"))                       // the same entry twice
        second.storeData(Data("damaged".utf8), kind: .results, key: key("c"))
        second.storeData(Data("a again".utf8), kind: .katex, key: CacheKind.katex.key(["f"]))
        // c's bytes damaged; d's file without a checksum; junk that is no entry.
        try Data("dAmaged".utf8).write(to: two.appendingPathComponent("results/\(key("c"))"))
        try Data("d".utf8).write(to: two.appendingPathComponent("results/\(key("d"))"))
        try Data("junk".utf8).write(to: two.appendingPathComponent("results/notakey"))
        try FileManager.default.createDirectory(at: two.appendingPathComponent("work/123-abc"), withIntermediateDirectories: true)
        let before = try snapshot(two)

        let report = try CacheMerge.merge([one.path, two.path], into: into.path)
        #expect(report.sources == 2)
        #expect(report.copied == 4)    // a, the page, b, the formula
        #expect(report.present == 1)   // a, from the second cache
        #expect(report.rejected.map(\.file).sorted() == ["\(two.path)/results/\(key("c"))", "\(two.path)/results/\(key("d"))"].sorted())
        #expect(report.rejected.allSatisfy { $0.severity == .warning })
        #expect(try snapshot(two) == before, "a merge only reads its sources")
        let merged = CacheStore(root: into)
        for (kind, key, text) in [(CacheKind.results, key("a"), "a"), (.results, key("b"), "b"), (.pages, CacheKind.pages.key(["p"]), "page"),
                                  (.katex, CacheKind.katex.key(["f"]), "a again")] {
            guard case .hit(let bytes) = merged.checkedData(kind: kind, key: key) else { Issue.record("\(kind) \(text) missing"); continue }
            #expect(bytes == Data(text.utf8))
        }
        for (kind, key) in [(CacheKind.results, key("c")), (.results, key("d")), (.builds, key("site"))] {
            #expect(!merged.contains(kind: kind, key: key), "\(kind)")
        }
        #expect(!FileManager.default.fileExists(atPath: into.appendingPathComponent("work").path))
        #expect(report.summary.contains("4 entries copied, 1 there already") && report.summary.contains("2 failed their checksum"), "\(report.summary)")

        // Merging again copies nothing; a damaged entry in the destination is replaced by a sound one.
        try Data("A".utf8).write(to: into.appendingPathComponent("results/\(key("a"))"))
        let again = try CacheMerge.merge([one.path], into: into.path)
        #expect(again.copied == 0 && again.repaired == 1 && again.present == 1, "\(again.summary)")
        guard case .hit(let repaired) = merged.checkedData(kind: .results, key: key("a")) else { Issue.record("a not repaired"); return }
        #expect(repaired == Data("a".utf8))
        // Other bytes under a key the destination holds: the destination's are kept.
        let three = folder("three")
        CacheStore(root: three).storeData(Data("other a".utf8), kind: .results, key: key("a"))
        let third = try CacheMerge.merge([three.path], into: into.path)
        #expect(third.kept == 1 && third.copied == 0)
        #expect(merged.loadData(kind: .results, key: key("a")) == Data("a".utf8))
    }

    @Test func ofTwoRunTimesOfAChapterTheOneMeasuredLaterIsKept() throws {
        let (older, newer) = (folder("older"), folder("newer"))
        ExecutionCache(store: CacheStore(root: older)).recordTime(9, key: "k", chapter: "chapters/01-a.md")
        Thread.sleep(forTimeInterval: 0.01)
        ExecutionCache(store: CacheStore(root: newer)).recordTime(2, key: "k", chapter: "chapters/01-a.md")
        for order in [[older, newer], [newer, older]] {
            let into = folder("into")
            let report = try CacheMerge.merge(order.map(\.path), into: into.path)
            #expect(ExecutionCache(store: CacheStore(root: into)).knownTime(key: "k", chapter: "chapters/01-a.md") == 2)
            #expect(report.kept == 0)
            #expect(report.newerTimes == (order[0] == older ? 2 : 0), "\(report.summary)")
        }
    }

    @Test func aSourceThatIsNoFolderOrIsTheDestinationIsAnError() throws {
        let into = folder("into")
        #expect(throws: Diagnostic.self) { try CacheMerge.merge([into.path + "-missing"], into: into.path) }
        try FileManager.default.createDirectory(at: into, withIntermediateDirectories: true)
        #expect(throws: Diagnostic.self) { try CacheMerge.merge([into.path + "/."], into: into.path) }
    }

    func snapshot(_ root: URL) throws -> [String: Data] {
        var files = [String: Data]()
        for case let path as String in FileManager.default.enumerator(atPath: root.path)! {
            let url = root.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try Data(contentsOf: url)
            }
        }
        return files
    }
}
