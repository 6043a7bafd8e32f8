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
/// ``CacheStore``, keyed by the driver script and the installed packages,
/// each entry checked against its SHA-256 like every other: only formulas
/// and code not typeset before start node at all. Formulas are packed, one
/// entry (kind `katex`) per file they occur in, holding all of its formulas,
/// so a chapter with 40,000 formulas is one file in the cache, not 40,000;
/// code is one entry (kind `highlight`) per block.
struct Typesetter {
    struct Formula: Hashable, Sendable, Codable {
        var tex: String
        var display: Bool
        /// How many `\htmlData{v=N}{…}` marks inject put in `tex` (``MathValueMark``): KaTeX trusts
        /// that many, each with a `v` and nothing else; any other `\htmlData` is a TeX error.
        var values = 0
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
        let formulas = Array(Set(occurrences.map(\.formula))).sorted { ($0.tex, $0.display ? 1 : 0, $0.values) < ($1.tex, $1.display ? 1 : 0, $1.values) }
        let sources = Array(Set(code)).sorted()
        let scriptDigest = (try? Data(contentsOf: script)).map(CacheStore.digest) ?? ""
        let mathContext = CacheKind.katex.key([KaTeXAssets.stamp, scriptDigest])
        let codeContext = CacheKind.highlight.key([Self.installedStamp(Self.highlightPackage), scriptDigest])
        var typeset = Typeset()
        // The formulas of each file, and each file's pack as the cache had it.
        var byFile = [String: Set<Formula>]()
        for occurrence in occurrences { byFile[occurrence.file, default: []].insert(occurrence.formula) }
        var packed = [String: [Formula: String]]()
        for file in byFile.keys {
            let pack = store?.load(Pack.self, kind: .katex, key: packKey(file, mathContext))?.formulas ?? [:]
            packed[file] = pack
            for formula in byFile[file]! { if let html = pack[formula] { typeset.math[formula] = html } }
        }
        for source in sources {
            if let data = store?.loadData(kind: .highlight, key: CacheStore.key([codeContext, source])) {
                typeset.code[source] = String(decoding: data, as: UTF8.self)
            }
        }
        let missingMath = formulas.filter { typeset.math[$0] == nil }
        let missingCode = sources.filter { typeset.code[$0] == nil }
        defer {
            // A file's pack is written again when it lacks one of the file's
            // formulas or holds one the file no longer has.
            for (file, wanted) in byFile.sorted(by: { $0.key < $1.key }) {
                let pack = Dictionary(uniqueKeysWithValues: wanted.compactMap { formula in typeset.math[formula].map { (formula, $0) } })
                if pack.count == wanted.count && pack != packed[file] {
                    store?.store(Pack(formulas: pack), kind: .katex, key: packKey(file, mathContext))
                }
            }
        }
        guard !missingMath.isEmpty || !missingCode.isEmpty else { return typeset }

        let output = try runNode(math: missingMath, code: missingCode)
        var errors = [Formula: String]()
        for (formula, result) in zip(missingMath, output.math) {
            if let rendered = result.html {
                typeset.math[formula] = rendered
            } else {
                errors[formula] = result.error ?? "unknown KaTeX error"
            }
        }
        for (source, result) in zip(missingCode, output.code) {
            guard let html = result.html else {
                throw Diagnostic(file: "convbook", message: "highlight.js failed on a code block: \(result.error ?? "unknown error")")
            }
            typeset.code[source] = html
            store?.storeData(Data(html.utf8), kind: .highlight, key: CacheStore.key([codeContext, source]))
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

    /// The typeset formulas of one file.
    private struct Pack: Codable {
        var formulas: [Formula: String]
    }

    private func packKey(_ file: String, _ context: String) -> String {
        CacheStore.key([context, "pack", file])
    }

    /// An installed file's size and time: a new package version changes it.
    private static func installedStamp(_ path: String) -> String {
        FileIdentity(path: path).map { "\(path) \($0.sizeAndTime)" } ?? "\(path) missing"
    }

    private struct Result: Decodable { var html: String?; var error: String? }
    private struct Output: Decodable { var math: [Result]; var code: [Result] }

    private func runNode(math: [Formula], code: [String]) throws -> Output {
        let request: [String: Any] = ["math": math.map { ["tex": $0.tex, "display": $0.display, "values": $0.values] as [String: Any] }, "code": code]
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

extension Typesetter {
    /// Highlights the code `chapters` show into `store`, on another thread,
    /// where a later ``typeset(_:code:)`` finds it: a chapter just edited then
    /// pays for node's start while it compiles, not after. Errors are left
    /// for that later run, which typesets again what is missing and reports
    /// them. Wait on the group before typesetting.
    static func prefetch(codeOf chapters: [Chapter], into store: CacheStore?) -> DispatchGroup {
        let group = DispatchGroup()
        let code = chapters.flatMap { chapter in
            chapter.program.cells.compactMap { cell -> String? in
                if case .block(let block) = cell { return block.shownCode }
                return nil
            }
        }
        guard let store, !code.isEmpty, let script = Theme.typesetScript else { return group }
        DispatchQueue.global().async(group: group) {
            _ = try? Typesetter(store: store, script: script).typeset([], code: code)
        }
        return group
    }
}
