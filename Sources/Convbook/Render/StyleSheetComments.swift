/// A stylesheet as the site serves it: its comments, which explain the theme
/// to whoever edits it, left out (a tenth of `style.css`, on every page), and
/// the lines they leave empty with them. Strings are copied as they are, so a
/// `/*` inside quotes is not a comment.
///
/// ```swift
/// StyleSheetComments.removed(from: "/* why */\na { content: \"/*\"; }\n")
/// // "a { content: \"/*\"; }\n"
/// ```
enum StyleSheetComments {
    static func removed(from css: String) -> String {
        var out = [Character]()
        var characters = Array(css)[...]
        while let c = characters.first {
            if c == "/", characters.dropFirst().first == "*" {
                characters = characters.dropFirst(2)
                while !characters.isEmpty, !(characters.first == "*" && characters.dropFirst().first == "/") {
                    characters = characters.dropFirst()
                }
                characters = characters.dropFirst(2)
            } else if c == "\"" || c == "'" {
                out.append(c)
                characters = characters.dropFirst()
                while let d = characters.first {
                    out.append(d)
                    characters = characters.dropFirst()
                    if d == "\\", let escaped = characters.first { out.append(escaped); characters = characters.dropFirst() }
                    else if d == c || d == "\n" { break }
                }
            } else {
                out.append(c)
                characters = characters.dropFirst()
            }
        }
        // The lines a comment filled are left blank: drop them (and trailing spaces).
        let lines = String(out).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.last == " " ? Substring($0.reversed().drop { $0 == " " }.reversed()) : $0 }
        var kept = lines.filter { !$0.allSatisfy(\.isWhitespace) }.joined(separator: "\n")
        if css.hasSuffix("\n") { kept += "\n" }
        return kept
    }
}
