/// A chapter's code as one Swift file a reader can download and run outside
/// convbook: the running blocks in order, each marked with the chapter line it
/// comes from; inline expressions become `print`s; `norun`, `fails` and
/// `traps` blocks are kept as comments. Without `convbook build` around it,
/// `show` and the checks print plain text. `repository`, the book's
/// (`book.toml`), is named as where the checkout comes from.
enum StandaloneProgram {
    static func source(for chapter: Chapter, repository: String? = nil) -> String {
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
        for cell in chapter.program.cells {
            switch cell {
            case .block(let block):
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
                text += "print(\"\(name) line \(inline.line):\", \(inline.code))\n"
            }
        }
        return text
    }
}
