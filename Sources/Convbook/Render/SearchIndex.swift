import Foundation

/// The client-side search index: one entry per section (the text under each
/// `##` heading, and the chapter's opening), written as a script
/// (`search-index.js`) so that search works from `file://`, where pages
/// cannot fetch JSON.
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

    private(set) var entries: [Entry] = []

    mutating func add(_ more: [Entry]) { entries += more }

    /// The entries of one page.
    static func entries(page: PageRenderer.Page, document: MarkdownDocument) -> [Entry] {
        var entries = [Entry]()
        let ids = HeadingIDs(document: document)
        var section = (title: page.title, id: "", text: "")
        var headingIndex = 0
        func flush() {
            let text = section.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if !text.isEmpty || !section.id.isEmpty {
                entries.append(Entry(c: page.title, s: section.title, u: page.href + (section.id.isEmpty ? "" : "#\(section.id)"), x: text))
            }
        }
        for block in document.root.children {
            if case .heading(let level, _) = block.kind {
                let heading = headingIndex < ids.all.count ? ids.all[headingIndex] : nil
                headingIndex += 1
                if level <= 2, let heading {
                    flush()
                    section = (heading.text, level == 1 ? "" : heading.id, "")
                    continue
                }
                section.text += " " + block.plainText
                continue
            }
            section.text += " " + Self.text(of: block)
            headingIndex += Self.headingCount(in: block)
        }
        flush()
        return entries
    }

    /// Prose of a block: its plain text, without injected HTML or code output.
    private static func text(of node: MarkdownNode) -> String {
        switch node.kind {
        case .rawHTML, .htmlBlock, .codeBlock: return ""
        default:
            if node.children.isEmpty { return node.plainText }
            return node.children.map(text).joined(separator: node.isBlock ? " " : "")
        }
    }

    private static func headingCount(in node: MarkdownNode) -> Int {
        node.children.reduce(0) { total, child in
            if case .heading = child.kind { return total + 1 }
            return total + headingCount(in: child)
        }
    }

    func javascript() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(entries)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        return "window.CONVBOOK_SEARCH = \(json);\n"
    }
}

extension MarkdownNode {
    /// Whether the node is a block (its children's texts are separate words).
    var isBlock: Bool {
        switch kind {
        case .document, .blockQuote, .list, .item, .paragraph, .heading, .table, .tableRow, .tableCell: return true
        default: return false
        }
    }
}
