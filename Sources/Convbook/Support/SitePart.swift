/// Where a file of the published site holds one part of it (a chapter's
/// text in `manifest.json`, `book.html` or `search-index.js`) and the key
/// that part was made from: what the build stamp records, so that the next
/// build copies an unchanged part from the published file without reading it.
///
/// Recorded as one line of text, `KEY OFFSET LENGTH [EXTRA …]`, space-separated
/// (a key, a name and a digest hold no space):
///
/// ```swift
/// SitePart(key: "3f2a…", range: 120..<480, formulas: 12).text   // "3f2a… 120 360 12"
/// SitePart(text: "3f2a… 120 360 w:9c1d…")?.downloads            // [(name: "w", digest: "9c1d…")]
/// ```
struct SitePart: Equatable, Sendable {
    /// The key the part was made from.
    var key: String
    /// Its bytes in the file.
    var range: Range<Int>
    /// What else the part's file needs of it (``formulas``, ``downloads``).
    var extra: [String] = []

    init(key: String, range: Range<Int>, extra: [String] = []) {
        self.key = key
        self.range = range
        self.extra = extra
    }

    /// A chapter's part of `book.html`, with how many formulas it holds.
    init(key: String, range: Range<Int>, formulas: Int) {
        self.init(key: key, range: range, extra: [String(formulas)])
    }

    /// A chapter's entry in `search-index.js`, with its page's downloads by name and digest.
    init(key: String, range: Range<Int>, downloads: [(name: String, digest: String)]) {
        self.init(key: key, range: range, extra: downloads.map { "\($0.name):\($0.digest)" })
    }

    /// `KEY OFFSET LENGTH [EXTRA …]`.
    var text: String {
        ([key, String(range.lowerBound), String(range.count)] + extra).joined(separator: " ")
    }

    /// nil for text that is not a record (too few fields, a negative or
    /// non-numeric offset or length).
    init?(text: String) {
        let fields = text.split(separator: " ")
        guard fields.count >= 3, let offset = Int(fields[1]), let length = Int(fields[2]), offset >= 0, length >= 0,
              offset <= Int.max - length else { return nil }
        self.init(key: String(fields[0]), range: offset..<(offset + length), extra: fields.dropFirst(3).map(String.init))
    }

    /// The formula count of a `book.html` part; nil when the record holds anything else.
    var formulas: Int? {
        extra.count == 1 ? Int(extra[0]) : nil
    }

    /// The downloads of a `search-index.js` entry; nil when one is not `NAME:DIGEST`.
    var downloads: [(name: String, digest: String)]? {
        var found: [(name: String, digest: String)] = []
        for field in extra {
            let halves = field.split(separator: ":", maxSplits: 1).map(String.init)
            guard halves.count == 2 else { return nil }
            found.append((halves[0], halves[1]))
        }
        return found
    }

    /// The name the build stamp records `part` of the file at `path` under: `PATH#PART`.
    static func name(_ part: String, of path: String) -> String {
        path + "#" + part
    }
}
