import Foundation

/// The client-side search index: one entry per section (the text under each
/// `##` heading, and the chapter's opening), written as a script
/// (`search-index.js`) so that search works from `file://`, where pages
/// cannot fetch JSON. Pages load it on first use of the search box
/// (`convbook-search.js`); `convbook-rank.js` ranks its entries. Math is
/// held as readable text (``MathText``), never as TeX.
struct SearchIndex {
    struct Entry: Codable {
        /// Chapter title.
        var c: String
        /// Section title.
        var s: String
        /// Link.
        var u: String
        /// Plain text of the section.
        var x: String
    }

    /// A page's entries as the script holds them: each entry as compact JSON
    /// with sorted keys, separated by commas (no brackets), so that the
    /// script is its pages' texts joined, whichever of them came from the cache.
    static func text(of entries: [Entry]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return entries.map { (try? encoder.encode($0)).map { String(decoding: $0, as: UTF8.self) } ?? "null" }.joined(separator: ",")
    }

    /// The entries of one page: a section per heading of level 1 or 2 (by
    /// the anchor loading gave it), holding the text up to the next one.
    static func entries(page: PageRenderer.Page, document: MarkdownDocument) -> [Entry] {
        var entries = [Entry]()
        var section = (title: page.title, id: "", text: "")
        func flush() {
            let text = section.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if !text.isEmpty || !section.id.isEmpty {
                entries.append(Entry(c: page.title, s: section.title, u: page.href + (section.id.isEmpty ? "" : "#\(section.id)"), x: text))
            }
        }
        for block in document.root.children {
            if case .heading(let level, _, let id) = block.kind, level <= 2 {
                flush()
                section = (title(of: block).trimmingCharacters(in: .whitespaces), level == 1 ? "" : id, "")
                continue
            }
            section.text += " " + Self.text(of: block)
        }
        flush()
        return entries
    }

    /// Prose of a block: its plain text, without code, raw HTML, output or
    /// values, its math as text (``MathText``) rather than TeX.
    private static func text(of node: MarkdownNode) -> String {
        switch node.kind {
        case .htmlBlock, .codeBlock, .extension: return ""
        case .heading: return title(of: node)
        case .math(let math): return readable(math)
        default:
            if node.children.isEmpty { return node.plainText }
            return node.children.map(text).joined(separator: node.kind.isBlock ? " " : "")
        }
    }

    /// A heading's text as a reader sees it: its plain text, its math as text.
    private static func title(of node: MarkdownNode) -> String {
        switch node.kind {
        case .math(let math): return readable(math)
        default:
            if node.children.isEmpty { return node.plainText }
            return node.children.map(title).joined()
        }
    }

    /// Math as text; an inline expression, whose value the page shows, as "…".
    private static func readable(_ math: MarkdownMath) -> String {
        MathText.text(fromTeX: math.tex(substituting: { _, _ in "{…}" }))
    }
}
