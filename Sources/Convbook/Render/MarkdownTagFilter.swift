/// A port of cmark-gfm's `tagfilter` extension (GFM spec §6.11): in raw HTML,
/// the `<` of these tags becomes `&lt;`, so browsers show them as text.
enum MarkdownTagFilter {
    /// The disallowed tag names.
    static let disallowed = ["title", "textarea", "style", "xmp", "iframe", "noembed", "noframes", "script", "plaintext"]

    /// Whether `html` starts with an opening or closing disallowed tag
    /// (cmark-gfm's `is_tag`: the name, case-insensitively, then whitespace,
    /// `>` or `/>`).
    static func startsWithDisallowedTag(_ html: ArraySlice<UInt8>) -> Bool {
        disallowed.contains { isTag(html, $0) }
    }

    /// Appends an HTML block with every disallowed tag's `<` escaped
    /// (cmark's `filter_html_block`).
    static func appendFiltered(_ html: String, to out: inout MarkdownHTMLOutput) {
        let bytes = Array(html.utf8)
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "<") {
            if startsWithDisallowedTag(bytes[index...]) {
                out.append(bytes: bytes[start..<index])
                out.append("&lt;")
                start = index + 1
            }
        }
        out.append(bytes: bytes[start...])
    }

    private static func isTag(_ data: ArraySlice<UInt8>, _ name: String) -> Bool {
        let size = data.count
        guard size >= 3, data.first == UInt8(ascii: "<") else { return false }
        let base = data.startIndex
        var i = 1
        if data[base + i] == UInt8(ascii: "/") { i += 1 }
        for letter in name.utf8 {
            guard i < size else { return false }
            guard lowercased(data[base + i]) == letter else { return false }
            i += 1
        }
        guard i < size else { return false }
        let next = data[base + i]
        if CmarkGFM.isSpace(next) || next == UInt8(ascii: ">") { return true }
        return next == UInt8(ascii: "/") && size >= i + 2 && data[base + i + 1] == UInt8(ascii: ">")
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
