import Foundation

extension Bibliography {
    /// The book's bibliography: the one `book.toml` names, merged with any a
    /// chapter's front matter names (each file once), read where it resolves
    /// if the book may read it (``BookBoundary``). Problems are added to
    /// `diagnostics` at their lines; nil when the book has none.
    static func loadBook(config: BookConfig, chaptersFolder: String, chapterFiles: [(BookFiles.File, Data?)],
                         boundary: BookBoundary, diagnostics: inout [Diagnostic]) -> Bibliography? {
        var bibliographies: [(path: String, shown: String)] = []
        if let name = config.bibliography {
            let folder = URL(fileURLWithPath: chaptersFolder).standardizedFileURL.deletingLastPathComponent()
            bibliographies.append((folder.appendingPathComponent(name).path,
                                   String(BookConfig.path(chaptersFolder: chaptersFolder).dropLast(BookConfig.fileName.count)) + name))
        }
        for (file, data) in chapterFiles {
            // Most chapters name none: looking for the key's bytes first spares reading their lines.
            guard let data, data.starts(with: Data("---".utf8)), data.prefix(4096).range(of: Data("bibliography:".utf8)) != nil else { continue }
            let head = String(decoding: data.prefix(4096), as: UTF8.self)
            guard let name = FrontMatter.bibliography(in: head[...]) else { continue }
            let shown = String(file.displayPath.dropLast(file.url.lastPathComponent.count)) + name
            if !bibliographies.contains(where: { $0.shown == shown }) {
                bibliographies.append((file.url.deletingLastPathComponent().appendingPathComponent(name).path, shown))
            }
        }
        var bibliography: Bibliography?
        for (path, shown) in bibliographies {
            do throws(Diagnostic) {
                let resolved: String
                switch boundary.check(path) {
                case .success(let found): resolved = found.path
                case .failure(.missing): resolved = path
                case .failure(let refusal): throw Diagnostic(file: shown, message: "the bibliography \(boundary.describe(refusal))")
                }
                let loaded = try Bibliography.load(path: resolved, shown: shown)
                if bibliography == nil { bibliography = loaded } else { try bibliography!.merge(loaded, shown: shown) }
            } catch {
                diagnostics.append(error)
            }
        }
        return bibliography
    }
}
