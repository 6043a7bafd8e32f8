import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The open connections of a ``LoopbackHTTPServer``, never more than
/// ``capacity``: idle clients cannot use up the file descriptors and starve
/// real requests.
///
/// A connection is idle while it waits for the first byte of a request (just
/// accepted, or kept alive after a response), busy otherwise. A connection
/// admitted at the cap takes the place of the one idle the longest, which is
/// shut down (its read ends, and its task closes it); when every connection
/// is busy, the new one is refused.
///
/// ```swift
/// let registry = ConnectionRegistry(capacity: 512)
/// if let slot = registry.admit(descriptor: fd) {
///     slot.busy(); /* read a request, answer it */ slot.idle()
///     slot.release()
/// }
/// ```
final class ConnectionRegistry: @unchecked Sendable {
    let capacity: Int
    private let lock = NSLock()
    private var entries: [Int: Entry] = [:]
    private var lastID = 0
    /// Counts the moments connections became idle, to order them.
    private var lastTick = 0

    private struct Entry {
        let descriptor: Int32
        /// When it became idle (a tick), nil while busy.
        var idleSince: Int?
    }

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The connections now open (those admitted and not released or dropped).
    var count: Int { lock.withLock { entries.count } }

    /// Admits the connection on `descriptor`, idle, dropping the connection
    /// idle the longest when at the cap; nil when every one is busy.
    func admit(descriptor: Int32) -> Slot? {
        lock.withLock {
            if entries.count >= capacity {
                let oldest = entries.compactMap { id, entry in entry.idleSince.map { (id, $0) } }.min { $0.1 < $1.1 }
                guard let (id, _) = oldest, let entry = entries.removeValue(forKey: id) else { return nil }
                // Under the lock, before its task can close it: the descriptor is still this connection's.
                _ = shutdown(entry.descriptor, Int32(SHUT_RDWR))
            }
            lastID += 1
            lastTick += 1
            entries[lastID] = Entry(descriptor: descriptor, idleSince: lastTick)
            return Slot(registry: self, id: lastID)
        }
    }

    /// One admitted connection's place in the registry.
    struct Slot: Sendable {
        let registry: ConnectionRegistry
        let id: Int

        /// Waiting for a request: may be dropped for a new connection.
        func idle() { registry.update(id, idle: true) }
        /// Reading a request or writing a response: kept.
        func busy() { registry.update(id, idle: false) }
        /// Closed: call before closing the descriptor.
        func release() { registry.lock.withLock { _ = registry.entries.removeValue(forKey: id) } }
    }

    private func update(_ id: Int, idle: Bool) {
        lock.withLock {
            guard let entry = entries[id] else { return }
            if idle {
                // Idle since it was admitted, or since its last request: not since now.
                guard entry.idleSince == nil else { return }
                lastTick += 1
                entries[id]?.idleSince = lastTick
            } else {
                entries[id]?.idleSince = nil
            }
        }
    }
}
