import Foundation
import Testing

/// Faults whose messages misled (issue 20): each now says what happened, in
/// one line, at the place it concerns; and the commands a page tells its
/// readers to run are safe to paste.
@Suite struct HonestMessageTests {
    static let good = "# Good\n\n```swift\nprint(\"fine\")\n```\n"

    /// A small tmpfs mounted with `options` (read-only, or tiny); nil where
    /// this process may not mount (not root), and the test then says so.
    func mount(_ options: String) throws -> URL? {
        let point = try Harness.temporaryDirectory()
        let mounted = try Harness.run("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", point.path])
        return mounted.status == 0 ? point : nil
    }

    func unmount(_ point: URL) {
        _ = try? Harness.run("/bin/umount", [point.path])
    }

    @Test func aReadOnlyOutputFolderIsOneClearLine() throws {
        guard let point = try mount("ro,size=1m") else {
            print("skipped: cannot mount a read-only tmpfs here (not root)")
            return
        }
        defer { unmount(point) }
        let book = try BookFixture(["01-good.md": Self.good])
        let result = try book.convbook("build", "--out", point.path + "/site")
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(point.path)/site: error: cannot publish the site: its file system is read-only; the site was left as it was"), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"), "\(result.stderr)")
        #expect(!result.stderr.contains("convbook-new"), "\(result.stderr)")
    }

    @Test func aFullDiskNamesTheSiteNotTheStagingFile() throws {
        guard let point = try mount("size=64k") else {
            print("skipped: cannot mount a small tmpfs here (not root)")
            return
        }
        defer { unmount(point) }
        let book = try BookFixture(["01-good.md": Self.good])
        let result = try book.convbook("build", "--out", point.path + "/site")
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(point.path)/site: error: cannot publish the site: no space is left on the disk that holds it"), "\(result.stderr)")
        #expect(!result.stderr.contains("convbook-new"), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"), "\(result.stderr)")
        // Nothing half-written is left behind.
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: point.path)) ?? ["?"]).isEmpty)
    }

    @Test func infiniteRecursionIsReportedAsAStackOverflowAtTheBlock() throws {
        let book = try BookFixture(["01-rec.md": "# Rec\n\n```swift\nfunc f(_ n: Int) -> Int { n == -1 ? 0 : 1 + f(n + 1) }\nprint(f(0))\n```\n"])
        let result = try book.convbook("build")
        #expect(result.status == 1)
        #expect(result.stderr.contains("chapters/01-rec.md:4"), "\(result.stderr)")
        #expect(result.stderr.contains("block 1 trapped: the chapter program overflowed its stack (infinite recursion?)"), "\(result.stderr)")
        #expect(!result.stderr.contains("signal 11"), "\(result.stderr)")
    }

    /// The probe replaced the cache folder by a file mid-build and was told
    /// "block 1 never ran … exit()?". Here the program does it to its own work
    /// folder. In the sandbox it cannot (the folder is a mount point under a
    /// read-only root), so this runs without it, as where bwrap is refused.
    @Test func aWorkFolderReplacedMidRunIsSaidSo() throws {
        let book = try BookFixture(["01-gone.md": """
        # Gone

        ```swift
        import Foundation
        let here = FileManager.default.currentDirectoryPath
        try! FileManager.default.removeItem(atPath: here)
        _ = FileManager.default.createFile(atPath: here, contents: Data("x".utf8))
        print("lost")
        ```

        """])
        let result = try book.convbook(["build"], environment: ["CONVBOOK_SANDBOX": "off"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("chapters/01-gone.md: error: the chapter program's work folder"), "\(result.stderr)")
        #expect(result.stderr.contains("was removed or replaced by something else while the program ran"), "\(result.stderr)")
        #expect(!result.stderr.contains("never ran"), "\(result.stderr)")
    }

    /// Decision: chapter names are shown to readers single-quoted wherever
    /// they are not plain words; names that would break a link are refused.
    @Test func theVerifyCommandReadersCopyIsQuoted() throws {
        let book = try BookFixture(["01-$(touch pwned).md": Self.good, "02-plain.md": "# Plain\n\n```swift\nprint(2)\n```\n"])
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        let page = try book.page("01-$(touch pwned).html")
        // The theme escapes the quotes as HTML does; a reader copies `'`.
        #expect(page.contains("<code>convbook verify &#39;01-$(touch pwned)&#39;</code>"), "\(page)")
        #expect(try book.page("02-plain.html").contains("<code>convbook verify 02-plain</code>"))
        let program = try String(contentsOf: book.root.appendingPathComponent("site/code/01-$(touch pwned).swift"), encoding: .utf8)
        #expect(program.contains("//   convbook verify '01-$(touch pwned)'"), "\(program)")
        // What the page says runs, and runs nothing else.
        let shell = try Harness.run("/bin/sh", ["-c", "printf '%s' convbook verify '01-$(touch pwned)'"], in: book.root)
        #expect(shell.stdout == "convbookverify01-$(touch pwned)")
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("pwned").path))
    }

    @Test(arguments: ["01-a\nb.md", "01-a#b.md", "01-a?b.md", "01-100%.md", "01-a\\b.md", "01-a\u{7}.md"])
    func aChapterNameThatWouldBreakItsLinkIsRefused(name: String) throws {
        let book = try BookFixture([name: Self.good])
        let result = try book.convbook("build")
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: a chapter's file name may not hold a line break or another control character, nor #, ?, % or \\"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").contains { $0.hasPrefix("chapters/01-a") || $0.hasPrefix("chapters/01-100") }, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site").path))
    }
}
