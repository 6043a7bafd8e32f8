/// The five kinds of GitHub's alert syntax, `> [!NOTE]` and its kin.
enum MarkdownCallout: String, Hashable, Sendable, CaseIterable {
    case note, tip, important, warning, caution

    /// The kind a block quote's marker line names (`[!NOTE]`, any case), or nil.
    init?(marker: String) {
        let text = marker.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("[!"), text.hasSuffix("]") else { return nil }
        self.init(rawValue: text.dropFirst(2).dropLast().lowercased())
    }

    /// The title a reader sees: "Note", "Tip", ….
    var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }

    /// A block quote as a callout, if its first line is a marker and nothing
    /// else: the callout, and the quote's content without that line.
    static func callout(in quote: MarkdownNode) -> (MarkdownCallout, [MarkdownNode])? {
        guard case .blockQuote = quote.kind, var first = quote.children.first, first.kind == .paragraph else { return nil }
        let line = first.children.prefix { $0.kind != .softBreak && $0.kind != .lineBreak }
        guard line.allSatisfy({ if case .text = $0.kind { true } else { false } }),
              let kind = MarkdownCallout(marker: line.map(\.plainText).joined()) else { return nil }
        first.children.removeFirst(min(line.count + 1, first.children.count))
        return (kind, (first.children.isEmpty ? [] : [first]) + quote.children.dropFirst())
    }
}
