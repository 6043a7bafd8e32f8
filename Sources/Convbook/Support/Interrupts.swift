import Foundation

/// What an interrupted build (Ctrl-C, SIGTERM) does: stop every child
/// process, delete half-written staging folders, and exit with 130 (or 143).
/// A swap of the finished site into place runs as a critical section that
/// the interrupt waits for, so `site/` is always either the old or the new one.
public final class Interrupts: @unchecked Sendable {
    public static let shared = Interrupts()

    private let lock = NSLock()
    private var cleanups = Set<URL>()
    private var sources = [DispatchSourceSignal]()

    /// Starts handling SIGINT and SIGTERM. Call once, early.
    public func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in stop(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    func register(cleanup url: URL) { lock.withLock { _ = cleanups.insert(url) } }
    func unregister(cleanup url: URL) { lock.withLock { _ = cleanups.remove(url) } }

    /// Runs `body` with interrupts held off.
    func critical<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func stop(_ signalNumber: Int32) {
        lock.lock()   // waits for a swap in progress; never unlocked: we exit
        Subprocess.terminateAll()
        for url in cleanups { try? FileManager.default.removeItem(at: url) }
        FileHandle.standardError.write(Data("convbook: interrupted; site left as it was\n".utf8))
        // `_exit`, not `exit`: `exit` runs the process's exit handlers while
        // the other threads (a build, the preview server's connections) are
        // still running, and a `serve` interrupted under load once died of
        // SIGSEGV there (status 11, not 130). Nothing of ours needs
        // an exit handler: the build lock is an flock, released by the kernel.
        fflush(nil)
        _exit(128 + signalNumber)
    }
}
