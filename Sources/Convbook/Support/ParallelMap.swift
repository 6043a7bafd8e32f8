import Foundation

/// Applies `transform` to every element on up to `jobs` threads at once and
/// returns the results in the input's order. Chapter work blocks on child
/// processes, so it runs on plain threads rather than the cooperative pool.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], jobs: Int, _ transform: @escaping @Sendable (T) -> R) -> [R] {
    let state = ParallelMapState<R>(count: items.count)
    let group = DispatchGroup()
    for _ in 0..<min(max(jobs, 1), max(items.count, 1)) {
        group.enter()
        Thread.detachNewThread {
            while let index = state.claim() {
                state.store(transform(items[index]), at: index)
            }
            group.leave()
        }
    }
    group.wait()
    return state.finished()
}

private final class ParallelMapState<R>: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let results: Slots<R>

    init(count: Int) { results = Slots(count: count) }

    func claim() -> Int? {
        lock.withLock {
            guard next < results.count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func store(_ result: R, at index: Int) { results[index] = result }

    func finished() -> [R] { (0..<results.count).map { results[$0]! } }
}
