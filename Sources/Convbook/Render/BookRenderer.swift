import Foundation

/// The inject-and-render stage: weaves every chapter's results into its
/// Markdown (``Injector``, ``CrossReferenceResolver``), typesets its math and
/// code (one KaTeX run for the whole book, ``Typesetter``) and renders the
/// site's files: the pages, their downloads and standalone programs, the
/// search index, the reference previews, the index page, the bibliography page, `book.html`, the
/// theme and KaTeX assets, the ledger and the files the chapters link to.
/// Throws TeX errors at their chapter lines.
///
/// A chapter's page is cached by its source, its results, the book's
/// settings and page list, the theme, the KaTeX driver and the generator
/// itself: an unchanged chapter costs no parse, no highlighting and no
/// render, so a rebuild costs what the edit costs. With `published`, what
/// the build stamp of the site being replaced says of it, a file (or part
/// of one) it holds from the same key, untouched, is kept without being
/// read at all.
///
/// ```swift
/// let site = try BookRenderer(theme: theme, siteFolder: URL(fileURLWithPath: "site"), chaptersFolder: "chapters",
///                             cache: nil, published: nil).render(reconciled)
/// ```
struct BookRenderer {
    let theme: Theme
    /// The site folder being replaced (whose pages a `book.html` part may be made from).
    let siteFolder: URL
    let chaptersFolder: String
    let cache: CacheStore?
    let published: (any PublishedSite)?
    var jobs = max(ProcessInfo.processInfo.activeProcessorCount, 1)

    /// The whole site.
    func render(_ reconciled: ReconciledBook) throws -> SiteFiles {
        let book = reconciled.book
        guard let script = Theme.typesetScript else {
            throw Diagnostic(file: "convbook", message: "the typesetting script (typeset.js) is missing from convbook's resources")
        }
        let pages = book.chapters.map { PageRenderer.Page(slug: $0.file.slug, title: $0.title, summary: $0.frontMatter.summary) }
        let bookContext = CacheKind.pages.key([GeneratorStamp.value, theme.digest, KaTeXAssets.stamp,
                                               book.references.digest, book.bibliography?.digest ?? "",
                                               "\(book.config)", book.toolchain] + pages.map { "\($0.slug)\t\($0.title)\t\($0.summary ?? "")" })
        let keys = book.chapters.enumerated().map { index, chapter in
            CacheStore.key([bookContext, String(index), chapter.path, chapter.sourceDigest, book.resultKeys[index],
                            book.history.stamp(of: chapter.file.url)])
        }
        let renderer = PageRenderer(book: book.config, pages: pages, theme: theme, typeset: .init(), toolchain: book.toolchain)
        let rendered = try chapterPages(book, pages: pages, keys: keys, script: script)
        var site = SiteFiles()
        addChapterFiles(book, pages: pages, keys: keys, rendered: rendered, to: &site)
        addSearchIndex(book, keys: keys, rendered: rendered, to: &site)
        try addPreviews(book, pages: pages, keys: keys, rendered: rendered, to: &site)
        // The bibliography page reads every chapter's citations: kept while the published one was made from the same names.
        let bibliographyKey = CacheKind.Tag.bibliographyPage.key([bookContext, book.namesKey])
        let keptBibliography = book.bibliography != nil && published?.holds("bibliography.html", madeFrom: bibliographyKey) == true
        let bibliographyPage = keptBibliography ? nil : book.bibliography.flatMap { BibliographyPage.document(book.chapters, $0) }
        site.add("index.html", renderer.indexPage(hasBibliography: keptBibliography || bibliographyPage != nil))
        try addBookPage(book, pages: pages, keys: keys, rendered: rendered, to: &site)
        if keptBibliography {
            site.keep("bibliography.html", source: bibliographyKey)
        } else if let page = bibliographyPage {
            let typeset = try Typesetter(store: cache, script: script).typeset(MathCollector.occurrences(in: page, file: "bibliography"))
            site.add("bibliography.html", Data(PageRenderer(book: book.config, pages: pages, theme: theme, typeset: typeset, toolchain: book.toolchain)
                .extraPage(title: "Bibliography", document: page).utf8), source: bibliographyKey)
        }
        for (name, data) in theme.assets {
            site.add(name, name.hasSuffix(".css") ? Data(StyleSheetComments.removed(from: String(decoding: data, as: UTF8.self)).utf8) : data)
        }
        try KaTeXAssets.add(to: &site, keeping: published)
        addLedger(reconciled, to: &site)
        // What the footers say of each chapter's last change, kept while its source is the same (``SourceHistory``).
        site.add(SourceHistory.fileName, book.history.record)
        site.add(SiteFiles.markerName, SiteFiles.markerText)
        // Files the chapters link to or show (images), from beside them: last, so none replaces a generated one.
        try LinkedFiles.add(book.chapters, boundary: BookBoundary(chaptersFolder: chaptersFolder), to: &site)
        return site
    }

    /// Each chapter's page: what the published site holds from the same key,
    /// or the cache, or injected, typeset and rendered now.
    private func chapterPages(_ book: ExecutedBook, pages: [PageRenderer.Page], keys: [String], script: URL) throws -> [RenderedPage] {
        let injectStart = StageTimer.now()
        var rendered: [RenderedPage?] = keys.enumerated().map { index, key in cachedPage(book, index, href: pages[index].href, key: key) }
        let missing = rendered.indices.filter { rendered[$0] == nil }
        // Chapters are injected in parallel: highlighting their code is most of the work.
        let documents = parallelMap(missing, jobs: jobs) { index in
            let chapter = book.chapters[index]
            var injector = Injector(chapter: chapter, result: book.results[index].value)
            var resolver = CrossReferenceResolver(page: "\(chapter.file.slug).html", references: book.references,
                                                  bibliography: book.bibliography, pages: Set(pages.map(\.href)))
            return resolver.resolve(injector.rewrite(chapter.parsedDocument()))
        }
        var occurrences = [Typesetter.Occurrence]()
        var code = [String]()
        for (index, document) in zip(missing, documents) {
            occurrences += MathCollector.occurrences(in: document, file: book.chapters[index].path)
            code += CodeCollector.code(in: document)
        }
        StageTimer.report("render: inject", since: injectStart)
        let typeset = try StageTimer.measure("render: typeset") { try Typesetter(store: cache, script: script).typeset(occurrences, code: code) }
        let pagesStart = StageTimer.now()
        let renderer = PageRenderer(book: book.config, pages: pages, theme: theme, typeset: typeset, toolchain: book.toolchain)
        for (index, document) in zip(missing, documents) {
            let chapter = book.chapters[index]
            let artifacts = book.results[index].value.artifacts
            let dataFiles = artifacts.map { ($0.name + ".npy", "data/\(chapter.file.slug)/\($0.name).npy", $0.shape) }
            var input = PageRenderer.ChapterInput(document: document, blockCount: chapter.blockCount, dataFiles: dataFiles,
                                                  sourcePath: chapter.file.url.deletingLastPathComponent().lastPathComponent + "/" + chapter.file.url.lastPathComponent,
                                                  change: book.history.change(of: chapter.file.url),
                                                  ledgerCount: LedgerWalk.items(of: book.results[index].value, program: chapter.program).count)
            let provenance = ProvenanceData.page(chapter: chapter, result: book.results[index].value, book: book.config)
            input.provenance = (provenance.total, provenance.browser)
            var page = RenderedPage(html: Data(renderer.chapterPage(index, input).utf8),
                                    search: SearchIndex.text(of: SearchIndex.entries(page: pages[index], document: document)),
                                    artifacts: artifacts.map { .init(name: $0.name, shape: $0.shape, digest: CacheStore.digest($0.bytes)) })
            for artifact in artifacts { page.artifactBytes[artifact.name] = artifact.bytes }
            rendered[index] = page
            if let cache {
                cache.storeData(page.html!, kind: .pages, key: keys[index])
                cache.storeData(page.meta, kind: .pageMeta, key: keys[index])
                for (entry, artifact) in zip(page.artifacts, artifacts) { cache.storeData(artifact.bytes, kind: .npy, key: entry.digest) }
            }
        }
        StageTimer.report("render: pages", since: pagesStart)
        return rendered.map { $0! }
    }

    /// Chapter `index`'s page without rendering it: what the published site
    /// holds from `key` (the stamp records its search text and downloads:
    /// nothing to read), or what the cache holds; nil when neither does.
    private func cachedPage(_ book: ExecutedBook, _ index: Int, href: String, key: String) -> RenderedPage? {
        let slug = book.chapters[index].file.slug
        if let page = RenderedPage.published(slug: slug, href: href, key: key, published: published) { return page }
        guard let cache, var page = cache.loadData(kind: .pageMeta, key: key).flatMap(RenderedPage.init(meta:)) else { return nil }
        if published?.holds(href, madeFrom: key) != true {
            guard let html = cache.loadData(kind: .pages, key: key) else { return nil }
            page.html = html
        }
        for artifact in page.artifacts where published?.holds("data/\(slug)/\(artifact.name).npy", madeFrom: artifact.digest) != true {
            guard let bytes = cache.loadData(kind: .npy, key: artifact.digest) else { return nil }
            page.artifactBytes[artifact.name] = bytes
        }
        return page
    }

    /// Each chapter's page, downloads and standalone program.
    private func addChapterFiles(_ book: ExecutedBook, pages: [PageRenderer.Page], keys: [String], rendered: [RenderedPage], to site: inout SiteFiles) {
        for (index, chapter) in book.chapters.enumerated() {
            let page = rendered[index]
            for artifact in page.artifacts {
                let path = "data/\(chapter.file.slug)/\(artifact.name).npy"
                if let bytes = page.artifactBytes[artifact.name] { site.add(path, bytes, source: artifact.digest) } else { site.keep(path, source: artifact.digest) }
            }
            if let html = page.html { site.add(pages[index].href, html, source: keys[index]) } else { site.keep(pages[index].href, source: keys[index]) }
            // What the ledger says of each value of the page, loaded by the page on first use (``ProvenanceData``).
            let provenance = ProvenanceData.page(chapter: chapter, result: book.results[index].value, book: book.config)
            site.add("provenance/\(chapter.file.slug).js", Data(ProvenanceData.script(slug: chapter.file.slug, page: provenance).utf8))
            // The standalone program is fixed by the chapter's text, the book and the generator.
            let code = "code/\(chapter.file.slug).swift"
            let codeKey = CacheKind.Tag.code.key([GeneratorStamp.value, chapter.sourceDigest, chapter.path, chapter.title,
                                                  chapter.bookTitle, chapter.imports.joined(separator: "\n"), book.config.repository ?? ""])
            if published?.holds(code, madeFrom: codeKey) == true {
                site.keep(code, source: codeKey)
            } else {
                site.add(code, Data(StandaloneProgram.source(for: chapter, repository: book.config.repository).utf8), source: codeKey)
            }
        }
    }

    /// The search index: each page's text, or a copy of the published one's.
    private func addSearchIndex(_ book: ExecutedBook, keys: [String], rendered: [RenderedPage], to site: inout SiteFiles) {
        let search = SiteFiles.Piece.join(rendered.map { page in
            page.searchPublished.map { .published($0) } ?? .bytes(Data(page.search.utf8))
        }, prefix: "window.CONVBOOK_SEARCH = [", separator: ",", suffix: "];\n", skippingEmpty: true)
        for (index, range) in search.ranges.enumerated() {
            site.record(SitePart(key: keys[index], range: range, downloads: rendered[index].artifacts.map { ($0.name, $0.digest) }),
                        part: book.chapters[index].file.slug, of: "search-index.js")
        }
        site.add("search-index.js", pieces: search.pieces)
    }

    /// Each page's previews file (``ReferencePreviews``), made from the page,
    /// or kept while the published one was made from the same page.
    private func addPreviews(_ book: ExecutedBook, pages: [PageRenderer.Page], keys: [String], rendered: [RenderedPage], to site: inout SiteFiles) throws {
        for (index, chapter) in book.chapters.enumerated() {
            let path = ReferencePreviews.path(for: chapter.file.slug)
            let key = CacheKind.Tag.previews.key([keys[index]])
            if published?.holds(path, madeFrom: key) == true {
                site.keep(path, source: key)
                continue
            }
            guard let page = rendered[index].html ?? FileManager.default.contents(atPath: siteFolder.path + "/" + pages[index].href) else {
                throw Diagnostic(file: siteFolder.path, message: "cannot read \(pages[index].href) of the published site for its previews")
            }
            site.add(path, ReferencePreviews.script(page: page, href: pages[index].href), source: key)
        }
    }

    /// The whole book on one page: each chapter's part made from its page
    /// and cached by the page's key. A part the published `book.html` holds
    /// from the same key, untouched since, is copied from it when
    /// publishing, never read.
    private func addBookPage(_ book: ExecutedBook, pages: [PageRenderer.Page], keys: [String], rendered: [RenderedPage], to site: inout SiteFiles) throws {
        var bookChapters: [BookPage.Chapter] = []
        let slugs = Set(book.chapters.map(\.file.slug))
        let partKeys = keys.map { CacheKind.book.key([$0] + slugs.sorted()) }
        for (index, chapter) in book.chapters.enumerated() {
            let partKey = partKeys[index]
            var part: BookPage.Part?
            // A record the published site holds lies within its `book.html` (``PublishedSite/part(_:of:)``).
            if let recorded = published?.part(chapter.file.slug, of: "book.html"), recorded.key == partKey, let formulas = recorded.formulas {
                part = BookPage.Part(body: Data(), formulas: formulas, published: recorded.range)
            }
            if part == nil { part = cache?.loadData(kind: .book, key: partKey).flatMap(BookPage.Part.init(stored:)) }
            if part == nil {
                guard let page = rendered[index].html ?? FileManager.default.contents(atPath: siteFolder.path + "/" + pages[index].href) else {
                    throw Diagnostic(file: siteFolder.path, message: "cannot read \(pages[index].href) of the published site for book.html")
                }
                let made = BookPage.part(of: page, slug: chapter.file.slug, chapters: slugs)
                cache?.storeData(made.stored, kind: .book, key: partKey)
                part = made
            }
            bookChapters.append(BookPage.Chapter(slug: chapter.file.slug, title: chapter.title, part: part!))
        }
        let page = BookPage.html(bookChapters, book: book.config, theme: theme)
        site.add("book.html", pieces: page.pieces)
        for (index, range) in page.parts.enumerated() {
            site.record(SitePart(key: partKeys[index], range: range, formulas: bookChapters[index].part.formulas),
                        part: bookChapters[index].slug, of: "book.html")
        }
    }

    /// The ledger: each chapter's text, or a copy of the published one's where its key is the same.
    private func addLedger(_ reconciled: ReconciledBook, to site: inout SiteFiles) {
        let ledger = SiteFiles.Piece.join(reconciled.ledger.map { text -> SiteFiles.Piece in
            switch text {
            case .text(let text): .bytes(Data(text.utf8))
            case .published(let range): .published(range)
            }
        }, prefix: Manifest.frame.prefix, separator: Manifest.frame.separator, suffix: Manifest.frame.suffix)
        site.add("manifest.json", pieces: ledger.pieces)
        for (index, chapter) in reconciled.book.chapters.enumerated() {
            site.record(SitePart(key: reconciled.ledgerKeys[index], range: ledger.ranges[index]),
                        part: chapter.file.url.lastPathComponent, of: "manifest.json")
        }
    }
}
