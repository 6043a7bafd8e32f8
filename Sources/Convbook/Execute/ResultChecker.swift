import ConvbookFormat
/// Turns an execution result into the diagnostics its checks call for:
/// code that uses a variable declared further down (``ForwardReferences``),
/// gradient checks above their threshold, closed forms that disagree with the
/// loops, `expect` blocks whose output differs, `traps` blocks that did not
/// trap, `fails` blocks that compiled, and exercise answers the computed
/// value does not match (``AnswerCheck``). Run on cached results too, with the
/// chapter's current line numbers.
struct ResultChecker {
    let locator: Locator

    func diagnostics(for result: ExecutionResult) -> [Diagnostic] {
        var found = [Diagnostic]()
        let path = locator.chapterPath
        for warning in result.warnings {
            found.append(locator.diagnostic(warning))
        }
        for use in ForwardReferences.find(in: locator.program.cells) {
            found.append(Diagnostic(file: path, line: use.line, column: use.column,
                                    message: "'\(use.name)' is used here but declared further down, at line \(use.declaredLine): the chapter's code runs in document order, so this would read '\(use.name)' before it is set; declare it above"))
        }
        for (id, problem) in result.inlineErrors.sorted(by: { $0.key < $1.key }) {
            let inline = locator.program.inline(id)
            found.append(Diagnostic(file: path, line: inline?.line ?? 0, column: inline?.column ?? 0,
                                    message: "this inline value cannot be shown: \(problem)"))
        }
        for case .inline(let inline) in locator.program.cells {
            guard let stated = inline.answer, result.inlineErrors[inline.id] == nil else { continue }
            let problem = inline.id < result.inlines.count ? result.inlines[inline.id].map { AnswerCheck.problem(stated: stated, computed: $0) }
                ?? "the answer has no computed value" : "the answer has no computed value"
            if let problem {
                found.append(Diagnostic(file: path, line: inline.line, column: inline.column, message: problem + " of `\(inline.code)`"))
            }
        }
        for blockResult in result.blocks {
            guard let block = locator.program.block(blockResult.index) else { continue }
            for item in blockResult.items {
                switch item {
                case .gradientCheck(let rows, let threshold, let location):
                    if rows.isEmpty {
                        found.append(at(location, block, "gradient check compares no gradients: it cannot fail, so it cannot pass"))
                    }
                    for row in rows where !passes(row.error.value, bound: threshold) {
                        found.append(at(location, block, "gradient check failed: relative error of \(row.name) is \(NumberFormat.scientific(row.error.value)), above the threshold \(NumberFormat.scientific(threshold))"))
                    }
                case .agreement(let label, let difference, let tolerance, let note, let location):
                    if !passes(difference.value, bound: tolerance) {
                        found.append(at(location, block, "'\(label)' disagree: largest difference \(NumberFormat.scientific(difference.value)) is above the tolerance \(NumberFormat.scientific(tolerance))" + (note.map { " (\($0))" } ?? "")))
                    }
                case .rule(let rule, let location):
                    if let message = Self.problem(rule) { found.append(at(location, block, message)) }
                case .text, .tensor, .table, .figure, .plot, .explorer, .parameterExplorer:
                    break
                }
            }
            switch block.options.mode {
            case .traps:
                if blockResult.trapMissed || blockResult.trapMessage == nil {
                    found.append(Diagnostic(file: path, line: block.fenceLine, column: 1,
                                            message: "block marked 'traps' ran to its end without trapping"))
                }
            case .fails:
                if blockResult.compilerErrors == nil {
                    found.append(Diagnostic(file: path, line: block.fenceLine, column: 1,
                                            message: "block marked 'fails' compiled; remove 'fails' or make it an error"))
                }
            case .run, .norun:
                break
            }
            if let tolerance = block.options.expectTolerance {
                let actual = blockResult.items.compactMap { item -> String? in
                    if case .text(let text) = item { return text } else { return nil }
                }.joined()
                if let expected = block.expectedOutput {
                    if let difference = OutputComparison.difference(expected: expected, actual: actual, tolerance: tolerance) {
                        found.append(Diagnostic(file: path, line: block.fenceLine, column: 1,
                                                message: "output differs from the expected output (tolerance \(NumberFormat.scientific(tolerance))):\n\(difference)"))
                    }
                } else {
                    found.append(Diagnostic(file: path, line: block.fenceLine, column: 1,
                                            message: "block marked 'expect' must be followed by a fenced block with the info string 'output' holding the expected output"))
                }
            }
        }
        return found
    }

    /// What is wrong with a rule check, or nil when it held in every setting it compared.
    static func problem(_ rule: Record.Rule) -> String? {
        if rule.checked == 0 {
            return "rule '\(rule.label)' compares no setting (\(rule.excluded) left out): it cannot fail, so it cannot pass"
        }
        guard rule.disagreements > 0 else { return nil }
        let first = rule.counterexamples.first.map {
            " at \($0.setting): stated \($0.stated), measured \($0.measured)"
        } ?? ""
        return "rule '\(rule.label)' is false\(first) (\(rule.disagreements) of \(rule.checked) settings disagree)"
    }

    private func at(_ location: ExecutionResult.VirtualLocation, _ block: CodeCell, _ message: String) -> Diagnostic {
        let mapped = locator.location(location)
        return Diagnostic(file: locator.chapterPath, line: mapped?.line ?? block.fenceLine, column: mapped?.column ?? 0, message: message)
    }
}

/// Compares printed output with the expected text: numbers within a relative
/// tolerance, everything else exactly, trailing white space ignored.
enum OutputComparison {
    /// nil when they match; otherwise a unified-style diff of the lines that differ.
    static func difference(expected: String, actual: String, tolerance: Double) -> String? {
        let want = lines(expected), got = lines(actual)
        var report = [String]()
        for i in 0..<max(want.count, got.count) {
            let w = i < want.count ? want[i] : nil
            let g = i < got.count ? got[i] : nil
            if let w, let g, linesMatch(w, g, tolerance: tolerance) { continue }
            if let w { report.append("- \(w)") }
            if let g { report.append("+ \(g)") }
        }
        return report.isEmpty ? nil : "--- expected\n+++ actual\n" + report.joined(separator: "\n")
    }

    private static func lines(_ text: String) -> [String] {
        var result = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0).replacing(/\s+$/, with: "")
        }
        while result.last == "" { result.removeLast() }
        return result
    }

    /// Splits a line into number and non-number tokens and compares them.
    static func linesMatch(_ a: String, _ b: String, tolerance: Double) -> Bool {
        if a == b { return true }
        let pattern = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/
        let ta = tokens(a, pattern), tb = tokens(b, pattern)
        guard ta.count == tb.count else { return false }
        for (x, y) in zip(ta, tb) {
            switch (x, y) {
            case (.number(let p), .number(let q)):
                if !(abs(p - q) <= tolerance * max(abs(p), abs(q)) || abs(p - q) <= tolerance) { return false }
            case (.text(let p), .text(let q)):
                if p != q { return false }
            default:
                return false
            }
        }
        return true
    }

    private enum Token { case number(Double), text(String) }

    private static func tokens(_ s: String, _ pattern: some RegexComponent<Substring>) -> [Token] {
        var result = [Token]()
        var rest = s[...]
        while let match = rest.firstMatch(of: pattern) {
            if match.range.lowerBound > rest.startIndex { result.append(.text(String(rest[rest.startIndex..<match.range.lowerBound]))) }
            result.append(.number(Double(String(match.output)) ?? .nan))
            rest = rest[match.range.upperBound...]
        }
        if !rest.isEmpty { result.append(.text(String(rest))) }
        return result
    }
}
