#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConvbookFormat
import Foundation

/// Where a chapter program's structured results go: one `Record` per line,
/// as JSON, appended to the file named by the environment variable
/// `CONVBOOK_RECORDS`.
///
/// `convbook build` sets that variable and points the program's standard
/// output at a regular file; every record carries the byte offset that
/// standard output had reached, so the builder can interleave printed text
/// and rich output in the order the program produced them. Without the
/// variable (a reader running a downloaded chapter on their own) nothing is
/// recorded and `show` prints plain text instead.
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

    /// Appends one record.
    static func emit(_ event: Record.Event) {
        guard let fd = descriptor else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var bytes = try? Array(encoder.encode(Record(stdout: stdoutOffset(), event: event))) else { return }
        bytes.append(UInt8(ascii: "\n"))
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n <= 0 { break }
            written += n
        }
    }

    /// The chapter-relative location of a call: the virtual file that
    /// `#sourceLocation` gave the block or expression, and the line and column in it.
    static func site(_ file: StaticString, _ line: UInt, _ column: UInt) -> Record.CallSite {
        Record.CallSite(file: "\(file)", line: Int(line), column: Int(column))
    }
}
