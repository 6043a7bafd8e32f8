import Foundation
import Testing

/// `convbook diff` on a book in a git repository: a first commit built and
/// committed, then a second that moves a value (prose inserted above it),
/// changes one, adds one and removes one, built; each is reported in its
/// category at its chapter line, from git (`--base HEAD~1`) and from a copied
/// site folder (`--old`, as JSON).
@Suite struct DiffCommandTests {
    static let before = """
        ---
        title: Diff fixture
        ---
        # Diff fixture

        A value that only moves:

        ```swift
        show(Tensor(matrix: [[1, 2], [3, 4]]), "kept")   // LINE kept
        ```

        A value that changes:

        ```swift
        show(Tensor(vector: [5, 6]), "changing")   // LINE changing
        ```

        A value that goes:

        ```swift
        show(Tensor(vector: [7, 8]), "going")   // LINE going
        ```

        """

    static let after = before
        .replacingOccurrences(of: "A value that only moves:\n", with: "Two new paragraphs.\n\nThey push everything down.\n\nA value that only moves:\n")
        .replacingOccurrences(of: "[5, 6]", with: "[5, 60]")
        .replacingOccurrences(of: "show(Tensor(vector: [7, 8]), \"going\")   // LINE going", with: "show(Tensor(vector: [9, 10]), \"coming\")   // LINE coming")

    /// The line of `text` marked `// LINE target`.
    static func line(_ text: String, _ target: String) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.firstIndex { $0.hasSuffix("// LINE \(target)") } ?? -2) + 1
    }

    static let file = "chapters/01-diff.md"

    func git(_ book: BookFixture, _ arguments: String...) throws {
        let git = try #require(Harness.which("git"), "git is not on PATH")
        let result = try Harness.run(git, ["-c", "user.name=convbook tests", "-c", "user.email=tests@convbook.invalid",
                                           "-c", "commit.gpgsign=false"] + arguments, in: book.root)
        #expect(result.status == 0, "git \(arguments.joined(separator: " ")): \(result.stderr)")
    }

    /// The book built and committed twice; the first site also copied to `old-site`.
    func twoCommits() throws -> BookFixture {
        let book = try BookFixture(["01-diff.md": Self.before])
        try git(book, "init", "-q")
        let first = try book.convbook("build")
        #expect(first.status == 0, "\(first.stderr)")
        try git(book, "add", "chapters", "site")
        try git(book, "commit", "-q", "-m", "first")
        try FileManager.default.copyItem(at: book.root.appendingPathComponent("site"), to: book.root.appendingPathComponent("old-site"))
        try book.write("01-diff.md", Self.after)
        let second = try book.convbook("build")
        #expect(second.status == 0, "\(second.stderr)")
        try git(book, "add", "chapters", "site")
        try git(book, "commit", "-q", "-m", "second")
        return book
    }

    @Test func eachKindOfChangeIsReportedAtItsLineFromGitAndFromAFolder() throws {
        let book = try twoCommits()
        let (kept, keptBefore) = (Self.line(Self.after, "kept"), Self.line(Self.before, "kept"))
        #expect(kept > keptBefore)

        let markdown = try book.convbook("diff", "--base", "HEAD~1")
        #expect(markdown.status == 0, "\(markdown.stderr)")
        let rows = markdown.stdout.split(separator: "\n").map(String.init)
        func row(_ prefix: String) -> String? { rows.first { $0.hasPrefix("| \(prefix) |") } }
        #expect(markdown.stdout.contains("**1 changed** (1 beyond tolerance), **1 moved**, **1 new**, **1 removed**"), "\(markdown.stdout)")
        // Moved: at its new line, with its old one, printed the same.
        let moved = try #require(row("\(Self.file):\(kept)"), "\(markdown.stdout)")
        #expect(moved.contains("| line \(keptBefore) | tensor kept |") && moved.hasSuffix("| 1, 2, 3, 4 |"), "\(moved)")
        // Changed: old and new printed forms, beyond tolerance.
        let changed = try #require(row("\(Self.file):\(Self.line(Self.after, "changing"))"), "\(markdown.stdout)")
        #expect(changed.contains("| tensor changing |") && changed.contains("| 5, 6 | 5, 60 | **no**: entry [1]: 6.0 → 60.0"), "\(changed)")
        let new = try #require(row("\(Self.file):\(Self.line(Self.after, "coming"))"), "\(markdown.stdout)")
        #expect(new.contains("| tensor coming |") && new.hasSuffix("| 9, 10 |"), "\(new)")
        let removed = try #require(row("\(Self.file):\(Self.line(Self.before, "going"))"), "\(markdown.stdout)")
        #expect(removed.contains("| tensor going |") && removed.hasSuffix("| 7, 8 |"), "\(removed)")
        #expect(markdown.stdout.contains("#### Removed (1)") && markdown.stdout.contains("#### New (1)"))

        // The same from a copied site folder, as JSON.
        let json = try book.convbook("diff", "--old", "old-site", "--format", "json")
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        func records(_ category: String) -> [[String: Any]] { object[category] as? [[String: Any]] ?? [] }
        func printed(_ record: [String: Any], _ side: String) -> [String]? { (record[side] as? [String: Any])?["printed"] as? [String] }
        #expect(records("moved").map { $0["line"] as? Int } == [kept])
        #expect(records("changed").map { $0["line"] as? Int } == [Self.line(Self.after, "changing")])
        #expect(records("changed").first.flatMap { printed($0, "old") } == ["5", "6"])
        #expect(records("changed").first.flatMap { printed($0, "new") } == ["5", "60"])
        #expect(records("changed").first?["withinTolerance"] as? Bool == false)
        #expect(records("new").map { $0["label"] as? String } == ["coming"])
        #expect(records("new").map { $0["line"] as? Int } == [Self.line(Self.after, "coming")])
        #expect(records("removed").map { $0["label"] as? String } == ["going"])
        #expect(records("removed").map { $0["line"] as? Int } == [Self.line(Self.before, "going")])
        #expect(records("removed").first.flatMap { printed($0, "old") } == ["7", "8"])
        #expect((object["summary"] as? [String: Int])?["beyondTolerance"] == 1)
        // Stable: the same report twice, byte for byte.
        #expect(try book.convbook("diff", "--old", "old-site", "--format", "json").stdout == json.stdout)

        // A report exits 0; --fail-on-change makes a change beyond tolerance exit 1.
        let failing = try book.convbook("diff", "--base", "HEAD~1", "--fail-on-change")
        #expect(failing.status == 1 && failing.stderr.contains("1 published value changed beyond its tolerance"), "\(failing.stderr)")
        let same = try book.convbook("diff", "--base", "HEAD", "--fail-on-change")
        #expect(same.status == 0 && same.stdout.contains("No published value changed"), "\(same.stdout)\(same.stderr)")
    }

    @Test func unknownRevisionsAndMissingLedgersAreErrorsAtTheManifest() throws {
        let book = try twoCommits()
        let unknown = try book.convbook("diff", "--base", "no-such-branch")
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("site/manifest.json: error: 'no-such-branch' is not a revision git knows"), "\(unknown.stderr)")
        #expect(unknown.stdout.isEmpty)
        let absent = try book.convbook("diff", "--base", "HEAD", "--site", "old-site")
        #expect(absent.status == 2)
        #expect(absent.stderr.hasPrefix("old-site/manifest.json: error: there is no old-site/manifest.json at HEAD"), "\(absent.stderr)")
        let noFolder = try book.convbook("diff", "--old", "nowhere")
        #expect(noFolder.status == 2 && noFolder.stderr.hasPrefix("nowhere: error: no such site folder"), "\(noFolder.stderr)")
        let both = try book.convbook("diff", "--base", "HEAD", "--old", "old-site")
        #expect(both.status == 64 && both.stderr.contains("not both"), "\(both.stderr)")
        let notJSON = book.root.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: notJSON, withIntermediateDirectories: true)
        try Data("{ not json".utf8).write(to: notJSON.appendingPathComponent("manifest.json"))
        let broken = try book.convbook("diff", "--old", "broken")
        #expect(broken.status == 2 && broken.stderr.hasPrefix("broken/manifest.json: error: not JSON"), "\(broken.stderr)")
    }
}
