/// A label a chapter defines: `{#sec-…}` on a heading, `{#eq-…}` after
/// display math, `{#fig-…}` after an image, `label=fig-…` or `label=tbl-…`
/// on a code block, `::: {.exercise #ex-…}` on an exercise; with its number within the chapter.
struct LabelDefinition: Codable, Hashable, Sendable {
    enum Kind: String, Codable, Sendable {
        case section = "sec", equation = "eq", figure = "fig", table = "tbl", exercise = "ex"
    }

    var label: String
    var kind: Kind
    /// Within the chapter: `[]` for its own `#` heading, `[2]` for its second
    /// `##`, `[2, 1]` for the first `###` under that; `[k]` for the k-th
    /// labelled equation, figure or table.
    var number: [Int]
    var line: Int
    var column: Int

    init(label: String, number: [Int], line: Int, column: Int) {
        self.label = label
        self.kind = Kind(rawValue: String(label.prefix { $0 != "-" })) ?? .section
        self.number = number
        self.line = line
        self.column = column
    }
}

/// Where a chapter names something: a cross-reference, a citation's key or a link.
struct NameUse: Codable, Hashable, Sendable {
    var name: String
    var line: Int
    var column: Int
    /// For a citation, the anchor of the place that cites (`cite-3`).
    var anchor: String?
}

/// The book's labels, each with its page, anchor and the words a reference
/// shows: "Section 3.2", "Equation (3.2)", "Figure 3.1", "Table 3.1".
/// Chapter numbers are places in the book's order, from 1.
struct CrossReferences: Codable, Sendable {
    struct Target: Codable, Hashable, Sendable {
        /// The page, `03-two-dimensions.html`.
        var page: String
        var anchor: String
        /// "Section 3.2".
        var text: String
        /// "3.2", as an equation's tag or a figure's caption shows it.
        var number: String
    }

    var targets: [String: Target] = [:]

    /// The table for `chapters` (each with its page and labels) and what is wrong
    /// with it: a label defined twice is an error at both places.
    static func build(_ chapters: [(page: String, path: String, labels: [LabelDefinition])]) -> (CrossReferences, [Diagnostic]) {
        var table = CrossReferences()
        var first: [String: (path: String, definition: LabelDefinition)] = [:]
        var diagnostics: [Diagnostic] = []
        for (index, chapter) in chapters.enumerated() {
            for definition in chapter.labels {
                if let earlier = first[definition.label] {
                    diagnostics.append(Diagnostic(file: chapter.path, line: definition.line, column: definition.column,
                                                  message: "the label '\(definition.label)' is defined twice; the other is at \(earlier.path):\(earlier.definition.line)"))
                    diagnostics.append(Diagnostic(file: earlier.path, line: earlier.definition.line, column: earlier.definition.column,
                                                  message: "the label '\(definition.label)' is defined twice; the other is at \(chapter.path):\(definition.line)"))
                    continue
                }
                first[definition.label] = (chapter.path, definition)
                let number = ([index + 1] + definition.number).map(String.init).joined(separator: ".")
                let text: String = switch definition.kind {
                case .section: definition.number.isEmpty ? "Chapter \(number)" : "Section \(number)"
                case .equation: "Equation (\(number))"
                case .figure: "Figure \(number)"
                case .table: "Table \(number)"
                case .exercise: "Exercise \(number)"
                }
                table.targets[definition.label] = Target(page: chapter.page, anchor: definition.label, text: text, number: number)
            }
        }
        return (table, diagnostics)
    }

    /// An error for each use of a label the book does not define.
    func unknown(_ uses: [NameUse], in path: String) -> [Diagnostic] {
        uses.filter { targets[$0.name] == nil }.map {
            Diagnostic(file: path, line: $0.line, column: $0.column,
                       message: "no label '\($0.name)' in the book (labels are defined with {#\($0.name)} or label=\($0.name))")
        }
    }

    /// What names the table, for the page cache: a page's references show other chapters' numbers.
    var digest: String {
        CacheStore.key(targets.keys.sorted().map { key in
            let t = targets[key]!
            return "\(key)\t\(t.page)\t\(t.anchor)\t\(t.text)"
        })
    }
}
