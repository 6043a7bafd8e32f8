import ConvbookFormat
import Testing
@testable import Convbook

/// Exercises one stage at a time: the fence syntax (``ExerciseFence``), the
/// `{swift answer="…"}` tag, loading (numbers, labels, what an answer must
/// hold) and the comparison of a stated answer with a computed value (``AnswerCheck``).
@Suite struct ExerciseUnitTests {
    // MARK: Syntax

    @Test func fencesAreReadAsPandocWritesThem() {
        #expect(ExerciseFence.parse("::: {.exercise #ex-size}") == .open(.exercise, label: "ex-size"))
        #expect(ExerciseFence.parse(":::: {#ex-size .exercise}") == .open(.exercise, label: "ex-size"))
        #expect(ExerciseFence.parse("::: {.answer}") == .open(.answer, label: nil))
        #expect(ExerciseFence.parse(":::") == .close)
        #expect(ExerciseFence.parse(":::::   ") == .close)
        for bad in ["::: exercise", "::: {.hint}", "::: {#ex-a}", "::: {.exercise .answer}", "::: {.answer #ex-a}", "::: {.exercise #}"] {
            guard case .problem = ExerciseFence.parse(bad) else { Issue.record("'\(bad)' was accepted"); continue }
        }
    }

    @Test func theAnswerTagStatesAValue() throws {
        func tag(_ s: String) -> (code: String, answer: String?, error: String?)? { MarkdownParser.inlineTag(s) }
        #expect(tag("{swift} y.sum()")! == ("y.sum()", nil, nil))
        #expect(tag("{swift answer=\"4\"} outputLength(input: 7, kernel: 3)!")! == ("outputLength(input: 7, kernel: 3)!", "4", nil))
        #expect(tag("{swift answer=4} n")! == ("n", "4", nil))
        #expect(tag("{swift answer=\"[[1, 2], {3}]\"} t")! == ("t", "[[1, 2], {3}]", nil))
        #expect(tag("{swift answer=\"\"} n")! == ("n", "", nil))
        #expect(tag("{swift anwser=4} n")?.error?.contains("unknown attribute") == true)
        #expect(tag("{swift answer=\"4} n")?.error?.contains("not closed") == true)
        #expect(tag("{swift answer=4 tolerance=1} n")?.error?.contains("only one attribute") == true)
        #expect(tag("{swift answer=4}")?.error?.contains("no expression") == true)
        #expect(tag("{swiftly} n") == nil)
        #expect(tag("plain code") == nil)
    }

    // MARK: Load

    static let exercise = """
        # One

        ::: {.exercise #ex-first}
        A question.

        ::: {.answer}
        It is `{swift answer="2"} 1 + 1`.
        :::
        :::

        ::: {.exercise #ex-second}
        Another.

        ::: {.answer}
        ```swift traps
        _ = [Int]()[0]
        ```
        :::
        :::

        """

    @Test func exercisesAreNumberedLabelledAndHoldTheirAnswers() {
        let loaded = ChapterDocument(markdown: Self.exercise, path: "chapters/01-one.md")
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        #expect(loaded.labels.map(\.label) == ["ex-first", "ex-second"])
        #expect(loaded.labels.map(\.number) == [[1], [2]])
        #expect(loaded.labels.map(\.kind) == [.exercise, .exercise])
        let exercises = loaded.document.root.children.filter { if case .exercise = $0.kind { true } else { false } }
        #expect(exercises.count == 2)
        #expect(exercises.allSatisfy { $0.children.last?.kind == .answer })
        let inline = loaded.cells.compactMap { if case .inline(let i) = $0 { i } else { nil } }
        #expect(inline.map(\.answer) == ["2"])
        #expect(inline.map(\.line) == [7])
        let (table, problems) = CrossReferences.build([(page: "01-one.html", path: "chapters/01-one.md", labels: loaded.labels)])
        #expect(problems.isEmpty)
        #expect(table.targets["ex-second"]?.text == "Exercise 1.2")
    }

    @Test func whatAnAnswerMustHoldIsCheckedAtLoading() {
        func problems(_ markdown: String) -> [String] {
            ChapterDocument(markdown: markdown, path: "c.md").diagnostics.map(\.description)
        }
        #expect(problems("::: {.exercise #ex-a}\nQ.\n\n::: {.answer}\nIt is `{swift} 1 + 1`.\n:::\n:::\n")
            == ["c.md:4:1: error: this answer checks nothing, so it could go stale: state the value with `{swift answer=\"VALUE\"} expression`, or show it with a 'swift expect' block and its 'output', or a 'swift traps' or 'swift fails' block"])
        #expect(problems("::: {.exercise #ex-a}\nQ.\n\n::: {.answer}\n```swift expect\nprint(2)\n```\n\n```output\n2\n```\n:::\n:::\n").isEmpty)
        #expect(problems("::: {.exercise #ex-a}\nQ.\n:::\n").first?.hasPrefix("c.md:1:1: error: this exercise has no answer") == true)
        #expect(problems("::: {.answer}\n`{swift answer=2} 2`\n:::\n").first?.hasPrefix("c.md:1:1: error: an answer must sit inside an exercise") == true)
        #expect(problems(":::\n").first?.hasPrefix("c.md:1:1: error: this ':::' closes no fenced div") == true)
        #expect(problems("::: {.exercise #ex-a}\n\n::: {.exercise #ex-b}\n\n:::\n:::\n").contains { $0.contains("cannot sit inside another exercise") })
        #expect(problems("::: {.exercise #ex-a}\nQ.\n\n::: {.answer}\n`{swift answer=2} 2`\n:::\n\n::: {.answer}\n`{swift answer=2} 2`\n:::\n:::\n")
            .contains { $0.contains("already has an answer") })
        #expect(problems("Text.\n::: {.answer}\n`{swift answer=2} 2`\n:::\n").first?.hasPrefix("c.md:2:1: error: an answer must sit inside an exercise") == true)
        // Fences need no blank lines around them, as in Pandoc and Quarto.
        let tight = ChapterDocument(markdown: "::: {.exercise #ex-a}\nQ.\n::: {.answer}\nIt is `{swift answer=2} 2`.\n:::\n:::\n", path: "c.md")
        #expect(tight.diagnostics.isEmpty, "\(tight.diagnostics)")
        #expect(tight.document.root.children.map(\.kind) == [.exercise(label: "ex-a", number: "")])
        #expect(tight.document.root.children.first?.children.map(\.kind) == [.paragraph, .answer])
        // `:::` inside code is code.
        #expect(problems("Write `::: {.answer}` to open one.\n\n```\n:::\n```\n").isEmpty)
    }

    // MARK: Check

    @Test func aStatedAnswerMatchesOnlyTheValueComputed() {
        let third = PublishedValue.number(FlexibleDouble(1.0 / 3), tolerance: .exact)
        #expect(AnswerCheck.problem(stated: "4", computed: .integer(4)) == nil)
        #expect(AnswerCheck.problem(stated: "5", computed: .integer(4)) == "the stated answer 5 does not match the computed value 4")
        #expect(AnswerCheck.problem(stated: "4.0", computed: .integer(4)) != nil, "integers are exact")
        #expect(AnswerCheck.problem(stated: "0.33", computed: third) == nil)
        #expect(AnswerCheck.problem(stated: "0.333", computed: third) == nil)
        #expect(AnswerCheck.problem(stated: "0.34", computed: third) != nil)
        #expect(AnswerCheck.problem(stated: "0.3", computed: third) == nil)
        #expect(AnswerCheck.problem(stated: "0.3334", computed: third) != nil)
        #expect(AnswerCheck.problem(stated: "3.3e-1", computed: third) == nil)
        #expect(AnswerCheck.problem(stated: "3.4e-1", computed: third) != nil)
        #expect(AnswerCheck.problem(stated: "a third", computed: third)?.contains("is not a number") == true)
        #expect(AnswerCheck.problem(stated: "nil", computed: .text("nil")) == nil)
        #expect(AnswerCheck.problem(stated: "Nil", computed: .text("nil")) != nil)
        #expect(AnswerCheck.problem(stated: "", computed: .text("")) != nil)
        #expect(AnswerCheck.problem(stated: "x", computed: .text("")) != nil)
        let matrix = PublishedValue.tensor(shape: [2, 2], data: [1, 2, 3, 4.5].map(FlexibleDouble.init), tolerance: .exact)
        #expect(AnswerCheck.problem(stated: "[[1, 2], [3, 4.5]]", computed: matrix) == nil)
        #expect(AnswerCheck.problem(stated: "[[1,2],[3,4.5]]", computed: matrix) == nil)
        #expect(AnswerCheck.problem(stated: "[[1, 2], [3, 4.6]]", computed: matrix) != nil)
        #expect(AnswerCheck.problem(stated: "[1, 2, 3, 4.5]", computed: matrix) != nil, "the shape counts")
        #expect(AnswerCheck.problem(stated: "[]", computed: .tensor(shape: [0], data: [], tolerance: .exact)) != nil)
    }

    @Test func nanAndInfinityNeverMatch() {
        for bad in [Double.nan, .infinity, -.infinity] {
            #expect(AnswerCheck.problem(stated: "nan", computed: .number(FlexibleDouble(bad), tolerance: .exact)) != nil)
            #expect(AnswerCheck.problem(stated: "inf", computed: .number(FlexibleDouble(bad), tolerance: .exact)) != nil)
            #expect(AnswerCheck.problem(stated: "[1, nan]", computed: .tensor(shape: [2], data: [1, bad].map(FlexibleDouble.init), tolerance: .exact)) != nil)
            #expect(AnswerCheck.numberMatches("1", bad) == false)
        }
        #expect(AnswerCheck.numberMatches("nan", .nan) == nil)
        #expect(AnswerCheck.numberMatches("inf", .infinity) == nil)
    }
}
