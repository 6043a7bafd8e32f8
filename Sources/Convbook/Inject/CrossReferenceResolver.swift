/// Resolves a chapter's cross-references and citations once the whole
/// book's labels (``CrossReferences``) and bibliography are known:
///
/// - `@sec-x` becomes a link reading "Section 3.2" (to its page and anchor);
/// - labelled display math gets its number ("3.2", shown beside it),
///   figures, tables and exercises their "Figure 3.1";
/// - each citation becomes "(Dumoulin and Visin 2016, p. 12)", or
///   "Dumoulin and Visin (2016)" when narrative ("(Batra)" for an undated
///   work, never "n.d."), linking to the chapter's list of references, sorted
///   as the bibliography is and added at the end (before its footnotes).
///
/// ```swift
/// var resolver = CrossReferenceResolver(page: "03-x.html", references: table, bibliography: bib)
/// let resolved = resolver.resolve(document)
/// ```
struct CrossReferenceResolver: MarkdownRewriter {
    let page: String
    let references: CrossReferences
    let bibliography: Bibliography?
    /// The book's chapter pages: a link to a chapter's Markdown file becomes a link to its page.
    let pages: Set<String>
    /// The keys cited, in order of first citation.
    private(set) var cited: [String] = []

    init(page: String, references: CrossReferences, bibliography: Bibliography?, pages: Set<String> = []) {
        self.page = page
        self.references = references
        self.bibliography = bibliography
        self.pages = pages
    }

    /// The document resolved, with its list of references if it cites anything.
    mutating func resolve(_ document: MarkdownDocument) -> MarkdownDocument {
        var resolved = rewrite(document)
        guard let bibliography, !cited.isEmpty else { return resolved }
        let items = cited.sorted { bibliography.sortKey($0) < bibliography.sortKey($1) }.map { key in
            MarkdownNode(.item, children: [MarkdownNode(.paragraph, children: [Self.entry(key, bibliography)])])
        }
        let section = [MarkdownNode(.heading(level: 2, setext: false, id: "cb-references"), children: [.text("References")]),
                       MarkdownNode(.list(MarkdownListInfo(kind: .bullet, start: 1, delimiter: .none, tight: true)), children: items),
                       MarkdownNode(.paragraph, children: [.text("Every work the book cites, with where: the "),
                                                           MarkdownNode(.link(url: "bibliography.html", title: ""), children: [.text("bibliography")]),
                                                           .text(".")])]
        let footnotes = resolved.root.children.firstIndex { if case .footnoteDefinition = $0.kind { true } else { false } }
        resolved.root.children.insert(contentsOf: section, at: footnotes ?? resolved.root.children.count)
        return resolved
    }

    /// A reference as a list shows it, anchored `ref-KEY`, its link after it;
    /// an http(s) URL written in its text (a note's) is a link too.
    static func entry(_ key: String, _ bibliography: Bibliography) -> MarkdownNode {
        let (text, url) = bibliography.reference(key)
        var children = linked(text)
        if let url { children += [.text(" "), MarkdownNode(.link(url: url, title: ""), children: [.text(url)])] }
        return MarkdownNode(.span(id: "ref-" + key), children: children)
    }

    /// Text with each `http(s)://…` in it a link (up to a space or bracket, without trailing punctuation),
    /// when ``BibliographyLink`` accepts it.
    static func linked(_ text: String) -> [MarkdownNode] {
        var nodes: [MarkdownNode] = [], rest = Substring(text)
        while let match = rest.firstMatch(of: webAddress) {
            var end = match.range.upperBound
            while end > match.range.lowerBound, ".,;:".contains(rest[rest.index(before: end)]) { end = rest.index(before: end) }
            let url = String(rest[match.range.lowerBound..<end])
            guard BibliographyLink.isWebURL(url) else {
                nodes.append(.text(String(rest[..<match.range.upperBound])))
                rest = rest[match.range.upperBound...]
                continue
            }
            if match.range.lowerBound > rest.startIndex { nodes.append(.text(String(rest[..<match.range.lowerBound]))) }
            nodes.append(MarkdownNode(.link(url: url, title: ""), children: [.text(url)]))
            rest = rest[end...]
        }
        if !rest.isEmpty || nodes.isEmpty { nodes.append(.text(String(rest))) }
        return nodes
    }

    nonisolated(unsafe) private static let webAddress = try! Regex("https?://[^\\s()<>]+")

    mutating func rewrite(_ node: MarkdownNode) -> [MarkdownNode] {
        switch node.kind {
        case .link(let url, let title) where url.contains(".md") && BookLinks.isInternal(url):
            // A link to a chapter's Markdown file (as GitHub shows the sources) goes to its page.
            var link = rewriteChildren(of: node)
            let parts = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let page = BookLinks.page(for: parts[0], isPage: pages.contains)
            link.kind = .link(url: page + (parts.count > 1 ? "#" + parts[1] : ""), title: title)
            return [link]
        case .reference(let label):
            guard let target = references.targets[label] else { return [node] }
            let href = (target.page == page ? "" : target.page) + "#" + target.anchor
            return [MarkdownNode(.link(url: href, title: ""), children: [.text(target.text)], position: node.position)]
        case .math(var math) where math.label != nil:
            math.number = references.targets[math.label!]?.number
            return [MarkdownNode(.math(math), position: node.position)]
        case .exercise(let label, _):
            var exercise = rewriteChildren(of: node)
            exercise.kind = .exercise(label: label, number: references.targets[label]?.text ?? "")
            return [exercise]
        case .figure(let label, _):
            var figure = rewriteChildren(of: node)
            figure.kind = .figure(label: label, number: references.targets[label]?.text ?? "")
            return [figure]
        case .extension(let custom):
            guard var cell = custom.payload as? InjectedCell, let label = cell.label else { return [rewriteChildren(of: node)] }
            cell.number = references.targets[label]?.text
            return [MarkdownNode(.extension(MarkdownExtension(cell)), position: node.position)]
        case .citation(let citation):
            guard let bibliography else { return [node] }
            for item in citation.items where !cited.contains(item.key) { cited.append(item.key) }
            return [citationNode(citation, bibliography, position: node.position)]
        default:
            return [rewriteChildren(of: node)]
        }
    }

    private func citationNode(_ citation: MarkdownCitation, _ bibliography: Bibliography, position: MarkdownSourceRange?) -> MarkdownNode {
        func link(_ key: String, _ text: String) -> MarkdownNode {
            MarkdownNode(.link(url: "#ref-" + key, title: ""), children: [.text(text)])
        }
        var children: [MarkdownNode] = []
        if citation.narrative, let item = citation.items.first {
            children = [link(item.key, Self.narrative(item.key, locator: item.locator, bibliography))]
        } else {
            children.append(.text("("))
            for (index, item) in citation.items.enumerated() {
                if index > 0 { children.append(.text("; ")) }
                children.append(link(item.key, Self.parenthetical(item.key, bibliography)))
                if !item.locator.isEmpty { children.append(.text(", " + item.locator)) }
            }
            children.append(.text(")"))
        }
        return MarkdownNode(.span(id: "cite-\(citation.id)"), children: children, position: position)
    }

    /// One work inside a parenthetical citation: "Dumoulin and Visin 2016", or the name alone when undated.
    static func parenthetical(_ key: String, _ bibliography: Bibliography) -> String {
        let year = bibliography.year(key)
        return bibliography.shortAuthors(key) + (year.isEmpty ? "" : " " + year)
    }

    /// A narrative citation: "Dumoulin and Visin (2016, p. 12)"; undated, "Batra (p. 12)" or "Batra".
    static func narrative(_ key: String, locator: String, _ bibliography: Bibliography) -> String {
        let inside = [bibliography.year(key), locator].filter { !$0.isEmpty }.joined(separator: ", ")
        return bibliography.shortAuthors(key) + (inside.isEmpty ? "" : " (\(inside))")
    }
}
