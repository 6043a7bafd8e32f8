import Foundation

/// A whole generated site, in memory: relative path → bytes, and for the
/// files a cache key fixes, that key. Render's output; building it
/// completely before touching the disk is what lets a failed build leave the
/// previous `site/` as it was. Publishing (`Publish/`) compares it with the
/// site folder (``differences(from:)``) and puts it in place (``publish(to:)``).
public struct SiteFiles: Sendable, Equatable {
    public var files: [String: Data] = [:]
    /// Files kept as the published site has them (``keep(_:source:)``).
    var kept: Set<String> = []
    /// For files a cache key fixes, that key; for parts of files, their
    /// record (``SitePart``, under ``SitePart/name(_:of:)``): what the build
    /// stamp keeps for the next build (``PublishedSite``).
    var sources: [String: String] = [:]
    /// Files made of pieces, some of them ranges of the published file of
    /// the same path (``add(_:pieces:)``): `book.html`, most of which a
    /// rebuild copies from the published one in the kernel.
    var pieced: [String: [Piece]] = [:]

    /// A piece of a file: bytes, or a range of the published file's.
    enum Piece: Sendable, Equatable {
        case bytes(Data)
        case published(Range<Int>)

        var count: Int {
            switch self {
            case .bytes(let data): data.count
            case .published(let range): range.count
            }
        }

        /// `parts` between `prefix` and `suffix`, `separator` between them
        /// (empty parts left out when `skippingEmpty`), and where each part
        /// lies in the whole.
        static func join(_ parts: [Piece], prefix: String, separator: String, suffix: String,
                         skippingEmpty: Bool = false) -> (pieces: [Piece], ranges: [Range<Int>]) {
            var pieces: [Piece] = [.bytes(Data(prefix.utf8))]
            var offset = prefix.utf8.count, ranges: [Range<Int>] = [], first = true
            for part in parts {
                if skippingEmpty && part.count == 0 { ranges.append(offset..<offset); continue }
                if !first { pieces.append(.bytes(Data(separator.utf8))); offset += separator.utf8.count }
                first = false
                ranges.append(offset..<(offset + part.count))
                pieces.append(part)
                offset += part.count
            }
            pieces.append(.bytes(Data(suffix.utf8)))
            return (pieces, ranges)
        }
    }

    public init() {}

    /// The file that marks a folder as a site convbook wrote, and so may replace.
    static let markerName = ".convbook-site"
    static let markerText = "This folder was written by `convbook build`, which replaces it whole on the next build.\n"

    mutating func add(_ path: String, _ text: String) { files[path] = Data(text.utf8) }
    mutating func add(_ path: String, _ data: Data) { files[path] = data }

    /// Adds a file made from a cache key.
    mutating func add(_ path: String, _ data: Data, source: String) {
        files[path] = data
        sources[path] = source
    }

    /// Keeps the published file at `path`, which the build stamp says was
    /// made from `source` and is untouched since: it is linked, not read.
    mutating func keep(_ path: String, source: String) {
        kept.insert(path)
        sources[path] = source
    }

    /// Adds a file made of pieces; made of bytes alone, it is an ordinary file.
    mutating func add(_ path: String, pieces: [Piece]) {
        if pieces.allSatisfy({ if case .bytes = $0 { true } else { false } }) {
            files[path] = pieces.reduce(into: Data()) { if case .bytes(let data) = $1 { $0.append(data) } }
        } else {
            pieced[path] = pieces
        }
    }

    /// Every path of the site, written or kept.
    var paths: Set<String> { Set(files.keys).union(kept).union(pieced.keys) }

    /// Records where the file at `path` holds its part `part`, and from which key.
    mutating func record(_ record: SitePart, part: String, of path: String) {
        sources[SitePart.name(part, of: path)] = record.text
    }
}
