import Foundation

/// The files beside the chapters that they show or link to (an image, say),
/// copied into the site at the same path once everything the build
/// generates is in it.
///
/// A file whose path is one the build writes (`search-index.js`,
/// `style.css`, `manifest.json`, a page, anything in `katex/`, `code/` or
/// `data/`) would replace what every page loads, so it is an error at each
/// link to it. The paths it is compared with are the site's own, whatever
/// the renderer added before (no second list of names to keep in step),
/// compared without regard to case, as a site may be served from a
/// case-insensitive disk.
///
/// Each file is read through ``BookBoundary``: a regular file inside the
/// book, within the size limit (``BookLinks`` refused the others already,
/// before anything ran; this is the read itself).
enum LinkedFiles {
    static func add(_ chapters: [Chapter], boundary: BookBoundary, to site: inout SiteFiles) throws {
        var files = [String: String](), folders = [String: String]()
        for path in site.paths {
            files[path.lowercased()] = path
            var folder = path
            while let slash = folder.lastIndex(of: "/") {
                folder = String(folder[..<slash])
                folders[folder.lowercased()] = folder
            }
        }
        var diagnostics = [Diagnostic](), copied = [String: Data]()
        for chapter in chapters where !chapter.localFiles.isEmpty {
            let beside = chapter.file.url.deletingLastPathComponent().path
            for link in chapter.names.links {
                guard let path = BookLinks.files(linkedFrom: [link]).first else { continue }
                func refuse(_ problem: String) {
                    diagnostics.append(Diagnostic(file: chapter.path, line: link.line, column: link.column,
                                                  message: "broken link '\(link.name)': \(problem)"))
                }
                if let clash = collision(path, files: files, folders: folders) {
                    refuse(clash)
                    continue
                }
                guard copied[path] == nil else { continue }
                switch boundary.read(beside + "/" + path) {
                case .success(let data): copied[path] = data
                case .failure(let refusal): refuse("the file \(boundary.describe(refusal))")
                }
            }
        }
        guard diagnostics.isEmpty else { throw BuildFailure(diagnostics.sorted()) }
        for (path, data) in copied { site.add(path, data) }
    }

    /// Why a book file at `path` may not go into a site that has `files`
    /// and `folders` (lowercased → as written), or nil.
    static func collision(_ path: String, files: [String: String], folders: [String: String]) -> String? {
        let lower = path.lowercased()
        if let generated = files[lower] {
            return "the build writes \(generated) itself, and a file of the book may not replace it; rename the file"
        }
        if let generated = folders[lower] {
            return "the build writes a folder \(generated)/ there; rename the file"
        }
        var folder = lower
        while let slash = folder.lastIndex(of: "/") {
            folder = String(folder[..<slash])
            if let generated = files[folder] {
                return "the build writes a file \(generated) where this path needs a folder; rename the folder"
            }
            if let generated = folders[folder] {
                return "\(generated)/ is a folder the build writes itself, and a file of the book may not go into it; move the file"
            }
        }
        return nil
    }
}
