import Foundation

/// The author–date style (after the Chicago manual) of one entry: who stands
/// in the author slot, how a citation names it, where it sorts and how a list
/// of references writes it. ``Bibliography`` adds what depends on the other
/// entries: the year letters ("2015a") and telling apart undated works of one author.
///
/// - The author slot holds the authors, else the editors, else the
///   `organization` or `institution`, else the title: a work with no author
///   is listed and cited by its title, never as "Anon.".
/// - A citation names the family names ("Dumoulin and Visin", "He et al."),
///   or the organisation, or a short title in quotation marks: the
///   `shorttitle` field, else the title up to its colon, cut to four words
///   (“Forward and backward propagations”). A title in brackets describes an
///   untitled work and is cited without the brackets or quotation marks.
/// - A work with no `year` has no date in the text: it is cited by name
///   alone, and its list entry ends with the day it was read
///   ("Accessed 5 March 2024.") when it has a `urldate`. No "n.d." is written.
/// - Lists sort by the author slot (family name first, accents and case
///   ignored, a title's leading article and brackets skipped), then year
///   (undated works last), then title.
///
/// ```swift
/// BibliographyStyle.label(entry)      // "Dumoulin and Visin"
/// BibliographyStyle.sortKey(entry)    // "dumoulin\u{2}vincent\u{3}visin\u{2}francesco\u{1}2016\u{1}…"
/// ```
enum BibliographyStyle {
    typealias Entry = Bibliography.Entry
    typealias Name = Bibliography.Name

    /// The names in the author slot: authors, editors, or the organisation as one name.
    static func creators(_ entry: Entry) -> [Name] {
        let f = entry.fields
        let names = Bibliography.names(f["author"] ?? f["editor"] ?? "")
        if !names.isEmpty { return names }
        if let body = f["organization"] ?? f["institution"], !body.isEmpty { return [Name(given: "", family: body)] }
        return []
    }

    /// The year as written, or nil for an undated work.
    static func year(_ entry: Entry) -> String? {
        guard let year = entry.fields["year"]?.trimmingCharacters(in: .whitespaces), !year.isEmpty else { return nil }
        return year
    }

    /// How a citation names the work: family names, the organisation, or a short title.
    static func label(_ entry: Entry) -> String {
        let names = creators(entry)
        switch names.count {
        case 0:
            let short = shortTitle(entry)
            return isDescribed(entry) ? short : "“\(short)”"
        case 1: return names[0].family
        case 2: return "\(names[0].family) and \(names[1].family)"
        default: return "\(names[0].family) et al."
        }
    }

    /// The `shorttitle`, else the title up to its colon cut to four words,
    /// without a trailing "of", "a", … and without brackets; the key if there is no title.
    static func shortTitle(_ entry: Entry) -> String {
        if let short = entry.fields["shorttitle"], !short.isEmpty { return unbracketed(short) }
        guard let title = entry.fields["title"], !title.isEmpty else { return entry.key }
        let main = unbracketed(title).components(separatedBy: ": ")[0]
        var words = Array(main.split(separator: " ").prefix(4))
        while words.count > 1, let last = words.last, smallWords.contains(last.lowercased()) { words.removeLast() }
        return words.joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: ",;."))
    }

    /// The order of a list of references: author slot, year (undated last), title, key.
    static func sortKey(_ entry: Entry) -> String {
        let names = creators(entry)
        let slot = names.isEmpty
            ? sortable(title: entry.fields["title"] ?? entry.key)
            : names.map { fold($0.family) + "\u{2}" + fold($0.given) }.joined(separator: "\u{3}")
        return [slot, year(entry) ?? "~", sortable(title: entry.fields["title"] ?? ""), entry.key].joined(separator: "\u{1}")
    }

    /// The entry as a list of references writes it, with `year` as cited ("2015b", or nil).
    static func reference(_ entry: Entry, year: String?) -> String {
        let f = entry.fields
        let names = creators(entry)
        var parts: [String] = []
        if names.isEmpty {
            parts.append(f["title"] ?? entry.key)
        } else {
            var authors = ""
            for (index, name) in names.enumerated() {
                let written = index == 0 ? name.inverted : name.natural
                authors += index == 0 ? written : (index == names.count - 1 ? ", and " : ", ") + written
            }
            parts.append(authors)
        }
        if let year { parts.append(year) }
        if !names.isEmpty, let title = f["title"] { parts.append(title) }
        // An organisation already in the author slot is not named again as the publisher.
        let organisationIsAuthor = !names.isEmpty && (f["author"] ?? f["editor"] ?? "").isEmpty
        let publisher = f["publisher"] ?? (organisationIsAuthor ? nil : f["institution"]) ?? f["school"]
            ?? (organisationIsAuthor ? nil : f["organization"])
        let venue = [f["journal"] ?? f["booktitle"], f["volume"].map { "vol. \($0)" }, f["pages"].map { "pp. \($0)" },
                     publisher, f["howpublished"]]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        if !venue.isEmpty { parts.append(venue) }
        // A note is a sentence of its own: "Springer. The page number … ."
        if let note = f["note"], let first = note.first { parts.append(first.uppercased() + note.dropFirst()) }
        if self.year(entry) == nil, let read = f["urldate"], !read.isEmpty { parts.append("Accessed " + day(read)) }
        return parts.map { $0.hasSuffix(".") || $0.hasSuffix("?") || $0.hasSuffix("!") ? $0 : $0 + "." }.joined(separator: " ")
    }

    /// `2024-03-05` as "5 March 2024"; anything else as written.
    static func day(_ date: String) -> String {
        let parts = date.split(separator: "-").map(String.init)
        guard parts.count == 3, let month = Int(parts[1]), (1...12).contains(month), let dayNumber = Int(parts[2]),
              parts[0].count == 4, Int(parts[0]) != nil else { return date }
        return "\(dayNumber) \(months[month - 1]) \(parts[0])"
    }

    // MARK: Helpers

    private static let months = ["January", "February", "March", "April", "May", "June", "July",
                                 "August", "September", "October", "November", "December"]
    private static let smallWords: Set<String> = ["a", "an", "the", "of", "for", "in", "on", "and", "to", "with", "by", "through"]

    /// A title in brackets: a description of an untitled work.
    private static func isDescribed(_ entry: Entry) -> Bool {
        (entry.fields["shorttitle"] ?? entry.fields["title"] ?? "").hasPrefix("[")
    }

    private static func unbracketed(_ text: String) -> String {
        text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
    }

    /// Case and accents ignored.
    private static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// A title as it sorts: folded, without leading brackets or quotation marks, nor "A", "An", "The".
    private static func sortable(title: String) -> String {
        var text = Substring(fold(title))
        while let first = text.first, !first.isLetter, !first.isNumber { text = text.dropFirst() }
        for article in ["a ", "an ", "the "] where text.hasPrefix(article) {
            text = text.dropFirst(article.count)
            break
        }
        return String(text)
    }
}
