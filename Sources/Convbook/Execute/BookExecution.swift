import ConvbookFormat
import Foundation

/// The execute stage: compiles and runs every chapter of a ``LoadedBook``
/// in parallel (or takes its result from the cache), then checks the
/// results (``ChapterChecks``).
///
/// Made in two steps so that a build can stop between them: `init` locates
/// the toolchain and computes each chapter's key, which fixes its result
/// (the build stamp compares them with the published site's); ``run(links:kernel:publishedChecks:grid:)``
/// runs what the cache does not hold.
struct BookExecution {
    let book: LoadedBook
    /// Each chapter's execution key: its program, the files it reads, the toolchain and the environment.
    let keys: [String]
    private let executor: ChapterExecutor
    private let cache: CacheStore?
    private let jobs: Int
    private let progress: (@Sendable (String) -> Void)?

    /// Prepares to run `book`'s chapters: with the engine and runtime
    /// modules in `modules` (nil: beside convbook), the `environment` the
    /// command line chose (`--env`), `jobs` at once, scratch folders and the
    /// execution cache in `cacheFolder`. Without `cache` (`--no-cache`,
    /// `verify`), every chapter runs.
    init(_ book: LoadedBook, modules: String?, environment choices: [String], cacheFolder: URL, cache: CacheStore?,
         jobs: Int, progress: (@Sendable (String) -> Void)?) throws {
        self.book = book
        self.cache = cache
        self.jobs = jobs
        self.progress = progress
        var toolchain = try StageTimer.measure("toolchain") { try Toolchain.locate(modules: modules, cache: cacheFolder) }
        // The author's package, built before anything runs: a failure stops the build with nothing published.
        if let setting = book.config.package {
            let swiftc = toolchain.swiftc
            toolchain.package = try StageTimer.measure("package") {
                try AuthorPackage.build(setting, swiftc: swiftc, cacheFolder: cacheFolder, progress: progress)
            }
        }
        let environment = try ChapterEnvironment(choices: choices, environment: ProcessInfo.processInfo.environment,
                                                 gradientThreshold: book.config.gradientThreshold)
        ExecutionCache.removeAbandonedWork(in: cacheFolder)
        executor = ChapterExecutor(toolchain: toolchain, cache: cache.map(ExecutionCache.init(store:)),
                                   scratchRoot: cacheFolder, environment: environment)
        // The files a chapter's program reads (its front matter's `files`) are part of its key, and so is what it imports of the author's package.
        keys = zip(book.chapters, book.programFiles).map { [executor] in
            executor.key(programDigest: $0.programDigest + $1.digest, imports: $0.importedModules)
        }
    }

    /// Runs the chapters and checks their results: `links` is the book-wide
    /// check (nil when only some chapters run, as `verify` runs them), `kernel`
    /// the browser kernel's check of the explorers' examples and of the
    /// engine's `referenceLayers` (nil: none). `publishedChecks` names the checks
    /// key the site being replaced recorded for a chapter path, if any.
    /// Throws ``BuildFailure`` with every problem of every chapter.
    func run(links: (BookLinks, key: String)?, kernel: BrowserKernelCheck?, referenceLayers: (@Sendable () -> [KernelCase])?,
             publishedChecks: (String) -> String?) throws -> ExecutedBook {
        let chapters = book.chapters
        let done = try perform(Array(chapters.indices), diagnostics: book.diagnostics + (links?.0.diagnostics ?? []), kernel: kernel,
                               referenceLayers: referenceLayers, publishedChecks: publishedChecks)
        return ExecutedBook(config: book.config, chapters: chapters, references: links?.0.references ?? CrossReferences(),
                            bibliography: book.bibliography, results: done.results, resultKeys: done.resultKeys,
                            namesKey: links?.key ?? "", cleanChecks: done.cleanChecks, report: done.report,
                            toolchain: executor.toolchain.swiftVersion)
    }

    /// Runs shard `shard`'s part of the chapters the cache does not hold
    /// (``ShardPlan``, by the times the cache knows) and checks their results,
    /// filling the cache; the book-wide checks and the engine's reference
    /// layers are left to the build that publishes. Throws ``BuildFailure``
    /// with every problem of the shard's chapters.
    func runShard(_ shard: BuildShard, kernel: BrowserKernelCheck?) throws -> ShardReport {
        guard let cache = executor.cache else { preconditionFailure("a shard fills the cache: it needs one") }
        let chapters = book.chapters
        let toRun = chapters.indices.filter { chapters[$0].hasCode && !cache.holds(keys[$0]) }
        let names = chapters.map { SourceHistory.name(of: $0.file.url) }
        let plan = ShardPlan(toRun.map { ShardPlan.Chapter(name: chapters[$0].file.url.lastPathComponent,
                                                           seconds: cache.knownTime(key: keys[$0], chapter: names[$0])) },
                             count: shard.count)
        let mine = plan.shards[shard.number - 1].map { toRun[$0] }
        var report = ShardReport(shard: shard)
        report.chapters = mine.map { chapters[$0].path }
        report.alreadyCached = chapters.indices.filter { chapters[$0].hasCode }.count - toRun.count
        report.elsewhere = toRun.count - mine.count
        report.estimatedSeconds = plan.loads[shard.number - 1]
        report.totalEstimatedSeconds = plan.loads.reduce(0, +)
        progress?("shard \(shard): \(mine.isEmpty ? "no chapters" : mine.map { chapters[$0].file.url.lastPathComponent }.joined(separator: ", "))"
                  + " of the \(toRun.count) the cache does not hold"
                  + String(format: " (%.1f s of %.1f s by their last known times)", report.estimatedSeconds, report.totalEstimatedSeconds))
        let done = try perform(mine, diagnostics: book.diagnostics, kernel: kernel, referenceLayers: nil, publishedChecks: { _ in nil })
        report.compiled = done.report.chapters.filter { !$0.cached }.count
        report.warnings = done.report.warnings
        return report
    }

    /// What ``perform(_:diagnostics:kernel:referenceLayers:publishedChecks:)`` hands back.
    private struct Performed {
        var results: [LazyResult] = []
        var resultKeys: [String] = []
        var report = BuildReport()
        var cleanChecks: [String: String] = [:]
    }

    /// Runs the chapters at `indices` (or takes their results from the
    /// cache) in parallel and checks their results; `diagnostics` are the
    /// problems found before. Throws ``BuildFailure`` on any error.
    private func perform(_ indices: [Int], diagnostics found: [Diagnostic], kernel: BrowserKernelCheck?,
                         referenceLayers: (@Sendable () -> [KernelCase])?, publishedChecks: (String) -> String?) throws -> Performed {
        let executeStart = StageTimer.now()
        let chapters = book.chapters
        var diagnostics = found
        // A chapter that will run may have examples for the kernel check: node starts loading it while chapters compile.
        let willRun = cache != nil && indices.contains { chapters[$0].hasCode && !executor.cache!.has(keys[$0]) }
        // Said once, where chapter programs will run without the sandbox.
        if willRun || (cache == nil && indices.contains { chapters[$0].hasCode }), let warning = Sandbox.availability.warning {
            progress?(Diagnostic(file: "convbook", severity: .warning, message: warning).description)
        }
        let kernelStarted = willRun ? try? kernel?.start() : nil
        defer { kernelStarted?.finish() }
        let count = chapters.count
        let inputFiles = book.programFiles.map(\.files)
        let outcomes = parallelMap(indices, jobs: jobs) { [executor, keys, progress] index in
            let chapter = chapters[index]
            let outcome = executor.execute(chapter.lazyProgram, hasCode: chapter.hasCode, key: keys[index], chapterPath: chapter.path,
                                           chapterName: SourceHistory.name(of: chapter.file.url),
                                           limits: .init(seconds: chapter.timeout, memory: chapter.memory, files: inputFiles[index]))
            progress?(Self.progressLine(index: index, count: count, chapter: chapter, outcome: outcome))
            return outcome
        }
        StageTimer.report("execute", since: executeStart)

        let checks = ChapterChecks(cache: cache, kernel: kernel, referenceLayers: referenceLayers)
        var done = Performed()
        var pending = [ChapterChecks.Pending]()
        for (index, outcome) in zip(indices, outcomes) {
            let chapter = chapters[index]
            diagnostics += outcome.diagnostics
            if let result = outcome.result {
                done.resultKeys.append(outcome.key)
                switch checks.check(chapter, key: outcome.key, result: result, publishedKey: publishedChecks(chapter.path)) {
                case .found(let found, let key):
                    diagnostics += found
                    if found.isEmpty, let key { done.cleanChecks[chapter.path] = key }
                case .pending(let waiting): pending.append(waiting)
                }
                done.results.append(result)
            }
            done.report.chapters.append(.init(file: chapter.path, cached: outcome.source == .cached, compileSeconds: outcome.compileSeconds,
                                              runSeconds: outcome.runSeconds, blocks: chapter.blockCount))
        }
        if kernel != nil {
            let kernelStart = StageTimer.now()
            let finished = try checks.finish(pending, started: kernelStarted)
            StageTimer.report("kernel check", since: kernelStart)
            diagnostics += finished.diagnostics
            done.cleanChecks.merge(finished.clean) { $1 }
        }
        done.report.warnings = diagnostics.filter { $0.severity != .error }
        if book.loadFailed || diagnostics.contains(where: { $0.severity == .error }) || done.results.count != indices.count {
            throw BuildFailure(diagnostics.sorted())
        }
        for warning in done.report.warnings { progress?(warning.description) }
        return done
    }

    private static func progressLine(index: Int, count: Int, chapter: Chapter, outcome: ChapterExecutor.Outcome) -> String {
        let name = chapter.file.url.lastPathComponent
        let status: String
        if !outcome.diagnostics.isEmpty && outcome.result == nil {
            status = "failed"
        } else if outcome.source == .cached {
            status = "cached"
        } else {
            status = String(format: "compiled %.2f s, ran %.2f s", outcome.compileSeconds, outcome.runSeconds)
                + (outcome.cacheWasCorrupt ? " (a corrupt cache entry was rebuilt)" : "")
        }
        return "[\(index + 1)/\(count)] \(name): \(status)"
    }
}
