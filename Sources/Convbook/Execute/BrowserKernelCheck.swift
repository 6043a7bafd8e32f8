import ConvbookFormat
import Foundation

/// The build's check of the page's own kernel: node runs `convkernel.js`, the
/// very bytes the site ships, through `kernel-check.js` on every published
/// example (each explorer, each setting of a parameter explorer) and on the
/// engine's reference layers, and every output must agree with the engine's
/// to 1e-12 relative (largest difference over the largest magnitude). A
/// disagreement is an error at the chapter line of the example, or, for a
/// reference layer, one that names the layer.
///
/// Verdicts are cached with the chapter's checks (their key holds the
/// kernel's digest), so node runs only for results or a kernel that changed.
struct BrowserKernelCheck {
    static let tolerance = 1e-12

    /// The kernel's file (the theme's `convkernel.js`), and its bytes.
    let kernelPath: String
    let kernel: Data
    /// The node driver that runs it (convbook's `kernel-check.js`); nil when convbook's resources lack it.
    let script: URL?

    /// A case with the diagnostic its failure becomes.
    struct Case {
        var kernelCase: KernelCase
        var place: (_ message: String) -> Diagnostic
        var what: String
    }

    var digest: String { CacheStore.digest(kernel) }

    /// The cases of one chapter's result: its explorers and parameter explorers.
    static func cases(in result: ExecutionResult, locator: Locator) -> [Case] {
        var found = [Case]()
        for blockResult in result.blocks {
            guard let block = locator.program.block(blockResult.index) else { continue }
            for item in blockResult.items {
                func place(_ location: ExecutionResult.VirtualLocation) -> (String) -> Diagnostic {
                    let mapped = locator.program.mapLocation(file: location.file, line: location.line, column: location.column)
                    return { Diagnostic(file: locator.chapterPath, line: mapped?.line ?? block.fenceLine, column: mapped?.column ?? 0, message: $0) }
                }
                switch item {
                case .explorer(let explorer, let location):
                    found.append(Case(kernelCase: explorer.kernelCase, place: place(location),
                                      what: "the example '\(explorer.label)'"))
                case .parameterExplorer(let explorer, let location):
                    for (number, row) in explorer.table.enumerated() {
                        let s = row.settings
                        found.append(Case(kernelCase: KernelCase(id: "\(explorer.label) \(number + 1)", parameters: s.parameters,
                                                                 tensors: ["x": row.x, "w": row.w, "dy": row.dy, "y": row.y, "dx": row.dx]),
                                          place: place(location),
                                          what: "setting \(number + 1) of the parameter explorer '\(explorer.label)' (\(Self.describe(row.kernelLayer)))"))
                    }
                default:
                    break
                }
            }
        }
        return found
    }

    /// The node process of a check, started before its cases are known: it
    /// loads the script and the kernel (most of the check's time) while the
    /// chapters compile. ``outcome(for:)`` hands it the cases and waits;
    /// whoever started it calls ``finish()`` in the end, which hands it no
    /// cases if it got none, so that it ends, and waits for it.
    final class Started: @unchecked Sendable {
        private let input = DispatchSemaphore(value: 0)
        private let running = DispatchGroup()
        private let lock = NSLock()
        private var cases: Data?
        private var handed = false
        private var outcome: Result<Subprocess.Outcome, Diagnostic>?

        fileprivate init(_ process: (_ laterStdin: @escaping @Sendable () -> Data) -> Subprocess, kernelPath: String) {
            let subprocess = process { [self] in
                input.wait()
                return lock.withLock { cases } ?? Data()
            }
            running.enter()
            Thread.detachNewThread { [self] in
                let result: Result<Subprocess.Outcome, Diagnostic>
                do {
                    result = .success(try subprocess.run())
                } catch {
                    result = .failure(Diagnostic(file: kernelPath, message: "cannot run the kernel check in node: \(error)"))
                }
                lock.withLock { outcome = result }
                running.leave()
            }
        }

        /// Hands node `data` unless it has its input already.
        private func hand(_ data: Data) {
            let first = lock.withLock { () -> Bool in
                defer { handed = true }
                if !handed { cases = data }
                return !handed
            }
            if first { input.signal() }
        }

        /// What node did with `data`.
        fileprivate func outcome(for data: Data) throws(Diagnostic) -> Subprocess.Outcome {
            hand(data)
            running.wait()
            return try lock.withLock { outcome! }.get()
        }

        func finish() {
            hand(Data(#"{"cases":[]}"#.utf8))
            running.wait()
        }
    }

    /// Starts node for a check whose cases come later; the error says what is missing.
    func start() throws(Diagnostic) -> Started {
        guard let script else {
            throw Diagnostic(file: "convbook", message: "kernel-check.js is missing from convbook's resources")
        }
        guard let node = Subprocess.locate(["node", "nodejs"]) else {
            throw Diagnostic(file: "convbook", message: "cannot find `node` on PATH: the build checks the page's kernel (convkernel.js) in node (Debian: apt-get install nodejs)")
        }
        let kernelPath = self.kernelPath
        return Started({ Subprocess(executable: node, arguments: [script.path, kernelPath], timeout: Self.nodeTimeout, laterStdin: $0) },
                       kernelPath: kernelPath)
    }

    /// Runs the kernel on `cases` in one node process (`started`, or one
    /// started now): for each case, the diagnostics of the outputs that disagree.
    func run(_ cases: [Case], started: Started? = nil) throws(Diagnostic) -> [[Diagnostic]] {
        guard !cases.isEmpty else { return [] }
        let verdicts = try errors(cases.map(\.kernelCase), started: started)
        var found = [[Diagnostic]]()
        for (item, errors) in zip(cases, verdicts) {
            found.append([])
            // An output the case has but the verdict lacks was not compared: that fails too.
            for name in KernelCase.outputs where item.kernelCase.tensors[name] != nil {
                let error = errors[name] ?? .nan
                if !(error <= Self.tolerance) {   // NaN fails too
                    found[found.count - 1].append(item.place("the browser's kernel (\(kernelPath)) disagrees with the engine on \(name) of \(item.what): relative difference \(NumberFormat.scientific(error)), above \(NumberFormat.scientific(Self.tolerance))"))
                }
            }
        }
        return found
    }

    /// The relative difference of each output of each case, as node computed them.
    private func errors(_ cases: [KernelCase], started: Started?) throws(Diagnostic) -> [[String: Double]] {
        struct Input: Encodable { var cases: [KernelCase] }
        struct Output: Decodable { var results: [Verdict] }
        struct Verdict: Decodable { var id: String; var errors: [String: FlexibleDouble] }
        let process: Started
        if let started { process = started } else { process = try start() }
        defer { if started == nil { process.finish() } }
        let input: Data
        do {
            input = try JSONEncoder().encode(Input(cases: cases))
        } catch {
            throw Diagnostic(file: kernelPath, message: "cannot run the kernel check in node: \(error)")
        }
        let outcome = try process.outcome(for: input)
        guard outcome.succeeded, let output = try? JSONDecoder().decode(Output.self, from: outcome.stdout),
              output.results.count == cases.count, zip(output.results, cases).allSatisfy({ $0.id == $1.id }) else {
            let why = outcome.timedOut ? "node did not finish within \(Int(Self.nodeTimeout)) s (stopped)"
                : outcome.signalled ? "node was killed by signal \(outcome.status)"
                : outcome.status != 0 ? "node exited with status \(outcome.status)"
                : "node answered \(outcome.stdout.count) bytes that are not one verdict per case"
            let said = outcome.stderrText.split(separator: "\n").prefix(3).joined(separator: " ")
            throw Diagnostic(file: kernelPath, message: "the kernel check did not run: \(why)" + (said.isEmpty ? "" : ": \(said)"))
        }
        return output.results.map { $0.errors.mapValues(\.value) }
    }

    /// How long node may take over the whole check (seconds, wall clock).
    static let nodeTimeout: Double = 120

    /// "x [1, 2, 5, 5], w [2, 1, 3, 3], stride (2, 1), padding (1, 1), dilation (1, 2), groups 2".
    static func describe(_ layer: KernelCase) -> String {
        let p = layer.parameters
        func pair(_ v: [Int]) -> String { "(" + v.map(String.init).joined(separator: ", ") + ")" }
        let shapes = ["x", "w"].compactMap { name in layer.tensors[name].map { "\(name) \($0.shape)" } }
        return (shapes + ["stride \(pair(p.stride))", "padding \(pair(p.padding))", "dilation \(pair(p.dilation))", "groups \(p.groups)"])
            .joined(separator: ", ")
    }
}

extension ParameterExplorer.Row {
    /// The row's layer, for messages.
    var kernelLayer: KernelCase {
        KernelCase(id: "", parameters: settings.parameters, tensors: ["x": x, "w": w])
    }
}

extension ExecutionResult.Explorer {
    /// The example as the browser's kernel reads it (and as the build's
    /// node check of that kernel does): parameters and every tensor.
    var kernelCase: KernelCase {
        var tensors = [String: KernelTensor]()
        for named in self.tensors {
            if case .tensor(let shape, let data, _) = named.value { tensors[named.name] = KernelTensor(shape: shape, data: data) }
        }
        return KernelCase(id: label, parameters: parameters, tensors: tensors)
    }
}
