import Foundation
import Testing
@testable import Convbook

/// Publishing, without the binary: the build stamp and its records
/// (``SitePart``) read back as written, the view of the published site the
/// earlier stages get (``StampedSite``), the site folder's guard, the file
/// walk, and a site published whole and then in place, pieces copied from
/// the published file.
@Suite struct PublishTests {
    func folder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("convbook-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func theBuildStampReadsBackAsWrittenAndADamagedOneIsNone() throws {
        let stamp = BuildStamp(inputs: "abc", files: ["01-a.html": .init(size: 12, modified: 1_795_881_521_995_435_416, inode: 3_965_766)],
                               warnings: [Diagnostic(file: "chapters/01-a.md", line: 3, column: 1, severity: .warning, message: "two\nlines")],
                               sources: ["01-a.html": "k1", "checks#chapters/01-a.md": "k2"])
        let read = try #require(BuildStamp(data: stamp.data))
        #expect(read == stamp)
        // Another format, a cut line, a number that is not one: nothing is trusted.
        #expect(BuildStamp(data: Data("convbook-build-stamp-1\nabc\n[]".utf8)) == nil)
        #expect(BuildStamp(data: stamp.data.dropLast(3) + Data("\nF\tx\t1".utf8)) == nil)
        #expect(BuildStamp(data: Data(String(decoding: stamp.data, as: UTF8.self).replacingOccurrences(of: "\t12\t", with: "\t1x\t").utf8)) == nil)
    }

    @Test func theSiteFolderGuardProtectsWhatItMustNotReplace() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("convbook-guard-\(UUID().uuidString)")
        let chapters = root.appendingPathComponent("chapters")
        try FileManager.default.createDirectory(at: chapters, withIntermediateDirectories: true)
        #expect(throws: Diagnostic.self) { try SiteFolder.checkReplaceable(root, given: "root", protecting: [("the chapters folder", chapters)]) }
        #expect(throws: Diagnostic.self) { try SiteFolder.checkReplaceable(chapters, given: "chapters", protecting: [("the chapters folder", chapters)]) }
        try SiteFolder.checkReplaceable(root.appendingPathComponent("site"), given: "site", protecting: [("the chapters folder", chapters)])
    }

    // MARK: Records

    @Test func aSitePartReadsBackAsWrittenInTheTextEarlierBuildsWrote() throws {
        // The three forms the stamp holds, as builds wrote them before the record had a type.
        let ledger = SitePart(key: "k1", range: 120..<480)
        #expect(ledger.text == "k1 120 360")
        #expect(SitePart(text: "k1 120 360") == ledger)
        let book = SitePart(key: "k2", range: 0..<7, formulas: 12)
        #expect(book.text == "k2 0 7 12")
        #expect(SitePart(text: "k2 0 7 12")?.formulas == 12)
        let search = SitePart(key: "k3", range: 5..<5, downloads: [("w", "d1"), ("x:y", "d2")])
        #expect(search.text == "k3 5 0 w:d1 x:y:d2")
        let read = try #require(SitePart(text: search.text))
        #expect(read == search)
        #expect(read.downloads?.map(\.name) == ["w", "x"] && read.downloads?.map(\.digest) == ["d1", "y:d2"])
        #expect(SitePart(text: "k3 5 0")?.downloads?.isEmpty == true)
        // A record is read the way it always was: fields split on spaces, empty ones skipped.
        #expect(SitePart(text: "k1  120 360 ") == ledger)
    }

    @Test func aDamagedSitePartIsNone() {
        for text in ["", "k1", "k1 120", "k1 x 360", "k1 120 3.5", "k1 -1 10", "k1 10 -1", "k1 \(Int.max) 1"] {
            #expect(SitePart(text: text) == nil, "\(text)")
        }
        #expect(SitePart(text: "k2 0 7 x")?.formulas == nil)
        #expect(SitePart(text: "k2 0 7 1 2")?.formulas == nil)
        #expect(SitePart(text: "k3 0 7 nodigest")?.downloads == nil)
        #expect(SitePart.name("01-a", of: "book.html") == "book.html#01-a")
    }

    @Test func theStampedSiteCountsARecordOnlyWhileItsFileIsUntouched() throws {
        let site = try folder("stamped")
        try Data("0123456789".utf8).write(to: site.appendingPathComponent("book.html"))
        try Data("page".utf8).write(to: site.appendingPathComponent("01-a.html"))
        var records = SiteFiles()
        records.keep("01-a.html", source: "page-key")
        records.record(SitePart(key: "part-key", range: 2..<6, formulas: 3), part: "01-a", of: "book.html")
        records.record(SitePart(key: "beyond", range: 8..<12, formulas: 0), part: "02-b", of: "book.html")
        let stamp = BuildStamp.take(site, inputs: "i", warnings: [], sources: records.sources, cleanChecks: ["chapters/01-a.md": "checks-key"])
        #expect(stamp.sources["checks#chapters/01-a.md"] == "checks-key" && stamp.sources["book.html#01-a"] == "part-key 2 4 3")
        let published: any PublishedSite = try #require(BuildStamp(data: stamp.data)).site(in: site)
        #expect(published.holds("01-a.html", madeFrom: "page-key"))
        #expect(!published.holds("01-a.html", madeFrom: "another key"))
        #expect(!published.holds("missing.html", madeFrom: "page-key"))
        #expect(published.part("01-a", of: "book.html") == SitePart(key: "part-key", range: 2..<6, formulas: 3))
        #expect(published.part("02-b", of: "book.html") == nil, "a record beyond the file's end")
        #expect(published.part("03-c", of: "book.html") == nil)
        #expect(published.cleanChecks(of: "chapters/01-a.md") == "checks-key")
        // Touched since: nothing of the file is trusted.
        try Data("PAGE!".utf8).write(to: site.appendingPathComponent("01-a.html"))
        try Data("0123456789".utf8).write(to: site.appendingPathComponent("book.html"), options: .atomic)
        #expect(!published.holds("01-a.html", madeFrom: "page-key"))
        #expect(published.part("01-a", of: "book.html") == nil)
        #expect(!stamp.holds(for: site))
    }

    // MARK: Files

    @Test func theFileTreeListsRegularFilesFollowingNoLinkAndRemovesAll() throws {
        let root = try folder("tree")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a/b"), withIntermediateDirectories: true)
        try Data("1".utf8).write(to: root.appendingPathComponent("top.txt"))
        try Data("2".utf8).write(to: root.appendingPathComponent("a/b/deep.txt"))
        let outside = try folder("outside")
        try Data("3".utf8).write(to: outside.appendingPathComponent("kept.txt"))
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("a/link"), withDestinationURL: outside)
        #expect(FileTree.files(under: root).sorted() == ["a/b/deep.txt", "top.txt"])
        FileTree.remove(root.path)
        #expect(!FileManager.default.fileExists(atPath: root.path))
        #expect(FileManager.default.fileExists(atPath: outside.appendingPathComponent("kept.txt").path), "the link was removed, not followed")
    }

    @Test func aSiteIsPublishedWholeThenInPlaceWithPiecesCopiedFromThePublishedFile() throws {
        let parent = try folder("publish")
        let url = parent.appendingPathComponent("site")
        var first = SiteFiles()
        first.add(SiteFiles.markerName, SiteFiles.markerText)
        first.add("book.html", "<p>one</p><p>two</p>")
        first.add("gone/old.txt", "old")
        try first.publish(to: url)
        #expect(first.differences(from: url).isEmpty)
        var second = SiteFiles()
        second.add(SiteFiles.markerName, SiteFiles.markerText)
        second.add("book.html", pieces: [.published(0..<10), .bytes(Data("<p>2</p>".utf8))])
        second.add("new/file.txt", "new")
        #expect(Set(second.differences(from: url)) == ["stale: book.html", "missing: new/file.txt", "extra: gone/old.txt"])
        try second.publish(to: url)
        #expect(try String(contentsOf: url.appendingPathComponent("book.html"), encoding: .utf8) == "<p>one</p><p>2</p>")
        #expect(FileTree.files(under: url).sorted() == [SiteFiles.markerName, "book.html", "new/file.txt"])
        #expect(!FileManager.default.fileExists(atPath: url.appendingPathComponent("gone").path), "an emptied folder goes too")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["site"], "no staging folder is left")
    }
}
