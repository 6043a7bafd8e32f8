import Crypto
import Foundation

/// Typesets TeX at build time with KaTeX (Debian's `katex` node module), to
/// HTML with MathML for screen readers: one `node` process per build renders
/// every formula not already in the cache. A TeX error becomes a diagnostic
/// at the formula's chapter line, with KaTeX's message.
///
/// The node module is looked for in `$NODE_PATH`, then `/usr/share/nodejs`
/// (where Debian installs it). Rendered formulas are cached in
/// `.convbook-cache/katex.json`, keyed by the KaTeX version, display mode and TeX.
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

    let cacheFile: URL?
    let script: URL

    static let debianModulePath = "/usr/share/nodejs"

    /// Renders every formula; returns HTML by formula, or throws every TeX error at once.
    func render(_ occurrences: [Occurrence]) throws -> [Formula: String] {
        var cache = loadCache()
        let unique = Array(Set(occurrences.map(\.formula)))
        let missing = unique.filter { cache.entries[key($0)] == nil }.sorted { ($0.tex, $0.display ? 1 : 0) < ($1.tex, $1.display ? 1 : 0) }
        var errors = [Formula: String]()
        if !missing.isEmpty {
            let (version, results) = try runKaTeX(missing)
            if cache.version != version { cache = Cache(version: version, entries: [:]) }
            for (formula, result) in zip(missing, results) {
                if let html = result.html { cache.entries[key(formula)] = html } else { errors[formula] = result.error ?? "unknown KaTeX error" }
            }
            if errors.isEmpty { saveCache(cache) }
        }
        if !errors.isEmpty {
            throw BuildFailure(occurrences.compactMap { occurrence in
                errors[occurrence.formula].map {
                    Diagnostic(file: occurrence.file, line: occurrence.line, column: occurrence.column,
                               message: "TeX error: " + $0.split(whereSeparator: \.isNewline).joined(separator: " "))
                }
            }.sorted())
        }
        var html = [Formula: String]()
        for formula in unique { html[formula] = cache.entries[key(formula)] }
        return html
    }

    private func key(_ formula: Formula) -> String {
        SHA256.hash(data: Data(((formula.display ? "D" : "I") + formula.tex).utf8)).hexString
    }

    private struct Result: Decodable { var html: String?; var error: String? }
    private struct Output: Decodable { var version: String; var results: [Result] }
    private struct Cache: Codable { var version: String; var entries: [String: String] }

    private func runKaTeX(_ formulas: [Formula]) throws -> (String, [Result]) {
        let input = try JSONSerialization.data(withJSONObject: formulas.map { ["tex": $0.tex, "display": $0.display] as [String: Any] })
        guard let node = Self.findNode() else {
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
        return (output.version, output.results)
    }

    static func findNode() -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            for name in ["node", "nodejs"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }

    private func loadCache() -> Cache {
        guard let cacheFile, let data = try? Data(contentsOf: cacheFile),
              let cache = try? JSONDecoder().decode(Cache.self, from: data) else { return Cache(version: "", entries: [:]) }
        return cache
    }

    private func saveCache(_ cache: Cache) {
        guard let cacheFile else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(cache) else { return }
        try? FileManager.default.createDirectory(at: cacheFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = cacheFile.appendingPathExtension("\(ProcessInfo.processInfo.processIdentifier).tmp")
        if (try? data.write(to: temporary)) != nil {
            _ = try? FileManager.default.replaceItemAt(cacheFile, withItemAt: temporary)
            if FileManager.default.fileExists(atPath: temporary.path) { try? FileManager.default.moveItem(at: temporary, to: cacheFile) }
        }
    }
}
