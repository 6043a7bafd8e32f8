/// Three times `x`.
public func triple(_ x: Int) -> Int { 3 * x }
