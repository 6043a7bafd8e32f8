import Foundation

/// The chapter files of a book: every `*.md` in the chapters folder, in the
/// order of their numeric file-name prefix (`01-forward.md`, `02-vector.md`,
/// ..., `10-fast.md`); files without a prefix come last, alphabetically.
struct BookFiles: Sendable {
    struct File: Sendable, Hashable {
        /// The path as diagnostics print it (the folder as the user gave it, plus the name).
        var displayPath: String
        var url: URL
        /// The file name without `.md`, also the page's name.
        var slug: String
    }

    var folder: URL
    var files: [File]

    /// The chapter files of `folder`; with `chapterOrder` (from `book.toml`), exactly
    /// those files, in that order (`orderSource` names book.toml for errors).
    static func list(_ folder: String, chapterOrder: [String]? = nil, orderSource: String = "book.toml") throws(Diagnostic) -> BookFiles {
        let url = URL(fileURLWithPath: folder)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw Diagnostic(file: folder, message: "chapters folder does not exist")
        }
        guard isDirectory.boolValue else {
            throw Diagnostic(file: folder, message: "chapters folder is not a folder")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            throw Diagnostic(file: folder, message: "cannot read the chapters folder: \(error.localizedDescription)")
        }
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        let files = names.filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }
            .sorted { order($0) < order($1) }
            .map { File(displayPath: prefix + $0, url: url.appendingPathComponent($0), slug: String($0.dropLast(3))) }
        if files.isEmpty {
            throw Diagnostic(file: folder, message: "chapters folder holds no .md files")
        }
        // A name becomes a link, a line of a diagnostic and a word of the commands readers copy.
        if let bad = files.first(where: { !isPublishable($0.url.lastPathComponent) }) {
            let shown = String(bad.url.lastPathComponent.debugDescription.dropFirst().dropLast())
            throw Diagnostic(file: prefix + shown, message: "a chapter's file name may not hold a line break or another control character, nor #, ?, % or \\ (its page's link would break); rename it")
        }
        if let chapterOrder {
            var ordered = [File]()
            for name in chapterOrder {
                guard let file = files.first(where: { $0.url.lastPathComponent == name || $0.slug == name }) else {
                    throw Diagnostic(file: orderSource, message: "build.chapters names '\(name)', which is not a .md file of \(folder)")
                }
                guard !ordered.contains(file) else {
                    throw Diagnostic(file: orderSource, message: "build.chapters names '\(name)' twice")
                }
                ordered.append(file)
            }
            try checkReadable(ordered, folder: folder)
            return BookFiles(folder: url, files: ordered)
        }
        // The numeric prefix orders the book: two chapters with one number have no order.
        var byNumber = [Int: String]()
        for file in files {
            let digits = file.slug.prefix { $0.isNumber }
            guard let number = Int(digits) else { continue }
            if let other = byNumber[number] {
                throw Diagnostic(file: file.displayPath, message: "has the same number prefix (\(digits)) as \(prefix + other).md; number the chapters apart so their order is clear")
            }
            byNumber[number] = file.slug
        }
        try checkReadable(files, folder: folder)
        return BookFiles(folder: url, files: files)
    }

    /// Whether a chapter file name can name its page: no control character
    /// (a line break splits the link and the lines that show it), and none of
    /// the characters that end or escape a URL's path (`#`, `?`, `%`, `\`).
    static func isPublishable(_ name: String) -> Bool {
        !name.unicodeScalars.contains { $0.properties.generalCategory == .control || "#?%\\".unicodeScalars.contains($0) }
    }

    /// Every chapter must be a regular file that resolves inside the book's
    /// folder (``BookBoundary``): a link `02-b.md -> /etc/passwd` would
    /// publish the file, a FIFO would hang the build.
    private static func checkReadable(_ files: [File], folder: String) throws(Diagnostic) {
        let boundary = BookBoundary(chaptersFolder: folder)
        for file in files {
            if case .failure(let refusal) = boundary.check(file.url.path) {
                throw Diagnostic(file: file.displayPath, message: "the chapter \(boundary.describe(refusal))")
            }
        }
    }

    private static func order(_ name: String) -> (Int, String) {
        let digits = name.prefix { $0.isNumber }
        return (Int(digits) ?? Int.max, name)
    }
}
