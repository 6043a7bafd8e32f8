import Foundation
import Testing
@testable import Convbook

/// The words the cache and the build stamp are made of, each named once:
/// the kinds of cache entry with their versions (``CacheKind``), and a
/// file's identity (``FileIdentity``), in the very texts earlier builds
/// used, so that their caches and stamps stay valid.
@Suite struct CacheVocabularyTests {
    @Test func noTwoCacheKindsShareANameAndEachVersionedKindHasOne() {
        let names = CacheKind.allCases.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { !$0.isEmpty && !$0.contains("/") && !$0.hasPrefix(".") })
        // Only the kind keyed by its bytes' digest and the one keyed by its site folder have no version.
        #expect(CacheKind.allCases.filter { $0.version == nil } == [.npy, .builds])
        // Two kinds share a version only where they share their keys (an entry stored beside another).
        var byVersion = [String: [CacheKind]]()
        for kind in CacheKind.allCases { if let version = kind.version { byVersion[version, default: []].append(kind) } }
        #expect(Set(byVersion.values.filter { $0.count > 1 }.map(Set.init)) == [[.chapters, .cells], [.pages, .pageMeta]])
        // The tags are versions of keys no kind begins: none is a kind's.
        let tags = CacheKind.Tag.allCases.map(\.version)
        #expect(Set(tags).count == tags.count && Set(tags).isDisjoint(with: byVersion.keys))
        #expect(tags.allSatisfy { !$0.isEmpty && !$0.contains(" ") })
    }

    @Test func keysAreTheOnesEarlierBuildsMade() {
        // The folders and the versions as they were written out before the vocabulary had a name.
        #expect(CacheKind.allCases.map(\.name) == ["results", "chapters", "cells", "links", "checks", "pages", "page-meta", "npy",
                                                   "book", "katex", "highlight", "ledger", "builds", "timings"])
        let versions: [CacheKind: String] = [.results: "convbook-cache-5", .chapters: "chapter-load-6", .cells: "chapter-load-6",
                                             .links: "links-1", .checks: "checks-3", .pages: "page-4", .pageMeta: "page-4",
                                             .book: "book-part-1", .katex: "katex-2", .highlight: "highlight-1", .ledger: "ledger-2",
                                             .timings: "timings-1"]
        for kind in CacheKind.allCases where kind.version != nil {
            #expect(kind.version == versions[kind], "\(kind)")
            #expect(kind.key(["a", "b"]) == CacheStore.key([versions[kind]!, "a", "b"]), "\(kind)")
        }
        #expect(CacheKind.Tag.allCases.map(\.version) == ["kernel-grid-1", "code-1", "bibliography-page-1", "build-stamp-1", "previews-1"])
        #expect(CacheKind.Tag.code.key(["a"]) == CacheStore.key(["code-1", "a"]))
    }

    @Test func aFileIdentityIsWrittenAsEveryKeyWroteItBefore() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("convbook-identity-\(UUID().uuidString)")
        try Data("twelve bytes".utf8).write(to: url)
        var info = stat()
        #expect(stat(url.path, &info) == 0)
        let identity = try #require(FileIdentity(path: url.path))
        #expect(identity.size == 12 && identity.inode == UInt64(info.st_ino) && identity.mode == info.st_mode)
        #expect(identity.sizeAndTime == "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)")
        #expect(identity.modified == Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec))
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect(FileIdentity.sizeAndDate(of: url.path)
                == "\((attributes[.size] as? NSNumber)?.intValue ?? -1) \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1)")
        #expect(FileIdentity(path: url.path + "-missing") == nil)
        #expect(FileIdentity.sizeAndDate(of: url.path + "-missing") == "-1 -1.0")
        #expect(GeneratorStamp.value.hasPrefix((Bundle.main.executablePath ?? CommandLine.arguments[0]) + " "))
    }
}
