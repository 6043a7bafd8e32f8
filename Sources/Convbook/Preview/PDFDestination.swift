import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where `convbook pdf --out` may write: a new file, or a PDF it replaces,
/// never one of the book's own files or anything that is not a plain file.
///
/// Refused, before anything is printed (and again just before the write):
/// - a path inside the chapters folder or the site folder (after resolving
///   symlinks in its folders), since the PDF is not part of either;
/// - an existing entry that is not a regular file: a device such as
///   `/dev/full`, a FIFO, a socket, a folder or a symbolic link (which the
///   rename would replace, not follow);
/// - an existing regular file that is not a PDF (it does not start with
///   `%PDF-`), such as `book.toml` or a chapter.
///
/// ```swift
/// let target = try PDFDestination.check("book.pdf", chapters: "chapters", site: "site")
/// ```
enum PDFDestination {
    /// The bytes every PDF starts with.
    static let magic = Array("%PDF-".utf8)

    /// The absolute path to write `output` to; throws a ``Diagnostic`` naming
    /// `output` as the user wrote it when it is refused.
    static func check(_ output: String, chapters: String, site: String) throws(Diagnostic) -> String {
        guard !output.isEmpty else { throw Diagnostic(file: "convbook pdf", message: "--out is empty: name the PDF to write") }
        let target = resolved(output)
        for (folder, what) in [(chapters, "chapters"), (site, "site")] {
            let base = resolved(folder)
            if target == base || target.hasPrefix(base == "/" ? "/" : base + "/") {
                let place = target == base ? "is the \(what) folder" : "is inside the \(what) folder (\(folder))"
                throw Diagnostic(file: output, message: "\(place), where convbook pdf never writes: choose a path outside it, such as book.pdf")
            }
        }
        var info = stat()
        guard lstat(target, &info) == 0 else {
            if errno == ENOENT { return target }
            throw Diagnostic(file: output, message: "cannot look at it: \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw Diagnostic(file: output, message: "is \(kind(info.st_mode)), not a regular file: convbook pdf writes a new file or replaces a PDF")
        }
        guard startsWithPDFMagic(target) else {
            throw Diagnostic(file: output, message: "exists and is not a PDF (it does not start with %PDF-): convbook pdf replaces only a PDF; remove it or choose another --out")
        }
        return target
    }

    /// `path` made absolute with its existing folders' symlinks resolved: the
    /// real path of its longest existing prefix, then the rest as written
    /// (standardized, so no `.` or `..` is left). The last component itself
    /// is not followed, so a symlink there is seen as one.
    static func resolved(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var components = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let last = components.popLast()
        var rest = [String]()
        while true {
            let prefix = "/" + components.joined(separator: "/")
            if let real = realPath(prefix) {
                let tail = (rest.reversed() + [last].compactMap { $0 }).joined(separator: "/")
                return tail.isEmpty ? real : (real == "/" ? "/" : real + "/") + tail
            }
            guard let dropped = components.popLast() else { return absolute }
            rest.append(dropped)
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFLNK: return "a symbolic link"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }

    /// Whether the regular file at `path` starts with `%PDF-` (read without
    /// blocking: it was seen to be a regular file, but may have been swapped).
    private static func startsWithPDFMagic(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        var head = [UInt8](repeating: 0, count: magic.count)
        let count = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return count == magic.count && head == magic
    }
}
