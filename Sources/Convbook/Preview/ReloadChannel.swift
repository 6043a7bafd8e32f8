import Foundation

/// The build version that open pages compare against, and the open
/// Server-Sent Events streams that are told when it changes.
///
/// The version is `SESSION.N`: a random session per server start and the
/// number of successful builds. A page learns its version when it is served
/// (``LiveReloadScript``) and reloads when an event brings another one, so a
/// restarted server reloads pages too.
final class ReloadChannel: @unchecked Sendable {
    private let lock = NSLock()
    private let session = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    private var builds = 0
    private var listeners = [UUID: AsyncStream<String>.Continuation]()

    var version: String { lock.withLock { "\(session).\(builds)" } }

    /// How many event streams are open (roughly: open pages).
    var listenerCount: Int { lock.withLock { listeners.count } }

    /// A new event stream: it starts with the reconnection delay and the
    /// current version, then carries every new version and keep-alive comment.
    func subscribe() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(16))
        let id = UUID()
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.lock.withLock { _ = self.listeners.removeValue(forKey: id) }
        }
        let current = lock.withLock {
            listeners[id] = continuation
            return "\(session).\(builds)"
        }
        continuation.yield("retry: 1000\ndata: \(current)\n\n")
        return stream
    }

    /// Records a successful build and tells every open page.
    @discardableResult
    func publishNewBuild() -> Int {
        let (current, targets) = lock.withLock {
            builds += 1
            return ("\(session).\(builds)", Array(listeners.values))
        }
        for continuation in targets { continuation.yield("data: \(current)\n\n") }
        return targets.count
    }

    /// A comment line every few seconds: it keeps proxies quiet and makes a
    /// write to a closed connection fail, which ends its stream.
    func keepAlive() {
        for continuation in lock.withLock({ Array(listeners.values) }) {
            continuation.yield(": keep-alive\n\n")
        }
    }

    /// Ends every stream (the server is stopping).
    func finish() {
        for continuation in lock.withLock({ Array(listeners.values) }) { continuation.finish() }
    }
}
