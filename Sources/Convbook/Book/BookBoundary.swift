import Foundation

/// The book's folder is the boundary: every file the book reads (its
/// chapters, the files they show or link to, the files their programs read
/// through `files:`, its bibliographies) must resolve, symbolic links and
/// all, to a regular file inside the folder that holds `book.toml` and the
/// chapters folder, of at most ``sizeLimit`` bytes.
///
/// A symbolic link that stays inside the book is followed. One that leads
/// out of it (Git stores links, so a pull request can carry
/// `logo.png -> ~/.ssh/id_rsa`), a dangling one, a folder, a FIFO, a device
/// or a socket is refused, from `stat` alone, before anything opens it: a
/// FIFO would block the read forever, a device would never end. A file's
/// size is checked the same way, before it is read.
struct BookBoundary: Sendable {
    /// The book's folder as the user named it, and every symbolic link in it resolved.
    let folder: String
    let root: String

    /// The most a file the book reads may hold: 64 MiB.
    static let sizeLimit = 64 << 20

    /// The boundary of the book whose chapters are in `chaptersFolder`: the folder that holds it.
    init(chaptersFolder: String) {
        folder = URL(fileURLWithPath: chaptersFolder).standardizedFileURL.deletingLastPathComponent().path
        root = Self.realPath(folder) ?? folder
    }

    /// Why a file may not be read.
    enum Refusal: Error, Equatable {
        case missing
        /// A symbolic link to nothing (or to a loop of links): where it points.
        case dangling(to: String)
        case outside(resolved: String)
        /// A folder, a FIFO, a device, a socket: what it is.
        case notRegular(kind: String)
        case tooLarge(bytes: Int)
    }

    /// A file that may be read: its real path and its size.
    struct Resolved: Equatable {
        var path: String
        var size: Int
    }

    /// Where `path` resolves, if it may be read; `stat` alone, nothing is opened.
    func check(_ path: String) -> Result<Resolved, Refusal> {
        guard let real = Self.realPath(path) else {
            var info = stat()
            guard lstat(path, &info) == 0 else { return .failure(.missing) }
            if (info.st_mode & S_IFMT) == S_IFLNK { return .failure(.dangling(to: Self.linkTarget(path))) }
            // A link further up the path that leads nowhere, or a loop.
            return .failure(.dangling(to: path))
        }
        guard real == root || real.hasPrefix(root == "/" ? "/" : root + "/") else { return .failure(.outside(resolved: real)) }
        var info = stat()
        guard stat(real, &info) == 0 else { return .failure(.missing) }
        if let kind = Self.kind(info.st_mode) { return .failure(.notRegular(kind: kind)) }
        guard Int(info.st_size) <= Self.sizeLimit else { return .failure(.tooLarge(bytes: Int(info.st_size))) }
        return .success(Resolved(path: real, size: Int(info.st_size)))
    }

    /// The bytes of the file at `path`, if it may be read (``check(_:)``):
    /// opened without blocking and without following a last link, its type
    /// and size checked again on the open file, and read to at most ``sizeLimit``.
    func read(_ path: String) -> Result<Data, Refusal> {
        let resolved: Resolved
        switch check(path) {
        case .success(let found): resolved = found
        case .failure(let refusal): return .failure(refusal)
        }
        let descriptor = open(resolved.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return .failure(.missing) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(.missing) }
        if let kind = Self.kind(info.st_mode) { return .failure(.notRegular(kind: kind)) }
        guard Int(info.st_size) <= Self.sizeLimit else { return .failure(.tooLarge(bytes: Int(info.st_size))) }
        var data = Data(count: Int(info.st_size))
        var done = 0
        while true {
            if done == data.count {
                // The file grew since its size was read: read on, within the limit.
                guard data.count <= Self.sizeLimit else { return .failure(.tooLarge(bytes: data.count)) }
                data.count = min(Self.sizeLimit + 1, max(data.count * 2, 4096))
            }
            let n = data.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return .failure(.missing) }
            if n == 0 { break }
            done += n
        }
        guard done <= Self.sizeLimit else { return .failure(.tooLarge(bytes: done)) }
        data.count = done
        return .success(data)
    }

    /// The refusal in words, after the name of what was refused (`'logo.png'`).
    func describe(_ refusal: Refusal) -> String {
        switch refusal {
        case .missing:
            "does not exist"
        case .dangling(let target):
            "is a symbolic link to \(target), which does not exist"
        case .outside(let resolved):
            "resolves to \(resolved), outside the book's folder (\(root)); a symbolic link may point only inside the book"
        case .notRegular(let kind):
            "is \(kind), not a regular file"
        case .tooLarge(let bytes):
            "is \(Self.size(bytes)); a file the book reads may be at most \(Self.size(Self.sizeLimit))"
        }
    }

    /// What an input changes when it changes: the path, where it resolves, its type, size and time.
    /// Part of the build's inputs, so that a link retargeted or a file replaced is seen.
    static func stamp(_ path: String) -> String {
        guard let real = realPath(path), let identity = FileIdentity(path: real) else { return "\(path) missing" }
        return "\(path) -> \(real) \(identity.mode) \(identity.sizeAndTime)"
    }

    /// The files a chapter's program reads (its front matter's `files:`):
    /// each where it resolves, and its path in the working folder; the
    /// digest of their bytes, for the chapter's key; an error at the front
    /// matter's line for each that may not be read.
    func programFiles(of chapter: Chapter) -> (files: [(source: String, path: String)], digest: String, diagnostics: [Diagnostic]) {
        var files: [(source: String, path: String)] = [], parts: [String] = [], diagnostics: [Diagnostic] = []
        let beside = chapter.file.url.deletingLastPathComponent().path
        for path in chapter.frontMatter.files {
            let source = beside + "/" + path
            switch read(source) {
            case .success(let data):
                files.append((Self.realPath(source) ?? source, path))
                parts.append(path + " " + CacheStore.digest(data))
            case .failure(.missing):
                diagnostics.append(Diagnostic(file: chapter.path, line: chapter.frontMatter.filesLine ?? 1, column: 1,
                                              message: "the front matter names '\(path)' in files, but there is no such file beside the chapter"))
            case .failure(let refusal):
                diagnostics.append(Diagnostic(file: chapter.path, line: chapter.frontMatter.filesLine ?? 1, column: 1,
                                              message: "the front matter names '\(path)' in files, which \(describe(refusal))"))
            }
        }
        return (files, parts.isEmpty ? "" : " files " + parts.joined(separator: " "), diagnostics)
    }

    /// `path` with every symbolic link, `.` and `..` resolved; nil when something on the way is missing.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func linkTarget(_ path: String) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        return n > 0 ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
    }

    /// What a file that is not a regular file is, in words; nil for a regular file.
    private static func kind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a folder"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "a special file"
        }
    }

    private static func size(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? String(format: "%.1f GiB", Double(bytes) / Double(1 << 30))
            : bytes >= 1 << 20 ? String(format: "%.1f MiB", Double(bytes) / Double(1 << 20)) : "\(bytes) bytes"
    }
}
