import Foundation

/// What node typesets at build time, in one process a build (the theme's
/// `typeset.js`): TeX with KaTeX (Debian's `katex`), to HTML with MathML for
/// screen readers, and the chapters' Swift code with highlight.js (Debian's
/// `node-highlight.js`), whose runs become `<span class="hl-KIND">` with the
/// text HTML-escaped, so pages need no script to colour code. A TeX error
/// becomes a diagnostic at the formula's chapter line, with KaTeX's message.
///
/// The node modules are looked for in `$NODE_PATH`, then `/usr/share/nodejs`
/// (where Debian installs them). What node made is kept in the
/// ``CacheStore`` (kinds `katex` and `highlight`), keyed by the driver
/// script, the installed packages and the input, each entry checked against
/// its SHA-256 like every other: only formulas and code not typeset before
/// start node at all.
struct Typesetter {
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

    /// Typeset formulas by formula, and highlighted code (HTML) by its source.
    struct Typeset: Sendable {
        var math: [Formula: String] = [:]
        var code: [String: String] = [:]
    }

    /// nil: nothing is cached (`--no-cache`).
    let store: CacheStore?
    let script: URL

    static let debianModulePath = "/usr/share/nodejs"
    /// Debian's highlight.js, whose version joins the highlighted code's cache key.
    static let highlightPackage = debianModulePath + "/highlight.js/package.json"

    /// Typesets every formula and highlights every piece of code; throws every TeX error at once.
    func typeset(_ occurrences: [Occurrence], code: [String] = []) throws -> Typeset {
        let formulas = Array(Set(occurrences.map(\.formula))).sorted { ($0.tex, $0.display ? 1 : 0) < ($1.tex, $1.display ? 1 : 0) }
        let sources = Array(Set(code)).sorted()
        let scriptDigest = (try? Data(contentsOf: script)).map(CacheStore.digest) ?? ""
        let mathContext = CacheStore.key(["katex-1", KaTeXAssets.stamp, scriptDigest])
        let codeContext = CacheStore.key(["highlight-1", Self.installedStamp(Self.highlightPackage), scriptDigest])
        var typeset = Typeset()
        for formula in formulas {
            if let data = store?.loadData(kind: "katex", key: key(formula, mathContext)) { typeset.math[formula] = String(decoding: data, as: UTF8.self) }
        }
        for source in sources {
            if let data = store?.loadData(kind: "highlight", key: CacheStore.key([codeContext, source])) {
                typeset.code[source] = String(decoding: data, as: UTF8.self)
            }
        }
        let missingMath = formulas.filter { typeset.math[$0] == nil }
        let missingCode = sources.filter { typeset.code[$0] == nil }
        guard !missingMath.isEmpty || !missingCode.isEmpty else { return typeset }

        let output = try runNode(math: missingMath, code: missingCode)
        var errors = [Formula: String]()
        for (formula, result) in zip(missingMath, output.math) {
            if let rendered = result.html {
                typeset.math[formula] = rendered
                store?.storeData(Data(rendered.utf8), kind: "katex", key: key(formula, mathContext))
            } else {
                errors[formula] = result.error ?? "unknown KaTeX error"
            }
        }
        for (source, result) in zip(missingCode, output.code) {
            guard let html = result.html else {
                throw Diagnostic(file: "convbook", message: "highlight.js failed on a code block: \(result.error ?? "unknown error")")
            }
            typeset.code[source] = html
            store?.storeData(Data(html.utf8), kind: "highlight", key: CacheStore.key([codeContext, source]))
        }
        if !errors.isEmpty {
            throw BuildFailure(occurrences.compactMap { occurrence in
                errors[occurrence.formula].map {
                    Diagnostic(file: occurrence.file, line: occurrence.line, column: occurrence.column,
                               message: "TeX error: " + $0.split(whereSeparator: \.isNewline).joined(separator: " "))
                }
            }.sorted())
        }
        return typeset
    }

    private func key(_ formula: Formula, _ context: String) -> String {
        CacheStore.key([context, formula.display ? "display" : "inline", formula.tex])
    }

    /// An installed file's size and time: a new package version changes it.
    private static func installedStamp(_ path: String) -> String {
        var info = stat()
        return stat(path, &info) == 0 ? "\(path) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)" : "\(path) missing"
    }

    private struct Result: Decodable { var html: String?; var error: String? }
    private struct Output: Decodable { var math: [Result]; var code: [Result] }

    private func runNode(math: [Formula], code: [String]) throws -> Output {
        let request: [String: Any] = ["math": math.map { ["tex": $0.tex, "display": $0.display] as [String: Any] }, "code": code]
        let input = try JSONSerialization.data(withJSONObject: request)
        guard let node = Subprocess.locate(["node", "nodejs"]) else {
            throw Diagnostic(file: "convbook", message: "cannot find `node` on PATH: math and code are typeset at build time with KaTeX and highlight.js (Debian: apt-get install nodejs katex node-highlight.js)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["NODE_PATH"] = [environment["NODE_PATH"], Self.debianModulePath].compactMap { $0 }.joined(separator: ":")
        let outcome = try Subprocess(executable: node, arguments: [script.path], environment: environment, stdin: input).run()
        guard outcome.succeeded, let output = try? JSONDecoder().decode(Output.self, from: outcome.stdout),
              output.math.count == math.count, output.code.count == code.count else {
            let hint = outcome.stderrText.contains("Cannot find module") ? " (are Debian's `katex` and `node-highlight.js` packages installed?)" : ""
            throw Diagnostic(file: "convbook", message: "node did not typeset\(hint): \(outcome.stderrText.split(separator: "\n").prefix(3).joined(separator: " "))")
        }
        return output
    }
}
