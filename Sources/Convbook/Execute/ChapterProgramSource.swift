/// How a chapter's program is put together from its cells: every running
/// block and inline expression in document order, in one `main.swift`, so
/// that the blocks share state like notebook cells.
///
/// Each piece is wrapped in `#sourceLocation(file: "convbook-block-3.swift", line: 1)`
/// rather than the chapter's own file and line, so that the program text
/// (and with it the cache key) does not change when only the prose around
/// the code is edited. ``mapLocation(file:line:column:)`` turns those virtual
/// locations back into chapter lines for diagnostics.
///
/// A block expected to trap (`traps`) is compiled into the program behind a
/// guard that only the separate trap run opens. A block expected not to
/// compile (`fails`) is left out and type-checked on its own, after the
/// blocks before it (``failureProbes``).
extension ChapterProgram {
    /// The imports every chapter program starts with: the book's modules
    /// (`imports` in `book.toml`), then convbook's runtime.
    static func header(imports: [String]) -> String {
        (imports + ["ConvbookRuntime"]).map { "import \($0)\n" }.joined()
    }

    init(cells: [Cell], imports: [String]) {
        self.cells = cells
        var source = Self.header(imports: imports)
        var probes = [(block: CodeCell, source: String)]()
        var generated = [(lines: ClosedRange<Int>, chapterLine: Int, chapterColumn: Int)]()
        // Lines of `source` so far, counted only in what each cell adds (the UTF-8 bytes, not characters).
        var lines = source.utf8.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        var counted = source.utf8.count
        for cell in cells {
            let firstLine = lines + 1
            defer {
                let added = source.utf8.dropFirst(counted)
                lines += added.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
                counted = source.utf8.count
                let lastLine = lines
                if lastLine >= firstLine {
                    switch cell {
                    case .block(let block): generated.append((firstLine...lastLine, block.firstCodeLine, 1 + block.indent))
                    case .inline(let inline): generated.append((firstLine...lastLine, inline.line, inline.column))
                    }
                }
            }
            switch cell {
            case .block(let block):
                switch block.options.mode {
                case .norun:
                    continue
                case .fails:
                    probes.append((block, source + Self.wrap(block.code, as: Self.blockFile(block.index)) + "\n"))
                case .run:
                    source += "_convbookBegin(\(block.index))\n"
                    source += Self.wrap(block.code, as: Self.blockFile(block.index))
                    source += "_convbookEnd(\(block.index))\n"
                case .traps:
                    source += "_convbookBegin(\(block.index))\n"
                    source += "if _convbookRunsTrapBlock(\(block.index)) {\n"
                    source += Self.wrap(block.code, as: Self.blockFile(block.index))
                    source += "_convbookTrapMissed(\(block.index))\n}\n"
                    source += "_convbookEnd(\(block.index))\n"
                }
            case .inline(let inline):
                source += "_convbookInline(\(inline.id)) {\n"
                source += Self.wrap(inline.code, as: Self.inlineFile(inline.id))
                source += "}\n"
            }
        }
        self.source = source
        self.failureProbes = probes
        self.generatedLines = generated
    }

    /// The chapter location of the piece whose generated wrapper holds line
    /// `line` of `main.swift`, or of the last piece before it.
    func pieceLocation(generatedLine line: Int) -> (line: Int, column: Int)? {
        let piece = generatedLines.first { $0.lines.contains(line) } ?? generatedLines.last { $0.lines.upperBound < line }
        return piece.map { ($0.chapterLine, $0.chapterColumn) }
    }

    /// Whether a location in a virtual file lies inside its piece's code (an
    /// error at the end of the file, after an unterminated comment, does not).
    func contains(file: String, line: Int) -> Bool {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        if let index = Self.number(in: name, prefix: "convbook-block-"), let block = block(index) {
            return line >= 1 && line <= Self.lineCount(block.code)
        }
        if let id = Self.number(in: name, prefix: "convbook-inline-"), let inline = inline(id) {
            return line >= 1 && line <= Self.lineCount(inline.code)
        }
        return false
    }

    /// Lines of a piece of code (a final newline ends the last line, it does not start another).
    private static func lineCount(_ code: String) -> Int {
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false).count
        return max(code.hasSuffix("\n") ? lines - 1 : lines, 1)
    }

    static func blockFile(_ index: Int) -> String { "convbook-block-\(index).swift" }
    static func inlineFile(_ id: Int) -> String { "convbook-inline-\(id).swift" }

    private static func wrap(_ code: String, as file: String) -> String {
        var text = "#sourceLocation(file: \"\(file)\", line: 1)\n" + code
        if !text.hasSuffix("\n") { text += "\n" }
        return text + "#sourceLocation()\n"
    }

    /// The chapter line and column of a location in a virtual file, or nil
    /// for a file that is not one of this program's pieces.
    func mapLocation(file: String, line: Int, column: Int) -> (line: Int, column: Int)? {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        if let index = Self.number(in: name, prefix: "convbook-block-"),
           let block = block(index) {
            return (block.firstCodeLine + line - 1, column > 0 ? column + block.indent : 0)
        }
        if let id = Self.number(in: name, prefix: "convbook-inline-"),
           let inline = inline(id) {
            return (inline.line + line - 1, column > 0 ? (line == 1 ? inline.column + column - 1 : column) : 0)
        }
        return nil
    }

    private static func number(in name: String, prefix: String) -> Int? {
        guard name.hasPrefix(prefix), name.hasSuffix(".swift") else { return nil }
        return Int(name.dropFirst(prefix.count).dropLast(".swift".count))
    }

    /// What names the program's result (with the toolchain and the
    /// environment, ``ExecutionCache/key(programDigest:toolchain:environment:)``):
    /// its text and the text of its failure probes.
    var digest: String { CacheStore.key([source] + failureProbes.map(\.source)) }

    /// The modules the program imports (`import MyLib`, `@testable import
    /// MyLib`, `import struct MyLib.Point`: `MyLib`), the book's imports
    /// included, sorted: whose changes can change its result (the author's
    /// package, ``AuthorPackage/fingerprint(imports:)``). Read from the lines
    /// of the program and of its failure probes; a line that only looks like
    /// an import (inside a string) adds a module, which at worst reruns the
    /// chapter when that module changes.
    var importedModules: [String] {
        var modules = Set<String>()
        for text in [source] + failureProbes.map(\.source) {
            for line in text.split(separator: "\n") where line.contains("import") {
                if let match = line.firstMatch(of: /^\s*(?:@[A-Za-z_]\w*(?:\([^)]*\))?\s+)*import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?([A-Za-z_]\w*)/) {
                    modules.insert(String(match.1))
                }
            }
        }
        return modules.sorted()
    }
}
