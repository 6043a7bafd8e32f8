import Foundation

/// A chapter loaded from disk: its front matter, its parsed Markdown and the
/// program its Swift blocks and inline expressions make up.
struct Chapter: Sendable {
    var file: BookFiles.File
    var frontMatter: FrontMatter
    var title: String
    /// The chapter file's text, front matter and all.
    var text: String
    /// The parsed Markdown, cells and anchors in place (``ChapterDocument``);
    /// nil when the chapter came from the load cache (``parsedDocument()``
    /// parses it when a page must be rendered).
    var document: MarkdownDocument?
    /// The program of its cells, decoded or parsed when first needed: a
    /// rebuild that finds this chapter's result, checks and page in the
    /// cache never needs it.
    let lazyProgram: Lazy<ChapterProgram>
    var program: ChapterProgram { lazyProgram.value }
    /// The program's Swift blocks, and whether it has any code at all.
    var blockCount: Int
    var hasCode: Bool
    /// ``ChapterProgram/digest`` of the program: what names its result.
    var programDigest: String
    /// The modules its program imports (``ChapterProgram/importedModules``).
    var importedModules: [String] = []
    /// What the book checks across chapters (``ChapterDocument``): the labels
    /// it defines, its cross-references, citations and links, its anchors.
    var names: Names { lazyNames.value }
    /// Decoded from the cache when the book's links are checked (not in a build that finds nothing changed).
    let lazyNames: Lazy<Names>
    /// The files beside the chapters it shows or links to (``BookLinks/files(linkedFrom:)``).
    var localFiles: [String]
    /// The bibliography's keys its citations were read with.
    var citationKeys: Set<String> = []

    struct Names: Codable, Sendable {
        var labels: [LabelDefinition] = []
        var references: [NameUse] = []
        var citations: [NameUse] = []
        var links: [NameUse] = []
        var anchors: Set<String> = []

        init(labels: [LabelDefinition] = [], references: [NameUse] = [], citations: [NameUse] = [], links: [NameUse] = [],
             anchors: Set<String> = []) {
            self.labels = labels
            self.references = references
            self.citations = citations
            self.links = links
            self.anchors = anchors
        }

        // Cached as one text, a line per name, which decodes many times faster
        // than JSON objects.
        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(text)
        }

        init(from decoder: Decoder) throws {
            self.init(text: try decoder.singleValueContainer().decode(String.self))
        }

        /// The names as one text, a line each.
        var text: String {
            func field(_ text: String) -> String {
                text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: "\\n")
            }
            var lines: [String] = []
            for l in labels { lines.append("L\t\(field(l.label))\t\(l.number.map(String.init).joined(separator: "."))\t\(l.line)\t\(l.column)") }
            for (tag, uses) in [("R", references), ("C", citations), ("K", links)] {
                for u in uses { lines.append("\(tag)\t\(field(u.name))\t\(u.line)\t\(u.column)\t\(field(u.anchor ?? ""))\t\(u.anchor == nil ? 0 : 1)") }
            }
            for a in anchors.sorted() { lines.append("A\t\(field(a))") }
            return lines.joined(separator: "\n")
        }

        init(text: String) {
            func value(_ field: Substring) -> String {
                guard field.contains("\\") else { return String(field) }
                var out = "", escaped = false
                for c in field {
                    if escaped { out.append(c == "t" ? "\t" : c == "n" ? "\n" : c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
                }
                return out
            }
            self.init()
            for line in text.split(separator: "\n") {
                let f = line.split(separator: "\t", omittingEmptySubsequences: false)
                switch f.first {
                case "L" where f.count == 5:
                    labels.append(LabelDefinition(label: value(f[1]), number: f[2].split(separator: ".").compactMap { Int($0) },
                                                  line: Int(f[3]) ?? 0, column: Int(f[4]) ?? 0))
                case "R", "C", "K":
                    guard f.count == 6 else { continue }
                    let use = NameUse(name: value(f[1]), line: Int(f[2]) ?? 0, column: Int(f[3]) ?? 0, anchor: f[5] == "1" ? value(f[4]) : nil)
                    if f[0] == "R" { references.append(use) } else if f[0] == "C" { citations.append(use) } else { links.append(use) }
                case "A" where f.count == 2:
                    anchors.insert(value(f[1]))
                default:
                    continue
                }
            }
        }
    }
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
    /// SHA-256 of its ``names`` as text: what the book-wide check reads of it.
    var namesDigest = ""

    var path: String { file.displayPath }
    var timeout: Double { frontMatter.timeout ?? defaultTimeout }
    /// MiB of address space the chapter program may use (`ulimit -v`).
    var memory: Int { frontMatter.memory ?? 4096 }

    /// The parsed Markdown (parsed now if the load came from the cache).
    func parsedDocument() -> MarkdownDocument {
        document ?? ChapterDocument(markdown: markdown, path: file.displayPath, citationKeys: citationKeys).document
    }

    /// The Markdown, front matter blanked (so lines are the file's).
    var markdown: String {
        (try? FrontMatter.split(text, file: file.displayPath).1) ?? text
    }

    /// What loading a chapter finds, cached (kind `chapters`) by the file's
    /// bytes, the book's imports and the generator, so that an unchanged
    /// chapter is not parsed again; its cells are cached beside it (kind
    /// `cells`) and decoded only when its program is needed.
    struct Loaded: Codable {
        var frontMatter: FrontMatter
        var title: String
        var diagnostics: [Diagnostic]
        var blockCount: Int
        var hasCode: Bool
        var programDigest: String
        var importedModules: [String]
        /// ``Names/text``, decoded only when needed.
        var names: String
        var localFiles: [String]
    }

    /// Reads and parses a chapter, or takes what loading it found from
    /// `cache` when the file is unchanged. Parsing is serialised inside the
    /// Markdown layer.
    /// `citationKeys` are the bibliography's keys (`@key` in text is a citation only for these).
    /// `data` is the file's bytes when the caller read them already.
    static func load(_ file: BookFiles.File, data given: Data? = nil, config: BookConfig, citationKeys: Set<String> = [],
                     cache: CacheStore? = nil) throws(Diagnostic) -> Chapter {
        let data: Data
        if let given {
            data = given
        } else {
            do {
                data = try Data(contentsOf: file.url)
            } catch {
                throw Diagnostic(file: file.displayPath, message: "cannot read the chapter: \(error.localizedDescription)")
            }
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Diagnostic(file: file.displayPath, message: "the chapter is not valid UTF-8")
        }
        let digest = CacheStore.digest(data)
        let key = CacheKind.chapters.key([digest, file.displayPath, config.imports.joined(separator: "\n"), GeneratorStamp.value,
                                          citationKeys.sorted().joined(separator: "\n"), config.rawHTML ? "raw-html" : ""])
        let imports = config.imports, path = file.displayPath
        let loaded: Loaded
        let program: Lazy<ChapterProgram>
        var document: MarkdownDocument?
        if let cached = cache?.load(Loaded.self, kind: .chapters, key: key) {
            loaded = cached
            program = Lazy {
                let cells = cache?.load([Cell].self, kind: .cells, key: key)
                    ?? ChapterDocument(markdown: (try? FrontMatter.split(text, file: path).1) ?? text, path: path, citationKeys: citationKeys).cells
                return ChapterProgram(cells: cells, imports: imports)
            }
        } else {
            let (frontMatter, markdown) = try FrontMatter.split(text, file: file.displayPath)
            let parsed = ChapterDocument(markdown: markdown, path: file.displayPath, citationKeys: citationKeys, rawHTML: config.rawHTML)
            let made = ChapterProgram(cells: parsed.cells, imports: imports)
            program = Lazy(value: made)
            loaded = Loaded(frontMatter: frontMatter, title: frontMatter.title ?? parsed.firstHeading ?? file.slug,
                            diagnostics: parsed.diagnostics, blockCount: made.blockCount, hasCode: !made.cells.isEmpty,
                            programDigest: made.digest, importedModules: made.importedModules,
                            names: Names(labels: parsed.labels, references: parsed.references, citations: parsed.citations,
                                         links: parsed.links, anchors: parsed.anchors).text,
                            localFiles: BookLinks.files(linkedFrom: parsed.links))
            document = parsed.document
            cache?.store(parsed.cells, kind: .cells, key: key)
            cache?.store(loaded, kind: .chapters, key: key)
        }
        return Chapter(file: file, frontMatter: loaded.frontMatter, title: loaded.title, text: text, document: document,
                       lazyProgram: program, blockCount: loaded.blockCount, hasCode: loaded.hasCode, programDigest: loaded.programDigest,
                       importedModules: loaded.importedModules, lazyNames: Lazy { Names(text: loaded.names) }, localFiles: loaded.localFiles, citationKeys: citationKeys,
                       diagnostics: loaded.diagnostics,
                       defaultTimeout: config.timeout ?? 60, imports: config.imports, bookTitle: config.title, sourceDigest: digest,
                       namesDigest: CacheStore.digest(Data(loaded.names.utf8)))
    }
}
