import Foundation

/// A file of the site made of pieces (``SiteFiles/Piece``): its bytes, and
/// ranges of the published file of the same path, which are copied in the
/// kernel (``FileTree/copy(_:of:to:)``), never read into memory: most of
/// `book.html` on a rebuild.
enum PiecedFile {
    /// Writes `pieces` to a new file at `target`, their published ranges
    /// from the file at `published`.
    static func write(_ pieces: [SiteFiles.Piece], from published: String, to target: String) throws {
        let descriptor = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Diagnostic(file: target, message: "cannot create: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let output = (descriptor: descriptor, path: target)
        var source: Int32 = -1
        defer { if source >= 0 { close(source) } }
        for piece in pieces {
            switch piece {
            case .bytes(let data):
                try data.withUnsafeBytes { bytes in try FileTree.write(bytes, to: output) }
            case .published(let range):
                if source < 0 { source = open(published, O_RDONLY | O_CLOEXEC) }
                guard source >= 0 else { throw Diagnostic(file: published, message: "cannot read the published file: \(String(cString: strerror(errno)))") }
                try FileTree.copy(range, of: (source, published), to: output)
            }
        }
    }
}
