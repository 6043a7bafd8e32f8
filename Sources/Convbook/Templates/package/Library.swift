/// The sum of the whole numbers from 1 to `n`: 1 + 2 + … + n.
///
/// ```swift
/// triangular(4)   // 10
/// ```
public func triangular(_ n: Int) -> Int {
    n * (n + 1) / 2
}
