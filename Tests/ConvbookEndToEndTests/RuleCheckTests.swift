import Foundation
import Testing

/// `checkRule` end to end: a rule stated in a chapter is checked against an
/// independent measurement over a sweep, and a false one fails the build at
/// its line with its first counterexample.
@Suite struct RuleCheckTests {
    /// Rows of x whose gradient is exactly zero for a dense random dy: the
    /// measurement, by running the engine's backward pass and looking.
    static let measurement = """
        ```swift setup
        func zeroRows(_ c: Sweep.Setting) -> Int {
            let parameters = ConvParameters(stride: HW(height: c.s, width: 1), padding: HW(height: c.p, width: 0))
            let x = Tensor.randomNormal(shape: [1, 1, c.H, 1], seed: 1)
            let w = Tensor.randomNormal(shape: [1, 1, c.HH, 1], seed: 2)
            let outH = outputLength(input: c.H, kernel: c.HH, stride: c.s, padding: c.p)!
            let dy = Tensor.randomNormal(shape: [1, 1, outH, 1], seed: 3)
            let dx = convBackward(dy, x, w, parameters).dx
            return (0..<c.H).filter { dx[0, 0, $0, 0] == 0 }.count
        }
        let sweep = Sweep(["H": 3...9, "HH": 1...4, "s": 1...4, "p": 0...2])
        ```

        """

    @Test func aTrueRulePassesAndThePageShowsWhatWasCompared() throws {
        // Rows no window reads: every row of x_pad outside the union of the
        // windows' spans, counted directly from the window starts.
        let chapter = "# Rows\n\n" + Self.measurement + """
            ```swift
            let rule = checkRule("rows of x no window reads", over: sweep,
                                 where: { $0.H + 2 * $0.p >= $0.HH },
                                 stated: { c -> Int in
                                     let outH = (c.H + 2 * c.p - c.HH) / c.s + 1
                                     let read = Set((0..<outH).flatMap { i in (c.s * i)..<(c.s * i + c.HH) })
                                     return (c.p..<(c.p + c.H)).filter { !read.contains($0) }.count
                                 },
                                 measured: zeroRows)
            ```

            Checked over `{swift} rule.checked` settings of `{swift} sweep`.
            """
        let book = try BookFixture(["01-rows.md": chapter])
        let result = try book.convbook("build")
        #expect(result.status == 0, "\(result.stderr)")
        let page = try book.page("01-rows.html")
        #expect(page.withoutLedgerMarks.contains("<table class=\"cb-rule\">"))
        #expect(page.contains("<td>rows of x no window reads</td><td>332</td><td>4</td><td>0</td><td>✓</td>"), "\(page)")
        #expect(page.withoutLedgerMarks.contains("Checked over <span class=\"cb-value\">332</span> settings of <span class=\"cb-value\">H from 3 to 9, HH from 1 to 4, s from 1 to 4 and p from 0 to 2</span>."), "\(page)")
        let manifest = try String(contentsOf: book.root.appendingPathComponent("site/manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"kind\":\"rule\""), "\(manifest)")
    }

    @Test func aFalseRuleFailsAtItsLineWithTheFirstCounterexample() throws {
        // The old claim of chapter 7: max(0, r - p) rows, r the remainder.
        // False as soon as s > HH leaves rows between windows.
        let chapter = "# Rows\n\n" + Self.measurement + """
            Some prose.

            ```swift
            checkRule("rows of x with zero gradient", over: sweep,
                      where: { $0.H + 2 * $0.p >= $0.HH },
                      stated: { max(0, ($0.H + 2 * $0.p - $0.HH) % $0.s - $0.p) },
                      measured: zeroRows)
            ```
            """
        let book = try BookFixture(["01-rows.md": chapter])
        let result = try book.convbook("build")
        #expect(result.status != 0)
        #expect(result.stderr.contains("chapters/01-rows.md:18:10: error: rule 'rows of x with zero gradient' is false at H = 3, HH = 1, s = 2, p = 0: stated 0, measured 1 ("), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site").path))
    }

    @Test("A sweep that compares nothing, or a NaN, fails", arguments: [
        ("checkRule(\"empty\", over: sweep, where: { _ in false }, stated: { _ in 1 }, measured: { _ in 1 })",
         "rule 'empty' compares no setting (336 left out): it cannot fail, so it cannot pass"),
        ("checkRule(\"nan\", over: sweep, stated: { _ in Double.nan }, measured: { _ in Double.nan })",
         "rule 'nan' is false at H = 3, HH = 1, s = 1, p = 0: stated nan, measured nan (336 of 336 settings disagree)"),
    ])
    func aRuleThatCannotFailFails(call: String, message: String) throws {
        let book = try BookFixture(["01-rows.md": "# Rows\n\n" + Self.measurement + "```swift\n\(call)\n```\n"])
        let result = try book.convbook("build")
        #expect(result.status != 0)
        #expect(result.stderr.contains("chapters/01-rows.md:16:10: error: \(message)"), "\(result.stderr)")
    }
}
