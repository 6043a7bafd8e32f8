/// KaTeX writes an inline `style` on most of the spans it makes (a strut's
/// height, a superscript's offset), and a page of math repeats the same few
/// hundred styles thousands of times: a third of a chapter page's bytes. A
/// page instead names each distinct style once, in a `<style>` in its head,
/// and its spans carry a short class: `<span class="mord" style="top:-2.55em;">`
/// becomes `<span class="mord ks1f3k9a">` with
/// `.ks1f3k9a{top:-2.55em!important}`. `!important` keeps the declaration
/// above every rule of the stylesheets, as the inline style was; the class
/// name is a hash of the style, the same on every page.
///
/// `restore` is the inverse, for `book.html`, whose chapters are cut from
/// their pages' bodies (``BookPage``) and keep KaTeX's inline styles.
///
/// ```swift
/// let (body, css) = HoistedStyles.hoist(#"<span class="mord" style="top:-2.55em;">1</span>"#)
/// // body: <span class="mord ks…">1</span>, css: .ks…{top:-2.55em!important}
/// HoistedStyles.restore(body, css: css)   // the span as it was
/// ```
enum HoistedStyles {
    /// What the page's head holds the rules in: `<style id="cb-hoisted">…</style>`.
    static let opening = "<style id=\"cb-hoisted\">", closing = "</style>"

    /// Every `<span class="…" style="…">` and `<span style="…">` of `html`
    /// whose style is plain declarations, with the style as a class; and the
    /// rules for those classes, sorted. Spans with another attribute, or
    /// another order, are left as they are.
    static func hoist(_ html: String) -> (html: String, css: String) {
        var rules: [String: String] = [:]      // class → style
        let bytes = Array(html.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var copied = 0
        // One pass over the bytes (a page may hold tens of thousands of spans).
        for open in occurrences(of: Array("<span ".utf8), in: bytes) where open >= copied {
            let start = open + 6
            guard let end = bytes[start...].firstIndex(of: UInt8(ascii: ">")) else { break }
            let attributes = String(decoding: bytes[start..<end], as: UTF8.self)
            guard let span = Span(attributes[...]), let name = className(for: span.style, taken: rules) else { continue }
            rules[name] = span.style
            out += bytes[copied..<open]
            out += Array("<span class=\"\(span.classes.isEmpty ? name : span.classes + " " + name)\">".utf8)
            copied = end + 1
        }
        out += bytes[copied...]
        let css = rules.keys.sorted().map { name in
            ".\(name){" + rules[name]!.split(separator: ";").map { "\($0)!important" }.joined(separator: ";") + "}"
        }.joined()
        return (String(decoding: out, as: UTF8.self), css)
    }

    /// `html` with every hoisted class of `css` (as ``hoist`` wrote it) put
    /// back as the span's inline style.
    static func restore(_ html: String, css: String) -> String {
        var styles: [String: String] = [:]
        for rule in css.split(separator: "}") {
            guard rule.hasPrefix("."), let brace = rule.firstIndex(of: "{") else { continue }
            let declarations = rule[rule.index(after: brace)...].split(separator: ";")
                .map { $0.hasSuffix("!important") ? $0.dropLast("!important".count) : $0 }
            styles[String(rule[rule.index(after: rule.startIndex)..<brace])] = declarations.joined(separator: ";") + ";"
        }
        guard !styles.isEmpty else { return html }
        let bytes = Array(html.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        var copied = 0
        let prefix = Array("<span class=\"".utf8)
        for open in occurrences(of: prefix, in: bytes) where open >= copied {
            let start = open + prefix.count
            guard let quote = bytes[start...].firstIndex(of: UInt8(ascii: "\"")),
                  quote + 1 < bytes.count, bytes[quote + 1] == UInt8(ascii: ">") else { continue }
            var kept = String(decoding: bytes[start..<quote], as: UTF8.self).split(separator: " ")
            guard let last = kept.last, let style = styles[String(last)] else { continue }
            kept.removeLast()
            out += bytes[copied..<open]
            out += Array((kept.isEmpty ? "<span style=\"\(style)\">" : "<span class=\"\(kept.joined(separator: " "))\" style=\"\(style)\">").utf8)
            copied = quote + 2
        }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Where `needle` starts in `bytes`, left to right, in one pass.
    private static func occurrences(of needle: [UInt8], in bytes: [UInt8]) -> [Int] {
        var found = [Int]()
        guard let first = needle.first, bytes.count >= needle.count else { return found }
        var i = 0
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == first {
                var j = 1
                while j < needle.count, bytes[i + j] == needle[j] { j += 1 }
                if j == needle.count { found.append(i); i += needle.count; continue }
            }
            i += 1
        }
        return found
    }

    /// A span's attributes when they are `class="…" style="…"` or `style="…"`,
    /// the style plain declarations ending in `;` (as KaTeX writes them).
    private struct Span {
        var classes: String
        var style: String

        init?(_ attributes: Substring) {
            var rest = attributes
            classes = ""
            if rest.hasPrefix("class=\"") {
                rest = rest.dropFirst("class=\"".count)
                guard let quote = rest.firstIndex(of: "\"") else { return nil }
                classes = String(rest[..<quote])
                rest = rest[rest.index(after: quote)...]
                guard rest.hasPrefix(" ") else { return nil }
                rest = rest.dropFirst()
            }
            guard rest.hasPrefix("style=\""), rest.hasSuffix("\"") else { return nil }
            style = String(rest.dropFirst("style=\"".count).dropLast())
            let plain = style.hasSuffix(";") && style.split(separator: ";").allSatisfy { declaration in
                let parts = declaration.split(separator: ":", maxSplits: 1)
                return parts.count == 2 && parts[0].allSatisfy { $0.isLetter || $0 == "-" }
                    && !parts[1].contains { "!\"'<>{}()\\&".contains($0) }
            }
            guard plain, !classes.split(separator: " ").contains(where: { $0.hasPrefix("ks") }) else { return nil }
        }
    }

    /// "ks" and six base-36 digits of the style's FNV-1a hash; nil when
    /// another style of the page took that name (it then stays inline).
    private static func className(for style: String, taken: [String: String]) -> String? {
        var hash: UInt32 = 2_166_136_261
        for byte in style.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        var digits = String(hash % 2_176_782_336, radix: 36)    // 36^6
        while digits.count < 6 { digits = "0" + digits }
        let name = "ks" + digits
        if let other = taken[name], other != style { return nil }
        return name
    }
}
