import Foundation

/// What ties a book's chapters together, checked once every chapter is
/// loaded, before anything runs: its labels (``CrossReferences``), its
/// citations against the bibliography, and its internal links.
///
/// A link is internal when it has no scheme (`https:`, `mailto:`) and does
/// not start with `//`. It must name
/// - a chapter's page (`03-two-dimensions.html`, or its Markdown file,
///   `03-two-dimensions.md`, which the page links as the `.html`), or this
///   page (`#anchor` alone), or `index.html`, `book.html`,
///   `bibliography.html` (when the book cites), or a chapter's `code/*.swift`;
/// - and, after `#`, an anchor that page has: a heading, a label, a cell
///   (`cell-3`), a footnote, or a reference (`ref-KEY`);
/// - or any other file, which must exist in the chapters folder (an image,
///   say), and is copied into the site at the same path; a `.html` or `.md`
///   file there that is not a chapter is not, so a link to it is broken. (Downloads in
///   `data/` are made by running the chapters and are not checked here.)
///   The file must be one the book may read (``BookBoundary``): a regular
///   file that resolves inside the book's folder, within the size limit.
///   (Whether its path is one the build writes itself is checked where the
///   site is made, ``LinkedFiles``.)
struct BookLinks {
    var references: CrossReferences
    var diagnostics: [Diagnostic] = []

    /// What an earlier check of the same names found: nothing wrong.
    init(references: CrossReferences) {
        self.references = references
    }

    /// The check for `book`, or what an earlier check of the same names found.
    ///
    /// What it finds is fixed by the chapters' names, order and places, the
    /// bibliography, the files beside the chapters that links may name
    /// (`linkedFiles`: where they resolve, size and time), and convbook: a
    /// check that found nothing is kept in the cache by them, so that an edit
    /// which changes no name decodes no other chapter's names. Returns the
    /// links and that key (what the bibliography page is made from).
    static func check(_ book: LoadedBook, linkedFiles: [String], chaptersFolder: String, cache: CacheStore?) -> (BookLinks, key: String) {
        let beside = ((try? FileManager.default.contentsOfDirectory(atPath: chaptersFolder)) ?? []).sorted()
        let key = CacheKind.links.key([GeneratorStamp.value, book.bibliography?.digest ?? "no bibliography", beside.joined(separator: "\n")]
                                      + book.chapters.map { "\($0.file.slug)\t\($0.path)\t\($0.namesDigest)" } + linkedFiles)
        if let references = cache?.load(CrossReferences.self, kind: .links, key: key) { return (BookLinks(references: references), key) }
        let links = BookLinks(chapters: book.chapters, bibliography: book.bibliography, boundary: book.boundary)
        if links.diagnostics.isEmpty { cache?.store(links.references, kind: .links, key: key) }
        return (links, key)
    }

    init(chapters: [Chapter], bibliography: Bibliography?, boundary: BookBoundary) {
        let (table, duplicates) = CrossReferences.build(chapters.map { ("\($0.file.slug).html", $0.path, $0.names.labels) })
        references = table
        diagnostics = duplicates
        var pages: [String: Set<String>] = [:]
        for chapter in chapters {
            var anchors = chapter.names.anchors
            let cited = Set(chapter.names.citations.map(\.name))
            if !cited.isEmpty, bibliography != nil {
                anchors.insert("cb-references")
                anchors.formUnion(cited.map { "ref-" + $0 })
                anchors.formUnion(chapter.names.citations.compactMap(\.anchor))
            }
            pages["\(chapter.file.slug).html"] = anchors
        }
        let cites = chapters.contains { !$0.names.citations.isEmpty }
        for chapter in chapters {
            diagnostics += references.unknown(chapter.names.references, in: chapter.path)
            for use in chapter.names.citations where bibliography?.entries[use.name] == nil {
                diagnostics.append(Diagnostic(file: chapter.path, line: use.line, column: use.column, message: bibliography == nil
                    ? "a citation of '\(use.name)', but the book has no bibliography (set `bibliography` in book.toml or in a chapter's front matter)"
                    : "no entry '\(use.name)' in the bibliography"))
            }
            for link in chapter.names.links {
                if let problem = Self.problem(link.name, from: chapter, pages: pages, citedKeys: cites ? bibliography?.keys ?? [] : nil,
                                              boundary: boundary) {
                    diagnostics.append(Diagnostic(file: chapter.path, line: link.line, column: link.column, message: "broken link '\(link.name)': \(problem)"))
                }
            }
        }
    }

    /// The files beside the chapters that links name (an image, say): copied
    /// into the site. Loading keeps a chapter's as ``Chapter/localFiles``.
    static func files(linkedFrom links: [NameUse]) -> [String] {
        links.compactMap { link -> String? in
            guard isInternal(link.name) else { return nil }
            let path = link.name.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let decoded = String(path).removingPercentEncoding ?? String(path)
            guard !decoded.isEmpty, !decoded.hasSuffix(".md"), !decoded.hasSuffix(".html"), !decoded.hasPrefix("code/"), !decoded.hasPrefix("data/"),
                  !decoded.hasPrefix("/"), !decoded.split(separator: "/").contains("..") else { return nil }
            return decoded
        }
    }

    /// Whether a URL names no scheme and no other host.
    static func isInternal(_ url: String) -> Bool {
        if url.hasPrefix("//") { return false }
        let scheme = url.prefix { $0 != ":" && $0 != "/" && $0 != "#" && $0 != "?" }
        return !(scheme.count < url.count && url[scheme.endIndex] == ":" && scheme.first?.isLetter == true)
    }

    /// The page a chapter's Markdown file name stands for (`03-x.md` → `03-x.html`), else the path.
    static func page(for path: String, isPage: (String) -> Bool) -> String {
        guard path.hasSuffix(".md") else { return path }
        let html = String(path.dropLast(3)) + ".html"
        return isPage(html) ? html : path
    }

    private static func problem(_ url: String, from chapter: Chapter, pages: [String: Set<String>], citedKeys: Set<String>?,
                                boundary: BookBoundary) -> String? {
        guard isInternal(url), !url.isEmpty else { return nil }
        let parts = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let path = parts[0].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let fragment = parts.count > 1 ? parts[1].removingPercentEncoding ?? parts[1] : nil
        let page = path.isEmpty ? "\(chapter.file.slug).html" : Self.page(for: path, isPage: { pages[$0] != nil })
        if let anchors = pages[page] {
            guard let fragment, !fragment.isEmpty else { return nil }
            return anchors.contains(fragment) ? nil : "\(path.isEmpty ? "this page" : page) has no heading, label or anchor '\(fragment)'"
        }
        if page == "index.html" || page == "book.html" { return nil }
        if page == "bibliography.html" {
            guard let citedKeys else { return "the book cites nothing, so it has no bibliography page" }
            guard let fragment, fragment.hasPrefix("ref-") else { return nil }
            return citedKeys.contains(String(fragment.dropFirst(4))) ? nil : "the bibliography has no entry '\(fragment.dropFirst(4))'"
        }
        if page.hasPrefix("code/") {
            // The folder is the chapters' programs, which the build writes: nothing else goes there.
            return page.hasSuffix(".swift") && pages[String(page.dropFirst(5).dropLast(6)) + ".html"] != nil ? nil : "no chapter's code is \(page)"
        }
        if page.hasPrefix("data/") { return nil }
        if path.hasPrefix("/") || path.split(separator: "/").contains("..") {
            return "a file outside the chapters folder is not copied into the site; put it beside the chapters"
        }
        let file = chapter.file.url.deletingLastPathComponent().path + "/" + (path.removingPercentEncoding ?? path)
        // Only other files are copied into the site (``files(linkedFrom:)``).
        if page.hasSuffix(".html") || page.hasSuffix(".md") {
            guard FileManager.default.fileExists(atPath: file) else { return "no chapter page or file \(page)" }
            return "\(page) is a file beside the chapters, not a chapter's page, and such files are not copied into the site"
        }
        switch boundary.check(file) {
        case .success: return nil
        case .failure(.missing): return "no chapter page or file \(page)"
        case .failure(let refusal): return "the file \(boundary.describe(refusal))"
        }
    }
}
