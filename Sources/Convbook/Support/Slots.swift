import Foundation

/// A fixed number of places for values that other threads fill in, each
/// at its index, behind one lock: what work done in parallel hands back.
///
/// ```swift
/// let slots = Slots<Int>(count: 2)
/// DispatchQueue.concurrentPerform(iterations: 2) { slots[$0] = $0 * $0 }
/// slots[1]   // 1
/// ```
final class Slots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    var count: Int { values.count }

    subscript(index: Int) -> Value? {
        get { lock.withLock { values[index] } }
        set { lock.withLock { values[index] = newValue } }
    }
}
