import Foundation

/// The book's bibliography page (`bibliography.html`).
enum BibliographyPage {
    /// The book's bibliography page: every work cited, in the style of the
    /// chapters' lists, each followed by links back to the places citing it.
    static func document(_ chapters: [Chapter], _ bibliography: Bibliography) -> MarkdownDocument? {
        var places: [String: [(chapter: Int, page: String, anchor: String)]] = [:]
        for (index, chapter) in chapters.enumerated() {
            for use in chapter.names.citations where bibliography.entries[use.name] != nil {
                places[use.name, default: []].append((index + 1, "\(chapter.file.slug).html", use.anchor ?? ""))
            }
        }
        guard !places.isEmpty else { return nil }
        let items = places.keys.sorted { bibliography.sortKey($0) < bibliography.sortKey($1) }.map { key -> MarkdownNode in
            var back: [MarkdownNode] = [.text(" Cited in ")]
            var chapterNumber = 0, occurrence = 0
            for place in places[key]! {
                if place.chapter != chapterNumber {
                    if chapterNumber != 0 { back.append(.text("), ")) }
                    back.append(.text("Chapter \(place.chapter) ("))
                    chapterNumber = place.chapter
                    occurrence = 0
                }
                occurrence += 1
                if occurrence > 1 { back.append(.text(", ")) }
                back.append(MarkdownNode(.link(url: "\(place.page)#\(place.anchor)", title: "Chapter \(place.chapter), citation \(occurrence)"),
                                         children: [.text("\(occurrence)")]))
            }
            back.append(.text(")."))
            return MarkdownNode(.item, children: [MarkdownNode(.paragraph, children: [CrossReferenceResolver.entry(key, bibliography)] + back)])
        }
        let root = MarkdownNode(.document, children: [
            MarkdownNode(.heading(level: 1, setext: false, id: "bibliography"), children: [.text("Bibliography")]),
            MarkdownNode(.list(MarkdownListInfo(kind: .bullet, start: 1, delimiter: .none, tight: true)), children: items),
        ])
        return MarkdownDocument(root: root, path: "bibliography")
    }
}
