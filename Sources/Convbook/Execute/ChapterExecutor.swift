import ConvbookFormat
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
    /// What the chapter programs' environment holds (see ``ChapterEnvironment``).
    let environment: ChapterEnvironment
    /// Where chapter programs run; nil where bwrap cannot make a sandbox (then
    /// they run as before it, each leading a session of its own).
    var sandbox: Sandbox? { Sandbox.availability.sandbox }

    /// How long and how much memory a chapter program may take.
    struct Limits: Sendable {
        var seconds: Double
        /// MiB of address space (`ulimit -v`).
        var memory: Int
        /// Files copied into the program's working folder before it runs
        /// (the front matter's `files`): where each is, and its path there.
        var files: [(source: String, path: String)] = []
    }

    enum Source: String, Sendable { case cached, compiled }

    struct Outcome: Sendable {
        var result: LazyResult?
        /// The cache key of the result: it names the result, since a program
        /// with the same key prints the same (empty for a chapter without code).
        var key = ""
        var diagnostics: [Diagnostic]
        var source: Source
        var compileSeconds: Double = 0
        var runSeconds: Double = 0
        var cacheWasCorrupt = false
    }

    /// Largest standard output a chapter may write, in bytes (enforced with `ulimit -f`).
    static let stdoutLimit = 64 * 1024 * 1024

    /// The key that names a program's result: its text (``ChapterProgram/digest``),
    /// the toolchain and the environment, and what it uses of the author's
    /// package (the modules it imports, `imports`).
    func key(programDigest: String, imports: [String] = []) -> String {
        ExecutionCache.key(programDigest: programDigest, toolchain: toolchain, environment: environment,
                           package: toolchain.package?.fingerprint(imports: imports) ?? "")
    }

    /// Runs the program (or takes its result from the cache); `key` is
    /// ``key(programDigest:)``'s. The program is only made when it must run.
    /// `chapterName` names the chapter's file as ``SourceHistory/name(of:)`` does, for its
    /// run time in the cache (``ExecutionCache/recordTime(_:key:chapter:)``).
    func execute(_ program: Lazy<ChapterProgram>, hasCode: Bool, key: String, chapterPath: String, chapterName: String,
                 limits: Limits) -> Outcome {
        if !hasCode {
            // Prose only: nothing to compile or run.
            return Outcome(result: LazyResult(value: ExecutionResult(blocks: [], inlines: [], warnings: [])), diagnostics: [], source: .cached)
        }
        var corrupt = false
        if let cache {
            switch cache.load(key) {
            case .hit(let data):
                return Outcome(result: LazyResult(cached: data), key: key, diagnostics: [], source: .cached)
            case .corrupt:
                corrupt = true
            case .miss:
                break
            }
        }
        var outcome = executeFresh(program.value, key: key, chapterPath: chapterPath, limits: limits)
        outcome.cacheWasCorrupt = corrupt
        outcome.key = key
        if let result = outcome.result, let cache {
            cache.store(result.value, key: key)
            cache.recordTime(outcome.compileSeconds + outcome.runSeconds, key: key, chapter: chapterName)
        }
        return outcome
    }

    private func executeFresh(_ program: ChapterProgram, key: String, chapterPath: String, limits: Limits) -> Outcome {
        var outcome = Outcome(result: nil, diagnostics: [], source: .compiled)
        let scratch: URL
        do {
            scratch = try ExecutionCache.scratchFolder(in: scratchRoot, for: key)
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

        // Blocks expected not to compile: each type-checked after the blocks
        // before it, on other threads while the program compiles and runs.
        let probes = Slots<Result<Subprocess.Outcome, Error>>(count: program.failureProbes.count)
        let probing = DispatchGroup()
        for (index, probe) in program.failureProbes.enumerated() {
            let file = scratch.appendingPathComponent("probe-\(index).swift")
            let arguments = toolchain.typecheckArguments(source: file), swiftc = toolchain.swiftc
            DispatchQueue.global().async(group: probing) {
                do {
                    try probe.source.write(to: file, atomically: false, encoding: .utf8)
                    probes[index] = .success(try Subprocess(executable: swiftc, arguments: arguments, directory: scratch).run())
                } catch {
                    probes[index] = .failure(error)
                }
            }
        }
        // Before the scratch folder goes (the deferral above runs after this one).
        defer { probing.wait() }

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
            outcome.diagnostics = locate.diagnostics(messages.filter { $0.severity != "warning" })
            if !outcome.diagnostics.contains(where: { $0.severity == .error }) {
                outcome.diagnostics.append(Diagnostic(file: chapterPath, message: "the chapter program did not compile:\n\(compiled.stderrText)"))
            }
            return outcome
        }

        // Run: the program, and beside it one more run for each block expected
        // to trap, with that block's guard open, each in a folder of its own.
        let trapBlocks = program.cells.compactMap { cell -> CodeCell? in
            if case .block(let block) = cell, block.options.mode == .traps { return block }
            return nil
        }
        let trapRuns = Slots<Run>(count: trapBlocks.count)
        let trapping = DispatchGroup()
        for (number, block) in trapBlocks.enumerated() {
            let folder = scratch.appendingPathComponent("trap-\(block.index)")
            DispatchQueue.global().async(group: trapping) {
                try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                trapRuns[number] = run(binary, in: folder, name: "trap", trapBlock: block.index, limits: limits)
            }
        }
        // Before the scratch folder goes.
        defer { trapping.wait() }
        let main = run(binary, in: scratch, name: "main", trapBlock: nil, limits: limits)
        outcome.runSeconds = main.outcome.seconds
        if main.folderLost {
            outcome.diagnostics.append(Diagnostic(file: chapterPath, message: "the chapter program's work folder \(scratch.path) was removed or replaced by something else while the program ran, so what it printed and showed is lost (was the cache folder \(scratch.deletingLastPathComponent().deletingLastPathComponent().path) removed or replaced?); build again"))
            return outcome
        }
        if main.unreadableRecords > 0 {
            outcome.diagnostics.append(Diagnostic(file: chapterPath, message: "\(main.unreadableRecords) of the chapter program's records could not be read: the runtime library in \(toolchain.libraryDirectory.path) does not match this convbook; rebuild it (make runtime, or swift build)"))
            return outcome
        }
        let assembler = OutputAssembler(blockCount: program.blockCount, inlineCount: program.inlineCount)
        let assembled = assembler.assemble(stdout: main.stdout, records: main.records)
        if var failure = Self.failure(of: main.outcome, unfinishedBlock: assembled.unfinishedBlock, limits: limits, fullFile: main.fullFile) {
            if main.diskFull {
                failure.message += " (its working folder is full: a chapter program may keep \(Sandbox.diskLimit / 1024 / 1024) MiB of files there)"
            }
            outcome.diagnostics.append(locate.diagnostic(for: failure))
            return outcome
        }
        // A program that ends well but early (exit(0) in a block) must not publish
        // the blocks after it as if they had run.
        if let stopped = Self.earlyEnd(program, assembled) {
            outcome.diagnostics.append(Diagnostic(file: chapterPath, line: stopped.block.fenceLine, column: 1, message: stopped.message))
            return outcome
        }
        var result = ExecutionResult(blocks: assembled.blocks, inlines: assembled.inlines,
                                     warnings: messages.filter { $0.severity == "warning" })
        result.inlineErrors = assembled.inlineErrors
        var seen = Set<String>()
        for artifact in assembled.artifacts where seen.insert(artifact.name).inserted {
            guard let bytes = try? Data(contentsOf: main.artifacts.appendingPathComponent("\(artifact.name).npy")) else { continue }
            result.artifacts.append(.init(name: artifact.name, shape: artifact.shape, bytes: bytes,
                                          value: artifact.value, location: artifact.location))
        }

        // The work folder is temporary: files the program wrote there would vanish without a word.
        let ours = Set(["main.swift", "program", "main.stdout", "main.records", "main.artifacts", "main.export"]
                       + program.failureProbes.indices.map { "probe-\($0).swift" } + trapBlocks.map { "trap-\($0.index)" }
                       + limits.files.compactMap { $0.path.split(separator: "/").first.map(String.init) })
        let left = (main.left ?? (try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? []).filter { !ours.contains($0) }.sorted()
        if !left.isEmpty {
            outcome.diagnostics.append(Diagnostic(file: chapterPath, severity: .warning,
                                                  message: "the chapter program wrote \(left.joined(separator: ", ")) into its working folder, which is temporary and removed after the run; publish tensors for readers with publish(_:as:)"))
        }

        // Blocks expected to trap: what their runs found.
        trapping.wait()
        for (number, block) in trapBlocks.enumerated() {
            guard let trapRun = trapRuns[number] else { continue }
            outcome.runSeconds = max(outcome.runSeconds, trapRun.outcome.seconds)
            let trapped = assembler.assemble(stdout: trapRun.stdout, records: trapRun.records)
            result.blocks[block.index].items = trapped.blocks[block.index].items
            result.blocks[block.index].ran = true
            if trapped.trapMissed.contains(block.index) {
                result.blocks[block.index].trapMissed = true
            } else if let failure = Self.failure(of: trapRun.outcome, unfinishedBlock: trapped.unfinishedBlock, limits: limits, fullFile: trapRun.fullFile) {
                if case .trapped = failure.kind, trapped.unfinishedBlock == block.index {
                    result.blocks[block.index].trapMessage = failure.message
                } else {
                    outcome.diagnostics.append(locate.diagnostic(for: failure))
                    return outcome
                }
            }
        }

        // The blocks expected not to compile, type-checked meanwhile. Compiling
        // took as long as the longer of the compile and the type-checks.
        probing.wait()
        for (index, probe) in program.failureProbes.enumerated() {
            switch probes[index] {
            case .success(let checked):
                outcome.compileSeconds = max(outcome.compileSeconds, checked.seconds)
                result.blocks[probe.block.index].compilerErrors = checked.succeeded ? nil
                    : CompilerOutput.parse(checked.stderrText).filter { $0.severity == "error" }
            case .failure(let error):
                outcome.diagnostics.append(Diagnostic(file: chapterPath, message: "cannot run the Swift compiler: \(error)"))
                return outcome
            case nil:
                outcome.diagnostics.append(Diagnostic(file: chapterPath, message: "the type-check of block \(probe.block.index + 1) did not finish"))
                return outcome
            }
        }
        outcome.result = LazyResult(value: result)
        return outcome
    }

    private struct Run {
        var outcome: Subprocess.Outcome
        var stdout: Data
        var records: [Record]
        /// Record lines that did not decode.
        var unreadableRecords: Int
        /// The folder published tensors were written to.
        var artifacts: URL
        /// After `SIGXFSZ`: which file reached the size limit (``FullFile``).
        var fullFile: FullFile?
        /// The records file was gone after the run: the work folder was
        /// removed or replaced while the program ran.
        var folderLost = false
        /// The names the program left in its working folder, when it ran in
        /// the sandbox (nil: read the folder).
        var left: [String]? = nil
        /// Whether its working folder was full (the sandbox's cap) when it ended.
        var diskFull = false
    }

    /// The file that reached ``stdoutLimit`` (`ulimit -f` caps every file a
    /// chapter program writes, not only its standard output).
    enum FullFile: Equatable {
        case stdout, records
        case other(String)
    }

    /// After a run stopped by `SIGXFSZ`: the largest of its files, which is the one that met the limit.
    private static func fullFile(in folder: URL, name: String) -> FullFile? {
        let fm = FileManager.default
        var largest: (path: String, size: Int)?
        var pending = [""]
        while let relative = pending.popLast() {
            let url = relative.isEmpty ? folder : folder.appendingPathComponent(relative)
            for entry in (try? fm.contentsOfDirectory(atPath: url.path)) ?? [] {
                let path = relative.isEmpty ? entry : relative + "/" + entry
                guard let attributes = try? fm.attributesOfItem(atPath: folder.appendingPathComponent(path).path) else { continue }
                if attributes[.type] as? FileAttributeType == .typeDirectory {
                    if !entry.hasPrefix("trap-") { pending.append(path) }
                } else if let size = (attributes[.size] as? NSNumber)?.intValue, size > largest?.size ?? -1 {
                    largest = (path, size)
                }
            }
        }
        guard let largest else { return nil }
        switch largest.path {
        case "\(name).stdout": return .stdout
        case "\(name).records": return .records
        default: return .other(largest.path.hasPrefix("\(name).artifacts/") ? String(largest.path.dropFirst(name.count + 11)) : largest.path)
        }
    }

    /// Runs the program with its standard output in a file (capped by `ulimit -f`)
    /// and its records in another, its memory capped (`ulimit -v`), in the
    /// fixed environment: in the ``Sandbox`` where there is one, else killed
    /// with convbook if convbook dies (`setpriv --pdeathsig KILL`, from
    /// util-linux, where it exists).
    private func run(_ binary: URL, in scratch: URL, name: String, trapBlock: Int?, limits: Limits) -> Run {
        let stdoutFile = scratch.appendingPathComponent("\(name).stdout")
        let recordsFile = scratch.appendingPathComponent("\(name).records")
        _ = FileManager.default.createFile(atPath: recordsFile.path, contents: nil)
        let artifacts = scratch.appendingPathComponent("\(name).artifacts")
        try? FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        for file in limits.files {
            let target = scratch.appendingPathComponent(file.path)
            try? FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: target)
            try? FileManager.default.copyItem(atPath: file.source, toPath: target.path)
        }
        var environment = self.environment.variables(folder: scratch)
        environment["CONVBOOK_RECORDS"] = recordsFile.path
        environment["CONVBOOK_ARTIFACTS"] = artifacts.path
        environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no,symbolicate=full"
        if let trapBlock { environment["CONVBOOK_TRAP_BLOCK"] = String(trapBlock) } else { environment["CONVBOOK_TRAP_BLOCK"] = nil }
        let process: Subprocess
        let exportFile = scratch.appendingPathComponent("\(name).export")
        if let sandbox {
            _ = FileManager.default.createFile(atPath: exportFile.path, contents: nil)
            let run = Sandbox.Run(program: binary, folder: scratch, export: exportFile, exportBound: true, records: recordsFile,
                                  artifacts: artifacts.lastPathComponent, files: limits.files.map(\.path),
                                  readOnly: [toolchain.libraryDirectory.path, toolchain.libraryDirectory.appendingPathComponent(Toolchain.library).path,
                                             toolchain.runtimeFolder] + (toolchain.package.map { [$0.binDirectory.path] } ?? []),
                                  memory: limits.memory, fileSizeLimit: Self.stdoutLimit)
            process = sandbox.process(for: run, environment: environment, stdoutFile: stdoutFile, timeout: limits.seconds)
        } else {
            let blocks512 = Self.stdoutLimit / 512
            let guardian = Self.setpriv.map { "\($0) --pdeathsig KILL -- " } ?? ""
            let script = "ulimit -f \(blocks512) && ulimit -v \(limits.memory * 1024) && exec \(guardian)\"$0\""
            process = Subprocess(executable: "/bin/sh", arguments: ["-c", script, binary.path],
                                 environment: environment, directory: scratch, stdoutFile: stdoutFile, timeout: limits.seconds)
        }
        var outcome = (try? process.run()) ?? Subprocess.Outcome(status: 127, signalled: false, timedOut: false,
                                                                  stdout: Data(), stderr: Data("cannot start the chapter program".utf8), seconds: 0)
        let stdout = (try? Data(contentsOf: stdoutFile)) ?? Data()
        let (records, unreadable) = Record.decodeLines((try? Data(contentsOf: recordsFile)) ?? Data())
        var run = Run(outcome: outcome, stdout: stdout, records: records, unreadableRecords: unreadable, artifacts: artifacts)
        if sandbox != nil {
            outcome = Sandbox.unwrap(outcome)
            run.outcome = outcome
            // The working folder went with the sandbox: what convbook reads of it came back in the export.
            let export = SandboxExport(contentsOf: exportFile)
            try? FileManager.default.removeItem(at: exportFile)
            run.left = export?.left ?? []
            run.diskFull = (export?.usedKiB ?? 0) >= Sandbox.diskLimit / 1024 - 1024
            for (file, bytes) in export?.files ?? [:] {
                try? bytes.write(to: artifacts.appendingPathComponent(file))
            }
        }
        run.fullFile = outcome.signalled && outcome.status == SIGXFSZ ? Self.fullFile(in: scratch, name: name) : nil
        var isDirectory: ObjCBool = false
        run.folderLost = !FileManager.default.fileExists(atPath: recordsFile.path)
            || !FileManager.default.fileExists(atPath: scratch.path, isDirectory: &isDirectory) || !isDirectory.boolValue
        return run
    }

    /// util-linux's `setpriv`, which sets the parent-death signal before it
    /// runs the program; nil where it is missing.
    static let setpriv: String? = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The first block that a run which exited with status 0 left unfinished
    /// or never started, and why: `exit()` in a block ends the program early.
    static func earlyEnd(_ program: ChapterProgram, _ assembled: OutputAssembler.Assembled) -> (block: CodeCell, message: String)? {
        if let index = assembled.unfinishedBlock, let block = program.block(index) {
            return (block, "block \(index + 1) ended the chapter program before its end (exit() or the like): the blocks after it did not run")
        }
        for case .block(let block) in program.cells where block.options.mode == .run || block.options.mode == .traps {
            if block.index < assembled.blocks.count, !assembled.blocks[block.index].ran {
                return (block, "block \(block.index + 1) never ran: the chapter program ended before it (exit() in an earlier block?)")
            }
        }
        return nil
    }

    /// What went wrong in a run, if anything.
    static func failure(of outcome: Subprocess.Outcome, unfinishedBlock: Int?, limits: Limits, fullFile: FullFile? = nil) -> RunFailure? {
        let timeout = limits.seconds
        if outcome.timedOut {
            return RunFailure(kind: .timedOut(seconds: timeout), block: unfinishedBlock, location: nil,
                              message: "the chapter program did not finish within its time limit of \(formatSeconds(timeout)) (set `timeout:` in the chapter's front matter to change it)")
        }
        if outcome.succeeded { return nil }
        let stderr = outcome.stderrText
        if outcome.signalled && outcome.status == SIGXFSZ {
            let limit = "\(stdoutLimit / 1024 / 1024) MiB"
            let message: String
            switch fullFile {
            case .records?:
                message = "the chapter program published more than \(limit) of results (shown tensors, tables, figures, explorers, inline values) and was stopped; publish less, or smaller values"
            case .other(let path)?:
                message = "the chapter program wrote a file of more than \(limit) (\(path)) and was stopped"
            case .stdout?, nil:
                message = "the chapter program printed more than \(limit) and was stopped"
            }
            return RunFailure(kind: .outputTooLarge, block: unfinishedBlock, location: nil, message: message)
        }
        let location = firstVirtualLocation(in: stderr)
        if let line = stderr.split(separator: "\n").first(where: { $0.contains("Fatal error") || $0.contains("Precondition failed") || $0.contains("Assertion failed") }) {
            var message = trapMessage(String(line))
            if message.contains("failed to allocate") {
                message += " (a chapter program may use \(limits.memory) MiB; set `memory:` in the chapter's front matter to change it)"
            }
            return RunFailure(kind: .trapped, block: unfinishedBlock, location: location, message: message)
        }
        // A check the compiler inserted (arithmetic overflow, a forced unwrap of nil, ...).
        if let match = stderr.firstMatch(of: /\*\*\* (Swift runtime failure: [^*\n]+?) \*\*\*/) {
            return RunFailure(kind: .trapped, block: unfinishedBlock, location: location, message: String(match.1))
        }
        if outcome.signalled, outcome.status == SIGSEGV || outcome.status == SIGBUS, let depth = StackOverflow.depth(in: stderr) {
            return RunFailure(kind: .trapped, block: unfinishedBlock, location: location, message: StackOverflow.message(depth: depth))
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

    /// Compiler errors and notes as diagnostics at chapter lines. An error
    /// outside the chapter's code (in what convbook generated around it, or
    /// past the end of a block, as after an unclosed `{` or `/*`) is placed at
    /// the note that goes with it when that note points into chapter code
    /// ("to match this opening '{'"), else at the piece whose generated code
    /// it is in.
    func diagnostics(_ messages: [ExecutionResult.CompilerMessage]) -> [Diagnostic] {
        messages.enumerated().map { index, message in
            let inCode = program.contains(file: message.location.file, line: message.location.line)
            guard message.severity == "error", !inCode else { return diagnostic(message) }
            let notes = messages[(index + 1)...].prefix { $0.severity == "note" }
            if let note = notes.first(where: { program.contains(file: $0.location.file, line: $0.location.line) }),
               let mapped = program.mapLocation(file: note.location.file, line: note.location.line, column: note.location.column) {
                return Diagnostic(file: chapterPath, line: mapped.line, column: mapped.column, message: message.message)
            }
            if let piece = program.pieceLocation(generatedLine: message.location.line),
               message.location.file.hasSuffix("main.swift") {
                return Diagnostic(file: chapterPath, line: piece.line, column: piece.column,
                                  message: message.message + " (in the code convbook wraps around this block or expression: check its braces)")
            }
            return diagnostic(message)
        }
    }

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
