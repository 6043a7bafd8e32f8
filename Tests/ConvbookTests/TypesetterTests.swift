import Foundation
import Testing
@testable import Convbook

/// Render's typesetting in node (the theme's `typeset.js`): Swift code
/// highlighted with the page's `hl-*` classes, math with KaTeX, and what is
/// cached. Needs node, katex and node-highlight.js (`make deps`).
@Suite struct TypesetterTests {
    func typesetter(cache: URL? = nil) throws -> Typesetter {
        Typesetter(store: cache.map { CacheStore(root: $0) }, script: try #require(Theme.typesetScript))
    }

    func highlighted(_ code: String) throws -> String {
        try #require(try typesetter().typeset([], code: [code]).code[code])
    }

    @Test func swiftIsHighlightedWithThePagesClasses() throws {
        let html = try highlighted("/// Doc.\nlet y: [Double] = convForward(x, w, bias: b, stride: 2) // HH, WW\n")
        #expect(html.contains("<span class=\"hl-doc\">/// Doc.</span>"))
        #expect(html.contains("<span class=\"hl-keyword\">let</span> y: [<span class=\"hl-type\">Double</span>]"))
        #expect(html.contains("convForward(x, w, <span class=\"hl-label\">bias</span>: b, <span class=\"hl-label\">stride</span>: <span class=\"hl-number\">2</span>)"))
        #expect(html.contains("<span class=\"hl-comment\">// HH, WW</span>"))
    }

    @Test func theBooksVariablesCallsAndMembersStayPlain() throws {
        // H, WW and F are variables here, not types; a called type and a member are not marked either.
        let html = try highlighted("let H = 4, WW = 3; let t = Tensor(shape: [F, H]); let p = t.prefix(2); let c = $0\n")
        #expect(html.contains("<span class=\"hl-keyword\">let</span> H = <span class=\"hl-number\">4</span>, WW ="))
        #expect(html.contains("Tensor(<span class=\"hl-label\">shape</span>: [F, H])"))
        #expect(html.contains("t.prefix(<span class=\"hl-number\">2</span>)"))
        #expect(html.contains("c = $0"))
    }

    @Test func stringsNumbersAndInterpolations() throws {
        let html = try highlighted("print(\"y[\\(i)] = \\(1e-5)\", 0x1F, 1_000.5e-3, #\"raw \\(x)\"#) /* a /* nested */ b */")
        #expect(html.contains("<span class=\"hl-string\">\"y[<span class=\"hl-interpolation\">\\(i)</span>] = <span class=\"hl-interpolation\">\\(<span class=\"hl-number\">1e-5</span>)</span>\"</span>"))
        #expect(html.contains("<span class=\"hl-number\">0x1F</span>, <span class=\"hl-number\">1_000.5e-3</span>"))
        #expect(html.contains("<span class=\"hl-string\">#\"raw \\(x)\"#</span>"))
        #expect(html.contains("<span class=\"hl-comment\">/* a <span class=\"hl-comment\">/* nested */</span> b */</span>"))
    }

    @Test func textIsEscaped() throws {
        let html = try highlighted("let ok = a < b && c > d\n")
        #expect(html.contains("a &lt; b &amp;&amp; c &gt; d"))
        #expect(!html.contains("a < b"))
    }

    @Test func codeAndMathAreCachedAndATeXErrorIsAtItsLine() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("convbook-typeset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: cache) }
        let formula = Typesetter.Formula(tex: "x^2", display: false)
        let first = try typesetter(cache: cache).typeset([.init(formula: formula, file: "a.md", line: 3, column: 4)], code: ["let a = 1\n"])
        #expect(first.math[formula]?.contains("katex") == true)
        let entries = { (kind: String) in ((try? FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent(kind).path)) ?? []).filter { !$0.hasSuffix(".sha256") }.count }
        #expect(entries("highlight") == 1 && entries("katex") == 1)
        // A second typesetter finds both in the cache: the same HTML, and no new entries.
        let cached = try Typesetter(store: CacheStore(root: cache), script: try #require(Theme.typesetScript))
            .typeset([.init(formula: formula, file: "a.md", line: 3, column: 4)], code: ["let a = 1\n"])
        #expect(cached.code == first.code && cached.math == first.math)
        #expect(entries("highlight") == 1 && entries("katex") == 1)

        #expect {
            try typesetter().typeset([.init(formula: .init(tex: "\\frac{", display: true), file: "chapters/02.md", line: 7, column: 2)])
        } throws: { error in
            "\(error)".contains("chapters/02.md:7:2: error: TeX error")
        }
    }
}
