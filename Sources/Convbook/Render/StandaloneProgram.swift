/// A chapter's code as one Swift file a reader can download and run outside
/// convbook: the running blocks in order, each marked with the chapter line it
/// comes from; inline expressions become `print`s; `norun`, `fails` and
/// `traps` blocks are kept as comments. Without `convbook build` around it,
/// `show` and the checks print plain text. `repository`, the book's
/// (`book.toml`), is named as where the checkout comes from.
enum StandaloneProgram {
    static func source(for chapter: Chapter, repository: String? = nil) -> String {
        program(for: chapter, repository: repository).text
    }

    /// Where each piece of the chapter lies in the download: the 1-based line
    /// of each block's `// MARK:` line (its code starts on the next), by block
    /// index, and of each inline expression's `print`, by its id. A chapter
    /// line `L` of block `b` is line `marks[b] + L - fenceLine` of the file.
    struct Lines: Equatable, Sendable {
        var blocks: [Int: Int] = [:]
        var inlines: [Int: Int] = [:]
    }

    /// The lines of ``source(for:repository:)``'s pieces (its text does not change them).
    static func lines(for chapter: Chapter) -> Lines {
        program(for: chapter, repository: nil).lines
    }

    private static func program(for chapter: Chapter, repository: String?) -> (text: String, lines: Lines) {
        let name = chapter.file.url.lastPathComponent
        let checkout = repository.map { "convbook, as this book's source holds it (git clone \(ShellWord.quoted($0)))" } ?? "convbook"
        var text = """
        // \(chapter.title)
        // The code of \(name), from "\(chapter.bookTitle)".
        //
        // Run it against the engine from a checkout of \(checkout):
        //   swift build -c release
        //   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \\
        //          -Xlinker -rpath -Xlinker .build/release \(ShellWord.quoted(chapter.file.slug + ".swift")) -o \(ShellWord.quoted(chapter.file.slug))
        //   \(ShellWord.quoted("./" + chapter.file.slug))
        // or re-run the whole chapter and compare with the published numbers:
        //   convbook verify \(ShellWord.quoted(chapter.file.slug))

        \(ChapterProgram.header(imports: chapter.imports))
        """
        var lines = Lines()
        // The line the next text appended starts on, counting only what was appended since the last call.
        var counted = 0, line = 1
        func nextLine() -> Int {
            let utf8 = text.utf8
            for byte in utf8[utf8.index(utf8.startIndex, offsetBy: counted)...] where byte == UInt8(ascii: "\n") { line += 1 }
            counted = utf8.count
            return line
        }
        for cell in chapter.program.cells {
            switch cell {
            case .block(let block):
                lines.blocks[block.index] = nextLine() + 1
                text += "\n// MARK: block \(block.index + 1), \(name) line \(block.fenceLine)"
                switch block.options.mode {
                case .run:
                    text += "\n" + block.code
                case .norun, .fails, .traps:
                    text += " (\(block.options.mode.rawValue): kept as a comment)\n"
                    text += block.code.split(separator: "\n", omittingEmptySubsequences: false).map { "// \($0)" }.joined(separator: "\n")
                }
                if !text.hasSuffix("\n") { text += "\n" }
            case .inline(let inline):
                lines.inlines[inline.id] = nextLine()
                text += "print(\"\(name) line \(inline.line):\", \(inline.code))\n"
            }
        }
        return (text, lines)
    }
}
