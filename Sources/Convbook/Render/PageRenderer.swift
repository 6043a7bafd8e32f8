/// Renders chapters and the index as HTML pages.
struct PageRenderer {
    struct Page {
        var slug: String
        var title: String
        var summary: String?
    }

    let pages: [Page]
    let bookTitle: String

    func chapterPage(_ index: Int, document: MarkdownDocument) -> String {
        let renderer = MarkdownHTMLRenderer(unsafe: true, hooks: MarkdownHTMLHooks(node: Self.renderMath))
        let body = renderer.render(document)
        let page = pages[index]
        var navigation = "<nav class=\"cb-pager\">"
        if index > 0 { navigation += "<a rel=\"prev\" href=\"\(pages[index - 1].slug).html\">← \(OutputHTML.escape(pages[index - 1].title))</a> " }
        navigation += "<a href=\"index.html\">Contents</a>"
        if index + 1 < pages.count { navigation += " <a rel=\"next\" href=\"\(pages[index + 1].slug).html\">\(OutputHTML.escape(pages[index + 1].title)) →</a>" }
        navigation += "</nav>\n"
        return wrap(title: page.title, body: navigation + "<main>\n" + body + "</main>\n" + navigation)
    }

    func indexPage() -> String {
        var body = "<main>\n<h1>\(OutputHTML.escape(bookTitle))</h1>\n<ol class=\"cb-chapters\">\n"
        for page in pages {
            body += "<li><a href=\"\(page.slug).html\">\(OutputHTML.escape(page.title))</a>"
            if let summary = page.summary { body += " — \(OutputHTML.escape(summary))" }
            body += "</li>\n"
        }
        return wrap(title: bookTitle, body: body + "</ol>\n</main>\n")
    }

    private func wrap(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(OutputHTML.escape(title))</title>
        <link rel="stylesheet" href="style.css">
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    /// Math stays TeX in the page until the site issue typesets it: escaped,
    /// inside a span or div marked for the math renderer.
    static func renderMath(_ node: MarkdownNode, _ out: inout MarkdownHTMLOutput, _ children: MarkdownHTMLHooks.RenderChildren) -> Bool {
        guard case .math(let math) = node.kind else { return false }
        let tex = OutputHTML.escape(math.tex)
        out.append(math.display ? "<span class=\"math display\">\\[\(tex)\\]</span>" : "<span class=\"math inline\">\\(\(tex)\\)</span>")
        return true
    }

    static let stylesheet = """
    body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.55; }
    pre { background: #f4f4f4; padding: 0.6rem; overflow-x: auto; }
    .cb-output { border-left: 3px solid #9ab; padding-left: 0.6rem; margin-bottom: 1rem; }
    table.cb-matrix td { border: 1px solid #ccc; padding: 0.15rem 0.4rem; text-align: right; font-family: monospace; }
    td.cb-pad { background: #eee; color: #888; }
    .cb-fail { color: #a00; }
    .cb-trap, .cb-compiler-error { color: #a00; }

    """
}
