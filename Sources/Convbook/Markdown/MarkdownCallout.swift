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

    /// A marker line with an optional label after it, `[!WARNING] {#pit-name}`:
    /// the kind and the label, or nil if the line is anything else.
    static func parse(markerLine line: String) -> (kind: MarkdownCallout, label: String?)? {
        var text = line.trimmingCharacters(in: .whitespaces)
        var label: String?
        if text.hasSuffix("}"), let open = text.range(of: "{#", options: .backwards) {
            let name = String(text[open.upperBound..<text.index(before: text.endIndex)])
            guard !name.isEmpty, name.allSatisfy({ MarkdownReferenceSyntax.isKeyCharacter($0) }) else { return nil }
            label = name
            text = text[..<open.lowerBound].trimmingCharacters(in: .whitespaces)
        }
        return MarkdownCallout(marker: text).map { ($0, label) }
    }

    /// A block quote as a callout, if its first line is a marker (and
    /// optionally a label, `{#name}`) and nothing else: the callout, its
    /// label, and the quote's content without that line.
    static func callout(in quote: MarkdownNode) -> (MarkdownCallout, label: String?, [MarkdownNode])? {
        guard case .blockQuote = quote.kind, var first = quote.children.first, first.kind == .paragraph else { return nil }
        let line = first.children.prefix { $0.kind != .softBreak && $0.kind != .lineBreak }
        guard line.allSatisfy({ if case .text = $0.kind { true } else { false } }),
              let (kind, label) = parse(markerLine: line.map(\.plainText).joined()) else { return nil }
        first.children.removeFirst(min(line.count + 1, first.children.count))
        return (kind, label, (first.children.isEmpty ? [] : [first]) + quote.children.dropFirst())
    }
}
