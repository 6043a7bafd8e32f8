import Foundation

/// A value made the first time it is read, once, from any thread: what lets
/// a rebuild skip decoding the chapters and results it never looks at.
///
/// ```swift
/// let program = Lazy { ChapterProgram(cells: decodeCells(), imports: []) }
/// program.value.blockCount   // decoded here, on first use
/// ```
final class Lazy<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var made: Value?
    private let make: () -> Value

    init(_ make: @escaping () -> Value) {
        self.make = make
    }

    init(value: Value) {
        made = value
        make = { value }
    }

    /// The value, made now if it was not yet; setting it replaces it.
    var value: Value {
        get { lock.withLock { made ?? { let value = make(); made = value; return value }() } }
        set { lock.withLock { made = newValue } }
    }
}
