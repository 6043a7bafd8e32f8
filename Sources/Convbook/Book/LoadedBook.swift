import Foundation

/// The book as the load stage hands it on: its settings, its bibliography,
/// and every chapter that may run, each with the files its program reads.
///
/// Loading reports every problem it finds rather than stopping at the first:
/// chapters that failed to load, or whose files may not be read, are left
/// out (`loadFailed` says so), and the others go on to run, so that one build
/// reports every problem in every chapter.
///
/// ```swift
/// let book = try LoadedBook.load(chaptersFolder: "chapters", cache: nil)
/// print(book.chapters.map(\.title))
/// ```
struct LoadedBook {
    typealias ProgramFiles = (files: [(source: String, path: String)], digest: String, diagnostics: [Diagnostic])

    var config: BookConfig
    /// The chapters that may run, in the book's order.
    var chapters: [Chapter]
    /// The files each chapter's program reads (its front matter's `files`), where they resolve, and their digest.
    var programFiles: [ProgramFiles]
    /// The book's bibliography, with the entries of any a chapter's front matter names.
    var bibliography: Bibliography?
    /// What may be read from where (``BookBoundary``), made once for the book.
    var boundary: BookBoundary
    /// Problems found so far (errors and warnings), at their lines.
    var diagnostics: [Diagnostic]
    /// Whether a chapter was left out, or loading found an error.
    var loadFailed: Bool

    /// Loads the book in `chaptersFolder`: `selected` chapters only, when given
    /// (by slug, file name or path, as `convbook verify` names them).
    static func load(chaptersFolder: String, selected: [String] = [], cache: CacheStore?) throws -> LoadedBook {
        let config = try BookConfig.load(chaptersFolder: chaptersFolder)
        let files = try BookFiles.list(chaptersFolder, chapterOrder: config.chapters, orderSource: BookConfig.path(chaptersFolder: chaptersFolder))
        let boundary = BookBoundary(chaptersFolder: chaptersFolder)
        // Each chapter file is read once, here: for the bibliography its front matter may name, then to load it.
        let contents = files.files.map { FileManager.default.contents(atPath: $0.url.path) }
        var diagnostics = [Diagnostic]()
        let bibliography = Bibliography.loadBook(config: config, chaptersFolder: chaptersFolder, chapterFiles: Array(zip(files.files, contents)),
                                                 boundary: boundary, diagnostics: &diagnostics)
        var chapters = [Chapter]()
        for (file, data) in zip(files.files, contents) where selected.isEmpty || selected.contains(where: { names(file).contains($0) }) {
            do {
                chapters.append(try Chapter.load(file, data: data, config: config, citationKeys: bibliography?.keys ?? [], cache: cache))
            } catch {
                diagnostics.append(error)
            }
        }
        if !selected.isEmpty {
            let known = Set(files.files.flatMap(names))
            for name in selected where !known.contains(name) {
                diagnostics.append(Diagnostic(file: chaptersFolder, message: "no chapter called '\(name)'"))
            }
        }
        diagnostics += chapters.flatMap(\.diagnostics)
        var programFiles = chapters.map { boundary.programFiles(of: $0) }
        diagnostics += programFiles.flatMap(\.diagnostics)
        // Chapters that failed to load, or whose files may not be read, are not run.
        let runnable = chapters.indices.filter { !chapters[$0].diagnostics.contains { $0.severity == .error } && programFiles[$0].diagnostics.isEmpty }
        let loadFailed = runnable.count != chapters.count || diagnostics.contains { $0.severity == .error }
        chapters = runnable.map { chapters[$0] }
        programFiles = runnable.map { programFiles[$0] }
        return LoadedBook(config: config, chapters: chapters, programFiles: programFiles, bibliography: bibliography,
                          boundary: boundary, diagnostics: diagnostics, loadFailed: loadFailed)
    }

    /// The names a chapter answers to on the command line.
    private static func names(_ file: BookFiles.File) -> [String] {
        [file.slug, file.url.lastPathComponent, file.displayPath]
    }
}
