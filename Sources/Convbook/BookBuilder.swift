import Foundation

/// The generator, as the README's architecture section draws it: five
/// stages, each a folder whose entry point takes the value the one before
/// handed on (mdBook's load, preprocess, render, with preprocessing split):
///
///     load        Book/     LoadedBook.load          → LoadedBook
///     execute     Execute/  BookExecution.run        → ExecutedBook
///     reconcile   Ledger/   LedgerReconciler         → ReconciledBook
///     render      Render/   BookRenderer.render      → SiteFiles
///     publish     Publish/  SiteFiles.publish, and the build stamp
///
/// A build publishes only if nothing failed; `check` and `verify` stop
/// before publishing and judge what they built against the site folder.
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
        try SiteFolder.checkReplaceable(outURL, given: options.out, protecting: protectedFolders)
        // One build of this site at a time (the second waits, naming the first).
        try ExecutionCache.prepare(options.cacheURL)
        let lock = try BuildLock.acquire(site: outURL, cache: options.cacheURL) { options.progress?($0) }
        defer { lock.release() }
        let cache = openCache()
        let stampKey = BuildStamp.key(for: outURL)
        let published = cache?.loadData(kind: .builds, key: stampKey).flatMap(BuildStamp.init(data:))
        let (executed, theme, inputs): (ExecutedBook, Result<Theme, Diagnostic>, String)
        switch try execute(cache: cache, published: published) {
        case .executed(let book, let loadedTheme, let digest): (executed, theme, inputs) = (book, loadedTheme, digest)
        case .upToDate(let chapters):
            // Nothing changed since the last build wrote this folder, and nobody touched it since.
            var report = BuildReport()
            report.chapters = chapters.map { .init(file: $0.path, cached: true, compileSeconds: 0, runSeconds: 0, blocks: $0.blockCount) }
            report.warnings = published?.warnings ?? []
            for warning in report.warnings { options.progress?(warning.description) }
            return report
        }
        let publishedSite = published?.site(in: outURL)
        let reconciled = LedgerReconciler(site: outURL, cache: cache).reconcile(executed, published: publishedSite, countIdentical: false)
        let site = try StageTimer.measure("render") { try renderer(theme, cache: cache, published: publishedSite).render(reconciled) }
        try StageTimer.measure("publish") { try SiteWriteFailure.naming(options.out) { try site.publish(to: outURL) } }
        cache?.storeData(BuildStamp.take(outURL, inputs: inputs, warnings: executed.report.warnings,
                                         sources: site.sources, cleanChecks: executed.cleanChecks).data,
                         kind: .builds, key: stampKey)
        var report = executed.report
        report.keptValues = reconciled.reconciliation?.kept ?? 0
        report.changedValues = reconciled.reconciliation?.drifts.count ?? 0
        return report
    }

    /// Compiles and runs shard `shard`'s part of the chapters the cache does
    /// not hold into the cache (which chapters: ``ShardPlan``), and checks
    /// their results; writes no site, and takes no site's lock. The build
    /// that publishes runs over the shards' caches merged (``CacheMerge``)
    /// and compiles nothing they compiled. Throws ``BuildFailure`` listing
    /// every problem in the shard's chapters.
    ///
    /// ```swift
    /// let report = try BookBuilder(options: options).buildShard(try BuildShard(parsing: "1/2"))
    /// print(report.summary)   // "shard 1/2: compiled 3 of its 3 chapters into the cache …"
    /// ```
    public func buildShard(_ shard: BuildShard) throws -> ShardReport {
        guard let cache = openCache() else {
            throw Diagnostic(file: "convbook", message: "--shard fills the cache, so it cannot be used with --no-cache")
        }
        try ExecutionCache.prepare(options.cacheURL)
        let book = try LoadedBook.load(chaptersFolder: options.chapters, cache: cache)
        let execution = try BookExecution(book, modules: options.modules, environment: options.environment, cacheFolder: options.cacheURL,
                                          cache: cache, jobs: options.jobs, progress: options.progress)
        let theme = Result { () throws(Diagnostic) in try Theme.load(override: options.theme) }
        return try execution.runShard(shard, kernel: kernelCheck(theme))
    }

    /// Builds in memory and judges the site folder: every published value
    /// against its tolerance (at its chapter line), then the files byte for
    /// byte, with the published numbers kept wherever they still hold.
    public func check() throws -> CheckReport {
        let cache = openCache()
        guard case .executed(let executed, let theme, _) = try execute(cache: cache) else { preconditionFailure("executed without a stamp") }
        let reconciled = LedgerReconciler(site: outURL, cache: cache).reconcile(executed)
        let site = try renderer(theme, cache: cache, published: nil).render(reconciled)
        let differences = site.differences(from: outURL)
        // A page that differs although none of its values did: its prose, code or structure changed.
        var drifts = reconciled.reconciliation?.drifts ?? []
        let drifted = Set(drifts.map(\.diagnostic.file))
        for chapter in executed.chapters where !drifted.contains(chapter.path) {
            let page = "\(chapter.file.slug).html"
            guard differences.contains("stale: \(page)"), let new = site.files[page],
                  let old = try? Data(contentsOf: outURL.appendingPathComponent(page)) else { continue }
            drifts.append(Drift(Diagnostic(file: chapter.path, message: "the page differs from \(options.out)/\(page) in its prose, code or structure; "
                                           + CheckReport.firstDifference(old, new)), kind: .page))
        }
        return CheckReport(site: options.out, chapters: executed.chapters.map(\.path), drifts: drifts.sorted(), staleFiles: differences,
                           withinTolerance: reconciled.reconciliation?.kept ?? 0,
                           compared: reconciled.reconciliation.map { $0.kept + $0.identical + $0.drifts.count })
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
        guard case .executed(let executed, _, _) = try execute(only: selected, cache: nil) else {
            preconditionFailure("executed without a stamp")
        }
        return Verification(rows: LedgerReconciler.verify(executed, against: published).map { chapter, entries, reconciled in
            Verification.Row(chapter: chapter.file.url.lastPathComponent, blocks: chapter.blockCount, published: entries, reconciliation: reconciled)
        })
    }

    /// What ``execute(only:cache:published:)`` did.
    private enum Execution {
        /// The book, its theme, and the digest of everything the site is made from (for the build stamp).
        case executed(ExecutedBook, Result<Theme, Diagnostic>, inputs: String)
        /// Nothing the published site was made from changed, and nobody touched it since: nothing ran.
        case upToDate([Chapter])
    }

    /// Loads and executes the book (`selected` chapters only, when given).
    /// `published` is the stamp of the site being replaced, if any.
    private func execute(only selected: [String] = [], cache: CacheStore?, published: BuildStamp? = nil) throws -> Execution {
        let loadStart = StageTimer.now()
        try ExecutionCache.prepare(options.cacheURL)
        let book = try LoadedBook.load(chaptersFolder: options.chapters, selected: selected, cache: cache)
        StageTimer.report("load", since: loadStart)
        // The code of chapters parsed just now (edited ones) is highlighted into the cache while they compile and run.
        let highlighting = Typesetter.prefetch(codeOf: book.chapters.filter { $0.document != nil }, into: cache)
        defer { highlighting.wait() }
        let execution = try BookExecution(book, modules: options.modules, environment: options.environment, cacheFolder: options.cacheURL,
                                          cache: cache, jobs: options.jobs, progress: options.progress)
        let theme = Result { () throws(Diagnostic) in try Theme.load(override: options.theme) }
        // The files chapters show or link to (images), by where they resolve, size and time: they are copied into the site.
        let linkedFiles = book.chapters.flatMap { chapter in
            chapter.localFiles.map { BookBoundary.stamp(chapter.file.url.deletingLastPathComponent().path + "/" + $0) }
        }
        // What git says of the chapters (their footers show it): committing a chapter changes its page.
        let history = SourceHistory.read(book.chapters.map { ($0.file.url, $0.sourceDigest) }, site: outURL)
        let inputs = BuildStamp.inputs(["\(book.config)", history.stamp, book.bibliography?.digest ?? "", options.theme ?? "", (try? theme.get())?.digest ?? "",
                                        KaTeXAssets.stamp, options.chapters]
                                       + zip(book.chapters, execution.keys).map { "\($0.path) \($0.sourceDigest) \($1)" } + linkedFiles)
        if !book.loadFailed, let published, published.inputs == inputs, published.holds(for: outURL) {
            StageTimer.report("up to date", since: loadStart)
            return .upToDate(book.chapters)
        }
        // Labels, citations and links across the book, which the inputs fix (with some chapters only, as `verify` runs them, there is no book to check).
        let links = selected.isEmpty ? BookLinks.check(book, linkedFiles: linkedFiles, chaptersFolder: options.chapters, cache: cache) : nil
        var executed = try execution.run(links: links, kernel: kernelCheck(theme), referenceLayers: selected.isEmpty ? options.referenceLayers : nil,
                                         publishedChecks: { published?.cleanChecks(of: $0) })
        executed.history = history
        return .executed(executed, theme, inputs: inputs)
    }

    /// The browser kernel's check, with the theme's `convkernel.js` (none when the theme did not load, or has no kernel).
    private func kernelCheck(_ theme: Result<Theme, Diagnostic>) -> BrowserKernelCheck? {
        (try? theme.get()).flatMap { theme in
            theme.assets["convkernel.js"].map { BrowserKernelCheck(kernelPath: theme.assetPaths["convkernel.js"] ?? "convkernel.js", kernel: $0,
                                                                   script: Theme.kernelCheckScript) }
        }
    }

    private func renderer(_ theme: Result<Theme, Diagnostic>, cache: CacheStore?, published: (any PublishedSite)?) throws -> BookRenderer {
        BookRenderer(theme: try theme.get(), siteFolder: outURL, chaptersFolder: options.chapters, cache: cache,
                     published: published, jobs: options.jobs)
    }

    /// The one cache of a build; nil with `--no-cache`.
    private func openCache() -> CacheStore? {
        options.useCache ? CacheStore(root: options.cacheURL) : nil
    }

    private var outURL: URL { URL(fileURLWithPath: options.out) }

    /// Folders a build must never replace: what it reads and where it runs.
    private var protectedFolders: [(name: String, url: URL)] {
        var folders: [(String, URL)] = [("the chapters folder", URL(fileURLWithPath: options.chapters)),
                                        ("the current folder", URL(fileURLWithPath: FileManager.default.currentDirectoryPath)),
                                        ("the cache folder", options.cacheURL)]
        if let theme = options.theme { folders.append(("the theme folder", URL(fileURLWithPath: theme))) }
        if let modules = options.modules { folders.append(("the modules folder", URL(fileURLWithPath: modules))) }
        return folders
    }
}
