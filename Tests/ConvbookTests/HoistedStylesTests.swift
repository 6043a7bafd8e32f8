import Foundation
import Testing
@testable import Convbook

/// KaTeX's inline styles move into one rule per distinct style, and come back
/// exactly for book.html.
@Suite struct HoistedStylesTests {
    static let katex = #"<span class="katex"><span class="katex-html" aria-hidden="true"><span class="base"><span class="strut" style="height:0.5806em;vertical-align:-0.15em;"></span><span class="mord mathnormal" style="margin-right:0.04398em;">z</span><span class="vlist" style="height:0.3011em;"><span style="top:-2.55em;margin-left:-0.044em;margin-right:0.05em;"><span class="pstrut" style="height:2.7em;"></span></span></span><span class="vlist" style="height:0.3011em;"></span></span></span></span>"#

    @Test func eachStyleBecomesOneRuleAndAClass() {
        let (html, css) = HoistedStyles.hoist(Self.katex)
        #expect(!html.contains("style="))
        // Four distinct styles (the vlist's height twice): four rules, each declaration !important.
        #expect(css.components(separatedBy: "}").filter { !$0.isEmpty }.count == 5)
        #expect(css.contains("{height:0.3011em!important}"))
        #expect(css.contains("{top:-2.55em!important;margin-left:-0.044em!important;margin-right:0.05em!important}"))
        #expect(html.contains(#"<span class="mord mathnormal ks"#))
        // A span that had only a style gets a class attribute of its own.
        #expect(html.contains(#"<span class="ks"#))
        // The same style is the same class, on every page.
        #expect(HoistedStyles.hoist("<span style=\"height:2.7em;\"></span>").css == HoistedStyles.hoist(Self.katex).css
            .components(separatedBy: "}").first { $0.contains("{height:2.7em!") }.map { $0 + "}" })
    }

    @Test func restoreGivesBackTheOriginalBytes() {
        let (html, css) = HoistedStyles.hoist(Self.katex)
        #expect(HoistedStyles.restore(html, css: css) == Self.katex)
    }

    @Test func whatIsNotAPlainSpanStyleStaysAsItIs() {
        let kept = [
            #"<td style="--a:0.5">1</td>"#,                               // not a span
            #"<span style="background: rgba(1, 2, 3, 0.5)">x</span>"#,    // parentheses, spaces
            #"<span id="a" style="top:1em;">x</span>"#,                   // another attribute
            #"<span style="top:1em">x</span>"#,                           // not as KaTeX ends it
            #"<span class="cb-value">1</span>"#,                          // no style
        ]
        for html in kept {
            let hoisted = HoistedStyles.hoist(html)
            #expect(hoisted.html == html && hoisted.css.isEmpty, "\(html)")
        }
    }

    @Test func restoreLeavesOtherClassesAlone() {
        let html = #"<span class="ks000000">x</span><span class="cb-value">1</span><span class="a ks">y</span>"#
        #expect(HoistedStyles.restore(html, css: ".ks999999{top:1em!important}") == html)
    }
}

/// The site's stylesheet without the theme's comments.
@Suite struct StyleSheetCommentsTests {
    @Test func commentsGoStringsStay() {
        let css = "/* A theme.\n   Two lines. */\na { color: red; } /* why */\nb::after { content: \"/* not a comment */\"; }\nc { content: 'it\\'s /*'; }\n"
        #expect(StyleSheetComments.removed(from: css) == "a { color: red; }\nb::after { content: \"/* not a comment */\"; }\nc { content: 'it\\'s /*'; }\n")
    }

    @Test func theThemeLosesOnlyItsComments() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/Convbook/Theme/style.css")
        let css = try String(contentsOf: url, encoding: .utf8)
        let served = StyleSheetComments.removed(from: css)
        #expect(served.count < css.count * 95 / 100)
        #expect(!served.contains("/*"))
        // Every rule is still there: the same braces, and the same declarations, outside the comments.
        for mark in ["{", "}", ";"] as [Character] {
            #expect(served.filter { $0 == mark }.count == css.filter { $0 == mark }.count - Self.count(mark, inCommentsOf: css))
        }
    }

    static func count(_ mark: Character, inCommentsOf css: String) -> Int {
        var count = 0, rest = css[...]
        while let open = rest.range(of: "/*"), let close = rest[open.upperBound...].range(of: "*/") {
            count += rest[open.upperBound..<close.lowerBound].filter { $0 == mark }.count
            rest = rest[close.upperBound...]
        }
        return count
    }
}
