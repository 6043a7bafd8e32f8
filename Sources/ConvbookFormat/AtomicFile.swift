#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// convbook's one way to write a file so that nobody ever sees it half
/// written: the bytes go to a fresh temporary file beside the destination
/// (`O_EXCL`), are flushed to disk (`fsync`), and the file is renamed over
/// the destination; on any failure the temporary file is removed and the
/// destination is as it was. Used for `.npy` files, cache entries and the
/// results of `convbook conv`.
///
/// ```swift
/// try AtomicFile.write(Array("hello".utf8), to: "/tmp/greeting.txt")
/// ```
public enum AtomicFile {
    /// Why a write failed: one line naming the path and the system error.
    public struct Failure: Error, Sendable {
        public let message: String
    }

    static func systemError() -> String {
        String(cString: strerror(errno))
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        let slash = path.lastIndex(of: "/")
        let directoryPrefix = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let directory = directoryPrefix.isEmpty ? "." : directoryPrefix
        guard !name.isEmpty, name != ".", name != ".." else {
            throw Failure(message: "cannot write '\(path)': the path names a directory, not a file")
        }

        // A fresh file next to the destination, so that rename(2) is atomic.
        var temporary = ""
        var fd: Int32 = -1
        for _ in 0..<16 {
            let suffix = String(UInt64.random(in: .min ... .max), radix: 16)
            // `.NAME.PID.tmp-RANDOM`: whoever cleans up after a killed process can tell whose it was.
            temporary = directoryPrefix + "." + String(name.prefix(100)) + ".\(getpid()).tmp-" + suffix
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 || (errno != EEXIST && errno != EINTR) { break }
        }
        guard fd >= 0 else {
            throw Failure(message: "cannot write '\(path)': cannot create a temporary file in '\(directory)': \(AtomicFile.systemError())")
        }

        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = writeBytes(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    failure = "cannot write '\(path)': writing the temporary file failed: \(n < 0 ? AtomicFile.systemError() : "no progress")"
                    return
                }
            }
        }
        if failure == nil && fsync(fd) != 0 {
            failure = "cannot write '\(path)': flushing the temporary file failed: \(AtomicFile.systemError())"
        }
        if close(fd) != 0 && failure == nil {
            failure = "cannot write '\(path)': closing the temporary file failed: \(AtomicFile.systemError())"
        }
        if failure == nil && rename(temporary, path) != 0 {
            failure = "cannot write '\(path)': renaming the temporary file into place failed: \(AtomicFile.systemError())"
        }
        if let failure {
            unlink(temporary)
            throw Failure(message: failure)
        }
    }
}

/// The C library's write(2), by a name the enum's own `write` does not hide.
private func writeBytes(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
