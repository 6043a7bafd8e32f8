/// A fence of a Pandoc fenced div, as exercises are written: a line
/// `::: {.exercise #ex-name}` opens an exercise, `::: {.answer}` its answer,
/// a line `:::` closes the last one opened. As in Pandoc and Quarto, a fence
/// is a line of its own and needs no blank line around it: cmark reads the
/// lines as one paragraph, which ``pieces(of:)`` splits at its fences.
///
/// ```swift
/// ExerciseFence.parse("::: {.exercise #ex-size}")   // .open(.exercise, label: "ex-size")
/// ExerciseFence.parse(":::")                        // .close
/// ```
enum ExerciseFence: Equatable {
    enum Kind: String { case exercise, answer }

    case open(Kind, label: String?)
    case close
    /// A fence convbook cannot read, with what to write instead.
    case problem(String)

    /// A paragraph's lines as fences and the paragraphs between them, or nil
    /// when no line of it is a fence (a line of text alone that starts with `:::`).
    static func pieces(of paragraph: MarkdownNode) -> [Piece]? {
        var lines: [[MarkdownNode]] = [[]]
        for child in paragraph.children {
            if child.kind == .softBreak || child.kind == .lineBreak { lines.append([]) } else { lines[lines.count - 1].append(child) }
        }
        func fenceText(_ line: [MarkdownNode]) -> String? {
            // Only text can be a fence: a code span reading `:::` is prose.
            guard !line.isEmpty, line.allSatisfy({ if case .text = $0.kind { true } else { false } }) else { return nil }
            let text = line.map(\.plainText).joined()
            return text.hasPrefix(":::") ? text : nil
        }
        guard lines.contains(where: { fenceText($0) != nil }) else { return nil }
        var pieces: [Piece] = [], prose: [MarkdownNode] = []
        var proseStart = paragraph.position
        for (index, line) in lines.enumerated() {
            var position = line.first?.position ?? paragraph.position
            if line.first?.position == nil, var guess = paragraph.position {
                guess.startLine += index
                position = guess
            }
            if let text = fenceText(line) {
                if !prose.isEmpty { pieces.append(.prose(MarkdownNode(.paragraph, children: prose, position: proseStart))) }
                prose = []
                pieces.append(.fence(parse(text), position))
            } else {
                if prose.isEmpty { proseStart = position } else { prose.append(MarkdownNode(.softBreak)) }
                prose += line
            }
        }
        if !prose.isEmpty { pieces.append(.prose(MarkdownNode(.paragraph, children: prose, position: proseStart))) }
        return pieces
    }

    /// A piece of a paragraph that holds fences.
    enum Piece {
        case fence(ExerciseFence, MarkdownSourceRange?)
        case prose(MarkdownNode)
    }

    /// A fence line: colons, then nothing (a closing fence) or `{.kind #label}`.
    static func parse(_ line: String) -> ExerciseFence {
        let rest = line.drop { $0 == ":" }.trimmingCharacters(in: .whitespaces)
        if rest.isEmpty { return .close }
        let usage = "write '::: {.exercise #ex-name}' or '::: {.answer}'"
        guard rest.hasPrefix("{"), rest.hasSuffix("}") else { return .problem("'\(line)' is not a fence convbook knows; \(usage)") }
        var kind: Kind?, label: String?
        for word in rest.dropFirst().dropLast().split(separator: " ") {
            if word.hasPrefix("."), kind == nil, let known = Kind(rawValue: String(word.dropFirst())) {
                kind = known
            } else if word.hasPrefix("#"), label == nil, word.count > 1,
                      word.dropFirst().allSatisfy({ MarkdownReferenceSyntax.isKeyCharacter($0) }) {
                label = String(word.dropFirst())
            } else {
                return .problem("'\(word)' in '\(line)' is not an attribute convbook knows; \(usage)")
            }
        }
        guard let kind else { return .problem("'\(line)' names no kind of div; \(usage)") }
        if kind == .answer, label != nil { return .problem("an answer takes no label (label its exercise); write '::: {.answer}'") }
        return .open(kind, label: label)
    }
}
