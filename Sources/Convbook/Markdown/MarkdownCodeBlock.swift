/// The attributes of a code block node.
struct MarkdownCodeBlock: Hashable, Sendable {
    /// How a fenced code block was fenced.
    struct Fence: Hashable, Sendable {
        /// `` ` `` or `~`.
        var character: Character
        /// The number of fence characters in the opening fence.
        var length: Int
        /// The indentation of the opening fence, in columns (0 to 3).
        var offset: Int
    }

    /// The whole info string, unescaped, e.g. `swift hide` (empty if none).
    var info: String
    /// The code, with a final newline as cmark keeps it.
    var literal: String
    /// The fence, or nil for an indented code block.
    var fence: Fence?

    init(info: String = "", literal: String, fence: Fence? = nil) {
        self.info = info
        self.literal = literal
        self.fence = fence
    }

    /// Whether the block was fenced (as opposed to indented).
    var isFenced: Bool { fence != nil }

    /// The info string's first word, which the HTML renderer puts in
    /// `class="language-..."`; empty if there is no info string.
    var language: Substring {
        info.utf8.firstIndex(where: CmarkGFM.isSpace).map { info[..<$0] } ?? info[...]
    }

    /// The info string's words after the first, e.g. `["hide"]` for `swift hide`.
    var infoArguments: [Substring] {
        info.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().map { $0 }
    }
}
