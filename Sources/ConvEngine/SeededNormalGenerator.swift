/// A seeded source of standard normal numbers that gives the same sequence on
/// every platform.
///
/// The algorithm, so that anyone can reproduce the numbers in another language:
///
/// 1. Uniform bits come from **SplitMix64** (Steele, Lea and Flood, 2014):
///    `state += 0x9E3779B97F4A7C15`, then
///    `z = (state ^ (state >> 30)) * 0xBF58476D1CE4E5B9`,
///    `z = (z ^ (z >> 27)) * 0x94D049BB133111EB`, `z ^ (z >> 31)`.
/// 2. A uniform double in [0, 1) is the top 53 bits times 2⁻⁵³; `u = 2·that - 1`
///    lies in [-1, 1).
/// 3. Normals come from **Marsaglia's polar method**: draw `u`, `v` until
///    `0 < s = u² + v² < 1`, then `m = sqrt(-2 ln(s) / s)`, giving `u·m` and
///    then `v·m` on the next call.
///
/// The logarithm is computed by ``portableLog(_:)`` with only `+ - × ÷` (IEEE 754
/// correctly rounded) instead of the platform's `log`, whose last bit can differ
/// between C libraries. `sqrt` is correctly rounded everywhere.
///
/// ```swift
/// var g = SeededNormalGenerator(seed: 42)
/// let a = g.next(), b = g.next()   // identical on Linux, macOS and Windows
/// ```
public struct SeededNormalGenerator: Sendable {
    private var state: UInt64
    private var spare: Double?

    /// Starts the sequence for `seed`.
    public init(seed: UInt64) {
        state = seed
        spare = nil
    }

    /// The next 64 uniform bits (SplitMix64).
    public mutating func nextBits() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(nextBits() >> 11) * 0x1p-53
    }

    /// The next standard normal number.
    public mutating func next() -> Double {
        if let value = spare {
            spare = nil
            return value
        }
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let m = (-2 * portableLog(s) / s).squareRoot()
                spare = v * m
                return u * m
            }
        }
    }
}

/// Natural logarithm of a positive, finite `x` using only correctly rounded
/// arithmetic, so that its result is bit-identical on every IEEE 754 platform.
///
/// `x = m · 2^e` with `m` in [√½, √2); `ln m = 2 atanh(z)` with
/// `z = (m - 1)/(m + 1)`, `|z| < 0.172`, summed as the odd series to 1e-17;
/// `ln x = ln m + e · ln 2`. Accurate to about one unit in the last place.
public func portableLog(_ x: Double) -> Double {
    require(x > 0 && x.isFinite, "portableLog needs a positive finite number, got \(x)")
    var m = x.significand          // in [1, 2), exact
    var e = Double(x.exponent)     // exact
    if m > 1.4142135623730951 {    // move m into [√½, √2) so |z| stays small
        m /= 2
        e += 1
    }
    let z = (m - 1) / (m + 1)
    let z2 = z * z
    var term = z
    var series = 0.0
    var k = 1.0
    while k < 60 {
        series += term / k
        term *= z2
        k += 2
    }
    // ln 2 split into a high part with trailing zero bits and a small correction.
    let ln2High = 0.693_147_180_369_123_816_49
    let ln2Low = 1.908_214_929_270_587_7e-10
    return 2 * series + e * ln2High + e * ln2Low
}
