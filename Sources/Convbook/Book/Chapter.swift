import Foundation

/// A chapter loaded from disk: its front matter, its parsed Markdown and the
/// program its Swift blocks and inline expressions make up.
struct Chapter: Sendable {
    var file: BookFiles.File
    var frontMatter: FrontMatter
    var title: String
    /// The Markdown, front matter blanked (so lines are the file's).
    var markdown: String
    /// The parsed Markdown; nil when the chapter came from the load cache
    /// (``parsedDocument()`` parses it when a page must be rendered).
    var document: MarkdownDocument?
    var program: ChapterProgram
    /// Problems found while loading (unknown block options, say).
    var diagnostics: [Diagnostic]
    /// Seconds the program may run when the front matter does not say (`book.toml`, else 60).
    var defaultTimeout: Double = 60
    /// The modules the program imports besides the runtime (`book.toml`).
    var imports: [String] = []
    /// The title of the book it belongs to.
    var bookTitle = ""
    /// SHA-256 of the chapter file's bytes.
    var sourceDigest = ""

    var path: String { file.displayPath }
    var timeout: Double { frontMatter.timeout ?? defaultTimeout }
    /// MiB of address space the chapter program may use (`ulimit -v`).
    var memory: Int { frontMatter.memory ?? 4096 }

    /// The parsed Markdown (parsed now if the load came from the cache).
    func parsedDocument() -> MarkdownDocument {
        document ?? MarkdownParser.parse(source: markdown, path: file.displayPath)
    }

    /// What loading a chapter finds, cached by the file's bytes so that an
    /// unchanged chapter is not parsed again.
    struct Loaded: Codable {
        var frontMatter: FrontMatter
        var title: String
        var markdown: String
        var cells: [Cell]
        var diagnostics: [Diagnostic]
    }

    static let loadCacheVersion = "chapter-load-1"

    /// Reads and parses a chapter, or takes what loading it found from
    /// `cache` when the file is unchanged. Parsing is serialised inside the
    /// Markdown layer.
    static func load(_ file: BookFiles.File, config: BookConfig, cache: CacheStore? = nil) throws(Diagnostic) -> Chapter {
        let data: Data
        do {
            data = try Data(contentsOf: file.url)
        } catch {
            throw Diagnostic(file: file.displayPath, message: "cannot read the chapter: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Diagnostic(file: file.displayPath, message: "the chapter is not valid UTF-8")
        }
        let digest = CacheStore.digest(data)
        let key = CacheStore.key([loadCacheVersion, digest, file.displayPath])
        let loaded: Loaded
        var document: MarkdownDocument?
        if let cached = cache?.load(Loaded.self, kind: "chapters", key: key) {
            loaded = cached
        } else {
            let (frontMatter, markdown) = try FrontMatter.split(text, file: file.displayPath)
            let parsed = MarkdownParser.parse(source: markdown, path: file.displayPath)
            var collector = CellCollector(path: file.displayPath)
            collector.visit(parsed)
            loaded = Loaded(frontMatter: frontMatter, title: frontMatter.title ?? collector.firstHeading ?? file.slug,
                            markdown: markdown, cells: collector.cells, diagnostics: collector.diagnostics)
            document = parsed
            cache?.store(loaded, kind: "chapters", key: key)
        }
        return Chapter(file: file, frontMatter: loaded.frontMatter, title: loaded.title, markdown: loaded.markdown, document: document,
                       program: ChapterProgram(cells: loaded.cells, imports: config.imports), diagnostics: loaded.diagnostics,
                       defaultTimeout: config.timeout ?? 60, imports: config.imports, bookTitle: config.title, sourceDigest: digest)
    }
}

/// Walks a chapter in document order and lists its cells: Swift code blocks,
/// inline expressions in prose, and inline expressions inside math.
struct CellCollector: MarkdownVisitor {
    let path: String
    var cells: [Cell] = []
    var diagnostics: [Diagnostic] = []
    var firstHeading: String?
    private var blockCount = 0
    private var inlineCount = 0

    init(path: String) { self.path = path }

    private func isImage(_ node: MarkdownNode) -> Bool {
        if case .image = node.kind { return true } else { return false }
    }

    mutating func visit(_ node: MarkdownNode) {
        switch node.kind {
        case .heading(let level, _) where level == 1 && firstHeading == nil:
            firstHeading = node.plainText
        case .link(let url, _), .image(let url, _):
            // A link that runs script when clicked is refused: chapters are documents, not programs for the reader's browser.
            let scheme = url.prefix { $0 != ":" }.lowercased().filter { !$0.isWhitespace }
            if url.contains(":"), ["javascript", "vbscript", "data"].contains(scheme), !(scheme == "data" && isImage(node)) {
                diagnostics.append(Diagnostic(file: path, line: node.position?.startLine ?? 0, column: node.position?.startColumn ?? 0,
                                              message: "a link to a \(scheme): URL would run code in the reader's browser; convbook refuses it"))
            }
        case .inlineExpression(let expression):
            cells.append(.inline(InlineCell(id: inlineCount, code: expression.code, line: expression.line,
                                            column: expression.column, inMath: false)))
            inlineCount += 1
        case .math(let math):
            for case .expression(let code, let line, let column) in math.segments {
                cells.append(.inline(InlineCell(id: inlineCount, code: code, line: line, column: column, inMath: true)))
                inlineCount += 1
            }
        default:
            break
        }
        visitChildren(of: node)
    }

    mutating func visitChildren(of node: MarkdownNode) {
        for (i, child) in node.children.enumerated() {
            if case .codeBlock(let code) = child.kind, code.isFenced, BlockOptions.isSwift(code.info) {
                let next = i + 1 < node.children.count ? node.children[i + 1] : nil
                addBlock(code, child, following: next)
            } else {
                visit(child)
            }
        }
    }

    private mutating func addBlock(_ code: MarkdownCodeBlock, _ node: MarkdownNode, following next: MarkdownNode?) {
        let line = node.position?.startLine ?? 0
        var options = BlockOptions()
        do {
            options = try BlockOptions(info: code.info)
        } catch {
            diagnostics.append(Diagnostic(file: path, line: line, column: (code.fence?.offset ?? 0) + 1, message: error.message))
        }
        var expected: String?
        if options.expectTolerance != nil, let next, case .codeBlock(let output) = next.kind, output.info == "output" {
            expected = output.literal
        }
        cells.append(.block(CodeCell(index: blockCount, code: code.literal, options: options, fenceLine: line,
                                     indent: code.fence?.offset ?? 0, expectedOutput: expected)))
        blockCount += 1
    }
}
