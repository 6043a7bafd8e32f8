/// The one comparison every check makes (gradient checks, agreements, the
/// ledger's error measures, `convbook conv --gradcheck`): a measured error
/// passes when it is a number no larger than its bound. NaN and infinity
/// never pass, whatever the bound.
///
/// ```swift
/// passes(2.3e-10, bound: 1e-7)     // true
/// passes(.nan, bound: 1e-7)        // false
/// passes(.infinity, bound: .infinity)   // false
/// ```
public func passes(_ error: Double, bound: Double) -> Bool {
    error.isFinite && error <= bound
}
