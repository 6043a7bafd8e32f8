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
        /// The chapter's part of the book (``part(of:slug:chapters:)``).
        var part: Part
    }

    /// A chapter as the book page holds it: its body, rewritten, and how many formulas it has.
    struct Part {
        /// The bytes (a slice of a cache entry: not copied); empty when `published` says where they are.
        var body: Data
        var formulas: Int
        /// Where the published book.html holds these bytes already (they are copied from it when publishing).
        var published: Range<Int>?

        var count: Int { published?.count ?? body.count }

        /// As the cache keeps it: the count on the first line, then the body.
        var stored: Data { Data("\(formulas)\n".utf8) + body }

        init(body: Data, formulas: Int, published: Range<Int>? = nil) {
            self.body = body
            self.formulas = formulas
            self.published = published
        }

        init?(stored data: Data) {
            guard let newline = data.firstIndex(of: UInt8(ascii: "\n")),
                  let count = Int(String(decoding: data[data.startIndex..<newline], as: UTF8.self)) else { return nil }
            formulas = count
            body = data[(newline + 1)...]
        }
    }

    /// The page: the template rendered around a marker per chapter, each
    /// replaced by that chapter's bytes (the bodies never pass through the
    /// template engine).
    /// The page as pieces (parts the published page holds are referred to,
    /// not read), and where each chapter's part lies in it, for the next
    /// build to reuse.
    static func html(_ chapters: [Chapter], book: BookConfig, theme: Theme) -> (pieces: [SiteFiles.Piece], parts: [Range<Int>]) {
        let marker = { (index: Int) in "<!--convbook-book-part-\(index)-->" }
        let context: [String: Any] = [
            "formulaCount": chapters.reduce(0) { $0 + $1.part.formulas },
            "scripts": PageScripts.everything,
            "book": book.title, "language": book.language,
            "authors": book.authors.isEmpty ? false : book.authors.joined(separator: ", ") as Any,
            "description": book.description ?? false as Any, "repository": book.repository ?? false as Any,
            "chapters": chapters.enumerated().map { index, chapter -> [String: Any] in
                ["slug": chapter.slug, "title": chapter.title, "body": marker(index)]
            },
        ]
        let frame = theme.render("book", context)
        var pieces: [SiteFiles.Piece] = []
        var offset = 0
        var rest = frame[...]
        var parts: [Range<Int>] = []
        func add(_ piece: SiteFiles.Piece) {
            offset += piece.count
            // Adjacent bytes join into one piece.
            if case .bytes(let new) = piece, case .bytes(let old)? = pieces.last {
                pieces[pieces.count - 1] = .bytes(old + new)
            } else {
                pieces.append(piece)
            }
        }
        for (index, chapter) in chapters.enumerated() {
            guard let at = rest.range(of: marker(index)) else { break }
            add(.bytes(Data(rest[..<at.lowerBound].utf8)))
            parts.append(offset..<(offset + chapter.part.count))
            add(chapter.part.published.map { .published($0) } ?? .bytes(chapter.part.body))
            rest = rest[at.upperBound...]
        }
        add(.bytes(Data(rest.utf8)))
        return (pieces, parts)
    }

    /// A chapter's part of the book, from its page.
    static func part(of page: Data, slug: String, chapters: Set<String>) -> Part {
        let bytes = [UInt8](page)
        var formulas = 0
        if let at = ByteSearch.find(Array("data-formula-count=\"".utf8), in: bytes, from: 0) {
            var i = at + "data-formula-count=\"".utf8.count
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { formulas = formulas * 10 + Int(bytes[i] - 48); i += 1 }
        }
        return Part(body: Data(body(of: restoringStyles(bytes), slug: slug, chapters: chapters)), formulas: formulas)
    }

    /// The page with KaTeX's inline styles back where ``HoistedStyles`` took
    /// them from (the book has no `<style>` per chapter).
    private static func restoringStyles(_ bytes: [UInt8]) -> [UInt8] {
        guard let open = ByteSearch.find(Array(HoistedStyles.opening.utf8), in: bytes, from: 0),
              let close = ByteSearch.find(Array(HoistedStyles.closing.utf8), in: bytes, from: open) else { return bytes }
        let css = String(decoding: bytes[(open + HoistedStyles.opening.utf8.count)..<close], as: UTF8.self)
        return Array(HoistedStyles.restore(String(decoding: bytes, as: UTF8.self), css: css).utf8)
    }

    /// The chapter's body for the book: its `<article>`'s content with ids
    /// prefixed and headings demoted (``rewrite(_:slug:chapters:)``), in one
    /// pass over the bytes.
    static func body(of bytes: [UInt8], slug: String, chapters: Set<String>) -> [UInt8] {
        guard let open = ByteSearch.find(Array("<article class=\"chapter\"".utf8), in: bytes, from: 0),
              let start = bytes[open...].firstIndex(of: UInt8(ascii: ">")),
              let close = ByteSearch.findLast(Array("</article>".utf8), in: bytes) else { return [] }
        return rewrite(bytes[(start + 1)..<close], slug: slug, chapters: chapters)
    }



    /// `id="x"` → `id="SLUG--x"`; `href="#x"` and `href="PAGE.html#x"` for a
    /// chapter's page → `href="#SLUG--x"` (`href="PAGE.html"` → `#PAGE`);
    /// `<h1`…`<h5` (and their ends) one level down.
    static func rewrite(_ bytes: ArraySlice<UInt8>, slug: String, chapters: Set<String>) -> [UInt8] {
        let id = Array(" id=\"".utf8), href = Array(" href=\"".utf8), prefix = Array((slug + "--").utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        var i = bytes.startIndex
        let end = bytes.endIndex
        func matches(_ needle: [UInt8], at index: Int) -> Bool {
            index + needle.count <= end && bytes[index..<(index + needle.count)].elementsEqual(needle)
        }
        while i < end {
            let byte = bytes[i]
            if byte == UInt8(ascii: "<"), i + 2 < end {
                // <hN, </hN with N in 1...5: one level down.
                let slash = bytes[i + 1] == UInt8(ascii: "/") ? 1 : 0
                let h = i + 1 + slash
                if h + 1 < end, bytes[h] == UInt8(ascii: "h"), (UInt8(ascii: "1")...UInt8(ascii: "5")).contains(bytes[h + 1]),
                   h + 2 < end, bytes[h + 2] == UInt8(ascii: " ") || bytes[h + 2] == UInt8(ascii: ">") {
                    out.append(contentsOf: bytes[i...h])
                    out.append(bytes[h + 1] + 1)
                    i = h + 2
                    continue
                }
            } else if byte == UInt8(ascii: " "), matches(id, at: i) {
                out.append(contentsOf: id)
                out.append(contentsOf: prefix)
                i += id.count
                continue
            } else if byte == UInt8(ascii: " "), matches(href, at: i) {
                out.append(contentsOf: href)
                i += href.count
                guard let close = bytes[i..<end].firstIndex(of: UInt8(ascii: "\"")) else { continue }
                let value = String(decoding: bytes[i..<close], as: UTF8.self)
                if value.hasPrefix("#") {
                    out.append(UInt8(ascii: "#"))
                    out.append(contentsOf: prefix)
                    out.append(contentsOf: value.utf8.dropFirst())
                } else if let page = value.split(separator: "#", maxSplits: 1).first, page.hasSuffix(".html"),
                          chapters.contains(String(page.dropLast(5))) {
                    let target = String(page.dropLast(5))
                    let fragment = value.dropFirst(page.count)
                    out.append(contentsOf: ("#" + target + (fragment.isEmpty ? "" : "--" + fragment.dropFirst())).utf8)
                } else {
                    out.append(contentsOf: bytes[i..<close])
                }
                i = close
                continue
            }
            out.append(byte)
            i += 1
        }
        return out
    }
}
