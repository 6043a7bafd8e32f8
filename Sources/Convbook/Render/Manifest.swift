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
        Self.assemble(chapters.map(Self.fragment))
    }

    /// The text of one chapter in the manifest, exactly as ``encoded()``
    /// writes it: what a rebuild caches per chapter, and compares with the
    /// published manifest's text before decoding any of it.
    static func fragment(_ chapter: Chapter) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json(_ value: some Encodable) -> String {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        }
        return "    {\n      \"blocks\" : \(chapter.blocks),\n      \"file\" : \(json(chapter.file)),\n      \"values\" : [\n"
            + chapter.values.map { "        " + json($0) }.joined(separator: ",\n")
            + "\n      ]\n    }"
    }

    /// The manifest from its chapters' fragments.
    static func assemble(_ fragments: [String]) -> Data {
        Data(("{\n  \"chapters\" : [\n" + fragments.joined(separator: ",\n") + "\n  ],\n  \"format\" : \(currentFormat)\n}\n").utf8)
    }

    /// The chapters' fragments of a manifest this version wrote, by file name,
    /// found by its line structure alone (no JSON is decoded); nil for any
    /// other text.
    static func fragments(in text: String) -> [String: String]? {
        let header = "{\n  \"chapters\" : [\n", footer = "\n  ],\n  \"format\" : \(currentFormat)\n}\n"
        guard text.hasPrefix(header), text.hasSuffix(footer) else { return nil }
        let body = text.dropFirst(header.count).dropLast(footer.count)
        var result = [String: String]()
        for piece in body.split(separator: "\n    },\n", omittingEmptySubsequences: false) {
            let fragment = piece.hasSuffix("\n    }") ? String(piece) : String(piece) + "\n    }"
            guard fragment.hasPrefix("    {\n      \"blocks\" : "),
                  let fileLine = fragment.split(separator: "\n").dropFirst(2).first,
                  let start = fileLine.range(of: "\"file\" : \"")?.upperBound, let end = fileLine.lastIndex(of: "\"") else { return nil }
            let name = String(fileLine[start..<end])
            guard !name.contains("\\") else { return nil }   // an escaped name: read it the slow way
            result[name] = fragment
        }
        return result
    }
}
