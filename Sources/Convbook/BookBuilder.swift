import Foundation

/// The generator, in the five stages the README's architecture section
/// names (mdBook's load, preprocess, render, with preprocessing split):
/// **load** the book (chapter files, front matter, Markdown, the program of
/// each chapter), **execute** (compile and run every chapter in parallel, or
/// take its result from the cache; check the results), **reconcile** the
/// published values with the ledger, **inject and render** the site (results
/// woven into the Markdown; HTML pages, the manifest), and **publish** it,
/// only if nothing failed.
///
/// ```swift
/// var options = BuildOptions()
/// options.chapters = "chapters"
/// options.out = "site"
/// let report = try BookBuilder(options: options).build()
/// print(report.summary)
/// ```
public struct BookBuilder: Sendable {
    public let options: BuildOptions

    public init(options: BuildOptions) {
        self.options = options
    }

    /// Builds and publishes the site. Throws ``BuildFailure`` listing every
    /// problem in every chapter; the site folder is then left as it was.
    ///
    /// Values that agree with the site's published ledger within their
    /// tolerance keep their published numbers (see ``Reconciliation``), so a
    /// machine whose BLAS rounds differently rewrites nothing.
    @discardableResult
    public func build() throws -> BuildReport {
        try SiteFiles.checkReplaceable(outURL, given: options.out, protecting: protectedFolders)
        // One build of this site at a time (the second waits, naming the first).
        try ExecutionCache.prepare(options.cacheURL)
        let lock = try BuildLock.acquire(site: outURL, cache: options.cacheURL) { options.progress?($0) }
        defer { lock.release() }
        let store = options.useCache ? CacheStore(root: options.cacheURL) : nil
        let stampKey = BuildStamp.key(for: outURL)
        let published = store?.loadData(kind: "builds", key: stampKey).flatMap(BuildStamp.init(data:))
        var upToDate: BuildReport?
        guard var executed = try executeBook(published: published, unlessUnchanged: { inputs, chapters in
            // Nothing changed since the last build wrote this folder, and nobody touched it since.
            guard let stamp = published, stamp.inputs == inputs, stamp.holds(for: outURL) else { return false }
            var report = BuildReport()
            report.chapters = chapters.map { .init(file: $0.path, cached: true, compileSeconds: 0, runSeconds: 0, blocks: $0.blockCount) }
            report.warnings = stamp.warnings
            for warning in stamp.warnings { options.progress?(warning.description) }
            upToDate = report
            return true
        }) else {
            return upToDate ?? BuildReport()
        }
        let reconciled = reconcile(&executed, published: published, countIdentical: false)
        let site = try StageTimer.measure("render") { try render(executed, keeping: published) }
        try StageTimer.measure("publish") { try SiteWriteFailure.naming(options.out) { try site.publish(to: outURL) } }
        store?.storeData(BuildStamp.take(outURL, inputs: executed.inputs, warnings: executed.report.warnings,
                                         sources: site.sources.merging(executed.cleanChecks) { $1 }).data,
                         kind: "builds", key: stampKey)
        var report = executed.report
        report.keptValues = reconciled?.kept ?? 0
        report.changedValues = reconciled?.drifts.count ?? 0
        return report
    }

    /// Builds in memory and judges the site folder: every published value
    /// against its tolerance (at its chapter line), then the files byte for
    /// byte, with the published numbers kept wherever they still hold.
    public func check() throws -> CheckReport {
        var executed = try executeBook()!
        let reconciled = reconcile(&executed)
        let site = try render(executed)
        let differences = site.differences(from: outURL)
        // A page that differs although none of its values did: its prose, code or structure changed.
        var drifts = reconciled?.drifts ?? []
        let drifted = Set(drifts.map(\.file))
        for chapter in executed.chapters where !drifted.contains(chapter.path) {
            let page = "\(chapter.file.slug).html"
            guard differences.contains("stale: \(page)"), let new = site.files[page],
                  let old = try? Data(contentsOf: outURL.appendingPathComponent(page)) else { continue }
            drifts.append(Diagnostic(file: chapter.path, message: "the page differs from \(options.out)/\(page) in its prose, code or structure; "
                                     + Self.firstDifference(old, new)))
        }
        return CheckReport(drifts: drifts.sorted(), staleFiles: differences, withinTolerance: reconciled?.kept ?? 0,
                           compared: reconciled.map { $0.kept + $0.identical + $0.drifts.count })
    }

    /// Where two versions of a page first differ, as a line of each, cut short.
    static func firstDifference(_ old: Data, _ new: Data) -> String {
        let a = String(decoding: old, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let b = String(decoding: new, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let k = a.indices.first { $0 >= b.count || a[$0] != b[$0] } ?? min(a.count, b.count)
        func cut(_ line: Substring?) -> String {
            guard let line else { return "(nothing)" }
            let text = line.trimmingCharacters(in: .whitespaces)
            return "\"" + (text.count > 100 ? String(text.prefix(97)) + "…" : text) + "\""
        }
        return "first at its line \(k + 1): published \(cut(k < a.count ? a[k] : nil)), built here \(cut(k < b.count ? b[k] : nil))"
    }

    /// Re-executes chapters (the cache is not used) and judges every value
    /// against the published ledger and its tolerances.
    public func verify(chapters selected: [String]) throws -> Verification {
        let manifestURL = outURL.appendingPathComponent("manifest.json")
        guard FileManager.default.fileExists(atPath: manifestURL.path) else {
            throw Diagnostic(file: manifestURL.path, message: "no manifest: build the site first with `convbook build`")
        }
        guard let published = Manifest.load(from: outURL) else {
            throw Diagnostic(file: manifestURL.path, message: "the manifest is not readable or not of format \(Manifest.currentFormat): rebuild the site with `convbook build`")
        }
        var verifying = self
        verifying.optionsOverride { $0.useCache = false }
        let executed = try verifying.executeBook(only: selected)!
        var rows = [Verification.Row]()
        for index in executed.chapters.indices {
            let chapter = executed.chapters[index]
            let name = chapter.file.url.lastPathComponent
            let entries = published.chapters.first { $0.file == name }?.values ?? []
            var result = executed.results[index].value
            let reconciled = Reconciliation.reconcile(&result, with: entries, locator: Self.locator(chapter),
                                                      publishedFile: { _ in nil })
            rows.append(Verification.Row(chapter: name, blocks: chapter.blockCount, published: entries.isEmpty ? nil : entries.count,
                                         reconciliation: reconciled))
        }
        return Verification(rows: rows)
    }

    private var outURL: URL { URL(fileURLWithPath: options.out) }

    /// The key that fixes chapter `index`'s text in the ledger: its source and its result's key.
    func ledgerKey(_ index: Int, _ executed: Executed) -> String {
        let chapter = executed.chapters[index]
        return CacheStore.key(["ledger-2", chapter.file.url.deletingLastPathComponent().lastPathComponent,
                               chapter.file.url.lastPathComponent, chapter.path, chapter.sourceDigest, executed.resultKeys[index]])
    }

    /// Chapter `index`'s text in the ledger (``Manifest/fragment(_:)``),
    /// cached by ``ledgerKey(_:_:)``.
    func ledgerFragment(_ index: Int, _ executed: Executed) -> String {
        if let text = executed.ledgerTexts[index] { return text }
        let chapter = executed.chapters[index]
        let folder = chapter.file.url.deletingLastPathComponent().lastPathComponent
        let file = chapter.file.url.lastPathComponent
        let key = ledgerKey(index, executed)
        let store = options.useCache ? CacheStore(root: options.cacheURL) : nil
        if let cached = store?.loadData(kind: "ledger", key: key) { return String(decoding: cached, as: UTF8.self) }
        let fragment = Manifest.fragment(Manifest.chapter(file: file, folder: folder, blocks: chapter.blockCount,
                                                          result: executed.results[index].value, locator: Self.locator(chapter)))
        store?.storeData(Data(fragment.utf8), kind: "ledger", key: key)
        return fragment
    }

    /// Folders a build must never replace: what it reads and where it runs.
    private var protectedFolders: [(name: String, url: URL)] {
        var folders: [(String, URL)] = [("the chapters folder", URL(fileURLWithPath: options.chapters)),
                                        ("the current folder", URL(fileURLWithPath: FileManager.default.currentDirectoryPath)),
                                        ("the cache folder", options.cacheURL)]
        if let theme = options.theme { folders.append(("the theme folder", URL(fileURLWithPath: theme))) }
        if let modules = options.modules { folders.append(("the modules folder", URL(fileURLWithPath: modules))) }
        return folders
    }

    private static func locator(_ chapter: Chapter) -> Locator {
        Locator(program: chapter.program, chapterPath: chapter.path)
    }

    /// Reconciles every chapter with the ledger published in the site folder;
    /// nil when there is none (a first build, or a manifest of another format).
    ///
    /// A chapter whose ledger text is the published text, letter for letter,
    /// has nothing to reconcile: only the others are decoded and compared.
    /// With `published`, the stamp of that site, a chapter whose ledger text
    /// the stamp says came from the same key is taken from the published
    /// manifest as it is.
    /// `countIdentical` counts the values of identical chapters (what `check` reports).
    func reconcile(_ executed: inout Executed, published: BuildStamp? = nil, countIdentical: Bool = true) -> Reconciliation? {
        if !countIdentical, let published, let reconciled = reconcileByStamp(&executed, published: published) { return reconciled }
        let manifestURL = outURL.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: manifestURL) else { return nil }
        // This version's manifests split by their lines; anything else is decoded whole.
        let publishedText = Manifest.fragments(in: data)
        let publishedManifest = publishedText != nil ? nil
            : (try? JSONDecoder().decode(Manifest.self, from: data)).flatMap { $0.format == Manifest.currentFormat ? $0 : nil }
        guard publishedText != nil || publishedManifest != nil else { return nil }
        func publishedEntries(_ name: String) -> [LedgerEntry] {
            if let fragment = publishedText?[name] {
                return (try? JSONDecoder().decode(Manifest.Chapter.self, from: Data(fragment.utf8)))?.values ?? []
            }
            return publishedManifest?.chapters.first { $0.file == name }?.values ?? []
        }
        var total = Reconciliation()
        for index in executed.chapters.indices {
            let chapter = executed.chapters[index]
            let name = chapter.file.url.lastPathComponent
            if let text = publishedText?[name], text == ledgerFragment(index, executed) {
                executed.ledgerTexts[index] = text
                if countIdentical { total.identical += Manifest.valueCount(in: text) }
                continue
            }
            total.add(reconcileChapter(index, with: publishedEntries(name), &executed))
        }
        return total
    }

    /// Reconciles chapter `index`'s result with its published entries; where
    /// published numbers stand in for computed ones, the result (and so the
    /// key its page and ledger text are cached by) says so.
    private func reconcileChapter(_ index: Int, with entries: [LedgerEntry], _ executed: inout Executed) -> Reconciliation {
        let chapter = executed.chapters[index]
        let dataFolder = outURL.appendingPathComponent("data").appendingPathComponent(chapter.file.slug)
        var result = executed.results[index].value
        let reconciled = Reconciliation.reconcile(&result, with: entries, locator: Self.locator(chapter),
                                                  publishedFile: { try? Data(contentsOf: dataFolder.appendingPathComponent($0)) })
        if reconciled.kept > 0 {
            executed.results[index].value = result
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            executed.resultKeys[index] += " kept " + ((try? encoder.encode(result)).map(CacheStore.digest) ?? UUID().uuidString)
        }
        return reconciled
    }

    /// Reconciliation when the stamp of the site says where each chapter's
    /// text lies in its `manifest.json`, and from which key: a chapter whose
    /// key is the same is not read at all (its text is copied when
    /// publishing); only the others are read, compared and reconciled. Nil
    /// when the stamp cannot say (then everything is read).
    private func reconcileByStamp(_ executed: inout Executed, published: BuildStamp) -> Reconciliation? {
        let path = outURL.path + "/manifest.json"
        var records: [(key: String, range: Range<Int>)?] = []
        for chapter in executed.chapters {
            guard let recorded = published.source(of: "manifest.json", part: chapter.file.url.lastPathComponent, in: outURL) else { return nil }
            let fields = recorded.split(separator: " ")
            guard fields.count == 3, let offset = Int(fields[1]), let length = Int(fields[2]) else { return nil }
            records.append((String(fields[0]), offset..<(offset + length)))
        }
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        var total = Reconciliation()
        for index in executed.chapters.indices {
            guard let record = records[index] else { continue }
            if record.key == ledgerKey(index, executed) {
                executed.ledgerPublished[index] = record.range
                continue
            }
            // Read this chapter's published text alone, and go on as a full reconciliation does.
            guard (try? file.seek(toOffset: UInt64(record.range.lowerBound))) != nil,
                  let bytes = try? file.read(upToCount: record.range.count), bytes.count == record.range.count else { return nil }
            let text = String(decoding: bytes, as: UTF8.self)
            if text == ledgerFragment(index, executed) {
                executed.ledgerTexts[index] = text
                continue
            }
            let entries = (try? JSONDecoder().decode(Manifest.Chapter.self, from: bytes))?.values ?? []
            total.add(reconcileChapter(index, with: entries, &executed))
        }
        return total
    }

    private mutating func optionsOverride(_ change: (inout BuildOptions) -> Void) {
        var copy = options
        change(&copy)
        self = BookBuilder(options: copy)
    }

    // MARK: Load, execute, inject

    struct Executed {
        var config: BookConfig
        var chapters: [Chapter]
        /// The book's labels, and its bibliography.
        var references: CrossReferences
        var bibliography: Bibliography?
        /// Decoded when first needed (``LazyResult``).
        var results: [LazyResult]
        /// What names each result in the page cache: its execution cache key,
        /// plus a digest of the published numbers reconciliation kept in it.
        var resultKeys: [String]
        /// Each chapter's text in the ledger, once known (``ledgerFragment(_:_:)``),
        /// or where the published manifest holds it, unread, from the same key.
        var ledgerTexts: [String?]
        var ledgerPublished: [Range<Int>?]
        /// Digest of everything the site is made from (``BuildStamp``).
        var inputs: String
        /// What the chapters' names, order and bibliography are (``bookLinks(_:bibliography:linkedFiles:)``).
        var namesKey = ""
        /// `checks#PATH`: the checks key of each chapter whose checks found
        /// nothing, for the build stamp (see ``checks(_:key:result:kernel:published:)``).
        var cleanChecks: [String: String] = [:]
        /// The theme, loaded once: its digest is one of the inputs, and render uses it.
        var theme: Result<Theme, Diagnostic>
        var report: BuildReport
    }

    /// Loads and executes the book (`selected` chapters only, when given).
    /// Before running anything, `unlessUnchanged` is asked with the digest of
    /// the inputs; when it answers true, nothing runs and the result is nil.
    /// `published` is the stamp of the site being replaced, if any.
    func executeBook(only selected: [String] = [], published: BuildStamp? = nil,
                     unlessUnchanged: ((_ inputs: String, _ chapters: [Chapter]) -> Bool)? = nil) throws -> Executed? {
        let loadStart = StageTimer.now()
        try ExecutionCache.prepare(options.cacheURL)
        let config = try BookConfig.load(chaptersFolder: options.chapters)
        let files = try BookFiles.list(options.chapters, chapterOrder: config.chapters, orderSource: BookConfig.path(chaptersFolder: options.chapters))
        var diagnostics = [Diagnostic]()
        // The book's bibliography (book.toml), with the entries of any a chapter's front matter names.
        var bibliography: Bibliography?
        var bibliographies: [(path: String, shown: String)] = []
        if let name = config.bibliography {
            let folder = URL(fileURLWithPath: options.chapters).standardizedFileURL.deletingLastPathComponent()
            bibliographies.append((folder.appendingPathComponent(name).path,
                                   String(BookConfig.path(chaptersFolder: options.chapters).dropLast(BookConfig.fileName.count)) + name))
        }
        // Each chapter file is read once, here: for the bibliography its front matter may name, then to load it.
        let contents = files.files.map { FileManager.default.contents(atPath: $0.url.path) }
        for (file, data) in zip(files.files, contents) {
            // Most chapters name none: looking for the key's bytes first spares reading their lines.
            guard let data, data.starts(with: Data("---".utf8)), data.prefix(4096).range(of: Data("bibliography:".utf8)) != nil else { continue }
            let head = String(decoding: data.prefix(4096), as: UTF8.self)
            guard let name = FrontMatter.bibliography(in: head[...]) else { continue }
            let shown = String(file.displayPath.dropLast(file.url.lastPathComponent.count)) + name
            if !bibliographies.contains(where: { $0.shown == shown }) {
                bibliographies.append((file.url.deletingLastPathComponent().appendingPathComponent(name).path, shown))
            }
        }
        let boundary = BookBoundary(chaptersFolder: options.chapters)
        for (path, shown) in bibliographies {
            do throws(Diagnostic) {
                // Read where it resolves, if it may be read at all (``BookBoundary``).
                let resolved: String
                switch boundary.check(path) {
                case .success(let found): resolved = found.path
                case .failure(.missing): resolved = path
                case .failure(let refusal): throw Diagnostic(file: shown, message: "the bibliography \(boundary.describe(refusal))")
                }
                let loaded = try Bibliography.load(path: resolved, shown: shown)
                if bibliography == nil { bibliography = loaded } else { try bibliography!.merge(loaded, shown: shown) }
            } catch {
                diagnostics.append(error)
            }
        }
        var chapters = [Chapter]()
        for (file, data) in zip(files.files, contents) where selected.isEmpty || selected.contains(where: { Self.names(file).contains($0) }) {
            do {
                chapters.append(try Chapter.load(file, data: data, config: config, citationKeys: bibliography?.keys ?? [],
                                                 cache: options.useCache ? CacheStore(root: options.cacheURL) : nil))
            } catch {
                diagnostics.append(error)
            }
        }
        if !selected.isEmpty {
            let known = Set(files.files.flatMap(Self.names))
            for name in selected where !known.contains(name) {
                diagnostics.append(Diagnostic(file: options.chapters, message: "no chapter called '\(name)'"))
            }
        }
        diagnostics += chapters.flatMap(\.diagnostics)
        // The files each program reads (its front matter's `files`), where they resolve, and their digest.
        var programFiles = chapters.map { boundary.programFiles(of: $0) }
        diagnostics += programFiles.flatMap(\.diagnostics)
        // Chapters that failed to load, or whose files may not be read, are not run; the
        // others are, so that one build reports every problem in every chapter.
        let runnable = chapters.indices.filter { !chapters[$0].diagnostics.contains { $0.severity == .error } && programFiles[$0].diagnostics.isEmpty }
        let loadFailed = runnable.count != chapters.count || diagnostics.contains { $0.severity == .error }
        chapters = runnable.map { chapters[$0] }
        programFiles = runnable.map { programFiles[$0] }

        StageTimer.report("load", since: loadStart)
        // The code of chapters parsed just now (edited ones) is highlighted into the cache while they compile and run.
        let highlighting = prefetchHighlighting(chapters.filter { $0.document != nil })
        defer { highlighting.wait() }
        let toolchain = try StageTimer.measure("toolchain") { try Toolchain.locate(modules: options.modules, cache: options.cacheURL) }
        let executeStart = StageTimer.now()
        let cacheRoot = options.cacheURL
        let environment = try ChapterEnvironment(choices: options.environment, environment: ProcessInfo.processInfo.environment,
                                                 gradientThreshold: config.gradientThreshold)
        ExecutionCache(root: cacheRoot).removeAbandonedWork()
        let executor = ChapterExecutor(toolchain: toolchain, cache: options.useCache ? ExecutionCache(root: cacheRoot) : nil,
                                       scratchRoot: cacheRoot, environment: environment)
        // The files a chapter's program reads (its front matter's `files`) are part of its key.
        let inputFiles = programFiles.map(\.files)
        let fileDigests = programFiles.map(\.digest)
        let keys = zip(chapters, fileDigests).map { executor.key(programDigest: $0.programDigest + $1) }
        let theme = Result { () throws(Diagnostic) in try Theme.load(override: options.theme) }
        // The files chapters show or link to (images), by where they resolve, size and time: they are copied into the site.
        let linkedFiles = chapters.flatMap { chapter in
            chapter.localFiles.map { BookBoundary.stamp(chapter.file.url.deletingLastPathComponent().path + "/" + $0) }
        }
        let inputs = BuildStamp.inputs(["\(config)", bibliography?.digest ?? "", options.theme ?? "", (try? theme.get())?.digest ?? "",
                                        KaTeXAssets.stamp, options.chapters]
                                       + zip(chapters, keys).map { "\($0.path) \($0.sourceDigest) \($1)" } + linkedFiles)
        if !loadFailed, let unlessUnchanged, unlessUnchanged(inputs, chapters) {
            StageTimer.report("up to date", since: executeStart)
            return nil
        }
        // Labels, citations and links across the book, which the inputs fix: checked
        // when something changed (with some chapters only, as `verify` runs them, there is no book to check).
        let (links, namesKey) = bookLinks(chapters, bibliography: bibliography, linkedFiles: linkedFiles)
        if selected.isEmpty { diagnostics += links.diagnostics }
        let kernelCheck = (try? theme.get()).flatMap { theme in
            theme.assets["convkernel.js"].map { BrowserKernelCheck(kernelPath: theme.assetPaths["convkernel.js"] ?? "convkernel.js", kernel: $0) }
        }
        // A chapter that will run may have examples for the kernel check: node starts loading it while chapters compile.
        let willRun = options.useCache && chapters.indices.contains { chapters[$0].hasCode && !executor.cache!.has(keys[$0]) }
        // Said once, where chapter programs will run without the sandbox.
        if willRun || (!options.useCache && chapters.contains(where: \.hasCode)), let warning = Sandbox.availability.warning {
            options.progress?(Diagnostic(file: "convbook", severity: .warning, message: warning).description)
        }
        let kernelStarted = willRun ? try? kernelCheck?.start() : nil
        defer { kernelStarted?.finish() }
        let progress = options.progress
        let count = chapters.count
        let outcomes = parallelMap(Array(chapters.enumerated()), jobs: options.jobs) { item in
            let (index, chapter) = item
            let outcome = executor.execute(chapter.lazyProgram, hasCode: chapter.hasCode, key: keys[index], chapterPath: chapter.path,
                                           limits: .init(seconds: chapter.timeout, memory: chapter.memory, files: inputFiles[index]))
            progress?(Self.progressLine(index: index, count: count, chapter: chapter, outcome: outcome))
            return outcome
        }

        StageTimer.report("execute", since: executeStart)
        var results = [LazyResult]()
        var resultKeys = [String]()
        var report = BuildReport()
        var pendingChecks = [PendingChecks]()
        var cleanChecks = [String: String]()
        for (chapter, outcome) in zip(chapters, outcomes) {
            diagnostics += outcome.diagnostics
            if let result = outcome.result {
                resultKeys.append(outcome.key)
                switch checks(chapter, key: outcome.key, result: result, kernel: kernelCheck, published: published) {
                case .found(let found, let key):
                    diagnostics += found
                    if found.isEmpty, let key { cleanChecks["checks#" + chapter.path] = key }
                case .pending(let pending): pendingChecks.append(pending)
                }
                results.append(result)
            }
            report.chapters.append(.init(file: chapter.path, cached: outcome.source == .cached, compileSeconds: outcome.compileSeconds,
                                         runSeconds: outcome.runSeconds, blocks: chapter.blockCount))
        }
        if let kernelCheck {
            let kernelStart = StageTimer.now()
            let finished = try finishChecks(pendingChecks, kernel: kernelCheck, started: kernelStarted, grid: selected.isEmpty)
            StageTimer.report("kernel check", since: kernelStart)
            diagnostics += finished.diagnostics
            cleanChecks.merge(finished.clean) { $1 }
        }
        report.warnings = diagnostics.filter { $0.severity != .error }
        if loadFailed || diagnostics.contains(where: { $0.severity == .error }) || results.count != chapters.count {
            throw BuildFailure(diagnostics.sorted())
        }
        for warning in report.warnings { progress?(warning.description) }
        return Executed(config: config, chapters: chapters, references: links.references, bibliography: bibliography,
                        results: results, resultKeys: resultKeys,
                        ledgerTexts: Array(repeating: nil, count: chapters.count), ledgerPublished: Array(repeating: nil, count: chapters.count),
                        inputs: inputs, namesKey: namesKey, cleanChecks: cleanChecks, theme: theme, report: report)
    }

    /// Highlights the code `chapters` show (``Typesetter``) on another
    /// thread, into the cache, where render finds it: a chapter just edited
    /// then pays for node's start while it compiles, not after. Errors are
    /// left for render, which typesets again what is missing and reports them.
    private func prefetchHighlighting(_ chapters: [Chapter]) -> DispatchGroup {
        let group = DispatchGroup()
        let code = chapters.flatMap { chapter in
            chapter.program.cells.compactMap { cell -> String? in
                if case .block(let block) = cell { return block.shownCode }
                return nil
            }
        }
        guard options.useCache, !code.isEmpty, let script = Theme.typesetScript else { return group }
        let store = CacheStore(root: options.cacheURL)
        DispatchQueue.global().async(group: group) {
            _ = try? Typesetter(store: store, script: script).typeset([], code: code)
        }
        return group
    }

    /// The book-wide check of labels, citations and links (``BookLinks``),
    /// which reads every chapter's names. What it finds is fixed by those
    /// names, the chapters' order and places, the bibliography, the files
    /// beside the chapters that links may name, and convbook: a check that found
    /// nothing is kept in the cache by them, so that an edit which changes no
    /// name decodes no other chapter's names.
    private func bookLinks(_ chapters: [Chapter], bibliography: Bibliography?, linkedFiles: [String]) -> (BookLinks, key: String) {
        let store = options.useCache ? CacheStore(root: options.cacheURL) : nil
        let beside = ((try? FileManager.default.contentsOfDirectory(atPath: options.chapters)) ?? []).sorted()
        let key = CacheStore.key(["links-1", Self.generatorStamp, bibliography?.digest ?? "no bibliography", beside.joined(separator: "\n")]
                                 + chapters.map { "\($0.file.slug)\t\($0.path)\t\($0.namesDigest)" } + linkedFiles)
        if let references = store?.load(CrossReferences.self, kind: "links", key: key) { return (BookLinks(references: references), key) }
        let links = BookLinks(chapters: chapters, bibliography: bibliography, boundary: BookBoundary(chaptersFolder: options.chapters))
        if links.diagnostics.isEmpty { store?.store(links.references, kind: "links", key: key) }
        return (links, key)
    }

    /// A chapter's checks, found or waiting for the kernel check's node run.
    private enum Checks {
        /// With the checks key (nil when nothing is cached: no code, or `--no-cache`).
        case found([Diagnostic], key: String?)
        case pending(PendingChecks)
    }

    /// What ``ResultChecker`` found in a chapter, and the examples the
    /// browser's kernel is still to recompute.
    private struct PendingChecks {
        var key: String
        var path: String
        var found: [Diagnostic]
        var cases: [BrowserKernelCheck.Case]
    }

    /// What ``ResultChecker`` finds in a chapter's result (failed checks,
    /// traps that did not happen, …) and what the browser kernel's check
    /// finds in its examples (``BrowserKernelCheck``), cached by the
    /// result's key, the chapter's path, the kernel's digest and the
    /// generator (a new convbook may check more), which fix them: a rebuild decodes no unchanged result. A chapter with examples
    /// not checked yet is pending: ``finishChecks(_:kernel:started:grid:)`` runs
    /// node once for all of them. Checks that found nothing are recorded
    /// in the build stamp by their key: while the site being replaced
    /// (`published`) was built with the same key, they are not even read.
    private func checks(_ chapter: Chapter, key: String, result: LazyResult, kernel: BrowserKernelCheck?, published: BuildStamp?) -> Checks {
        let store = options.useCache && !key.isEmpty ? CacheStore(root: options.cacheURL) : nil
        let checksKey = CacheStore.key(["checks-3", key, chapter.path, kernel?.digest ?? "no kernel", Self.generatorStamp])
        if store != nil, published?.sources["checks#" + chapter.path] == checksKey { return .found([], key: checksKey) }
        if let cached = store?.load([Diagnostic].self, kind: "checks", key: checksKey) { return .found(cached, key: checksKey) }
        let locator = Locator(program: chapter.program, chapterPath: chapter.path)
        let found = ResultChecker(locator: locator).diagnostics(for: result.value)
        let cases = kernel == nil ? [] : BrowserKernelCheck.cases(in: result.value, locator: locator)
        if cases.isEmpty {
            store?.store(found, kind: "checks", key: checksKey)
            return .found(found, key: store == nil ? nil : checksKey)
        }
        return .pending(PendingChecks(key: checksKey, path: chapter.path, found: found, cases: cases))
    }

    /// Runs the browser kernel on the pending chapters' examples and, with
    /// `grid`, on the engine's reference layers (``BuildOptions/referenceLayers``),
    /// all in one node process; caches each chapter's checks. Returns what
    /// they found, and the checks keys of the chapters where nothing was
    /// found (`checks#PATH`, for the build stamp).
    private func finishChecks(_ pending: [PendingChecks], kernel: BrowserKernelCheck, started: BrowserKernelCheck.Started?, grid: Bool) throws(Diagnostic)
        -> (diagnostics: [Diagnostic], clean: [String: String]) {
        let store = options.useCache ? CacheStore(root: options.cacheURL) : nil
        let gridKey = CacheStore.key(["kernel-grid-1", kernel.digest, Self.generatorStamp])
        var gridCases = [BrowserKernelCheck.Case]()
        var gridFound: [Diagnostic]?
        if grid, let layers = options.referenceLayers {
            gridFound = store?.load([Diagnostic].self, kind: "checks", key: gridKey)
            if gridFound == nil {
                let cases = layers()
                gridCases = cases.enumerated().map { number, layer in
                    BrowserKernelCheck.Case(kernelCase: layer, place: { Diagnostic(file: kernel.kernelPath, message: $0) },
                                            what: "reference layer \(number + 1) of \(cases.count) (\(BrowserKernelCheck.describe(layer)))")
                }
            }
        }
        var failed = try kernel.run(pending.flatMap(\.cases) + gridCases, started: started)[...]
        var diagnostics = [Diagnostic]()
        var clean = [String: String]()
        for chapter in pending {
            let found = chapter.found + failed.prefix(chapter.cases.count).flatMap { $0 }
            failed = failed.dropFirst(chapter.cases.count)
            store?.store(found, kind: "checks", key: chapter.key)
            if found.isEmpty && store != nil { clean["checks#" + chapter.path] = chapter.key }
            diagnostics += found
        }
        if !gridCases.isEmpty {
            gridFound = failed.flatMap { $0 }
            store?.store(gridFound!, kind: "checks", key: gridKey)
        }
        return (diagnostics + (gridFound ?? []), clean)
    }

    private static func names(_ file: BookFiles.File) -> [String] {
        [file.slug, file.url.lastPathComponent, file.displayPath]
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

    // MARK: Render

    /// A chapter's page as rendered, cached by everything it is made from:
    /// the HTML as it is (kind `pages`), and beside it (kind `page-meta`,
    /// one text a rebuild reads without decoding JSON) its downloads and its
    /// search entries as the script's JSON.
    struct RenderedPage {
        /// The page; nil when the published one is kept.
        var html: Data?
        var search: String
        /// The page's `.npy` downloads, and the bytes of those not kept.
        var artifacts: [ArtifactEntry]
        var artifactBytes: [String: Data] = [:]
        /// Where the published search index holds this page's text, when it is not in `search`.
        var searchPublished: Range<Int>?

        /// `page-meta`: a line per download (`name`, shape as `2x3`, digest, tab-separated), an empty line, the search text.
        var meta: Data {
            Data((artifacts.map { "\($0.name)\t\($0.shape.map(String.init).joined(separator: "x"))\t\($0.digest)\n" }.joined()
                  + "\n" + search).utf8)
        }

        init(html: Data? = nil, search: String, artifacts: [ArtifactEntry]) {
            self.html = html
            self.search = search
            self.artifacts = artifacts
        }

        init?(meta data: Data) {
            let text = String(decoding: data, as: UTF8.self)
            guard let split = text.range(of: "\n\n") ?? (text.hasPrefix("\n") ? text.startIndex..<text.index(after: text.startIndex) : nil) else { return nil }
            var artifacts: [ArtifactEntry] = []
            for line in text[..<split.lowerBound].split(separator: "\n") {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard fields.count == 3 else { return nil }
                artifacts.append(ArtifactEntry(name: String(fields[0]), shape: fields[1].split(separator: "x").compactMap { Int($0) },
                                               digest: String(fields[2])))
            }
            self.init(search: String(text[split.upperBound...]), artifacts: artifacts)
        }
    }

    /// A page that the published site holds from `key`, with its search text
    /// and downloads where the stamp says they are: nothing to read.
    static func publishedPage(slug: String, href: String, key: String, published: BuildStamp?, in folder: URL) -> RenderedPage? {
        guard let published, published.holds(href, madeFrom: key, in: folder),
              let recorded = published.source(of: "search-index.js", part: slug, in: folder) else { return nil }
        let fields = recorded.split(separator: " ").map(String.init)
        guard fields.count >= 3, fields[0] == key, let offset = Int(fields[1]), let length = Int(fields[2]) else { return nil }
        var artifacts: [ArtifactEntry] = []
        for field in fields.dropFirst(3) {
            let parts = field.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, published.holds("data/\(slug)/\(parts[0]).npy", madeFrom: parts[1], in: folder) else { return nil }
            artifacts.append(ArtifactEntry(name: parts[0], shape: [], digest: parts[1]))
        }
        var page = RenderedPage(search: "", artifacts: artifacts)
        page.searchPublished = offset..<(offset + length)
        return page
    }

    /// A page's download: its name and shape; its bytes are in the cache by their digest (`npy`).
    struct ArtifactEntry: Codable {
        var name: String
        var shape: [Int]
        var digest: String
    }

    static let pageCacheVersion = "page-3"

    /// Injects every chapter's results, typesets its math (one KaTeX run for
    /// the whole book) and renders the pages, the search index and the
    /// downloads. Throws TeX errors at their chapter lines.
    ///
    /// A chapter's page is cached by its source, its results, the book's
    /// settings and page list, the theme, the KaTeX driver and the generator
    /// itself: an unchanged chapter costs no parse, no highlighting and no
    /// render, so a rebuild costs what the edit costs. With `published`, the
    /// stamp of the site being replaced, a page or download it holds from
    /// the same key, untouched, is kept without being read at all.
    func render(_ executed: Executed, keeping published: BuildStamp? = nil) throws -> SiteFiles {
        let injectStart = StageTimer.now()
        let theme = try executed.theme.get()
        guard let script = Theme.typesetScript else {
            throw Diagnostic(file: "convbook", message: "the typesetting script (typeset.js) is missing from convbook's resources")
        }
        let pages = executed.chapters.map { PageRenderer.Page(slug: $0.file.slug, title: $0.title, summary: $0.frontMatter.summary) }
        let store = options.useCache ? CacheStore(root: options.cacheURL) : nil
        let bookContext = CacheStore.key([Self.pageCacheVersion, Self.generatorStamp, theme.digest, KaTeXAssets.stamp,
                                          executed.references.digest, executed.bibliography?.digest ?? "",
                                          "\(executed.config)"] + pages.map { "\($0.slug)\t\($0.title)\t\($0.summary ?? "")" })
        let keys = executed.chapters.enumerated().map { index, chapter in
            CacheStore.key([bookContext, String(index), chapter.path, chapter.sourceDigest, executed.resultKeys[index]])
        }
        var rendered: [RenderedPage?] = keys.enumerated().map { index, key in
            let slug = executed.chapters[index].file.slug
            // A page the published site holds from the same key: what the stamp recorded of it serves (no cache read).
            if let page = Self.publishedPage(slug: slug, href: pages[index].href, key: key, published: published, in: outURL) { return page }
            guard let store, var page = store.loadData(kind: "page-meta", key: key).flatMap(RenderedPage.init(meta:)) else { return nil }
            let artifacts = page.artifacts
            if published?.holds(pages[index].href, madeFrom: key, in: outURL) != true {
                guard let html = store.loadData(kind: "pages", key: key) else { return nil }
                page.html = html
            }
            for artifact in artifacts where published?.holds("data/\(slug)/\(artifact.name).npy", madeFrom: artifact.digest, in: outURL) != true {
                guard let bytes = store.loadData(kind: "npy", key: artifact.digest) else { return nil }
                page.artifactBytes[artifact.name] = bytes
            }
            return page
        }
        let missing = rendered.indices.filter { rendered[$0] == nil }

        // Chapters are injected in parallel: highlighting their code is most of the work.
        let documents = parallelMap(missing, jobs: options.jobs) { index in
            let chapter = executed.chapters[index]
            var injector = Injector(chapter: chapter, result: executed.results[index].value)
            var resolver = CrossReferenceResolver(page: "\(chapter.file.slug).html", references: executed.references,
                                                  bibliography: executed.bibliography, pages: Set(pages.map(\.href)))
            return resolver.resolve(injector.rewrite(chapter.parsedDocument()))
        }
        var occurrences = [Typesetter.Occurrence]()
        var code = [String]()
        for (index, document) in zip(missing, documents) {
            occurrences += MathCollector.occurrences(in: document, file: executed.chapters[index].path)
            code += CodeCollector.code(in: document)
        }
        StageTimer.report("render: inject", since: injectStart)
        let typeset = try StageTimer.measure("render: typeset") { try Typesetter(store: store, script: script).typeset(occurrences, code: code) }
        let pagesStart = StageTimer.now()

        let renderer = PageRenderer(book: executed.config, pages: pages, theme: theme, typeset: typeset)
        var site = SiteFiles()
        for (index, document) in zip(missing, documents) {
            let chapter = executed.chapters[index]
            let artifacts = executed.results[index].value.artifacts
            let dataFiles = artifacts.map { ($0.name + ".npy", "data/\(chapter.file.slug)/\($0.name).npy", $0.shape) }
            let input = PageRenderer.ChapterInput(document: document, blockCount: chapter.blockCount, dataFiles: dataFiles)
            var page = RenderedPage(html: Data(renderer.chapterPage(index, input).utf8),
                                    search: SearchIndex.text(of: SearchIndex.entries(page: pages[index], document: document)),
                                    artifacts: artifacts.map { ArtifactEntry(name: $0.name, shape: $0.shape, digest: CacheStore.digest($0.bytes)) })
            for artifact in artifacts { page.artifactBytes[artifact.name] = artifact.bytes }
            rendered[index] = page
            if let store {
                store.storeData(page.html!, kind: "pages", key: keys[index])
                store.storeData(page.meta, kind: "page-meta", key: keys[index])
                for (entry, artifact) in zip(page.artifacts, artifacts) { store.storeData(artifact.bytes, kind: "npy", key: entry.digest) }
            }
        }
        for (index, chapter) in executed.chapters.enumerated() {
            guard let page = rendered[index] else { continue }
            for artifact in page.artifacts {
                let path = "data/\(chapter.file.slug)/\(artifact.name).npy"
                if let bytes = page.artifactBytes[artifact.name] { site.add(path, bytes, source: artifact.digest) } else { site.keep(path, source: artifact.digest) }
            }
            if let html = page.html { site.add(pages[index].href, html, source: keys[index]) } else { site.keep(pages[index].href, source: keys[index]) }
            // The standalone program is fixed by the chapter's text, the book and the generator.
            let code = "code/\(chapter.file.slug).swift"
            let codeKey = CacheStore.key(["code-1", Self.generatorStamp, chapter.sourceDigest, chapter.path, chapter.title,
                                          chapter.bookTitle, chapter.imports.joined(separator: "\n")])
            if published?.holds(code, madeFrom: codeKey, in: outURL) == true {
                site.keep(code, source: codeKey)
            } else {
                site.add(code, Data(StandaloneProgram.source(for: chapter).utf8), source: codeKey)
            }
        }
        // The search index: each page's text, or a copy of the published one's.
        let searchable = executed.chapters.indices.filter { rendered[$0] != nil }
        let search = SiteFiles.Piece.join(searchable.map { index in
            rendered[index]!.searchPublished.map { .published($0) } ?? .bytes(Data(rendered[index]!.search.utf8))
        }, prefix: "window.CONVBOOK_SEARCH = [", separator: ",", suffix: "];\n", skippingEmpty: true)
        for (index, range) in zip(searchable, search.ranges) {
            site.sources["search-index.js#" + executed.chapters[index].file.slug] = ([keys[index], "\(range.lowerBound)", "\(range.count)"]
                + rendered[index]!.artifacts.map { "\($0.name):\($0.digest)" }).joined(separator: " ")
        }
        site.add("search-index.js", pieces: search.pieces)
        StageTimer.report("render: pages", since: pagesStart)
        // The bibliography page reads every chapter's citations: kept while the published one was made from the same names.
        let bibliographyKey = CacheStore.key(["bibliography-page-1", bookContext, executed.namesKey])
        let keptBibliography = executed.bibliography != nil && published?.holds("bibliography.html", madeFrom: bibliographyKey, in: outURL) == true
        let bibliographyPage = keptBibliography ? nil : executed.bibliography.flatMap { Self.bibliographyDocument(executed.chapters, $0) }
        site.add("index.html", renderer.indexPage(hasBibliography: keptBibliography || bibliographyPage != nil))
        // The whole book on one page: each chapter's part made from its page and cached by the page's key.
        // A part the published book.html holds from the same key, untouched since, is copied from it when publishing, never read.
        var bookChapters: [BookPage.Chapter] = []
        let slugs = Set(executed.chapters.map(\.file.slug))
        let partKeys = keys.map { CacheStore.key(["book-part-1", $0] + slugs.sorted()) }
        var bookStat = stat()
        let publishedBookSize = stat(outURL.path + "/book.html", &bookStat) == 0 ? Int(bookStat.st_size) : -1
        for (index, chapter) in executed.chapters.enumerated() {
            let partKey = partKeys[index]
            var part: BookPage.Part?
            if let recorded = published?.source(of: "book.html", part: chapter.file.slug, in: outURL) {
                let fields = recorded.split(separator: " ").map(String.init)
                if fields.count == 4, fields[0] == partKey, let offset = Int(fields[1]), let length = Int(fields[2]), let formulas = Int(fields[3]),
                   offset >= 0, length >= 0, offset + length <= publishedBookSize {
                    part = BookPage.Part(body: Data(), formulas: formulas, published: offset..<(offset + length))
                }
            }
            if part == nil { part = store?.loadData(kind: "book", key: partKey).flatMap(BookPage.Part.init(stored:)) }
            if part == nil {
                guard let page = rendered[index]?.html ?? FileManager.default.contents(atPath: outURL.path + "/" + pages[index].href) else {
                    throw Diagnostic(file: outURL.path, message: "cannot read \(pages[index].href) of the published site for book.html")
                }
                let made = BookPage.part(of: page, slug: chapter.file.slug, chapters: slugs)
                store?.storeData(made.stored, kind: "book", key: partKey)
                part = made
            }
            bookChapters.append(BookPage.Chapter(slug: chapter.file.slug, title: chapter.title, part: part!))
        }
        let book = BookPage.html(bookChapters, book: executed.config, theme: theme)
        site.add("book.html", pieces: book.pieces)
        for (index, range) in book.parts.enumerated() {
            site.sources["book.html#" + bookChapters[index].slug] = "\(partKeys[index]) \(range.lowerBound) \(range.count) \(bookChapters[index].part.formulas)"
        }
        if keptBibliography {
            site.keep("bibliography.html", source: bibliographyKey)
        } else if let page = bibliographyPage {
            let typeset = try Typesetter(store: store, script: script).typeset(MathCollector.occurrences(in: page, file: "bibliography"))
            site.add("bibliography.html", Data(PageRenderer(book: executed.config, pages: pages, theme: theme, typeset: typeset)
                .extraPage(title: "Bibliography", document: page).utf8), source: bibliographyKey)
        }
        for (name, data) in theme.assets { site.add(name, data) }
        try KaTeXAssets.add(to: &site, keeping: published, in: outURL)
        // The ledger: each chapter's text, or a copy of the published one's where its key is the same.
        let ledger = Manifest.pieces(executed.chapters.indices.map { index -> SiteFiles.Piece in
            executed.ledgerPublished[index].map { .published($0) } ?? .bytes(Data(ledgerFragment(index, executed).utf8))
        })
        site.add("manifest.json", pieces: ledger.pieces)
        for index in executed.chapters.indices {
            let range = ledger.ranges[index]
            site.sources["manifest.json#" + executed.chapters[index].file.url.lastPathComponent] =
                "\(ledgerKey(index, executed)) \(range.lowerBound) \(range.count)"
        }
        site.add(SiteFiles.markerName, SiteFiles.markerText)
        // Files the chapters link to or show (images), from beside them: last, so none replaces a generated one.
        try LinkedFiles.add(executed.chapters, boundary: BookBoundary(chaptersFolder: options.chapters), to: &site)
        return site
    }

    /// The book's bibliography page: every work cited, in the style of the
    /// chapters' lists, each followed by links back to the places citing it.
    static func bibliographyDocument(_ chapters: [Chapter], _ bibliography: Bibliography) -> MarkdownDocument? {
        var places: [String: [(chapter: Int, page: String, anchor: String)]] = [:]
        for (index, chapter) in chapters.enumerated() {
            for use in chapter.names.citations where bibliography.entries[use.name] != nil {
                places[use.name, default: []].append((index + 1, "\(chapter.file.slug).html", use.anchor ?? ""))
            }
        }
        guard !places.isEmpty else { return nil }
        let items = places.keys.sorted { bibliography.sortKey($0) < bibliography.sortKey($1) }.map { key -> MarkdownNode in
            var back: [MarkdownNode] = [.text(" Cited in ")]
            var chapterNumber = 0, occurrence = 0
            for place in places[key]! {
                if place.chapter != chapterNumber {
                    if chapterNumber != 0 { back.append(.text("), ")) }
                    back.append(.text("Chapter \(place.chapter) ("))
                    chapterNumber = place.chapter
                    occurrence = 0
                }
                occurrence += 1
                if occurrence > 1 { back.append(.text(", ")) }
                back.append(MarkdownNode(.link(url: "\(place.page)#\(place.anchor)", title: "Chapter \(place.chapter), citation \(occurrence)"),
                                         children: [.text("\(occurrence)")]))
            }
            back.append(.text(")."))
            return MarkdownNode(.item, children: [MarkdownNode(.paragraph, children: [CrossReferenceResolver.entry(key, bibliography)] + back)])
        }
        let root = MarkdownNode(.document, children: [
            MarkdownNode(.heading(level: 1, setext: false, id: "bibliography"), children: [.text("Bibliography")]),
            MarkdownNode(.list(MarkdownListInfo(kind: .bullet, start: 1, delimiter: .none, tight: true)), children: items),
        ])
        return MarkdownDocument(root: root, path: "bibliography")
    }

    /// The generator's own executable (path, size, time): a new convbook
    /// renders every page anew.
    static let generatorStamp: String = {
        let path = Bundle.main.executablePath ?? CommandLine.arguments[0]
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return "\(path) \((attributes?[.size] as? NSNumber)?.intValue ?? -1) \((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1)"
    }()
}

/// The math of a document, with where each formula was written.
struct MathCollector: MarkdownVisitor {
    var file: String
    var found: [Typesetter.Occurrence] = []

    static func occurrences(in document: MarkdownDocument, file: String) -> [Typesetter.Occurrence] {
        var collector = MathCollector(file: file)
        collector.visit(document)
        return collector.found
    }

    mutating func visit(_ node: MarkdownNode) {
        if case .math(let math) = node.kind {
            found.append(.init(formula: .init(tex: math.tex, display: math.display), file: file,
                               line: node.position?.startLine ?? 0, column: node.position?.startColumn ?? 0))
        }
        visitChildren(of: node)
    }
}

/// The code a document shows in its cells, which ``Typesetter`` highlights.
struct CodeCollector: MarkdownVisitor {
    var found: [String] = []

    static func code(in document: MarkdownDocument) -> [String] {
        var collector = CodeCollector()
        collector.visit(document)
        return collector.found
    }

    mutating func visit(_ node: MarkdownNode) {
        if case .extension(let custom) = node.kind, let code = (custom.payload as? InjectedCell)?.code { found.append(code) }
        visitChildren(of: node)
    }
}

/// What a build did, chapter by chapter.
public struct BuildReport: Sendable {
    public struct ChapterLine: Sendable {
        public var file: String
        public var cached: Bool
        public var compileSeconds: Double
        public var runSeconds: Double
        public var blocks: Int
    }

    public var chapters: [ChapterLine] = []
    public var warnings: [Diagnostic] = []
    /// Values whose numbers on this machine differ from the published ones
    /// within their tolerance: the published numbers were kept.
    public var keptValues = 0
    /// Values that changed beyond their tolerance, appeared or went away.
    public var changedValues = 0

    /// One line: how many chapters were compiled and how many came from the
    /// cache, and how many published values were kept or changed.
    public var summary: String {
        let cached = chapters.filter(\.cached).count
        var line = "built \(chapters.count) chapter\(chapters.count == 1 ? "" : "s") (\(chapters.count - cached) compiled, \(cached) cached)"
        if keptValues > 0 {
            line += "; kept the published numbers of \(keptValues) value\(keptValues == 1 ? "" : "s") that differ on this machine only within their tolerance"
        }
        if changedValues > 0 {
            line += "; \(changedValues) published value\(changedValues == 1 ? "" : "s") changed, appeared or went away"
        }
        return line
    }
}

/// What `convbook check` found.
public struct CheckReport: Sendable {
    /// Published values that changed beyond their tolerance, appeared or went
    /// away, at their chapter lines, and chapters whose page differs in prose,
    /// code or structure.
    public var drifts: [Diagnostic]
    /// Files of the site folder that differ from what this machine builds
    /// (`stale: 10-fast.html`, `missing: …`, `extra: …`), published numbers kept.
    public var staleFiles: [String]
    /// Values that differ on this machine only within their tolerance.
    public var withinTolerance: Int
    /// Values compared with the published ledger; nil when the site folder has none.
    public var compared: Int?

    public var upToDate: Bool { drifts.isEmpty && staleFiles.isEmpty }
}
