import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One build at a time per site folder: an exclusive `flock` on
/// `CACHE/locks/site-HASH.lock` (HASH: the site folder's path), which holds
/// the holder's process id. A second build of the same site with the same
/// cache says whom it waits for, and waits; the lock goes with the process
/// that held it, however it ends.
///
/// ```swift
/// let lock = try BuildLock.acquire(site: outURL, cache: cacheURL) { print($0) }
/// defer { lock.release() }
/// ```
final class BuildLock: @unchecked Sendable {
    private var descriptor: Int32
    let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { release() }

    /// The lock file of `site` in `cache`.
    static func file(site: URL, cache: URL) -> URL {
        let hash = SHA256.hash(data: Data(site.standardizedFileURL.path.utf8)).hexString.prefix(16)
        return cache.appendingPathComponent("locks/site-\(hash).lock")
    }

    /// Takes the lock, waiting for the build that holds it (and telling
    /// `waiting` which one, once).
    static func acquire(site: URL, cache: URL, waiting: (String) -> Void) throws(Diagnostic) -> BuildLock {
        let url = file(site: site, cache: cache)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Diagnostic(file: url.path, message: "cannot open the build lock: \(String(cString: strerror(errno)))")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            let who = holder.flatMap(Int32.init).map { "convbook (PID \($0))" } ?? "another convbook"
            waiting("convbook: waiting for \(who), which is building \(site.standardizedFileURL.path), to finish (lock \(url.path))")
            while flock(descriptor, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    close(descriptor)
                    throw Diagnostic(file: url.path, message: "cannot take the build lock: \(String(cString: strerror(errno)))")
                }
            }
        }
        let pid = Array("\(getpid())\n".utf8)
        ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return BuildLock(descriptor: descriptor, path: url.path)
    }

    /// Gives the lock up (closing the file releases it).
    func release() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
    }
}
