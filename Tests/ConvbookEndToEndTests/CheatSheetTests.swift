import Foundation
import Testing

/// The cheat sheet's NumPy and JAX blocks, run against the engine's published
/// results by Tests/crosscheck/cheatsheet_crosscheck.py; and proof that a
/// block changed to compute something else fails that check.
@Suite struct CheatSheetTests {
    static let chapter = Harness.packageRoot.appendingPathComponent("chapters/cheat-sheet.md")
    static let data = Harness.packageRoot.appendingPathComponent("site/data/cheat-sheet").path
    static let script = Harness.packageRoot.appendingPathComponent("Tests/crosscheck/cheatsheet_crosscheck.py").path

    /// Runs the checker on `text` written to a temporary chapter file.
    func check(_ text: String, _ extra: [String] = []) throws -> (Harness.Result, path: String) {
        let folder = try Harness.temporaryDirectory()
        let path = folder.appendingPathComponent("cheat-sheet.md").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (try Harness.run(Harness.python!, [Self.script, path, Self.data] + extra), path)
    }

    /// The line of the first code line of the python block that holds `text`'s first occurrence of `needle`.
    func blockLine(of needle: String, in text: String) -> Int {
        let lines = text.components(separatedBy: "\n")
        let hit = lines.firstIndex { $0.contains(needle) }!
        let fence = lines[..<hit].lastIndex { $0.hasPrefix("```python") }!
        return fence + 2
    }

    @Test(.enabled(if: Harness.pythonHas("jax"), "JAX is not installed for the cross-check; `make test` installs it into .venv-crosscheck"))
    func everyCheckedBlockAgreesWithTheEngine() throws {
        let (result, _) = try check(try String(contentsOf: Self.chapter, encoding: .utf8), ["--convbook", Harness.convbook])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains(" 0 failed"), "\(result.stdout)")
        let passed = result.stdout.split(separator: ":").last.flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
        #expect(passed >= 25, "\(result.stdout)")   // 23 checked blocks, the rule and conv_transpose's sweep
    }

    @Test(.enabled(if: Harness.pythonHas("jax"), "JAX is not installed for the cross-check; `make test` installs it into .venv-crosscheck"))
    func everyCheckedBlockFailsWhenItsResultIsNudged() throws {
        // After the last line of each `# checks:` block, multiply its first result by 1 + 1e-6.
        var lines: [String] = [], nudged: [Int] = []
        var inBlock = false, firstLine = false, name = ""
        for line in try String(contentsOf: Self.chapter, encoding: .utf8).components(separatedBy: "\n") {
            if !inBlock, line.hasPrefix("```python") {
                (inBlock, firstLine, name) = (true, true, "")
            } else if inBlock, line.hasPrefix("```") {
                if !name.isEmpty { lines.append("\(name) = \(name) * (1 + 1e-6)") }
                inBlock = false
            } else if inBlock, firstLine {
                firstLine = false
                if line.hasPrefix("# checks: ") {
                    name = String(line.dropFirst("# checks: ".count).prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                    nudged.append(lines.count + 1)
                }
            }
            lines.append(line)
        }
        #expect(nudged.count >= 23)   // with the pooling, per-side, SAME and channels-last blocks
        let (result, path) = try check(lines.joined(separator: "\n"))
        #expect(result.status == 1, "\(result.stdout)")
        for line in nudged {
            #expect(result.stdout.contains("FAIL \(path):\(line): "), "block at line \(line) passed when nudged:\n\(result.stdout)")
        }
        // Only the `# rule:` block, which checks no published array, still passes.
        #expect(result.stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL ") }.count == nudged.count, "\(result.stdout)")
    }

    @Test(.enabled(if: Harness.pythonHas("jax"), "JAX is not installed for the cross-check; `make test` installs it into .venv-crosscheck"))
    func aBlockChangedToComputeSomethingElseFails() throws {
        let original = try String(contentsOf: Self.chapter, encoding: .utf8)
        // Each change hits one block (or the table), and each is a slip a reader could make.
        let changes: [(String, String)] = [
            ("dx, dw, db = pullback(dy)", "dx, dw, db = pullback(2 * dy)"),
            ("w.transpose(2, 3, 1, 0)", "w.transpose(3, 2, 1, 0)"),
            ("up = conv_transpose(dy, w, (2, 1), (1, 2), (1, 0), (1, 2), 2)", "up = conv_transpose(dy, w, (2, 1), (1, 2), (0, 1), (1, 2), 2)"),
            ("corr_full = scipy.signal.correlate2d(a, k, mode=\"full\")", "corr_full = scipy.signal.convolve2d(a, k, mode=\"full\")"),
            ("turned = np.flip(w, (2, 3))", "turned = np.flip(w, 3)"),
            ("dz = da * (y > 0)", "dz = da * (y < 0)"),
            ("return (total // 2, total - total // 2)", "return (total - total // 2, total // 2)"),
            ("taps = spans[:, :, ::2, ::1, ::1, ::2]", "taps = spans[:, :, ::1, ::2, ::1, ::2]"),
            // Pooling: the last maximum of a tied window instead of the first, in NumPy and in JAX (the
            // geometry is symmetric under a 180° turn, so turning x, pooling and turning back keeps y
            // and moves dy to the last maximum); and the padding counted in the divisor after all.
            ("k = np.argmax(windows, axis=-1)", "k = 5 - np.argmax(windows[..., ::-1], axis=-1)"),
            ("y_max, pullback = jax.vjp(max_pool, x_pool)",
             "y_max, pullback = jax.vjp(lambda t: max_pool(t[:, :, ::-1, ::-1])[:, :, ::-1, ::-1], x_pool)"),
            ("return window_sum(x) / window_sum(jnp.ones_like(x))", "return window_sum(x) / (3 * 2)"),
            // Padding per side with the sides swapped; SAME with the odd row before instead of after.
            ("padding=((0, 2), (3, 1)),", "padding=((2, 0), (1, 3)),"),
            ("window_strides=stride, padding=\"SAME\",", "window_strides=stride, padding=\"SAME_LOWER\","),
        ]
        var text = original
        for (old, new) in changes {
            #expect(original.components(separatedBy: old).count == 2, "'\(old)' is not in the chapter exactly once")
            text = text.replacingOccurrences(of: old, with: new)
        }
        text = text.replacingOccurrences(of: "| `jnp.pad` |", with: "| `jnp.pad_edges` |")
        let (result, path) = try check(text)
        #expect(result.status == 1, "\(result.stdout)")
        for (old, _) in changes {
            let line = blockLine(of: old, in: original)
            #expect(result.stdout.contains("FAIL \(path):\(line): "), "the change of '\(old)' (block at line \(line)) passed:\n\(result.stdout)")
        }
        #expect(result.stdout.contains("FAIL \(path):1: the table names `jnp.pad_edges`"), "\(result.stdout)")
    }
}
