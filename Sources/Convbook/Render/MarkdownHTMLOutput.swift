/// The HTML being written by ``MarkdownHTMLRenderer``: a byte buffer with
/// ports of cmark's output helpers (`cr`, `escape_html`, `houdini_escape_href`).
/// Hooks write into it.
struct MarkdownHTMLOutput {
    private(set) var bytes: [UInt8] = []

    init() {}

    /// The HTML written so far.
    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Starts a new line unless the output is empty or already at one
    /// (cmark's `cmark_html_render_cr`).
    mutating func cr() {
        if let last = bytes.last, last != UInt8(ascii: "\n") {
            bytes.append(UInt8(ascii: "\n"))
        }
    }

    /// Appends `html` verbatim.
    mutating func append(_ html: String) {
        bytes.append(contentsOf: html.utf8)
    }

    /// Appends raw bytes verbatim.
    mutating func append<Bytes: Sequence>(bytes more: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: more)
    }

    /// Appends `text` with `&`, `<`, `>` and `"` escaped (cmark's
    /// `escape_html`, i.e. `houdini_escape_html0` without secure mode).
    mutating func appendEscaped(_ text: String) {
        appendEscaped(bytes: text.utf8)
    }

    /// The byte form of ``appendEscaped(_:)``.
    mutating func appendEscaped<Bytes: Sequence>(bytes text: Bytes) where Bytes.Element == UInt8 {
        for byte in text {
            switch byte {
            case UInt8(ascii: "&"): append("&amp;")
            case UInt8(ascii: "<"): append("&lt;")
            case UInt8(ascii: ">"): append("&gt;")
            case UInt8(ascii: "\""): append("&quot;")
            default: bytes.append(byte)
            }
        }
    }

    /// Appends a URL for an `href` or `src` attribute (cmark's
    /// `houdini_escape_href`): URL-safe and reserved characters pass, `&` and
    /// `'` become entities, every other byte becomes `%XX`.
    mutating func appendEscapedHref(_ url: String) {
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in url.utf8 {
            if Self.isHrefSafe(byte) {
                bytes.append(byte)
            } else if byte == UInt8(ascii: "&") {
                append("&amp;")
            } else if byte == UInt8(ascii: "'") {
                append("&#x27;")
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            }
        }
    }

    /// houdini's HREF_SAFE table: alphanumerics and `-_.+!*(),%#@?=;:/$~`.
    private static func isHrefSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-_.+!*(),%#@?=;:/$~".utf8.contains(byte)
        }
    }
}
