import Foundation

/// Renders the injected chapters and the index through the theme's templates:
/// headings get ids and anchors, math is replaced by KaTeX's HTML, and each
/// page gets its table of contents, previous/next links and its "Reproduce
/// this page" section.
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
    }

    /// The book's settings (`book.toml`): its title, description, language.
    let book: BookConfig
    let pages: [Page]
    let theme: Theme
    let math: [MathRenderer.Formula: String]

    func chapterPage(_ index: Int, _ chapter: ChapterInput) -> String {
        let ids = HeadingIDs(document: chapter.document)
        let hooks = MarkdownHTMLHooks(node: { node, out, children in
            switch node.kind {
            case .math(let formula):
                guard let html = math[MathRenderer.Formula(tex: formula.tex, display: formula.display)] else { return false }
                out.append(html)
                return true
            case .heading(let level, _):
                let id = ids.next()
                out.cr()
                out.append("<h\(level) id=\"\(OutputHTML.escape(id))\">")
                children(&out)
                out.append("<a class=\"anchor\" href=\"#\(OutputHTML.escape(id))\" aria-label=\"Link to this section\">#</a></h\(level)>\n")
                return true
            default:
                return false
            }
        })
        let body = MarkdownHTMLRenderer(unsafe: true, hooks: hooks).render(chapter.document)
        let page = pages[index]
        var context = common(title: "\(page.title) · \(book.title)", description: page.summary)
        context["body"] = body
        context["formulaCount"] = MathCollector.occurrences(in: chapter.document, file: "").count
        context["chapters"] = pages.enumerated().map { i, p in ["href": p.href, "title": p.title, "current": i == index] as [String: Any] }
        context["toc"] = ids.all.filter { $0.level == 2 || $0.level == 3 }.map { ["level": $0.level, "id": $0.id, "text": $0.text] as [String: Any] }
        context["hasToc"] = ids.all.contains { $0.level == 2 }
        if index > 0 { context["previous"] = ["href": pages[index - 1].href, "title": pages[index - 1].title] }
        if index + 1 < pages.count { context["next"] = ["href": pages[index + 1].href, "title": pages[index + 1].title] }
        context["verifyCommand"] = "convbook verify \(page.slug)"
        context["codeHref"] = "code/\(page.slug).swift"
        context["blockCount"] = chapter.blockCount
        context["hasData"] = !chapter.dataFiles.isEmpty
        context["data"] = chapter.dataFiles.map { ["name": $0.name, "href": $0.href, "shape": "(" + $0.shape.map(String.init).joined(separator: ", ") + ")"] }
        return theme.render("page", context)
    }

    func indexPage() -> String {
        var context = common(title: book.title, description: book.description)
        if let introduction = book.description { context["introduction"] = introduction }
        // A missing summary is left out of the context, not put in as an empty Optional (which Mustache prints as "nil").
        context["chapters"] = pages.map { page -> [String: Any] in
            var entry: [String: Any] = ["href": page.href, "title": page.title]
            if let summary = page.summary { entry["summary"] = summary }
            return entry
        }
        return theme.render("index", context)
    }

    private func common(title: String, description: String?) -> [String: Any] {
        var context: [String: Any] = ["title": title, "book": book.title, "language": book.language]
        if !book.authors.isEmpty { context["authors"] = book.authors.joined(separator: ", ") }
        if let description { context["description"] = description }
        return context
    }
}

/// Heading ids for one page, in document order: a slug of the heading's text
/// (lower case, letters and digits, hyphens), made unique with -2, -3, ...
final class HeadingIDs {
    struct Heading { var level: Int; var id: String; var text: String }

    private(set) var all: [Heading] = []
    private var cursor = 0

    init(document: MarkdownDocument) {
        var collector = Collector()
        collector.visit(document)
        var used = Set<String>()
        for (level, text) in collector.headings {
            let base = Self.slug(text)
            var id = base
            var n = 2
            while used.contains(id) { id = "\(base)-\(n)"; n += 1 }
            used.insert(id)
            all.append(Heading(level: level, id: id, text: text))
        }
    }

    /// The id of the next heading in document order.
    func next() -> String {
        defer { cursor += 1 }
        return cursor < all.count ? all[cursor].id : "section-\(cursor + 1)"
    }

    static func slug(_ text: String) -> String {
        var result = ""
        var pendingHyphen = false
        for scalar in text.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII {
                if pendingHyphen && !result.isEmpty { result += "-" }
                result.unicodeScalars.append(scalar)
                pendingHyphen = false
            } else {
                pendingHyphen = true
            }
        }
        return result.isEmpty ? "section" : result
    }

    private struct Collector: MarkdownVisitor {
        var headings: [(Int, String)] = []
        mutating func visit(_ node: MarkdownNode) {
            if case .heading(let level, _) = node.kind {
                headings.append((level, node.plainText.trimmingCharacters(in: .whitespaces)))
                return
            }
            visitChildren(of: node)
        }
    }
}
