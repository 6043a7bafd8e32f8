import CProcess
import Foundation

/// The file-system walks publishing needs, with the plain system calls: the
/// files below a folder (``files(under:)``), a folder removed whole
/// (``remove(_:)``), a range of one file copied into another in the kernel
/// (``copy(_:of:to:)``). No symbolic link is ever followed: a link in a site
/// folder is a file like another, listed, unlinked, never entered.
///
/// ```swift
/// FileTree.files(under: site)               // ["index.html", "katex/fonts/KaTeX_Main-Regular.woff2", …]
/// FileTree.remove(staging.path)
/// ```
enum FileTree {
    /// What a walk found at a name.
    enum EntryType {
        case folder, file
        /// A link, a FIFO, a socket, a device, or what vanished while looked at.
        case other
    }

    /// The entries of the folder at `path` (no `.` or `..`), each with its
    /// type as `readdir` says it, or `lstat` where `readdir` cannot; nil when
    /// `path` is not a folder that can be opened.
    static func entries(of path: String) -> [(name: String, type: EntryType)]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var found: [(name: String, type: EntryType)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            var type = entry.pointee.d_type
            if type == UInt8(DT_UNKNOWN) {
                var info = stat()
                type = lstat(path + "/" + name, &info) != 0 ? 0
                    : (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : (info.st_mode & S_IFMT) == S_IFREG ? UInt8(DT_REG) : 0
            }
            found.append((name, type == UInt8(DT_DIR) ? .folder : type == UInt8(DT_REG) ? .file : .other))
        }
        return found
    }

    /// Every regular file below `url`, as paths relative to it.
    static func files(under url: URL) -> [String] {
        var result = [String]()
        func walk(_ folder: String, _ prefix: String) {
            for (name, type) in entries(of: folder) ?? [] {
                switch type {
                case .folder: walk(folder + "/" + name, prefix + name + "/")
                case .file: result.append(prefix + name)
                case .other: continue
                }
            }
        }
        walk(url.path, "")
        return result
    }

    /// Removes what is at `path`, and below it when it is a folder, with
    /// `unlink` and `rmdir`: for folders a build made (a staging folder, the
    /// replaced site moved aside).
    static func remove(_ path: String) {
        guard let found = entries(of: path) else { unlink(path); return }
        for (name, type) in found {
            if type == .folder { remove(path + "/" + name) } else { unlink(path + "/" + name) }
        }
        rmdir(path)
    }

    /// Appends the bytes `range` of the open file `source` to the open file
    /// `output`, copied in the kernel (`copy_file_range`), or read and
    /// written where the kernel refuses. The paths name the files in errors.
    static func copy(_ range: Range<Int>, of source: (descriptor: Int32, path: String),
                     to output: (descriptor: Int32, path: String)) throws {
        var offset = Int64(range.lowerBound)
        var left = range.count
        while left > 0 {
            let n = cprocess_copy_file_range(source.descriptor, &offset, output.descriptor, UInt(left))
            if n > 0 { left -= n; continue }
            guard n < 0, errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP else {
                throw Diagnostic(file: source.path, message: "the published file is shorter than its stamp says")
            }
            // No kernel copy here: read and write.
            var buffer = [UInt8](repeating: 0, count: min(left, 1 << 20))
            let got = buffer.withUnsafeMutableBytes { pread(source.descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            guard got > 0 else { throw Diagnostic(file: source.path, message: "cannot read the published file") }
            try buffer.withUnsafeBytes { bytes in try write(UnsafeRawBufferPointer(rebasing: bytes[0..<got]), to: output) }
            offset += Int64(got)
            left -= got
        }
    }

    /// Writes all of `buffer` to the open file `output`.
    static func write(_ buffer: UnsafeRawBufferPointer, to output: (descriptor: Int32, path: String)) throws {
        var done = 0
        while done < buffer.count {
            let n = Glibc.write(output.descriptor, buffer.baseAddress! + done, buffer.count - done)
            guard n > 0 else { throw Diagnostic(file: output.path, message: "cannot write: \(String(cString: strerror(errno)))") }
            done += n
        }
    }
}
