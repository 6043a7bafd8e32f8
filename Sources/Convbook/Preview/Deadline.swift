/// Time limits on a connection's reads and writes: the work runs in a child
/// task that is cancelled when its time is up, and a FlyingSocks read or
/// write waiting for the socket ends at once when cancelled.
enum Deadline {
    /// The time was up before the work finished.
    struct Expired: Error {}

    /// The result of `work`, or ``Expired`` once `duration` has passed
    /// (at once if it is not positive).
    static func run<T: Sendable>(within duration: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        guard duration > .zero else { throw Expired() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: duration)
                return nil
            }
            defer { group.cancelAll() }
            guard let result = try await group.next(), let value = result else { throw Expired() }
            return value
        }
    }
}
