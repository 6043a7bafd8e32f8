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
        let values = LedgerWalk.items(of: result, program: locator.program).map { item in
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

    static func assemble(_ fragments: [String]) -> Data {
        Data((frame.prefix + fragments.joined(separator: frame.separator) + frame.suffix).utf8)
    }

    /// What goes around and between the chapters' fragments.
    static let frame = (prefix: "{\n  \"chapters\" : [\n", separator: ",\n",
                        suffix: "\n  ],\n  \"format\" : \(currentFormat)\n}\n")

    /// The chapters' fragments of a manifest this version wrote, by file name,
    /// found by its line structure alone (no JSON is decoded; the bytes are
    /// scanned once); nil for any other text.
    static func fragments(in data: Data) -> [String: String]? {
        let header = Array("{\n  \"chapters\" : [\n".utf8), footer = Array("\n  ],\n  \"format\" : \(currentFormat)\n}\n".utf8)
        let bytes = [UInt8](data)
        guard bytes.starts(with: header), bytes.count >= header.count + footer.count,
              bytes[(bytes.count - footer.count)...].elementsEqual(footer) else { return nil }
        let separator = Array("\n    },\n".utf8), opening = Array("    {\n      \"blocks\" : ".utf8), fileKey = Array("      \"file\" : \"".utf8)
        let end = bytes.count - footer.count
        var result = [String: String]()
        var start = header.count
        while start <= end {
            // The fragment runs to the next separator (which keeps its closing brace) or to the footer.
            var stop = end, next = end + 1
            var index = start
            while index + separator.count <= end {
                if bytes[index] == separator[0], bytes[index..<(index + separator.count)].elementsEqual(separator) {
                    stop = index + 6   // up to and including "\n    }"
                    next = index + separator.count
                    break
                }
                index = (bytes[(index + 1)..<end].firstIndex(of: UInt8(ascii: "\n"))) ?? end
            }
            let fragment = bytes[start..<stop]
            // Line 3 is `      "file" : "NAME",`.
            guard fragment.starts(with: opening),
                  let line2 = fragment.firstIndex(of: UInt8(ascii: "\n")).flatMap({ fragment[($0 + 1)...].firstIndex(of: UInt8(ascii: "\n")) }),
                  fragment[(line2 + 1)...].starts(with: fileKey) else { return nil }
            let nameStart = line2 + 1 + fileKey.count
            guard let nameEnd = fragment[nameStart...].firstIndex(of: UInt8(ascii: "\"")),
                  !fragment[nameStart..<nameEnd].contains(UInt8(ascii: "\\")) else { return nil }   // an escaped name: read it the slow way
            result[String(decoding: fragment[nameStart..<nameEnd], as: UTF8.self)] = String(decoding: fragment, as: UTF8.self)
            start = next
        }
        return result
    }

    /// How many values a chapter's fragment holds (one per line), counted without decoding it.
    static func valueCount(in fragment: String) -> Int {
        var count = 0, spaces = -1
        for byte in fragment.utf8 {
            if byte == UInt8(ascii: "\n") { spaces = 0; continue }
            if spaces >= 0 && byte == UInt8(ascii: " ") { spaces += 1; continue }
            if spaces == 8 && byte == UInt8(ascii: "{") { count += 1 }
            spaces = -1
        }
        return count
    }
}
