import CCmarkGFM
import Foundation
import Testing
@testable import Convbook

/// Footnotes (cmark-gfm's `CMARK_OPT_FOOTNOTES`): our renderer against the
/// cmark-gfm library's own HTML, byte for byte (the CLI on this machine has
/// no footnote option).
struct MarkdownFootnoteTests {
    private func cmark(_ source: String) -> String {
        let html = cmark_markdown_to_html(source, source.utf8.count, CMARK_OPT_FOOTNOTES | CMARK_OPT_UNSAFE)!
        defer { free(html) }
        return String(cString: html)
    }

    private func ours(_ source: String) -> String {
        MarkdownHTMLRenderer(unsafe: true).render(MarkdownParser.parse(source: source, path: "t.md", options: .init(math: false)))
    }

    @Test("Rendered as cmark-gfm renders them", arguments: [
        "Text[^1] and more[^b] and again[^1].\n\n[^1]: One.\n[^b]: Two\n    para.\n\n[^unused]: never cited\n",
        "A note.[^long]\n\n[^long]: First paragraph.\n\n    Second, with `code`.\n\n        indented code\n",
        "Ends in a list.[^list]\n\n[^list]:\n    - a\n    - b\n",
        "No such note[^missing], and [^weird & label]\n\n[^weird & label]: <em>raw</em> \"quoted\"\n",
        "> Quoted[^q].\n\n[^q]: In a quote.\n",
        "Plain text, no footnotes.\n",
    ])
    func likeCmarkGFM(source: String) {
        #expect(ours(source) == cmark(source))
    }

    @Test func theNodesCarryLabelsNumbersAndCounts() {
        let root = MarkdownParser.parse(source: "a[^x] b[^y] c[^x]\n\n[^y]: Y\n[^x]: X\n", path: "t.md").root
        let references = MarkdownNodeCollector.collect(root) { if case .footnoteReference = $0.kind { true } else { false } }.map(\.kind)
        #expect(references == [.footnoteReference(label: "x", number: 1, occurrence: 1),
                               .footnoteReference(label: "y", number: 2, occurrence: 1),
                               .footnoteReference(label: "x", number: 1, occurrence: 2)])
        let definitions = root.children.compactMap { if case .footnoteDefinition(let label, let count) = $0.kind { "\(label):\(count)" } else { nil } }
        #expect(definitions == ["x:2", "y:1"])
    }
}
