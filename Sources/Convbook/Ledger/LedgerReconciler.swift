import Foundation

/// The reconcile stage: every chapter's values against the ledger published
/// in the site folder (``Reconciliation``), so that a machine whose BLAS
/// rounds differently rewrites nothing; and each chapter's text in the new
/// ledger (``Manifest/fragment(_:)``), cached by the chapter's source and
/// result.
struct LedgerReconciler {
    /// The site folder whose `manifest.json` is the published ledger.
    let site: URL
    let cache: CacheStore?

    /// Reconciles `executed` with the published ledger.
    ///
    /// A chapter whose ledger text is the published text, letter for letter,
    /// has nothing to reconcile: only the others are decoded and compared.
    /// With `published` (what the build stamp of the site being replaced
    /// says of it), a chapter whose text the site's `manifest.json` holds
    /// from the same key, untouched since, is not read at all: it is copied
    /// from the published manifest when publishing. `countIdentical` counts
    /// the values of identical chapters (what `check` reports).
    func reconcile(_ executed: ExecutedBook, published: (any PublishedSite)? = nil, countIdentical: Bool = true) -> ReconciledBook {
        var book = executed
        var texts = [ReconciledBook.LedgerText?](repeating: nil, count: book.chapters.count)
        let reconciliation = (!countIdentical ? published.flatMap { reconcileByStamp(&book, &texts, published: $0) } : nil)
            ?? reconcileWhole(&book, &texts, countIdentical: countIdentical)
        let keys = book.chapters.indices.map { ledgerKey($0, book) }
        let ledger = book.chapters.indices.map { index in texts[index] ?? .text(fragment(index, book, key: keys[index])) }
        return ReconciledBook(book: book, ledger: ledger, ledgerKeys: keys, reconciliation: reconciliation)
    }

    /// Reconciles each chapter of `book` with its published entries alone
    /// (`convbook verify`): no ledger text is made.
    static func verify(_ book: ExecutedBook, against published: Manifest) -> [(chapter: Chapter, published: Int?, Reconciliation)] {
        book.chapters.indices.map { index in
            let chapter = book.chapters[index]
            let entries = published.chapters.first { $0.file == chapter.file.url.lastPathComponent }?.values ?? []
            var result = book.results[index].value
            let reconciled = Reconciliation.reconcile(&result, with: entries, locator: locator(chapter), publishedFile: { _ in nil })
            return (chapter, entries.isEmpty ? nil : entries.count, reconciled)
        }
    }

    /// The key that fixes chapter `index`'s text in the ledger: its source and its result's key.
    private func ledgerKey(_ index: Int, _ book: ExecutedBook) -> String {
        let chapter = book.chapters[index]
        return CacheKind.ledger.key([chapter.file.url.deletingLastPathComponent().lastPathComponent,
                                     chapter.file.url.lastPathComponent, chapter.path, chapter.sourceDigest, book.resultKeys[index]])
    }

    /// Chapter `index`'s text in the ledger, cached by its key.
    private func fragment(_ index: Int, _ book: ExecutedBook, key: String) -> String {
        if let cached = cache?.loadData(kind: .ledger, key: key) { return String(decoding: cached, as: UTF8.self) }
        let chapter = book.chapters[index]
        let fragment = Manifest.fragment(Manifest.chapter(file: chapter.file.url.lastPathComponent,
                                                          folder: chapter.file.url.deletingLastPathComponent().lastPathComponent,
                                                          blocks: chapter.blockCount, result: book.results[index].value,
                                                          locator: Self.locator(chapter)))
        cache?.storeData(Data(fragment.utf8), kind: .ledger, key: key)
        return fragment
    }

    /// Reconciliation reading the whole published manifest; nil when there
    /// is none (a first build, or a manifest of another format).
    private func reconcileWhole(_ book: inout ExecutedBook, _ texts: inout [ReconciledBook.LedgerText?], countIdentical: Bool) -> Reconciliation? {
        guard let data = try? Data(contentsOf: site.appendingPathComponent("manifest.json")) else { return nil }
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
        for index in book.chapters.indices {
            let name = book.chapters[index].file.url.lastPathComponent
            if let text = publishedText?[name], text == fragment(index, book, key: ledgerKey(index, book)) {
                texts[index] = .text(text)
                if countIdentical { total.identical += Manifest.valueCount(in: text) }
                continue
            }
            total.add(reconcileChapter(index, with: publishedEntries(name), &book))
        }
        return total
    }

    /// Reconciliation when the published site says where each chapter's
    /// text lies in its `manifest.json` (a ``SitePart`` under the chapter's
    /// file name), and from which key: a chapter whose key is the same is
    /// not read at all; only the others are read, compared and reconciled.
    /// Nil when it cannot say (then everything is read).
    private func reconcileByStamp(_ book: inout ExecutedBook, _ texts: inout [ReconciledBook.LedgerText?],
                                  published: any PublishedSite) -> Reconciliation? {
        var records: [SitePart] = []
        for chapter in book.chapters {
            guard let part = published.part(chapter.file.url.lastPathComponent, of: "manifest.json"), part.extra.isEmpty else { return nil }
            records.append(part)
        }
        guard let file = FileHandle(forReadingAtPath: site.path + "/manifest.json") else { return nil }
        defer { try? file.close() }
        var total = Reconciliation()
        for index in book.chapters.indices {
            let record = records[index]
            if record.key == ledgerKey(index, book) {
                texts[index] = .published(record.range)
                continue
            }
            // Read this chapter's published text alone, and go on as a full reconciliation does.
            guard (try? file.seek(toOffset: UInt64(record.range.lowerBound))) != nil,
                  let bytes = try? file.read(upToCount: record.range.count), bytes.count == record.range.count else { return nil }
            let text = String(decoding: bytes, as: UTF8.self)
            if text == fragment(index, book, key: ledgerKey(index, book)) {
                texts[index] = .text(text)
                continue
            }
            let entries = (try? JSONDecoder().decode(Manifest.Chapter.self, from: bytes))?.values ?? []
            total.add(reconcileChapter(index, with: entries, &book))
        }
        return total
    }

    /// Reconciles chapter `index`'s result with its published entries; where
    /// published numbers stand in for computed ones, the result (and so the
    /// key its page and ledger text are cached by) says so.
    private func reconcileChapter(_ index: Int, with entries: [LedgerEntry], _ book: inout ExecutedBook) -> Reconciliation {
        let chapter = book.chapters[index]
        let dataFolder = site.appendingPathComponent("data").appendingPathComponent(chapter.file.slug)
        var result = book.results[index].value
        let reconciled = Reconciliation.reconcile(&result, with: entries, locator: Self.locator(chapter),
                                                  publishedFile: { try? Data(contentsOf: dataFolder.appendingPathComponent($0)) })
        if reconciled.kept > 0 {
            book.results[index].value = result
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            book.resultKeys[index] += " kept " + ((try? encoder.encode(result)).map(CacheStore.digest) ?? UUID().uuidString)
        }
        return reconciled
    }

    private static func locator(_ chapter: Chapter) -> Locator {
        Locator(program: chapter.program, chapterPath: chapter.path)
    }
}
