import Foundation

/// A citation: `[@key]`, `[@key, p. 12]`, `[@a; @b]` (parenthetical) or
/// `@key` in running text (narrative), as Quarto and Pandoc write them.
struct MarkdownCitation: Hashable, Sendable {
    struct Item: Hashable, Sendable {
        var key: String
        /// What follows the key, `p. 12`; empty for none.
        var locator: String
    }

    var items: [Item]
    /// `@key` in running text: "Author (Year)" rather than "(Author Year)".
    var narrative: Bool
    /// Its place among the chapter's citations: the anchor the bibliography links back to.
    var id: Int
}

/// Cross-references and citations in text, as Quarto writes them.
///
/// A `@` starts one only at the start of a word (after a space, punctuation
/// or nothing, never after a letter or digit: `name@example.com` is not one)
/// and only when what follows is
/// - `sec-`, `eq-`, `fig-` or `tbl-` and a label: a cross-reference, which
///   must name a label of the book;
/// - a key of the bibliography: a narrative citation.
///
/// Anything else, `@MainActor` say, stays text. Inside brackets, `[@a, p. 12;
/// @b]` is a parenthetical citation when every item is `@key` with an
/// optional locator; its keys must be in the bibliography.
enum MarkdownReferenceSyntax {
    static let labelPrefixes = ["sec-", "eq-", "fig-", "tbl-", "ex-"]

    /// A label or key character (Pandoc's: letters, digits and `_:.#$%&-+?<>~/` inside).
    static func isKeyCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || "_:.#$%&-+?<>~/".contains(c)
    }

    /// The key starting at `start` (after the `@`), without trailing punctuation.
    static func key(in text: [Character], from start: Int) -> Int {
        var end = start
        while end < text.count, isKeyCharacter(text[end]) { end += 1 }
        while end > start, !(text[end - 1].isLetter || text[end - 1].isNumber || text[end - 1] == "_") { end -= 1 }
        return end
    }

    /// The items of `[...]` content if it is a citation: `@key` items separated by `;`, each with an optional `, locator`.
    static func bracketedItems(_ content: String) -> [MarkdownCitation.Item]? {
        var items: [MarkdownCitation.Item] = []
        for part in content.split(separator: ";", omittingEmptySubsequences: false) {
            let item = Array(part.trimmingCharacters(in: .whitespaces))
            guard item.first == "@" else { return nil }
            let end = key(in: item, from: 1)
            guard end > 1 else { return nil }
            var rest = String(item[end...]).trimmingCharacters(in: .whitespaces)
            if rest.hasPrefix(",") { rest = String(rest.dropFirst()).trimmingCharacters(in: .whitespaces) } else if !rest.isEmpty { return nil }
            items.append(.init(key: String(item[1..<end]), locator: rest))
        }
        return items.isEmpty ? nil : items
    }
}
