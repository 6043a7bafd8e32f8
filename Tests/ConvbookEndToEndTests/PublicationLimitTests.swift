import ConvbookFormat
import Foundation
import Testing

/// What one call may put on a page (``PublicationLimits``), and the size
/// limit on what a chapter program writes: each refused at the call, with the
/// size it would have had, and each message true about what was too large
/// (issue 20, failure 10).
@Suite struct PublicationLimitTests {
    func failure(_ chapter: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Harness.Result {
        let book = try BookFixture(["01-big.md": chapter])
        let result = try book.convbook("build")
        #expect(result.status == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site").path), sourceLocation: sourceLocation)
        return result
    }

    @Test func showingAHugeTensorIsAnErrorAtTheCallWithItsSize() throws {
        let result = try failure("# Big\n\n```swift\nlet x = Tensor(shape: [4000, 4000], scalars: [Double](repeating: 1, count: 16_000_000))\nshow(x, \"x\")\n```\n")
        #expect(result.stderr.contains("chapters/01-big.md:5:"), "\(result.stderr)")
        #expect(result.stderr.contains("show: the tensor 'x' has 16,000,000 entries (4000 × 4000); a page shows at most 65,536"), "\(result.stderr)")
        #expect(!result.stderr.contains("printed more than"), "nothing was printed: \(result.stderr)")
    }

    @Test func aTableOrAPublishedFileHasTheSameLimit() throws {
        let table = try failure("# Big\n\n```swift\nshowTable([\"n\"], (0..<70_000).map { [$0] })\n```\n")
        #expect(table.stderr.contains("chapters/01-big.md:4:"), "\(table.stderr)")
        #expect(table.stderr.contains("showTable: the table has 70,000 entries"), "\(table.stderr)")
        let published = try failure("# Big\n\n```swift\nlet x = Tensor(shape: [300, 300], scalars: [Double](repeating: 0, count: 90_000))\npublish(x, as: \"x\")\n```\n")
        #expect(published.stderr.contains("chapters/01-big.md:5:"), "\(published.stderr)")
        #expect(published.stderr.contains("publish: the tensor 'x' has 90,000 entries (300 × 300)"), "\(published.stderr)")
    }

    /// The probe's explorer: a 2 × 120 × 120 input made a 240 MB page in 75 s.
    @Test func anExplorerThatWouldBlowUpThePageIsAnErrorAtTheCallWithItsSize() throws {
        let chapter = """
        # Big

        ```swift
        let x = Tensor(shape: [1, 2, 120, 120], scalars: [Double](repeating: 1, count: 28_800))
        let w = Tensor(shape: [4, 2, 5, 5], scalars: [Double](repeating: 1, count: 200))
        let dy = Tensor(shape: [1, 4, 116, 116], scalars: [Double](repeating: 1, count: 4 * 116 * 116))
        explore(x, w, dy: dy, label: "huge")
        ```

        """
        let started = Date()
        let result = try failure(chapter)
        #expect(result.stderr.contains("chapters/01-big.md:7:"), "\(result.stderr)")
        #expect(result.stderr.contains("explore: the explorer 'huge' would add about"), "\(result.stderr)")
        #expect(result.stderr.contains("an explorer may add at most 4 MB"), "\(result.stderr)")
        let size = result.stderr.firstMatch(of: /would add about ([0-9,]+) MB/).flatMap { Int($0.1.replacing(",", with: "")) } ?? 0
        #expect(size > 100, "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test func aSmallExplorerIsWithinItsLimit() throws {
        let book = try BookFixture(["01-e.md": """
        # E

        ```swift
        var g = SeededNormalGenerator(seed: 3)
        let x = Tensor(shape: [1, 2, 12, 12], scalars: (0..<288).map { _ in g.next() })
        let w = Tensor(shape: [2, 2, 3, 3], scalars: (0..<36).map { _ in g.next() })
        let dy = Tensor(shape: [1, 2, 10, 10], scalars: (0..<200).map { _ in g.next() })
        explore(x, w, dy: dy, label: "e")
        ```

        """])
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        // The estimate is an upper one, and not far above: the explorer adds less than the 266 KB it
        // estimates for this page (the whole page holds the explorer and the rest of the page).
        let estimate = PublicationLimits.explorerBytes(inputs: 288, weights: 36, outputs: 200, bias: 0, withGradients: true,
                                                       termsPerOutput: 18)
        #expect(estimate == 265_840)
        let bytes = try book.page("01-e.html").utf8.count
        print("explorer page: \(bytes) bytes, estimate \(estimate)")
        #expect(bytes > estimate / 2 && bytes < estimate, "\(bytes) bytes against an estimate of \(estimate)")
    }

    @Test func aHugeInlineValueIsAnErrorAtTheExpressionWithItsSize() throws {
        let result = try failure("# Big\n\nThe value is `{swift} String(repeating: \"a\", count: 60_000_000)`.\n")
        #expect(result.stderr.contains("chapters/01-big.md:3:"), "\(result.stderr)")
        #expect(result.stderr.contains("its text is 60,000,000 bytes long; an inline value may be at most 65,536 bytes"), "\(result.stderr)")
    }

    /// `ulimit -f` caps every file the program writes: the message names what reached it.
    @Test func theOutputLimitNamesWhatReachedIt() throws {
        let published = try failure("""
        # Big

        ```swift
        var g = SeededNormalGenerator(seed: 1)
        let x = Tensor(shape: [256, 256], scalars: (0..<65_536).map { _ in g.next() })
        for _ in 0..<80 { show(x) }
        ```

        """)
        #expect(published.stderr.contains("published more than 64 MiB of results"), "\(published.stderr)")
        #expect(!published.stderr.contains("printed more than"), "\(published.stderr)")
        let printed = try failure("# Big\n\n```swift\nlet line = String(repeating: \"a\", count: 1 << 20)\nfor _ in 0..<70 { print(line) }\n```\n")
        #expect(printed.stderr.contains("printed more than 64 MiB"), "\(printed.stderr)")
    }
}
