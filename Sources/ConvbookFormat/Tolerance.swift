/// How much a published number may differ from one machine to the next: the
/// value class that `site/manifest.json` records for every published value,
/// and by which `convbook check` and `convbook verify` judge a recomputation.
///
/// The defaults need no word from the author:
/// - integers, shapes, text and the results of the engine's fixed-order loops
///   are ``exact``;
/// - tensors that went through BLAS (the im2col fast path) are ``rounding``;
/// - agreement differences and gradient-check errors are
///   ``errorMeasure(bound:)``, bounded by the check's own tolerance.
///
/// An author declares another class per call:
///
/// ```swift
/// show(yFast, "y", tolerance: .relative(1e-12))
/// `{swift} measured(yFast.sum(), .relative(1e-12))`
/// ```
public enum Tolerance: Hashable, Sendable {
    /// The same bits on every machine.
    case exact
    /// Equal up to `relative` times the value's scale: the largest magnitude
    /// in the published tensor (or the larger of the two numbers), so that an
    /// entry that cancels to almost zero is judged against its neighbours.
    case relative(Double)
    /// Equal up to an absolute difference.
    case absolute(Double)
    /// A measure of error (a largest difference, a relative error): judged by
    /// the bound it must satisfy and by its order of magnitude, not by its
    /// digits. It must be at most `bound`, and within a factor of ten of the
    /// published value; values below `bound / 1000` (too small to matter
    /// against the bound) all count as `bound / 1000`.
    case errorMeasure(bound: Double)

    /// The default for values that went through BLAS: 1e-11 of the value's
    /// scale. A different summation order moves a product of K terms by
    /// about K·2⁻⁵³ of its scale (1e-15 to 1e-13 here), a hundred times less;
    /// a change in the mathematics, or a drift of a millionth, is far more.
    public static let rounding = Tolerance.relative(1e-11)

    /// How many decades an error measure may move between machines.
    public static let errorMeasureFactor = 10.0
    /// Below `bound` times this, error measures are all alike.
    public static let errorMeasureFloor = 1e-3

    /// The class's name, as the manifest and `convbook verify` write it.
    public var className: String {
        switch self {
        case .exact: "exact"
        case .relative: "relative"
        case .absolute: "absolute"
        case .errorMeasure: "error-measure"
        }
    }

    /// The class's number (the tolerance or the bound); nil for ``exact``.
    public var amount: Double? {
        switch self {
        case .exact: nil
        case .relative(let r): r
        case .absolute(let a): a
        case .errorMeasure(let bound): bound
        }
    }

    /// Rebuilds a tolerance from ``className`` and ``amount``; nil for an unknown class.
    public init?(className: String, amount: Double?) {
        switch (className, amount) {
        case ("exact", _): self = .exact
        case ("relative", let r?): self = .relative(r)
        case ("absolute", let a?): self = .absolute(a)
        case ("error-measure", let bound?): self = .errorMeasure(bound: bound)
        default: return nil
        }
    }

    /// The tolerance in words, for messages: `exact`, `relative 1.000e-09`,
    /// `error measure ≤ 1.000e-12, within 10×`.
    public var description: String {
        switch self {
        case .exact: "exact"
        case .relative(let r): "relative \(NumberFormat.scientific(r))"
        case .absolute(let a): "absolute \(NumberFormat.scientific(a))"
        case .errorMeasure(let bound): "error measure ≤ \(NumberFormat.scientific(bound)), within \(NumberFormat.value(Self.errorMeasureFactor))×"
        }
    }

    /// Whether `computed` may stand for `published` under this tolerance.
    /// `published` and `computed` are the numbers of one value, in order
    /// (one for a scalar, every entry for a tensor).
    ///
    /// Only ``exact`` accepts a value that is not finite, and only the same
    /// bits: NaN and infinity fail every other comparison. Different counts
    /// never agree. No class lets a number stand for one it contradicts in
    /// kind: an exact zero for a non-zero (or the other way round), or a
    /// number of the other sign, whatever the amount. The one exception is
    /// an entry of a tensor under ``relative(_:)`` that is, published and
    /// computed, within the tolerance of zero for the tensor's scale: such
    /// an entry is rounding noise of its neighbours, and has no sign.
    ///
    ///     Tolerance.relative(1e-9).firstDisagreement(published: [1, 2], computed: [1, 2 + 1e-12])   // nil
    ///     Tolerance.exact.firstDisagreement(published: [1, 2], computed: [1, 2 + 1e-12])            // 1
    public func firstDisagreement(published: [Double], computed: [Double]) -> Int? {
        guard published.count == computed.count else { return min(published.count, computed.count) }
        let scale = published.map(abs).max() ?? 0
        return published.indices.first { k in !agrees(published[k], computed[k], scale: scale) }
    }

    /// Whether one computed number may stand for one published number;
    /// `scale` is the largest magnitude among the value's published numbers.
    private func agrees(_ p: Double, _ c: Double, scale: Double) -> Bool {
        switch self {
        case .exact:
            return p.bitPattern == c.bitPattern
        case .relative(let r) where Swift.max(abs(p), abs(c)) <= r * scale:
            // Both within rounding of zero for this tensor's scale: noise, of no sign.
            return p.isFinite && c.isFinite
        case .relative, .absolute, .errorMeasure:
            guard p.isFinite, c.isFinite, (p == 0) == (c == 0), p == 0 || (p < 0) == (c < 0) else { return false }
        }
        switch self {
        case .exact:
            return true
        case .relative(let r):
            return abs(p - c) <= r * Swift.max(scale, abs(c))
        case .absolute(let a):
            return abs(p - c) <= a
        case .errorMeasure(let bound):
            guard p >= 0, c >= 0, passes(c, bound: bound), passes(p, bound: bound) else { return false }
            if p == c { return true }
            let floor = bound * Self.errorMeasureFloor
            let ratio = Swift.max(c, floor) / Swift.max(p, floor)
            return ratio <= Self.errorMeasureFactor && ratio >= 1 / Self.errorMeasureFactor
        }
    }
}

extension Tolerance: Codable {
    private enum Keys: String, CodingKey { case `class`, amount }

    /// `{"class": "relative", "amount": 1e-09}`; the runtime writes the same
    /// two fields by hand (`JSON.tolerance`).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let name = try container.decode(String.self, forKey: .class)
        let amount = try container.decodeIfPresent(Double.self, forKey: .amount)
        guard let tolerance = Tolerance(className: name, amount: amount) else {
            throw DecodingError.dataCorruptedError(forKey: .class, in: container,
                                                   debugDescription: "unknown tolerance class '\(name)' or missing amount")
        }
        self = tolerance
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(className, forKey: .class)
        try container.encodeIfPresent(amount, forKey: .amount)
    }
}
