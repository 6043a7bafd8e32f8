import Foundation

/// Compiles and runs one chapter's program (or takes its result from the
/// cache) and turns what happened into an ``ExecutionResult`` and diagnostics
/// located in the chapter.
struct ChapterExecutor: Sendable {
    let toolchain: Toolchain
    /// nil: no cache (`--no-cache`, `convbook verify`).
    let cache: ExecutionCache?
    /// Where scratch folders go when there is no cache.
    let scratchRoot: URL

    enum Source: String, Sendable { case cached, compiled }

    struct Outcome: Sendable {
        var result: ExecutionResult?
        var diagnostics: [Diagnostic]
        var source: Source
        var compileSeconds: Double = 0
        var runSeconds: Double = 0
        var cacheWasCorrupt = false
    }

    /// Largest standard output a chapter may write, in bytes (enforced with `ulimit -f`).
    static let stdoutLimit = 64 * 1024 * 1024

    func execute(_ program: ChapterProgram, chapterPath: String, timeout: Double) -> Outcome {
        if program.cells.isEmpty {
            // Prose only: nothing to compile or run.
            return Outcome(result: ExecutionResult(blocks: [], inlines: [], warnings: []), diagnostics: [], source: .cached)
        }
        let key = (cache ?? ExecutionCache(root: scratchRoot)).key(for: program, toolchain: toolchain)
        var corrupt = false
        if let cache {
            switch cache.load(key) {
            case .hit(let result):
                return Outcome(result: result, diagnostics: [], source: .cached)
            case .corrupt:
                corrupt = true
            case .miss:
                break
            }
        }
        var outcome = executeFresh(program, key: key, chapterPath: chapterPath, timeout: timeout)
        outcome.cacheWasCorrupt = corrupt
        if let result = outcome.result, let cache {
            cache.store(result, key: key)
        }
        return outcome
    }

    private func executeFresh(_ program: ChapterProgram, key: String, chapterPath: String, timeout: Double) -> Outcome {
        var outcome = Outcome(result: nil, diagnostics: [], source: .compiled)
        let scratch: URL
        do {
            scratch = try (cache ?? ExecutionCache(root: scratchRoot)).scratchFolder(for: key)
        } catch {
            outcome.diagnostics = [Diagnostic(file: chapterPath, message: "cannot create a scratch folder: \(error.localizedDescription)")]
            return outcome
        }
        Interrupts.shared.register(cleanup: scratch)
        defer {
            try? FileManager.default.removeItem(at: scratch)
            Interrupts.shared.unregister(cleanup: scratch)
        }
        let locate = Locator(program: program, chapterPath: chapterPath)

        // Compile.
        let source = scratch.appendingPathComponent("main.swift")
        let binary = scratch.appendingPathComponent("program")
        let compiled: Subprocess.Outcome
        do {
            try program.source.write(to: source, atomically: false, encoding: .utf8)
            compiled = try Subprocess(executable: toolchain.swiftc,
                                      arguments: toolchain.compileArguments(source: source, output: binary),
                                      directory: scratch).run()
        } catch {
            outcome.diagnostics = [Diagnostic(file: chapterPath, message: "cannot run the Swift compiler: \(error)")]
            return outcome
        }
        outcome.compileSeconds = compiled.seconds
        let messages = CompilerOutput.parse(compiled.stderrText + compiled.stdoutText)
        guard compiled.succeeded else {
            outcome.diagnostics = messages.filter { $0.severity != "warning" }.map(locate.diagnostic)
            if !outcome.diagnostics.contains(where: { $0.severity == .error }) {
                outcome.diagnostics.append(Diagnostic(file: chapterPath, message: "the chapter program did not compile:\n\(compiled.stderrText)"))
            }
            return outcome
        }

        // Run.
        let main = run(binary, in: scratch, name: "main", trapBlock: nil, timeout: timeout)
        outcome.runSeconds += main.outcome.seconds
        let assembler = OutputAssembler(blockCount: program.blockCount, inlineCount: program.inlineCount)
        let assembled = assembler.assemble(stdout: main.stdout, records: main.records)
        if let failure = Self.failure(of: main.outcome, unfinishedBlock: assembled.unfinishedBlock, timeout: timeout) {
            outcome.diagnostics.append(locate.diagnostic(for: failure))
            return outcome
        }
        var result = ExecutionResult(blocks: assembled.blocks, inlines: assembled.inlines,
                                     warnings: messages.filter { $0.severity == "warning" })
        var seen = Set<String>()
        for artifact in assembled.artifacts where seen.insert(artifact.name).inserted {
            guard let bytes = try? Data(contentsOf: main.artifacts.appendingPathComponent("\(artifact.name).npy")) else { continue }
            result.artifacts.append(.init(name: artifact.name, shape: artifact.shape, bytes: bytes,
                                          value: artifact.value, location: artifact.location))
        }

        // Blocks expected to trap: one more run each, opening that block's guard.
        for case .block(let block) in program.cells where block.options.mode == .traps {
            let trapRun = run(binary, in: scratch, name: "trap-\(block.index)", trapBlock: block.index, timeout: timeout)
            outcome.runSeconds += trapRun.outcome.seconds
            let trapped = assembler.assemble(stdout: trapRun.stdout, records: trapRun.records)
            result.blocks[block.index].items = trapped.blocks[block.index].items
            result.blocks[block.index].ran = true
            if trapped.trapMissed.contains(block.index) {
                result.blocks[block.index].trapMissed = true
            } else if let failure = Self.failure(of: trapRun.outcome, unfinishedBlock: trapped.unfinishedBlock, timeout: timeout) {
                if case .trapped = failure.kind, trapped.unfinishedBlock == block.index {
                    result.blocks[block.index].trapMessage = failure.message
                } else {
                    outcome.diagnostics.append(locate.diagnostic(for: failure))
                    return outcome
                }
            }
        }

        // Blocks expected not to compile: type-check each after the blocks before it.
        for (index, probe) in program.failureProbes.enumerated() {
            let file = scratch.appendingPathComponent("probe-\(index).swift")
            do {
                try probe.source.write(to: file, atomically: false, encoding: .utf8)
                let checked = try Subprocess(executable: toolchain.swiftc, arguments: toolchain.typecheckArguments(source: file),
                                             directory: scratch).run()
                outcome.compileSeconds += checked.seconds
                result.blocks[probe.block.index].compilerErrors = checked.succeeded ? nil
                    : CompilerOutput.parse(checked.stderrText).filter { $0.severity == "error" }
            } catch {
                outcome.diagnostics.append(Diagnostic(file: chapterPath, message: "cannot run the Swift compiler: \(error)"))
                return outcome
            }
        }
        outcome.result = result
        return outcome
    }

    private struct Run {
        var outcome: Subprocess.Outcome
        var stdout: Data
        var records: [Record]
        /// The folder published tensors were written to.
        var artifacts: URL
    }

    /// Runs the program with its standard output in a file (capped by `ulimit -f`)
    /// and its records in another.
    private func run(_ binary: URL, in scratch: URL, name: String, trapBlock: Int?, timeout: Double) -> Run {
        let stdoutFile = scratch.appendingPathComponent("\(name).stdout")
        let recordsFile = scratch.appendingPathComponent("\(name).records")
        _ = FileManager.default.createFile(atPath: recordsFile.path, contents: nil)
        let artifacts = scratch.appendingPathComponent("\(name).artifacts")
        try? FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["CONVBOOK_RECORDS"] = recordsFile.path
        environment["CONVBOOK_ARTIFACTS"] = artifacts.path
        environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no,symbolicate=full"
        if let trapBlock { environment["CONVBOOK_TRAP_BLOCK"] = String(trapBlock) } else { environment["CONVBOOK_TRAP_BLOCK"] = nil }
        let blocks512 = Self.stdoutLimit / 512
        let process = Subprocess(executable: "/bin/sh",
                                 arguments: ["-c", "ulimit -f \(blocks512) && exec \"$0\"", binary.path],
                                 environment: environment, directory: scratch, stdoutFile: stdoutFile, timeout: timeout)
        let outcome = (try? process.run()) ?? Subprocess.Outcome(status: 127, signalled: false, timedOut: false,
                                                                  stdout: Data(), stderr: Data("cannot start the chapter program".utf8), seconds: 0)
        let stdout = (try? Data(contentsOf: stdoutFile)) ?? Data()
        let records = Record.decodeLines((try? Data(contentsOf: recordsFile)) ?? Data())
        return Run(outcome: outcome, stdout: stdout, records: records, artifacts: artifacts)
    }

    /// What went wrong in a run, if anything.
    static func failure(of outcome: Subprocess.Outcome, unfinishedBlock: Int?, timeout: Double) -> RunFailure? {
        if outcome.timedOut {
            return RunFailure(kind: .timedOut(seconds: timeout), block: unfinishedBlock, location: nil,
                              message: "the chapter program did not finish within its time limit of \(formatSeconds(timeout)) (set `timeout:` in the chapter's front matter to change it)")
        }
        if outcome.succeeded { return nil }
        let stderr = outcome.stderrText
        if outcome.signalled && outcome.status == SIGXFSZ {
            return RunFailure(kind: .outputTooLarge, block: unfinishedBlock, location: nil,
                              message: "the chapter program printed more than \(stdoutLimit / 1024 / 1024) MiB and was stopped")
        }
        let location = firstVirtualLocation(in: stderr)
        if let line = stderr.split(separator: "\n").first(where: { $0.contains("Fatal error") || $0.contains("Precondition failed") || $0.contains("Assertion failed") }) {
            return RunFailure(kind: .trapped, block: unfinishedBlock, location: location, message: trapMessage(String(line)))
        }
        if outcome.signalled {
            return RunFailure(kind: .trapped, block: unfinishedBlock, location: location,
                              message: "the chapter program was killed by signal \(outcome.status)")
        }
        let tail = stderr.split(separator: "\n").suffix(5).joined(separator: "\n")
        return RunFailure(kind: .exited(status: outcome.status), block: unfinishedBlock, location: location,
                          message: "the chapter program exited with status \(outcome.status)" + (tail.isEmpty ? "" : ":\n\(tail)"))
    }

    /// "Swift/Array.swift:692: Fatal error: Index out of range" → "Fatal error: Index out of range".
    private static func trapMessage(_ line: String) -> String {
        for marker in ["Fatal error", "Precondition failed", "Assertion failed"] {
            if let range = line.range(of: marker) { return String(line[range.lowerBound...]) }
        }
        return line
    }

    /// The first `convbook-block-N.swift:L[:C]` in a crash report: the
    /// innermost frame in chapter code.
    static func firstVirtualLocation(in text: String) -> ExecutionResult.VirtualLocation? {
        guard let match = text.firstMatch(of: /(convbook-(?:block|inline)-\d+\.swift):(\d+)(?::(\d+))?/) else { return nil }
        return .init(file: String(match.1), line: Int(match.2) ?? 0, column: match.3.flatMap { Int($0) } ?? 0)
    }
}

func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
}

/// Maps virtual program locations to chapter locations for diagnostics.
struct Locator: Sendable {
    let program: ChapterProgram
    let chapterPath: String

    func diagnostic(_ message: ExecutionResult.CompilerMessage) -> Diagnostic {
        let severity = Diagnostic.Severity(rawValue: message.severity) ?? .error
        if let mapped = program.mapLocation(file: message.location.file, line: message.location.line, column: message.location.column) {
            return Diagnostic(file: chapterPath, line: mapped.line, column: mapped.column, severity: severity, message: message.message)
        }
        return Diagnostic(file: chapterPath, severity: severity, message: "\(message.message) (in code convbook generated)")
    }

    func location(_ virtual: ExecutionResult.VirtualLocation) -> (line: Int, column: Int)? {
        program.mapLocation(file: virtual.file, line: virtual.line, column: virtual.column)
    }

    func diagnostic(for failure: RunFailure) -> Diagnostic {
        var line = 0, column = 0
        if let virtual = failure.location, let mapped = location(virtual) {
            (line, column) = mapped
        } else if let block = failure.block.flatMap(program.block) {
            line = block.fenceLine
        }
        var message = failure.message
        if let index = failure.block, program.block(index) != nil, case .trapped = failure.kind {
            message = "block \(index + 1) trapped: \(message)"
        } else if let index = failure.block, let block = program.block(index), case .timedOut = failure.kind {
            message += "; it was running the block at line \(block.fenceLine)"
        }
        return Diagnostic(file: chapterPath, line: line, column: column, message: message)
    }
}
