import Foundation

/// Typesets TeX at build time with KaTeX (Debian's `katex` node module), to
/// HTML with MathML for screen readers: one `node` process per build renders
/// every formula not already in the cache. A TeX error becomes a diagnostic
/// at the formula's chapter line, with KaTeX's message.
///
/// The node module is looked for in `$NODE_PATH`, then `/usr/share/nodejs`
/// (where Debian installs it). Rendered formulas are kept in the
/// ``CacheStore`` (kind `katex`), keyed by the installed KaTeX, the driver
/// script, the display mode and the TeX, each entry checked against its
/// SHA-256 like every other.
struct MathRenderer {
    struct Formula: Hashable, Sendable {
        var tex: String
        var display: Bool
    }

    /// Where a formula was written, for errors.
    struct Occurrence: Sendable {
        var formula: Formula
        var file: String
        var line: Int
        var column: Int
    }

    /// nil: nothing is cached (`--no-cache`).
    let store: CacheStore?
    let script: URL

    static let debianModulePath = "/usr/share/nodejs"

    /// Renders every formula; returns HTML by formula, or throws every TeX error at once.
    func render(_ occurrences: [Occurrence]) throws -> [Formula: String] {
        let unique = Array(Set(occurrences.map(\.formula))).sorted { ($0.tex, $0.display ? 1 : 0) < ($1.tex, $1.display ? 1 : 0) }
        let context = CacheStore.key(["katex-1", KaTeXAssets.stamp, (try? Data(contentsOf: script)).map(CacheStore.digest) ?? ""])
        var html = [Formula: String]()
        for formula in unique {
            if let data = store?.loadData(kind: "katex", key: key(formula, context)) { html[formula] = String(decoding: data, as: UTF8.self) }
        }
        let missing = unique.filter { html[$0] == nil }
        var errors = [Formula: String]()
        if !missing.isEmpty {
            for (formula, result) in zip(missing, try runKaTeX(missing)) {
                if let rendered = result.html {
                    html[formula] = rendered
                    store?.storeData(Data(rendered.utf8), kind: "katex", key: key(formula, context))
                } else {
                    errors[formula] = result.error ?? "unknown KaTeX error"
                }
            }
        }
        if !errors.isEmpty {
            throw BuildFailure(occurrences.compactMap { occurrence in
                errors[occurrence.formula].map {
                    Diagnostic(file: occurrence.file, line: occurrence.line, column: occurrence.column,
                               message: "TeX error: " + $0.split(whereSeparator: \.isNewline).joined(separator: " "))
                }
            }.sorted())
        }
        return html
    }

    private func key(_ formula: Formula, _ context: String) -> String {
        CacheStore.key([context, formula.display ? "display" : "inline", formula.tex])
    }

    private struct Result: Decodable { var html: String?; var error: String? }
    private struct Output: Decodable { var version: String; var results: [Result] }

    private func runKaTeX(_ formulas: [Formula]) throws -> [Result] {
        let input = try JSONSerialization.data(withJSONObject: formulas.map { ["tex": $0.tex, "display": $0.display] as [String: Any] })
        guard let node = Subprocess.locate(["node", "nodejs"]) else {
            throw Diagnostic(file: "convbook", message: "cannot find `node` on PATH: math is typeset with KaTeX at build time (Debian: apt-get install nodejs katex)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["NODE_PATH"] = [environment["NODE_PATH"], Self.debianModulePath].compactMap { $0 }.joined(separator: ":")
        let outcome = try Subprocess(executable: node, arguments: [script.path], environment: environment, stdin: input).run()
        guard outcome.succeeded, let output = try? JSONDecoder().decode(Output.self, from: outcome.stdout),
              output.results.count == formulas.count else {
            let hint = outcome.stderrText.contains("Cannot find module") ? " (is Debian's `katex` package installed?)" : ""
            throw Diagnostic(file: "convbook", message: "KaTeX did not run\(hint): \(outcome.stderrText.split(separator: "\n").prefix(3).joined(separator: " "))")
        }
        return output.results
    }
}
