import Foundation

/// A chapter loaded from disk: its front matter, its parsed Markdown and the
/// program its Swift blocks and inline expressions make up.
struct Chapter: Sendable {
    var file: BookFiles.File
    var frontMatter: FrontMatter
    var title: String
    /// The Markdown, front matter blanked (so lines are the file's).
    var markdown: String
    /// The parsed Markdown, cells and anchors in place (``ChapterDocument``);
    /// nil when the chapter came from the load cache (``parsedDocument()``
    /// parses it when a page must be rendered).
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
        document ?? ChapterDocument(markdown: markdown, path: file.displayPath).document
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
            let parsed = ChapterDocument(markdown: markdown, path: file.displayPath)
            loaded = Loaded(frontMatter: frontMatter, title: frontMatter.title ?? parsed.firstHeading ?? file.slug,
                            markdown: markdown, cells: parsed.cells, diagnostics: parsed.diagnostics)
            document = parsed.document
            cache?.store(loaded, kind: "chapters", key: key)
        }
        return Chapter(file: file, frontMatter: loaded.frontMatter, title: loaded.title, markdown: loaded.markdown, document: document,
                       program: ChapterProgram(cells: loaded.cells, imports: config.imports), diagnostics: loaded.diagnostics,
                       defaultTimeout: config.timeout ?? 60, imports: config.imports, bookTitle: config.title, sourceDigest: digest)
    }
}
