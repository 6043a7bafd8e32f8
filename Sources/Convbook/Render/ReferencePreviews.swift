import Foundation

/// A page's previews file, `previews/SLUG.js`: what a reference on another
/// page shows of each target of this one when hovered or focused
/// (`convbook-preview.js`). A script, not JSON, so that it loads from
/// `file://`, where pages cannot fetch; loaded on first use, never with a page.
///
/// It holds, for every element of the chapter's text whose id starts `sec-`,
/// `eq-`, `fig-`, `tbl-`, `ex-` or `pit-`, that element's HTML as the page
/// holds it, cut as the card shows it (the script cuts a target on its own
/// page the same way):
/// - a heading, with the paragraphs that follow it: up to 2, skipping the
///   other blocks before the first; a block after a paragraph, or a heading, ends them;
/// - a `div` (an exercise, a pitfall) with its first paragraphs only (up to 3:
///   its title and two more);
/// - anything else (an equation, a figure, a table) whole;
///
/// and the page's hoisted KaTeX rules (``HoistedStyles``) that those use.
/// Its bytes follow from the page's alone.
///
/// ```swift
/// let script = ReferencePreviews.script(page: html, href: "03-two-dimensions.html")
/// // (window.CONVBOOK_PREVIEWS = window.CONVBOOK_PREVIEWS || {})["03-two-dimensions.html"] = {"css":"…","targets":{…}};
/// ```
enum ReferencePreviews {
    /// The id prefixes a reference's target has.
    static let prefixes = ["sec-", "eq-", "fig-", "tbl-", "ex-", "pit-"]

    /// Where the previews of the page `slug.html` lie in the site.
    static func path(for slug: String) -> String { "previews/\(slug).js" }

    struct Previews: Encodable {
        /// The page's hoisted rules the targets use, as ``HoistedStyles`` wrote them.
        var css: String
        /// id → HTML.
        var targets: [String: String]
    }

    /// The previews file of the page `href`, whose HTML is `page`.
    static func script(page: Data, href: String) -> Data {
        let previews = previews(of: String(decoding: page, as: UTF8.self))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(previews)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let key = (try? encoder.encode(href)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        return Data("(window.CONVBOOK_PREVIEWS = window.CONVBOOK_PREVIEWS || {})[\(key)] = \(json);\n".utf8)
    }

    /// The targets of the page `html` (those in its `<article class="chapter">`), and the rules they use.
    static func previews(of html: String) -> Previews {
        let bytes = Array(html.utf8)
        var targets: [String: String] = [:]
        guard let open = ByteSearch.find(Array("<article class=\"chapter\"".utf8), in: bytes, from: 0),
              let start = bytes[open...].firstIndex(of: UInt8(ascii: ">")) else { return Previews(css: "", targets: [:]) }
        let tags = Tag.scan(bytes, from: start + 1)
        for (index, tag) in tags.enumerated() where !tag.closing {
            guard let id = tag.id, prefixes.contains(where: id.hasPrefix), targets[id] == nil,
                  let end = Tag.end(of: index, in: tags) else { continue }
            let element = tags[index].start..<tags[end].end
            var text = String(decoding: bytes[element], as: UTF8.self)
            if tag.isHeading {
                text += following(after: end, in: tags, bytes: bytes)
            } else if tag.name == "div" {
                text = String(decoding: bytes[tag.start..<tag.end], as: UTF8.self)
                    + children(of: index, end: end, in: tags, bytes: bytes) + "</div>"
            }
            targets[id] = text
        }
        return Previews(css: rules(used: targets.values, page: bytes), targets: targets)
    }

    /// The paragraphs after a heading that ends at tag `end`, as the card takes them.
    private static func following(after end: Int, in tags: [Tag], bytes: [UInt8]) -> String {
        var text = "", taken = 0, index = end + 1
        while index < tags.count, taken < 2 {
            let tag = tags[index]
            if tag.closing || tag.isHeading { break }          // the parent ends, or the next section begins
            guard let close = Tag.end(of: index, in: tags) else { break }
            if tag.name == "p" {
                text += String(decoding: bytes[tag.start..<tags[close].end], as: UTF8.self)
                taken += 1
            } else if taken > 0 {
                break
            }
            index = close + 1
        }
        return text
    }

    /// The first child paragraphs of the element opened at tag `open` (closed at `end`), up to 3.
    private static func children(of open: Int, end: Int, in tags: [Tag], bytes: [UInt8]) -> String {
        var text = "", taken = 0, index = open + 1
        while index < end, taken < 3 {
            let tag = tags[index]
            guard !tag.closing, tag.name == "p", let close = Tag.end(of: index, in: tags) else { break }
            text += String(decoding: bytes[tag.start..<tags[close].end], as: UTF8.self)
            taken += 1
            index = close + 1
        }
        return text
    }

    /// The page's hoisted rules for the classes `snippets` use.
    private static func rules(used snippets: Dictionary<String, String>.Values, page bytes: [UInt8]) -> String {
        guard let open = ByteSearch.find(Array(HoistedStyles.opening.utf8), in: bytes, from: 0),
              let close = ByteSearch.find(Array(HoistedStyles.closing.utf8), in: bytes, from: open) else { return "" }
        let css = String(decoding: bytes[(open + HoistedStyles.opening.utf8.count)..<close], as: UTF8.self)
        var used = Set<Substring>()
        for snippet in snippets {
            for match in snippet.matches(of: hoistedClass) { used.insert(match.output[1].substring ?? "") }
        }
        return css.split(separator: "}").filter { rule in
            guard rule.hasPrefix("."), let brace = rule.firstIndex(of: "{") else { return false }
            return used.contains(rule[rule.index(after: rule.startIndex)..<brace])
        }.map { $0 + "}" }.joined()
    }

    nonisolated(unsafe) private static let hoistedClass = try! Regex("[\" ](ks[0-9a-z]{6})[\" ]")


    /// A tag of the page, as the build writes pages: `<name attributes>`,
    /// `</name>`, void elements and `/>` (SVG) open nothing; comments,
    /// `<script>` and `<style>` contents are skipped.
    struct Tag {
        var name: String
        var closing: Bool
        /// Opens nothing: a void element or `<…/>`.
        var empty: Bool
        var id: String?
        var start: Int
        var end: Int

        var isHeading: Bool {
            name.count == 2 && name.hasPrefix("h") && ("1"..."6").contains(name.suffix(1))
        }

        static let void: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]

        /// The tags from `start` to the end of the element that holds `start` (the article).
        static func scan(_ bytes: [UInt8], from start: Int) -> [Tag] {
            var tags: [Tag] = [], i = start, depth = 0
            let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">")
            while i < bytes.count {
                guard bytes[i] == lt else { i += 1; continue }
                if bytes[i...].starts(with: Array("<!--".utf8)) {
                    guard let close = ByteSearch.find(Array("-->".utf8), in: bytes, from: i) else { break }
                    i = close + 3
                    continue
                }
                guard i + 1 < bytes.count, let end = bytes[i...].firstIndex(of: gt) else { break }
                let closing = bytes[i + 1] == UInt8(ascii: "/")
                var nameEnd = i + (closing ? 2 : 1)
                while nameEnd < end, bytes[nameEnd] != UInt8(ascii: " "), bytes[nameEnd] != UInt8(ascii: "/"),
                      bytes[nameEnd] != UInt8(ascii: "\n") { nameEnd += 1 }
                let name = String(decoding: bytes[(i + (closing ? 2 : 1))..<nameEnd], as: UTF8.self).lowercased()
                guard !name.isEmpty, name.first!.isLetter else { i += 1; continue }
                let attributes = String(decoding: bytes[nameEnd..<end], as: UTF8.self)
                let empty = !closing && (void.contains(name) || attributes.hasSuffix("/"))
                tags.append(Tag(name: name, closing: closing, empty: empty, id: closing ? nil : id(in: attributes), start: i, end: end + 1))
                i = end + 1
                if closing {
                    depth -= 1
                    if depth < 0 { tags.removeLast(); break }        // the article's end
                } else if !empty {
                    depth += 1
                    if name == "script" || name == "style" {
                        guard let close = ByteSearch.find(Array("</\(name)".utf8), in: bytes, from: i) else { break }
                        i = close
                    }
                }
            }
            return tags
        }

        /// The index of the tag that closes the one at `index`; `index` itself for an empty one.
        static func end(of index: Int, in tags: [Tag]) -> Int? {
            if tags[index].empty { return index }
            var depth = 0
            for k in index..<tags.count {
                if tags[k].empty { continue }
                depth += tags[k].closing ? -1 : 1
                if depth == 0 { return k }
            }
            return nil
        }

        private static func id(in attributes: String) -> String? {
            guard let at = attributes.range(of: " id=\"") else { return nil }
            let rest = attributes[at.upperBound...]
            guard let quote = rest.firstIndex(of: "\"") else { return nil }
            return String(rest[..<quote])
        }
    }
}
