import Testing
@testable import Convbook

/// Source positions copied from cmark: code blocks (fence line, first code
/// line) and headings, which the generator uses to map compiler diagnostics
/// back to chapter lines.
struct MarkdownSourcePositionTests {
    private let source = """
        Title
        =====

        ## Section $x_1$ ##

        ```swift hide
        let a = 1
        ```

        > ~~~ swift
        > let b = 2
        > ~~~

        - item

              indented
              code

        Text.
        """

    private var root: MarkdownNode { MarkdownParser.parse(source: source, path: "chapter.md").root }

    @Test func codeBlocks() {
        let blocks = MarkdownNodeCollector.collect(root) { if case .codeBlock = $0.kind { true } else { false } }
        #expect(blocks.count == 3)
        guard blocks.count == 3, case .codeBlock(let first) = blocks[0].kind,
              case .codeBlock(let second) = blocks[1].kind, case .codeBlock(let third) = blocks[2].kind else { return }

        #expect(first.info == "swift hide")
        #expect(first.language == "swift")
        #expect(first.infoArguments == ["hide"])
        #expect(first.fence == .init(character: "`", length: 3, offset: 0))
        #expect(first.literal == "let a = 1\n")
        #expect(blocks[0].position?.startLine == 6)
        #expect(blocks[0].position?.startColumn == 1)
        #expect(blocks[0].position?.endLine == 8)
        #expect(blocks[0].firstCodeLine == 7)

        #expect(second.fence?.character == "~")
        #expect(blocks[1].position?.startLine == 10)
        #expect(blocks[1].position?.startColumn == 3)
        #expect(blocks[1].firstCodeLine == 11)

        #expect(third.fence == nil)
        #expect(third.literal == "indented\ncode\n")
        #expect(blocks[2].position?.startLine == 16)
        #expect(blocks[2].position?.startColumn == 7)
        #expect(blocks[2].firstCodeLine == 16)
    }

    @Test func headings() {
        let headings = MarkdownNodeCollector.collect(root) { if case .heading = $0.kind { true } else { false } }
        #expect(headings.map(\.kind) == [.heading(level: 1, setext: true), .heading(level: 2, setext: false)])
        #expect(headings.map { $0.position?.startLine } == [1, 4])
        #expect(headings.map { $0.position?.startColumn } == [1, 1])
        #expect(headings.map(\.plainText) == ["Title", "Section x_1"])
    }

    @Test func inlineNodesAndAutolinks() {
        let root = MarkdownParser.parse(source: "a `b` see https://example.com\n", path: "t.md").root
        let code = MarkdownNodeCollector.collect(root) { $0.kind == .code("b") }
        #expect(code.first?.position == MarkdownSourceRange(startLine: 1, startColumn: 4, endLine: 1, endColumn: 4))
        // Links the autolink extension makes from `https://` (and e-mail
        // addresses) report line 0, as cmark does.
        let links = MarkdownNodeCollector.collect(root) { if case .link = $0.kind { true } else { false } }
        #expect(links.first?.kind == .link(url: "https://example.com", title: ""))
        #expect(links.first?.position?.startLine == 0)
    }

    @Test func tablesAndLists() {
        let root = MarkdownParser.parse(source: "| a | b |\n|:-|-:|\n| c | ~~d~~ |\n\n3) x\n4) y\n", path: "t.md").root
        let kinds = MarkdownNodeCollector.collect(root) { _ in true }.map(\.kind)
        #expect(kinds.contains(.table(alignments: [.left, .right])))
        #expect(kinds.contains(.tableRow(header: true)))
        #expect(kinds.contains(.tableRow(header: false)))
        #expect(kinds.contains(.strikethrough))
        #expect(kinds.contains(.list(MarkdownListInfo(kind: .ordered, start: 3, delimiter: .parenthesis, tight: true))))
    }
}
