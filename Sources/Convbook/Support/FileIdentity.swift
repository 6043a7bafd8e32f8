import Foundation

/// What a build knows a file by without reading it: its size, type, inode
/// and times, from one `stat` (links followed). The one place convbook
/// builds a file's identity, for every key and stamp made from one: an
/// input of the build (a linked image), an installed package (KaTeX,
/// highlight.js), the compiler, the generator itself (``GeneratorStamp``),
/// a file of the published site (the build stamp), a watched file (`serve`).
///
/// ```swift
/// FileIdentity(path: "/usr/share/javascript/katex/katex.min.css")?.sizeAndTime   // "23145 1700000000.123456789"
/// FileIdentity.sizeAndDate(of: "/usr/bin/swiftc")                                  // "1234 1700000000.123456"
/// ```
struct FileIdentity: Equatable, Sendable {
    var size: Int
    /// `st_mode`: the type and permissions.
    var mode: mode_t
    var inode: UInt64
    /// The modification time: seconds, and nanoseconds within the second.
    var seconds: Int
    var nanoseconds: Int
    /// The status-change time, in nanoseconds.
    var changed: Int

    /// The file at `path` (a link is followed); nil when there is none.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        size = Int(info.st_size)
        mode = info.st_mode
        inode = UInt64(info.st_ino)
        seconds = Int(info.st_mtim.tv_sec)
        nanoseconds = Int(info.st_mtim.tv_nsec)
        changed = Int(info.st_ctim.tv_sec) * 1_000_000_000 + Int(info.st_ctim.tv_nsec)
    }

    /// The modification time in nanoseconds.
    var modified: Int { seconds * 1_000_000_000 + nanoseconds }

    /// `SIZE SECONDS.NANOSECONDS` (the nanoseconds as they are, not padded):
    /// the form of the identities in the keys of installed files.
    var sizeAndTime: String { "\(size) \(seconds).\(nanoseconds)" }

    /// `SIZE TIME` as Foundation reports them (the time as seconds since
    /// 1970, a `Double`), `-1` for what it cannot: the form of the compiler's
    /// and the generator's identities and of KaTeX's stamp, kept so that
    /// the keys made from them stay as they were.
    static func sizeAndDate(of path: String) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return "\((attributes?[.size] as? NSNumber)?.intValue ?? -1) \((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1)"
    }
}
