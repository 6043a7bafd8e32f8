/// Finding a run of bytes in a page's bytes, as the passes that rewrite a
/// built page (``BookPage``, ``ReferencePreviews``) read it: byte by byte,
/// without decoding the page as a `String`.
///
/// ```swift
/// let page = Array("<p>a</p><p>b</p>".utf8)
/// ByteSearch.find(Array("<p>".utf8), in: page, from: 1)   // 8
/// ByteSearch.findLast(Array("<p>".utf8), in: page)       // 8
/// ```
enum ByteSearch {
    /// Where `needle` first starts in `bytes` at or after `start`.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, needle.count <= bytes.count else { return nil }
        var i = start
        while i <= bytes.count - needle.count {
            if bytes[i] == needle[0] && bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// Where `needle` last starts in `bytes`.
    static func findLast(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard !needle.isEmpty else { return nil }
        var i = bytes.count - needle.count
        while i >= 0 {
            if bytes[i] == needle[0] && bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }
}
