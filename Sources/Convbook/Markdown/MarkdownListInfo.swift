/// The attributes of a list node.
struct MarkdownListInfo: Hashable, Sendable {
    /// Bullet (`-`, `+`, `*`) or ordered (`1.`, `1)`).
    enum Kind: Hashable, Sendable { case bullet, ordered }

    /// The punctuation after an ordered list's numbers; `.none` for bullet lists.
    enum Delimiter: Hashable, Sendable { case none, period, parenthesis }

    var kind: Kind
    /// The first item's number (cmark reports 0 for bullet lists).
    var start: Int
    var delimiter: Delimiter
    /// A tight list renders its items' paragraphs without `<p>`.
    var tight: Bool

    init(kind: Kind, start: Int = 1, delimiter: Delimiter = .none, tight: Bool = true) {
        self.kind = kind
        self.start = start
        self.delimiter = delimiter
        self.tight = tight
    }
}
