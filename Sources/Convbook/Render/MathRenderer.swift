import Crypto
import Foundation

/// Typesets TeX at build time with KaTeX (Debian's `katex` node module), to
/// HTML with MathML for screen readers: one `node` process per build renders
/// every formula not already in the cache. A TeX error becomes a diagnostic
/// at the formula's chapter line, with KaTeX's message.
///
/// The node module is looked for in `$NODE_PATH`, then `/usr/share/nodejs`
/// (where Debian installs it). Rendered formulas are cached in
/// `.convbook-cache/katex.cache`, keyed by the KaTeX version, display mode and
/// TeX, in a length-prefixed format that loads without a JSON parser (a warm
/// rebuild reads it every time).
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
    private struct Cache { var version: String; var entries: [String: String] }

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

    private static let magic = "convbook-katex-cache 2"

    /// Reads `MAGIC VERSION\n` then records `KEY LENGTH SHA256\nHTML\n`;
    /// anything malformed gives an empty cache (it is rebuilt), and an entry
    /// whose HTML does not match its SHA-256 is dropped (that formula is
    /// typeset again), like a chapter result that fails its checksum.
    private func loadCache() -> Cache {
        let empty = Cache(version: "", entries: [:])
        guard let cacheFile, let data = try? Data(contentsOf: cacheFile) else { return empty }
        let bytes = [UInt8](data)
        var at = 0
        func line() -> String? {
            guard let end = bytes[at...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            defer { at = end + 1 }
            return String(decoding: bytes[at..<end], as: UTF8.self)
        }
        guard let header = line(), header.hasPrefix(Self.magic + " ") else { return empty }
        var cache = Cache(version: String(header.dropFirst(Self.magic.count + 1)), entries: [:])
        while at < bytes.count {
            guard let record = line() else { return empty }
            let parts = record.split(separator: " ")
            guard parts.count == 3, let length = Int(parts[1]), length >= 0, at + length < bytes.count else { return empty }
            let body = bytes[at..<(at + length)]
            if SHA256.hash(data: Data(body)).hexString == parts[2] {
                cache.entries[String(parts[0])] = String(decoding: body, as: UTF8.self)
            }
            at += length + 1
        }
        return cache
    }

    private func saveCache(_ cache: Cache) {
        guard let cacheFile else { return }
        var data = Data("\(Self.magic) \(cache.version)\n".utf8)
        for (key, html) in cache.entries.sorted(by: { $0.key < $1.key }) {
            let body = Data(html.utf8)
            data.append(Data("\(key) \(body.count) \(SHA256.hash(data: body).hexString)\n".utf8))
            data.append(body)
            data.append(UInt8(ascii: "\n"))
        }
        try? FileManager.default.createDirectory(at: cacheFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = cacheFile.appendingPathExtension("\(ProcessInfo.processInfo.processIdentifier).tmp")
        if (try? data.write(to: temporary)) != nil {
            _ = try? FileManager.default.replaceItemAt(cacheFile, withItemAt: temporary)
            if FileManager.default.fileExists(atPath: temporary.path) { try? FileManager.default.moveItem(at: temporary, to: cacheFile) }
        }
    }
}
