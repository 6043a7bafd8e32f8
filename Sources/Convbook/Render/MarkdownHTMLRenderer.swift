/// Renders a ``MarkdownNode`` tree to HTML: every byte of a chapter's body.
/// Markdown's own nodes render byte for byte as cmark-gfm's `html.c` (with
/// the table, strikethrough, autolink and tagfilter extensions) renders them,
/// which the GFM spec corpus checks; the chapter's nodes render as the theme
/// expects them.
///
/// `unsafe` is cmark's `--unsafe`: when false (cmark's default, "safe"), raw
/// HTML becomes `<!-- raw HTML omitted -->` and `javascript:`, `vbscript:`,
/// `file:` and non-image `data:` URLs are dropped. The generator renders
/// with `unsafe: true` (loading has refused links that run script) and
/// `escapeRawHTML` unless the book allows raw HTML (`[build] raw-html`, whose
/// HTML loading checked with ``RawHTMLPolicy``).
///
/// - Math renders as its typeset HTML from `math` (KaTeX's, at build time);
///   without it, as Pandoc does for MathJax, `<span class="math inline">\(...\)</span>`
///   and `<span class="math display">\[...\]</span>` (TeX escaped).
/// - A heading with an anchor gets `id` and a `#` link to itself.
/// - An injected cell renders its code, highlighted, and its output
///   (``OutputHTML``); an injected value, a `cb-value` span; an inline
///   expression not yet injected, the code span it was.
///
/// ```swift
/// let html = MarkdownHTMLRenderer(unsafe: true).render(document)
/// ```
struct MarkdownHTMLRenderer {
    /// Render raw HTML and dangerous URLs (`cmark-gfm --unsafe`).
    var unsafe: Bool
    /// Apply the tagfilter extension to raw HTML (as `-e tagfilter` does).
    var tagFilter: Bool
    /// Show raw HTML as text, as written (an HTML block as a paragraph), and
    /// leave out HTML comments; `unsafe` then only decides about URLs.
    var escapeRawHTML: Bool
    /// Typeset math by formula, and highlighted code by its source (``Typesetter``).
    var typeset: Typesetter.Typeset
    /// Give code blocks and tables `tabindex="0"`: they scroll sideways when wider than the column (style.css),
    /// and a region that scrolls must take the keyboard focus (axe's `scrollable-region-focusable`).
    /// The generator's pages set it; cmark-gfm's output, for the conformance tests, has no tabindex.
    var focusableScrollers: Bool

    init(unsafe: Bool, tagFilter: Bool = true, escapeRawHTML: Bool = false, typeset: Typesetter.Typeset = .init(),
         focusableScrollers: Bool = false) {
        self.unsafe = unsafe
        self.tagFilter = tagFilter
        self.escapeRawHTML = escapeRawHTML
        self.typeset = typeset
        self.focusableScrollers = focusableScrollers
    }

    /// The HTML of a whole document.
    func render(_ document: MarkdownDocument) -> String {
        render(document.root)
    }

    /// The HTML of `node` and its descendants.
    func render(_ node: MarkdownNode) -> String {
        var output = MarkdownHTMLOutput()
        render(node, into: &output)
        return output.string
    }

    /// Appends the HTML of `node` (a node outside any list or table) to `output`.
    func render(_ node: MarkdownNode, into output: inout MarkdownHTMLOutput) {
        render(node, Context(), &output)
    }

    // MARK: Tree walk

    /// What cmark's renderer looks up in a node's ancestors.
    private struct Context {
        /// The node is an item of a tight list.
        var inTightList = false
        /// The node's grandparent is a tight list: paragraphs lose their `<p>`.
        var tightParagraph = false
        /// Table rows: the table's column alignments.
        var alignments: [MarkdownTableAlignment] = []
        /// Table cells: in the header row, and the column's alignment.
        var headerRow = false
        var alignment = MarkdownTableAlignment.none
        /// The last paragraph of a footnote: its back-links go before `</p>`.
        var footnoteBackLinks: (label: String, references: Int)?
    }

    private func render(_ node: MarkdownNode, _ context: Context, _ out: inout MarkdownHTMLOutput) {
        switch node.kind {
        case .document:
            renderChildren(of: node, context, &out)
            if node.children.contains(where: { if case .footnoteDefinition = $0.kind { true } else { false } }) {
                out.append("</ol>\n</section>\n")
            }
        case .footnoteDefinition(let label, let references):
            out.append("<li id=\"fn-")
            out.appendEscapedHref(label)
            out.append("\">\n")
            renderChildren(of: node, context, &out)
            if node.children.last?.kind != .paragraph {
                appendBackLinks(label, references, &out)
                out.append("\n")
            }
            out.append("</li>\n")
        case .footnoteReference(let label, let number, let occurrence):
            out.append("<sup class=\"footnote-ref\"><a href=\"#fn-")
            out.appendEscapedHref(label)
            out.append("\" id=\"fnref-")
            out.appendEscapedHref(label)
            if occurrence > 1 { out.append("-\(occurrence)") }
            out.append("\" data-footnote-ref>\(number)</a></sup>")
        case .blockQuote:
            out.cr()
            out.append("<blockquote>\n")
            renderChildren(of: node, context, &out)
            out.cr()
            out.append("</blockquote>\n")
        case .list(let info):
            out.cr()
            if info.kind == .bullet {
                out.append("<ul>\n")
            } else if info.start == 1 {
                out.append("<ol>\n")
            } else {
                out.append("<ol start=\"\(info.start)\">\n")
            }
            renderChildren(of: node, context, &out)
            out.append(info.kind == .bullet ? "</ul>\n" : "</ol>\n")
        case .item:
            out.cr()
            out.append("<li>")
            renderChildren(of: node, context, &out)
            out.append("</li>\n")
        case .codeBlock(let block):
            out.cr()
            out.append(focusableScrollers ? "<pre tabindex=\"0\">" : "<pre>")
            if block.info.isEmpty {
                out.append("<code>")
            } else {
                out.append("<code class=\"language-")
                out.appendEscaped(String(block.language))
                out.append("\">")
            }
            out.appendEscaped(block.literal)
            out.append("</code></pre>\n")
        case .htmlBlock(let html) where escapeRawHTML:
            guard !RawHTMLPolicy.isComment(html) else { break }
            var text = Substring(html)
            while text.last?.isNewline == true { text.removeLast() }
            out.cr()
            out.append("<p>")
            out.appendEscaped(String(text))
            out.append("</p>\n")
        case .htmlBlock(let html):
            out.cr()
            if !unsafe {
                out.append("<!-- raw HTML omitted -->")
            } else if tagFilter {
                MarkdownTagFilter.appendFiltered(html, to: &out)
            } else {
                out.append(html)
            }
            out.cr()
        case .paragraph:
            if context.tightParagraph {
                renderChildren(of: node, context, &out)
            } else {
                out.cr()
                out.append("<p>")
                renderChildren(of: node, context, &out)
                if let (label, references) = context.footnoteBackLinks {
                    out.append(" ")
                    appendBackLinks(label, references, &out)
                }
                out.append("</p>\n")
            }
        case .heading(let level, _, let id):
            out.cr()
            out.append("<h\(level)")
            if !id.isEmpty {
                out.append(" id=\"")
                out.appendEscaped(id)
                out.append("\"")
            }
            out.append(">")
            renderChildren(of: node, context, &out)
            if !id.isEmpty {
                out.append("<a class=\"anchor\" href=\"#")
                out.appendEscaped(id)
                out.append("\" aria-label=\"Link to this section\">#</a>")
            }
            out.append("</h\(level)>\n")
        case .thematicBreak:
            out.cr()
            out.append("<hr />\n")
        case .table:
            // cmark-gfm's table extension: `<tbody>` opens before the first
            // body row (see renderChildren) and closes with the table.
            out.cr()
            out.append(focusableScrollers ? "<table tabindex=\"0\">" : "<table>")
            renderChildren(of: node, context, &out)
            if node.children.contains(where: { $0.kind == .tableRow(header: false) }) {
                out.cr()
                out.append("</tbody>")
                out.cr()
            }
            out.cr()
            out.append("</table>")
            out.cr()
        case .tableRow(let header):
            out.cr()
            if header {
                out.append("<thead>")
                out.cr()
            }
            out.append("<tr>")
            renderChildren(of: node, context, &out)
            out.cr()
            out.append("</tr>")
            if header {
                out.cr()
                out.append("</thead>")
            }
        case .tableCell:
            out.cr()
            // An empty header cell (the corner above a column of row names) heads nothing: it is written as
            // a data cell, so assistive technology announces no empty header (axe's `empty-table-header`).
            // cmark-gfm writes `<th></th>`; the GFM corpus has no empty header cell.
            let header = context.headerRow && !node.children.isEmpty
            out.append(header ? "<th" : "<td")
            if let align = context.alignment.htmlValue {
                out.append(" align=\"\(align)\"")
            }
            out.append(">")
            renderChildren(of: node, context, &out)
            out.append(header ? "</th>" : "</td>")
        case .text(let text):
            out.appendEscaped(text)
        case .softBreak:
            out.append("\n")
        case .lineBreak:
            out.append("<br />\n")
        case .code(let code):
            out.append("<code>")
            out.appendEscaped(code)
            out.append("</code>")
        case .htmlInline(let html) where escapeRawHTML:
            if !RawHTMLPolicy.isComment(html) { out.appendEscaped(html) }
        case .htmlInline(let html):
            if !unsafe {
                out.append("<!-- raw HTML omitted -->")
            } else if tagFilter, MarkdownTagFilter.startsWithDisallowedTag(Array(html.utf8)[...]) {
                out.append("&lt;")
                out.append(bytes: html.utf8.dropFirst())
            } else {
                out.append(html)
            }
        case .emphasis:
            wrap(node, context, "<em>", "</em>", &out)
        case .strong:
            wrap(node, context, "<strong>", "</strong>", &out)
        case .strikethrough:
            wrap(node, context, "<del>", "</del>", &out)
        case .link(let url, let title):
            out.append("<a href=\"")
            appendURL(url, &out)
            if !title.isEmpty {
                out.append("\" title=\"")
                out.appendEscaped(title)
            }
            out.append("\">")
            renderChildren(of: node, context, &out)
            out.append("</a>")
        case .image(let url, let title):
            out.append("<img src=\"")
            appendURL(url, &out)
            out.append("\" alt=\"")
            for child in node.children { renderPlain(child, &out) }
            if !title.isEmpty {
                out.append("\" title=\"")
                out.appendEscaped(title)
            }
            out.append("\" />")
        case .math(let formula) where formula.label != nil && formula.display:
            out.append("<span class=\"cb-equation\" id=\"")
            out.appendEscaped(formula.label!)
            out.append("\">")
            var unlabelled = formula
            unlabelled.label = nil
            render(MarkdownNode(.math(unlabelled)), context, &out)
            if let number = formula.number {
                out.append("<span class=\"cb-eqno\">(")
                out.appendEscaped(number)
                out.append(")</span>")
            }
            out.append("</span>")
        case .math(let formula):
            if let typeset = typeset.math[Typesetter.Formula(tex: formula.tex, display: formula.display, values: formula.values)] {
                out.append(typeset)
            } else {
                out.append(formula.display ? "<span class=\"math display\">\\[" : "<span class=\"math inline\">\\(")
                out.appendEscaped(formula.tex)
                out.append(formula.display ? "\\]</span>" : "\\)</span>")
            }
        case .inlineExpression(let expression):
            out.append("<code>")
            out.appendEscaped("{swift} " + expression.code)
            out.append("</code>")
        case .callout(let callout, let id):
            out.cr()
            out.append("<div class=\"cb-callout cb-callout-\(callout.rawValue)\"")
            if let id {
                out.append(" id=\"")
                out.appendEscaped(id)
                out.append("\"")
            }
            out.append(" role=\"note\">\n")
            out.append("<p class=\"cb-callout-title\">\(Self.calloutIcons[callout] ?? "")\(callout.title)</p>\n")
            renderChildren(of: node, context, &out)
            out.cr()
            out.append("</div>\n")
        case .exercise(let label, let number):
            // The exercise's title is no heading: exercises stay out of the page's contents.
            out.cr()
            out.append("<div class=\"cb-exercise\" id=\"")
            out.appendEscaped(label)
            out.append("\">\n<p class=\"cb-exercise-title\">")
            out.appendEscaped(number.isEmpty ? "Exercise" : number)
            out.append("</p>\n")
            renderChildren(of: node, context, &out)
            out.cr()
            out.append("</div>\n")
        case .answer:
            // A closed disclosure: the reader opens it (print opens it, style.css).
            out.cr()
            out.append("<details class=\"cb-answer\">\n<summary>Answer</summary>\n")
            renderChildren(of: node, context, &out)
            out.cr()
            out.append("</details>\n")
        case .figure(let label, let number):
            out.cr()
            out.append("<figure class=\"cb-float\" id=\"")
            out.appendEscaped(label)
            out.append("\">\n")
            renderChildren(of: node, context, &out)
            out.append("\n<figcaption>")
            out.appendEscaped(number.isEmpty ? "" : number + ": ")
            for child in node.children { if case .image = child.kind { for part in child.children { renderPlain(part, &out) } } }
            out.append("</figcaption>\n</figure>\n")
        case .reference(let label):
            out.appendEscaped("@" + label)   // unresolved: the build reports it
        case .citation(let citation):
            out.appendEscaped(citation.items.map { "@" + $0.key }.joined(separator: "; "))
        case .span(let id):
            out.append("<span id=\"")
            out.appendEscaped(id)
            out.append("\">")
            renderChildren(of: node, context, &out)
            out.append("</span>")
        case .extension(let custom):
            if let cell = custom.payload as? InjectedCell {
                out.cr()
                out.append(OutputHTML.cell(cell, highlighted: cell.code.flatMap { typeset.code[$0] }))
                out.cr()
            } else if let value = custom.payload as? InjectedValue {
                // data-v: the value's index in the page's slice of the ledger, for its provenance (convbook-provenance.js).
                out.append(value.ledger.map { "<span class=\"cb-value\" data-v=\"\($0)\">" } ?? "<span class=\"cb-value\">")
                out.appendEscaped(value.text)
                out.append("</span>")
            }
            // Anything else (a cell not injected, never in a page) shows nothing yet.
        }
    }

    private func renderChildren(of node: MarkdownNode, _ context: Context, _ out: inout MarkdownHTMLOutput) {
        var inner = Context()
        switch node.kind {
        case .document:
            // cmark-gfm puts the footnotes last, in one section.
            var opened = false
            for child in node.children {
                if case .footnoteDefinition = child.kind, !opened {
                    out.append("<section class=\"footnotes\" data-footnotes>\n<ol>\n")
                    opened = true
                }
                render(child, inner, &out)
            }
            return
        case .footnoteDefinition(let label, let references):
            for (index, child) in node.children.enumerated() {
                inner.footnoteBackLinks = index == node.children.count - 1 && child.kind == .paragraph ? (label, references) : nil
                render(child, inner, &out)
            }
            return
        case .list(let info): inner.inTightList = info.tight
        case .item: inner.tightParagraph = context.inTightList
        case .table(let alignments):
            inner.alignments = alignments
            var bodyOpen = false
            for row in node.children {
                if row.kind == .tableRow(header: false), !bodyOpen {
                    out.cr()
                    out.append("<tbody>")
                    out.cr()
                    bodyOpen = true
                }
                render(row, inner, &out)
            }
            return
        case .tableRow(let header):
            inner.headerRow = header
            for (index, cell) in node.children.enumerated() {
                inner.alignment = index < context.alignments.count ? context.alignments[index] : .none
                render(cell, inner, &out)
            }
            return
        default: break
        }
        for child in node.children { render(child, inner, &out) }
    }

    private func wrap(_ node: MarkdownNode, _ context: Context, _ open: String, _ close: String,
                      _ out: inout MarkdownHTMLOutput) {
        out.append(open)
        renderChildren(of: node, context, &out)
        out.append(close)
    }

    /// The links from a footnote back to each reference to it, as cmark-gfm 0.29 writes them.
    private func appendBackLinks(_ label: String, _ references: Int, _ out: inout MarkdownHTMLOutput) {
        for occurrence in 1...max(references, 1) {
            if occurrence > 1 { out.append(" ") }
            out.append("<a href=\"#fnref-")
            out.appendEscapedHref(label)
            if occurrence > 1 { out.append("-\(occurrence)") }
            out.append("\" class=\"footnote-backref\" data-footnote-backref aria-label=\"Back to content\">↩")
            if occurrence > 1 { out.append("<sup class=\"footnote-ref\">\(occurrence)</sup>") }
            out.append("</a>")
        }
    }

    /// Each callout's icon, drawn in the text colour and hidden from screen readers (the title says it).
    private static let calloutIcons: [MarkdownCallout: String] = {
        let paths: [MarkdownCallout: String] = [
            .note: "<circle cx=\"8\" cy=\"8\" r=\"6.5\"/><path d=\"M8 7.2v4M8 4.6v.4\"/>",
            .tip: "<path d=\"M5.5 10.5a4.5 4.5 0 1 1 5 0v1.5h-5z\"/><path d=\"M6 14h4\"/>",
            .important: "<path d=\"M2 2.5h12v8.5H8l-3 3v-3H2z\"/><path d=\"M8 4.8v3M8 9.4v.2\"/>",
            .warning: "<path d=\"M8 1.8l6.5 12H1.5z\"/><path d=\"M8 6v3.6M8 11.4v.2\"/>",
            .caution: "<path d=\"M5.3 1.5h5.4l3.8 3.8v5.4l-3.8 3.8H5.3l-3.8-3.8V5.3z\"/><path d=\"M8 4.6v4M8 10.8v.2\"/>",
        ]
        return paths.mapValues {
            "<svg class=\"cb-callout-icon\" viewBox=\"0 0 16 16\" width=\"16\" height=\"16\" aria-hidden=\"true\" fill=\"none\" "
                + "stroke=\"currentColor\" stroke-width=\"1.5\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\($0)</svg>"
        }
    }()

    /// An image description: text only, as cmark's "plain" mode renders it.
    private func renderPlain(_ node: MarkdownNode, _ out: inout MarkdownHTMLOutput) {
        switch node.kind {
        case .text(let text), .code(let text), .htmlInline(let text):
            out.appendEscaped(text)
        case .extension(let custom):
            if let value = custom.payload as? InjectedValue { out.appendEscaped(value.text) }
        case .softBreak, .lineBreak:
            out.append(" ")
        case .math(let math):
            out.appendEscaped(math.tex)
        case .inlineExpression(let expression):
            out.appendEscaped("{swift} " + expression.code)
        default:
            break
        }
        for child in node.children { renderPlain(child, &out) }
    }

    private func appendURL(_ url: String, _ out: inout MarkdownHTMLOutput) {
        if unsafe || !Self.isDangerous(url) {
            out.appendEscapedHref(url)
        }
    }

    /// cmark's `scan_dangerous_url`: `javascript:`, `vbscript:`, `file:` and
    /// `data:` (except `data:image/png|gif|jpeg|webp`), case-insensitively.
    static func isDangerous(_ url: String) -> Bool {
        let lower = url.prefix(16).lowercased()
        if lower.hasPrefix("data:image/") {
            let rest = lower.dropFirst("data:image/".count)
            if ["png", "gif", "jpeg", "webp"].contains(where: { rest.hasPrefix($0) }) { return false }
        }
        return ["javascript:", "vbscript:", "file:", "data:"].contains { lower.hasPrefix($0) }
    }
}
