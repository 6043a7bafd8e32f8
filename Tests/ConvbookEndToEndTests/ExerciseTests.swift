import Foundation
import Testing

/// Exercises end to end (`::: {.exercise #ex-…}` with `::: {.answer}`): an
/// answer the chapter's code computes is published in a closed disclosure,
/// and one that no longer matches its computation, checks nothing, or sits
/// where it cannot be an answer fails the build at its Markdown line.
@Suite struct ExerciseTests {
    /// A chapter with one exercise whose answer states `stated` for `expression`
    /// (the expression's line is 11, see ``at(_:)``; its answer fence's line is 10).
    static func chapter(stated: String, expression: String = "windows(H: 7, HH: 3, s: 2, p: 1)") -> String {
        """
        # Sizes

        ```swift
        func windows(H: Int, HH: Int, s: Int, p: Int) -> Int { var n = 0; while s * n + HH <= H + 2 * p { n += 1 }; return n }
        ```

        ::: {.exercise #ex-rows}
        With H = 7, HH = 3, s = 2 and p = 1, how many rows does y have?

        ::: {.answer}
        y has `{swift answer="\(stated)"} \(expression)` rows.
        :::
        :::

        See @ex-rows.

        """
    }

    /// Where the expression of ``chapter(stated:expression:)`` is: its line, and the column of its code.
    static func at(_ stated: String) -> String {
        "chapters/01-sizes.md:11:\(7 + "`{swift answer=\"\(stated)\"} ".utf8.count)"
    }

    func failure(_ result: Harness.Result, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != 0, "expected a failure: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(expected), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func aCorrectAnswerIsPublishedInAClosedDisclosureAndInTheLedger() throws {
        let book = try BookFixture(["01-sizes.md": Self.chapter(stated: "4")])
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        let page = try book.page("01-sizes.html")
        #expect(page.contains("<div class=\"cb-exercise\" id=\"ex-rows\">\n<p class=\"cb-exercise-title\">Exercise 1.1</p>"), "\(page)")
        #expect(page.withoutLedgerMarks.contains("<details class=\"cb-answer\">\n<summary>Answer</summary>\n<p>y has <span class=\"cb-value\">4</span> rows.</p>\n</details>"), "\(page)")
        #expect(!page.contains("<details class=\"cb-answer\" open"))
        #expect(page.contains("<a href=\"#ex-rows\">Exercise 1.1</a>"), "\(page)")
        // The answer is a published value like any other: `check` verifies it, and a tampered page fails it.
        #expect(try book.convbook("check").status == 0)
        let tampered = page.replacingOccurrences(of: "\">4</span> rows.", with: "\">5</span> rows.")
        try Data(tampered.utf8).write(to: book.root.appendingPathComponent("site/01-sizes.html"))
        #expect(try book.convbook("check").status != 0)
    }

    @Test func anAnswerThatNoLongerMatchesItsComputationFailsAtItsLine() throws {
        // First right; then the chapter's code changes (the padding), so the stated 4 is stale.
        let book = try BookFixture(["01-sizes.md": Self.chapter(stated: "4")])
        #expect(try book.convbook("build").status == 0)
        let site = book.siteSnapshot()
        try book.write("01-sizes.md", Self.chapter(stated: "4", expression: "windows(H: 7, HH: 3, s: 2, p: 0)"))
        let stale = try book.convbook("build")
        failure(stale, Self.at("4") + ": error: the stated answer 4 does not match the computed value 3 of `windows(H: 7, HH: 3, s: 2, p: 0)`")
        #expect(book.siteSnapshot() == site, "a failed build leaves the site as it was")
        // The stated answer alone changed (the program did not): the cached result is checked again.
        try book.write("01-sizes.md", Self.chapter(stated: "5"))
        failure(try book.convbook("build"), Self.at("5") + ": error: the stated answer 5 does not match the computed value 4")
        #expect(try book.convbook("build", "--out", "again").status != 0)
    }

    @Test func numbersMatchToTheDecimalsStatedAndNaNNeverDoes() throws {
        let book = try BookFixture(["01-sizes.md": Self.chapter(stated: "0.33", expression: "1.0 / 3")])
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        try book.write("01-sizes.md", Self.chapter(stated: "0.34", expression: "1.0 / 3"))
        failure(try book.convbook("build"), Self.at("0.34") + ": error: the stated answer 0.34 does not match the computed value 0.3333")
        try book.write("01-sizes.md", Self.chapter(stated: "nan", expression: "Double.nan"))
        failure(try book.convbook("build"), Self.at("nan") + ": error: the computed value NaN is not finite, so it cannot be the answer nan")
        try book.write("01-sizes.md", Self.chapter(stated: "", expression: "4"))
        failure(try book.convbook("build"), Self.at("") + ": error: the stated answer is empty")
        try book.write("01-sizes.md", Self.chapter(stated: "", expression: "\"\""))
        failure(try book.convbook("build"), Self.at("") + ": error: the stated answer is empty")
    }

    @Test func anAnswerThatChecksNothingFails() throws {
        let chapter = Self.chapter(stated: "4").replacingOccurrences(of: "{swift answer=\"4\"}", with: "{swift}")
        let book = try BookFixture(["01-sizes.md": chapter])
        failure(try book.convbook("build"), "chapters/01-sizes.md:10:1: error: this answer checks nothing, so it could go stale")
        // A block that only prints checks nothing either; a traps block does.
        let printing = chapter.replacingOccurrences(of: "y has", with: "```swift\nprint(windows(H: 7, HH: 3, s: 2, p: 1))\n```\n\ny has")
        try book.write("01-sizes.md", printing)
        failure(try book.convbook("build"), "chapters/01-sizes.md:10:1: error: this answer checks nothing")
        let trapping = chapter.replacingOccurrences(of: "y has", with: "```swift traps\nprint([1, 2][windows(H: 7, HH: 3, s: 2, p: 1)])\n```\n\ny has")
        try book.write("01-sizes.md", trapping)
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
    }

    @Test func misplacedExercisesAndAnswersFailClearly() throws {
        let book = try BookFixture(["01-sizes.md": Self.chapter(stated: "4")])
        // An exercise with no answer.
        try book.write("01-sizes.md", "# Sizes\n\n::: {.exercise #ex-alone}\nA question.\n\n:::\n")
        failure(try book.convbook("build"), "chapters/01-sizes.md:3:1: error: this exercise has no answer")
        // An answer outside an exercise.
        try book.write("01-sizes.md", "# Sizes\n\n::: {.answer}\n`{swift answer=\"2\"} 1 + 1`\n\n:::\n")
        failure(try book.convbook("build"), "chapters/01-sizes.md:3:1: error: an answer must sit inside an exercise")
        // An exercise without a label, and one never closed.
        try book.write("01-sizes.md", "# Sizes\n\n::: {.exercise}\nA question.\n")
        failure(try book.convbook("build"), "chapters/01-sizes.md:3:1: error: an exercise needs a label starting 'ex-'")
        try book.write("01-sizes.md", "# Sizes\n\n::: {.exercise #ex-open}\nA question.\n\n::: {.answer}\n`{swift answer=\"2\"} 1 + 1`\n\n:::\n")
        failure(try book.convbook("build"), "chapters/01-sizes.md:3:1: error: this fenced div is never closed")
        // A fence needs no blank line around it (as in Pandoc): here an answer right after prose, outside any exercise.
        try book.write("01-sizes.md", "# Sizes\n\nA question.\n::: {.answer}\n`{swift answer=\"2\"} 1 + 1`\n:::\n")
        failure(try book.convbook("build"), "chapters/01-sizes.md:4:1: error: an answer must sit inside an exercise")
        // An unknown attribute, in a fence and in the answer's tag.
        try book.write("01-sizes.md", "# Sizes\n\n::: {.exercise #ex-a .hard}\n\n:::\n")
        failure(try book.convbook("build"), "chapters/01-sizes.md:3:1: error: '.hard' in '::: {.exercise #ex-a .hard}' is not an attribute convbook knows")
        try book.write("01-sizes.md", "# Sizes\n\nIt is `{swift anwser=\"2\"} 1 + 1`.\n")
        failure(try book.convbook("build"), "chapters/01-sizes.md:3:27: error: unknown attribute in '{swift anwser=\"2\"}'")
    }
}
