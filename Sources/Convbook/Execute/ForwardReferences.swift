/// Finds chapter code that reads a variable before the block that declares it.
///
/// A chapter program is one `main.swift`, and Swift accepts a top-level
/// statement that names a global declared further down: it compiles, and at
/// run time reads storage not yet initialised (an `Int` reads 0, an array
/// crashes). So `` `{swift} later + 1` `` in prose above the block with
/// `let later = 41` would publish 1. This scan refuses that at the line of
/// the use.
///
/// It looks at the top-level `let` and `var` declarations of each running
/// block (those at the block's left margin), and at the names each inline
/// expression and each block's top-level statements use (not the bodies of
/// functions and types, which may run later, nor member names after a dot or
/// argument labels). A name used in a piece and declared only in a later
/// block is an error. Functions and types are never reported: Swift lets
/// them be used before their declaration.
enum ForwardReferences {
    struct Use: Equatable {
        var name: String
        /// Chapter line and column of the use.
        var line: Int
        var column: Int
        /// Chapter line of the declaration further down.
        var declaredLine: Int
    }

    static func find(in cells: [Cell]) -> [Use] {
        // Where each top-level variable is first declared, by piece order.
        var firstDeclaration = [String: (piece: Int, line: Int)]()
        for (piece, cell) in cells.enumerated() {
            guard case .block(let block) = cell, runs(block) else { continue }
            for (offset, line) in block.code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for name in declaredVariables(String(line)) where firstDeclaration[name] == nil {
                    firstDeclaration[name] = (piece, block.firstCodeLine + offset)
                }
            }
        }
        var found = [Use]()
        for (piece, cell) in cells.enumerated() {
            let code: String, line: Int, column: Int
            switch cell {
            case .block(let block):
                guard runs(block) else { continue }
                (code, line, column) = (topLevelStatements(block.code), block.firstCodeLine, 1 + block.indent)
            case .inline(let inline):
                (code, line, column) = (inline.code, inline.line, inline.column)
            }
            let local = boundLocally(in: code)
            for use in identifiers(in: code) where !local.contains(use.name) {
                guard let declared = firstDeclaration[use.name], declared.piece > piece else { continue }
                found.append(Use(name: use.name, line: line + use.line, column: column + use.column,
                                 declaredLine: declared.line))
            }
        }
        return found
    }

    private static func runs(_ block: CodeCell) -> Bool {
        block.options.mode == .run || block.options.mode == .traps
    }

    /// The names a line declares at the block's top level: `let x = …`,
    /// `var (a, b) = …`, `let x: Int, y = 2`, with any attributes or
    /// modifiers before them. Indented lines declare locals.
    static func declaredVariables(_ line: String) -> [String] {
        guard let first = line.first, !first.isWhitespace else { return [] }
        var words = Substring(line)
        while let match = words.prefixMatch(of: /(?:@\w+(?:\([^)]*\))?|private|fileprivate|internal|public|nonisolated|lazy|static)\s+/) {
            words = words[match.range.upperBound...]
        }
        guard let keyword = words.prefixMatch(of: /(?:let|var)\s+/) else { return [] }
        let rest = words[keyword.range.upperBound...]
        // The pattern ends at the first `=` or `:` outside parentheses; a
        // tuple pattern lists several names.
        var depth = 0, end = rest.endIndex
        for index in rest.indices {
            switch rest[index] {
            case "(": depth += 1
            case ")": depth -= 1
            case "=" where depth == 0, ":" where depth == 0: end = index
            default: continue
            }
            if end != rest.endIndex { break }
        }
        return rest[..<end].matches(of: /[A-Za-z_][A-Za-z0-9_]*/).map { String($0.output) }.filter { $0 != "_" }
    }

    /// Names the piece binds itself (a loop variable, a closure's parameter,
    /// a local `let`): a use of them is not a use of a later global.
    static func boundLocally(in code: String) -> Set<String> {
        var names = Set<String>()
        let binders: [Regex<(Substring, Substring)>] = [
            /\b(?:let|var)\s+(\(?[A-Za-z_][A-Za-z0-9_, ]*\)?)/,
            /\bfor\s+(?:case\s+let\s+)?(\(?[A-Za-z_][A-Za-z0-9_, ]*\)?)\s+in\b/,
            /\{\s*\(?([A-Za-z_][A-Za-z0-9_, :\[\]<>.?]*?)\)?\s*(?:->\s*[A-Za-z0-9_\[\]<>.?]+\s*)?\bin\b/,
        ]
        for binder in binders {
            for match in code.matches(of: binder) {
                for part in match.output.1.split(separator: ",") {
                    // `name: Type` binds name; a bare name binds itself.
                    if let name = part.split(separator: ":").first?.matches(of: /[A-Za-z_][A-Za-z0-9_]*/).first {
                        names.insert(String(name.output))
                    }
                }
            }
        }
        return names
    }

    /// The block with the bodies of its top-level functions, types and
    /// extensions blanked out (their lines kept, so line numbers hold).
    static func topLevelStatements(_ code: String) -> String {
        var kept = [String]()
        var depth = 0
        var inDeclaration = false, opened = false
        for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
            if !inDeclaration && depth == 0 {
                inDeclaration = line.prefixMatch(of: /(?:(?:@\w+(?:\([^)]*\))?|private|fileprivate|internal|public|final|indirect|nonisolated|mutating)\s+)*(?:func|struct|class|enum|extension|actor|protocol|init)\b/) != nil
                opened = false
            }
            kept.append(inDeclaration ? "" : String(line))
            depth += line.filter { $0 == "{" }.count - line.filter { $0 == "}" }.count
            if line.contains("{") { opened = true }
            if depth <= 0 {
                depth = 0
                // A declaration ends where its body closes (its signature may span lines).
                if opened { inDeclaration = false }
            }
        }
        return kept.joined(separator: "\n")
    }

    /// Identifiers in code, with their 0-based line and column: not in string
    /// literals or comments, not member names (after a dot), not argument
    /// labels (before a colon), not a closure's `$0`.
    static func identifiers(in code: String) -> [(name: String, line: Int, column: Int)] {
        var found = [(name: String, line: Int, column: Int)]()
        for (lineIndex, line) in code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let characters = Array(line)
            var i = 0
            var inString = false
            while i < characters.count {
                let c = characters[i]
                if inString {
                    if c == "\\" { i += 2; continue }
                    if c == "\"" { inString = false }
                    i += 1
                    continue
                }
                if c == "\"" { inString = true; i += 1; continue }
                if c == "/", i + 1 < characters.count, characters[i + 1] == "/" { break }
                if c.isLetter || c == "_" {
                    var j = i
                    while j < characters.count, characters[j].isLetter || characters[j].isNumber || characters[j] == "_" { j += 1 }
                    let before = characters[..<i].last { !$0.isWhitespace }
                    let after = characters[j...].first { !$0.isWhitespace }
                    let isMember = before == "." || (i > 0 && characters[i - 1] == "$")
                    let isLabel = after == ":"
                    if !isMember && !isLabel {
                        found.append((String(characters[i..<j]), lineIndex, i))
                    }
                    i = j
                    continue
                }
                i += 1
            }
        }
        return found
    }
}
