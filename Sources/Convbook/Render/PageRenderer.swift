import Foundation

/// Renders the injected chapters and the index through the theme's templates:
/// the body by ``MarkdownHTMLRenderer`` (math as KaTeX's HTML, headings with
/// the anchors loading gave them), and around it the table of contents,
/// previous/next links and the "Reproduce this page" section.
struct PageRenderer {
    struct Page {
        var slug: String
        var title: String
        var summary: String?
        var href: String { "\(slug).html" }
    }

    /// One chapter ready to render.
    struct ChapterInput {
        var document: MarkdownDocument
        var blockCount: Int
        var dataFiles: [(name: String, href: String, shape: [Int])]
        /// The chapter file from the folder that holds `book.toml` (`chapters/01-forward.md`), for "Edit this page".
        var sourcePath = ""
        /// Its last commit, if git knows it.
        var change: SourceHistory.Change?
        /// How many values the ledger holds for the page.
        var ledgerCount = 0
        /// How many numbers the ledger holds for the page, and how many of them the browser re-derives
        /// (``ProvenanceData``): the summary under the title.
        var provenance: (total: Int, browser: Int)?
    }

    /// The book's settings (`book.toml`): its title, description, language.
    let book: BookConfig
    let pages: [Page]
    let theme: Theme
    let typeset: Typesetter.Typeset
    /// The compiler that ran the chapters (`Swift 6.3.1`), for the footers.
    var toolchain = ""

    func chapterPage(_ index: Int, _ chapter: ChapterInput) -> String {
        var body = MarkdownHTMLRenderer(unsafe: true, escapeRawHTML: !book.rawHTML, typeset: typeset, focusableScrollers: true).render(chapter.document)
        if let provenance = chapter.provenance {
            // Under the title (the first heading), or first when there is none.
            let summary = ProvenanceData.summaryHTML(total: provenance.total, browser: provenance.browser, entries: chapter.ledgerCount)
            if let title = body.range(of: "</h1>\n") { body.insert(contentsOf: summary, at: title.upperBound) } else { body = summary + body }
        }
        let (hoisted, styles) = HoistedStyles.hoist(body)
        let headings = chapter.document.root.headings
        let page = pages[index]
        var context = common(title: "\(page.title) · \(book.title)", description: page.summary)
        context["hasMenu"] = true
        context["body"] = hoisted
        if !styles.isEmpty { context["hoistedStyles"] = HoistedStyles.opening + styles + HoistedStyles.closing }
        context["slug"] = page.slug
        context["scripts"] = PageScripts.files(forBody: body)
        context["formulaCount"] = MathCollector.occurrences(in: chapter.document, file: "").count
        context["chapters"] = pages.enumerated().map { i, p in ["href": p.href, "title": p.title, "current": i == index] as [String: Any] }
        context["toc"] = headings.filter { $0.level == 2 || $0.level == 3 }.map { ["level": $0.level, "id": $0.id, "text": $0.text] as [String: Any] }
        context["hasToc"] = headings.contains { $0.level == 2 }
        if index > 0 { context["previous"] = ["href": pages[index - 1].href, "title": pages[index - 1].title] }
        if index + 1 < pages.count { context["next"] = ["href": pages[index + 1].href, "title": pages[index + 1].title] }
        context["verifyCommand"] = "convbook verify \(ShellWord.quoted(page.slug))"
        context["codeHref"] = "code/\(page.slug).swift"
        context["blockCount"] = chapter.blockCount
        context["hasData"] = !chapter.dataFiles.isEmpty
        context["data"] = chapter.dataFiles.map { ["name": $0.name, "href": $0.href, "shape": "(" + $0.shape.map(String.init).joined(separator: ", ") + ")"] }
        context.merge(footer(change: chapter.change, ledgerCount: chapter.provenance?.total ?? chapter.ledgerCount, ledgerEntries: chapter.ledgerCount,
                             editHref: chapter.sourcePath.isEmpty ? nil : book.editURL(path: chapter.sourcePath))) { $1 }
        return theme.render("page", context)
    }

    /// A page of the book that is not a chapter (the bibliography): the
    /// chapter layout, its body from `document`, without "Reproduce this page".
    func extraPage(title: String, document: MarkdownDocument) -> String {
        var context = common(title: "\(title) · \(book.title)", description: nil)
        context["hasMenu"] = true
        let body = MarkdownHTMLRenderer(unsafe: true, escapeRawHTML: !book.rawHTML, typeset: typeset, focusableScrollers: true).render(document)
        let (hoisted, styles) = HoistedStyles.hoist(body)
        context["body"] = hoisted
        if !styles.isEmpty { context["hoistedStyles"] = HoistedStyles.opening + styles + HoistedStyles.closing }
        context["scripts"] = PageScripts.files(forBody: body)
        context["formulaCount"] = 0
        context["chapters"] = pages.map { ["href": $0.href, "title": $0.title, "current": false] as [String: Any] }
        let headings = document.root.headings
        context["toc"] = headings.filter { $0.level == 2 || $0.level == 3 }.map { ["level": $0.level, "id": $0.id, "text": $0.text] as [String: Any] }
        context["hasToc"] = headings.contains { $0.level == 2 }
        context.merge(footer(change: nil, ledgerCount: nil, editHref: nil)) { $1 }
        return theme.render("page", context)
    }

    func indexPage(hasBibliography: Bool = false) -> String {
        var context = common(title: book.title, description: book.description)
        context["hasBibliography"] = hasBibliography
        context["scripts"] = PageScripts.files(forBody: "")
        if let introduction = book.description { context["introduction"] = introduction }
        // A missing summary is left out of the context, not put in as an empty Optional (which Mustache prints as "nil").
        context["chapters"] = pages.map { page -> [String: Any] in
            var entry: [String: Any] = ["href": page.href, "title": page.title]
            if let summary = page.summary { entry["summary"] = summary }
            return entry
        }
        context.merge(footer(change: nil, ledgerCount: nil, editHref: nil)) { $1 }
        return theme.render("index", context)
    }

    /// What `footer.mustache` shows: the page's last change and commit (when
    /// git knows them), the toolchain, how many values the ledger holds for
    /// it, and the links to the repository and to the page's source.
    /// `ledgerCount`: the values (a tensor's entries one by one), as the summary under the title counts them;
    /// `ledgerEntries`: the ledger's entries (a tensor is one).
    private func footer(change: SourceHistory.Change?, ledgerCount: Int?, ledgerEntries: Int? = nil, editHref: String?) -> [String: Any] {
        var context: [String: Any] = ["toolchain": toolchain]
        if let change {
            context["changed"] = change.date
            if !change.commit.isEmpty {
                context["commitShort"] = String(change.commit.prefix(12))
                if let repository = book.repository { context["commitHref"] = "\(repository)/commit/\(change.commit)" }
            }
        }
        if let ledgerCount {
            context["hasLedger"] = true
            context["ledgerCount"] = ledgerCount
            if let ledgerEntries { context["ledgerEntries"] = ["count": ledgerEntries, "one": ledgerEntries == 1] as [String: Any] }
        }
        if let repository = book.repository { context["repository"] = repository }
        if let editHref { context["editHref"] = editHref }
        context["hasLinks"] = book.repository != nil || editHref != nil
        return context
    }

    private func common(title: String, description: String?) -> [String: Any] {
        var context: [String: Any] = ["title": title, "book": book.title, "language": book.language]
        if !book.authors.isEmpty { context["authors"] = book.authors.joined(separator: ", ") }
        if let description { context["description"] = description }
        return context
    }
}
