import Foundation

/// `book.html`: every chapter in order on one page, for print and for
/// `convbook pdf`: the book's title, a table of contents, then each chapter's
/// body as its own page shows it (math typeset, figures drawn), in a section
/// that starts a new printed page; no navigation.
///
/// Ids are made unique across the book by prefixing each with its chapter's
/// slug (`03-two-dimensions--sec-x`), headings go one level down under the
/// book's title, and links follow the ids: `#x` and
/// `03-two-dimensions.html#x` become `#03-two-dimensions--x`, a link to a
/// chapter's page goes to its section. Other links are left as they are.
enum BookPage {
    struct Chapter {
        var slug: String
        var title: String
        /// The chapter's page, from which its `<article>` is taken.
        var page: Data
    }

    static func html(_ chapters: [Chapter], book: BookConfig, theme: Theme) -> String {
        let slugs = Set(chapters.map(\.slug))
        let formulas = chapters.reduce(0) { total, chapter in
            let html = String(decoding: chapter.page.prefix(64 * 1024), as: UTF8.self)
            let count = html.firstMatch(of: /data-formula-count="([0-9]+)"/).map { Int($0.1) ?? 0 } ?? 0
            return total + count
        }
        let context: [String: Any] = [
            "formulaCount": formulas,
            "book": book.title, "language": book.language,
            "authors": book.authors.isEmpty ? false : book.authors.joined(separator: ", ") as Any,
            "description": book.description ?? false as Any,
            "chapters": chapters.map { chapter -> [String: Any] in
                ["slug": chapter.slug, "title": chapter.title,
                 "body": demoteHeadings(prefixIDs(article(of: chapter.page), slug: chapter.slug, chapters: slugs))]
            },
        ]
        return theme.render("book", context)
    }

    /// What is inside the page's `<article class="chapter" …>`.
    static func article(of page: Data) -> String {
        let html = String(decoding: page, as: UTF8.self)
        guard let open = html.range(of: "<article class=\"chapter\""), let start = html[open.upperBound...].firstIndex(of: ">"),
              let close = html.range(of: "</article>", options: .backwards) else { return "" }
        return String(html[html.index(after: start)..<close.lowerBound])
    }

    /// Every heading one level down (`h1` → `h2`, …, `h5` → `h6`): the book's title is the page's one `h1`.
    static func demoteHeadings(_ body: String) -> String {
        body.replacing(/<(\/?)h([1-5])([ >])/) { match in "<\(match.1)h\(Int(match.2)! + 1)\(match.3)" }
    }

    /// `id="x"` → `id="SLUG--x"`, and links to ids in the book likewise.
    static func prefixIDs(_ body: String, slug: String, chapters: Set<String>) -> String {
        var result = ""
        result.reserveCapacity(body.utf8.count + body.utf8.count / 20)
        var rest = body[...]
        while let match = rest.range(of: #"(id|href)="[^"]*""#, options: .regularExpression) {
            result += rest[..<match.lowerBound]
            let attribute = rest[match]
            let isID = attribute.hasPrefix("id=")
            let value = String(attribute.dropFirst(isID ? 4 : 6).dropLast())
            if isID {
                result += "id=\"\(slug)--\(value)\""
            } else if value.hasPrefix("#") {
                result += "href=\"#\(slug)--\(value.dropFirst())\""
            } else if let page = value.split(separator: "#", maxSplits: 1).first, page.hasSuffix(".html"),
                      chapters.contains(String(page.dropLast(5))) {
                let target = String(page.dropLast(5))
                let fragment = value.dropFirst(page.count)
                result += fragment.isEmpty ? "href=\"#\(target)\"" : "href=\"#\(target)--\(fragment.dropFirst())\""
            } else {
                result += attribute
            }
            rest = rest[match.upperBound...]
        }
        return result + rest
    }
}
