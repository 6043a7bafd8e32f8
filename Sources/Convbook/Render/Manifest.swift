import ConvbookFormat
import Foundation

/// The ledger of a built site, `site/manifest.json`: every value its pages
/// publish, chapter by chapter, with where it was made, its value class and
/// tolerance, and its numbers at full precision and as printed
/// (``LedgerEntry``). `convbook check` and `convbook verify` judge a
/// recomputation against it, and `convbook build` keeps its numbers where a
/// recomputation agrees within their tolerance.
///
/// Keys are stable under prose edits: `block 3 / item 2` is the second output
/// of the chapter's third Swift block; `inline 5` the fifth inline expression.
public struct Manifest: Codable, Equatable, Sendable {
    /// The format of this file; older formats are not read.
    public static let currentFormat = 2

    public var format = Manifest.currentFormat
    public var chapters: [Chapter]

    public struct Chapter: Codable, Equatable, Sendable {
        public var file: String
        public var blocks: Int
        public var values: [LedgerEntry]
    }

    /// The entries of one chapter's result. `folder` names the chapters
    /// folder in sources (`chapters/10-fast.md:478:24`), so the manifest does
    /// not depend on where convbook ran.
    static func chapter(file: String, folder: String, blocks: Int, result: ExecutionResult, locator: Locator) -> Chapter {
        let values = LedgerWalk.items(of: result).map { item in
            let at = locator.source(of: item.origin)
            return LedgerEntry(item, source: "\(folder)/\(file):\(at.line):\(at.column)")
        }
        return Chapter(file: file, blocks: blocks, values: values)
    }

    /// The manifest in `folder`, or nil when there is none or it is of another format.
    static func load(from folder: URL) -> Manifest? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("manifest.json")),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data),
              manifest.format == currentFormat else { return nil }
        return manifest
    }

    /// The manifest as JSON with one published value per line, so that a
    /// diff of `site/manifest.json` reads value by value.
    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json(_ value: some Encodable) -> String {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        }
        var text = "{\n  \"chapters\" : [\n"
        text += chapters.map { chapter in
            "    {\n      \"blocks\" : \(chapter.blocks),\n      \"file\" : \(json(chapter.file)),\n      \"values\" : [\n"
                + chapter.values.map { "        " + json($0) }.joined(separator: ",\n")
                + "\n      ]\n    }"
        }.joined(separator: ",\n")
        text += "\n  ],\n  \"format\" : \(format)\n}\n"
        return Data(text.utf8)
    }
}
