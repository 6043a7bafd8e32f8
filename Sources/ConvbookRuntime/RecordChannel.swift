#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a chapter program's structured results go: one JSON object per line,
/// appended to the file named by the environment variable `CONVBOOK_RECORDS`.
///
/// `convbook build` sets that variable and points the program's standard
/// output at a regular file; every record carries the byte offset that
/// standard output had reached (`"stdout"`), so the builder can interleave
/// printed text and rich output in the order the program produced them.
/// Without the variable (a reader running a downloaded chapter on their own)
/// nothing is recorded and `show` prints plain text instead.
enum RecordChannel {
    /// The records file descriptor, or nil outside `convbook build`.
    static let descriptor: Int32? = {
        guard let path = getenv("CONVBOOK_RECORDS") else { return nil }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        return fd >= 0 ? fd : nil
    }()

    static var isActive: Bool { descriptor != nil }

    /// The byte offset standard output has reached, after flushing it; -1 when
    /// standard output is not a regular file.
    static func stdoutOffset() -> Int {
        fflush(nil)   // every output stream, standard output among them
        return Int(lseek(STDOUT_FILENO, 0, SEEK_CUR))
    }

    /// Appends one record. `fields` must already be JSON-encoded values.
    static func emit(_ event: String, _ fields: [(String, String)]) {
        guard let fd = descriptor else { return }
        var line = "{\"event\":" + JSON.string(event) + ",\"stdout\":\(stdoutOffset())"
        for (key, value) in fields { line += "," + JSON.string(key) + ":" + value }
        line += "}\n"
        var bytes = Array(line.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n <= 0 { break }
            written += n
        }
        bytes.removeAll()
    }

    /// The chapter-relative location of a call: the virtual file that
    /// `#sourceLocation` gave the block or expression, and the line and column in it.
    static func location(_ file: StaticString, _ line: UInt, _ column: UInt) -> [(String, String)] {
        [("file", JSON.string("\(file)")), ("line", "\(line)"), ("column", "\(column)")]
    }
}
