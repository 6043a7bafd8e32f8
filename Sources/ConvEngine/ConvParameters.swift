/// A pair of integers, one for the height axis and one for the width axis.
///
/// An integer literal sets both: `let s: HW = 2` is `HW(height: 2, width: 2)`.
public struct HW: Hashable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    public var height: Int
    public var width: Int

    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    /// The same value on both axes.
    public init(_ both: Int) {
        self.init(height: both, width: both)
    }

    public init(integerLiteral value: Int) {
        self.init(value)
    }

    /// `2` when both axes agree, `(2, 3)` otherwise.
    public var description: String {
        height == width ? "\(height)" : "(\(height), \(width))"
    }
}

/// The hyper-parameters of a 2-D convolution layer: stride s, zero padding p,
/// dilation d (each per axis) and groups.
///
/// The padding is symmetric (p zeros on both sides of each axis) unless it is
/// given side by side as a ``Padding``; the symmetric p is the special case.
///
/// ```swift
/// let p = ConvParameters(stride: 2, padding: 1)
/// let q = ConvParameters(stride: HW(height: 1, width: 2), dilation: 2, groups: 4)
/// let r = ConvParameters(padding: Padding(top: 0, bottom: 1, left: 0, right: 1))
/// ```
public struct ConvParameters: Hashable, Sendable, CustomStringConvertible {
    public var stride: HW
    /// The zeros on each side of the image.
    public var paddingSides: Padding
    public var dilation: HW
    public var groups: Int

    public init(stride: HW = 1, padding: HW = 0, dilation: HW = 1, groups: Int = 1) {
        self.init(stride: stride, padding: Padding(padding), dilation: dilation, groups: groups)
    }

    /// A layer with its own padding on each side.
    public init(stride: HW = 1, padding: Padding, dilation: HW = 1, groups: Int = 1) {
        self.stride = stride
        self.paddingSides = padding
        self.dilation = dilation
        self.groups = groups
    }

    /// The symmetric padding p: `p.height` rows above and below, `p.width`
    /// columns left and right. Setting it sets all four sides. Reading it from
    /// a layer whose padding differs between the two sides of an axis stops the
    /// program (there is no single p): read ``paddingSides`` there.
    public var padding: HW {
        get {
            require(paddingSides.isSymmetric,
                    "the padding \(paddingSides) is not symmetric, so it has no single p: read paddingSides")
            return paddingSides.low
        }
        set { paddingSides = Padding(newValue) }
    }

    public var description: String {
        "stride \(stride), padding \(paddingSides), dilation \(dilation), groups \(groups)"
    }
}

/// An invalid layer: its message names the numbers that do not fit.
public struct ConvError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The output length of one axis:
/// `floor((n + 2p - d(k - 1) - 1) / s) + 1`, or nil when the window does not
/// fit (or the numbers are too large for `Int`).
///
/// ```swift
/// outputLength(input: 5, kernel: 3, stride: 2, padding: 1)   // 3
/// ```
public func outputLength(input n: Int, kernel k: Int, stride s: Int = 1, padding p: Int = 0, dilation d: Int = 1) -> Int? {
    outputLength(input: n, kernel: k, stride: s, paddingLow: p, paddingHigh: p, dilation: d)
}

/// The output length of one axis padded with `paddingLow` zeros before the
/// input and `paddingHigh` after it:
/// `floor((n + p_low + p_high - d(k - 1) - 1) / s) + 1`, or nil when the window
/// does not fit (or the numbers are too large for `Int`).
///
/// ```swift
/// outputLength(input: 4, kernel: 2, paddingLow: 0, paddingHigh: 1)   // 4
/// ```
public func outputLength(input n: Int, kernel k: Int, stride s: Int = 1, paddingLow: Int, paddingHigh: Int,
                         dilation d: Int = 1) -> Int? {
    guard let span = spanOfWindows(input: n, kernel: k, paddingLow: paddingLow, paddingHigh: paddingHigh, dilation: d),
          span >= 0, s >= 1 else { return nil }
    return span / s + 1
}

/// `n + p_low + p_high - d(k - 1) - 1`, or nil when it overflows `Int`.
func spanOfWindows(input n: Int, kernel k: Int, paddingLow: Int, paddingHigh: Int, dilation d: Int) -> Int? {
    checkedSum([n, paddingLow, paddingHigh, checkedProduct([-d, k - 1]), -1])
}

/// The product of `factors`, or nil when it overflows `Int`.
func checkedProduct(_ factors: [Int?]) -> Int? {
    var result = 1
    for factor in factors {
        guard let factor else { return nil }
        let (product, overflow) = result.multipliedReportingOverflow(by: factor)
        if overflow { return nil }
        result = product
    }
    return result
}

/// The sum of `terms`, or nil when it overflows `Int`.
func checkedSum(_ terms: [Int?]) -> Int? {
    var result = 0
    for term in terms {
        guard let term else { return nil }
        let (sum, overflow) = result.addingReportingOverflow(term)
        if overflow { return nil }
        result = sum
    }
    return result
}

/// The checked shapes of one convolution layer, computed by ``ConvGeometry/init(input:weight:parameters:)``.
public struct ConvGeometry: Hashable, Sendable {
    public let N: Int, C: Int, H: Int, W: Int
    public let F: Int, HH: Int, WW: Int
    public let outHeight: Int, outWidth: Int
    public let parameters: ConvParameters

    /// Channels each filter sees, `C / groups`.
    public var channelsPerGroup: Int { C / parameters.groups }
    /// Filters in each group, `F / groups`.
    public var filtersPerGroup: Int { F / parameters.groups }
    /// The group that filter `f` belongs to.
    public func group(ofFilter f: Int) -> Int { f / filtersPerGroup }

    public var inputShape: [Int] { [N, C, H, W] }
    public var weightShape: [Int] { [F, C / parameters.groups, HH, WW] }
    public var outputShape: [Int] { [N, F, outHeight, outWidth] }

    /// Validates the shapes of x (N, C, H, W) and w (F, C/groups, HH, WW) against
    /// the parameters. The error message names the numbers that do not fit.
    public init(input: [Int], weight: [Int], parameters p: ConvParameters) throws {
        guard input.count == 4 else {
            throw ConvError("input must have 4 axes (N, C, H, W), got shape \(input)")
        }
        guard weight.count == 4 else {
            throw ConvError("weight must have 4 axes (F, C/groups, HH, WW), got shape \(weight)")
        }
        for (name, value) in [("stride", p.stride), ("dilation", p.dilation)] {
            guard value.height >= 1, value.width >= 1 else {
                throw ConvError("\(name) must be at least 1, got \(value)")
            }
        }
        let sides = p.paddingSides
        guard sides.top >= 0, sides.bottom >= 0, sides.left >= 0, sides.right >= 0 else {
            throw ConvError("padding must be non-negative, got \(sides)")
        }
        guard p.groups >= 1 else { throw ConvError("groups must be at least 1, got \(p.groups)") }
        let (N, C, H, W) = (input[0], input[1], input[2], input[3])
        let (F, Cg, HH, WW) = (weight[0], weight[1], weight[2], weight[3])
        guard input.allSatisfy({ $0 >= 1 }) else { throw ConvError("input shape \(input) has an empty axis") }
        guard weight.allSatisfy({ $0 >= 1 }) else { throw ConvError("weight shape \(weight) has an empty axis") }
        guard C % p.groups == 0 else {
            throw ConvError("input channels C = \(C) are not divisible by groups = \(p.groups)")
        }
        guard F % p.groups == 0 else {
            throw ConvError("filters F = \(F) are not divisible by groups = \(p.groups)")
        }
        guard Cg == C / p.groups else {
            throw ConvError("weight shape \(weight) needs C/groups = \(C)/\(p.groups) = \(C / p.groups) channels in axis 1, got \(Cg)")
        }
        // The padding as the formulas print it: 2p when symmetric, p_low + p_high otherwise.
        let (rowPadding, columnPadding) = sides.isSymmetric
            ? (("2p", "2·\(sides.top)"), ("2p", "2·\(sides.left)"))
            : (("p_top + p_bottom", "\(sides.top) + \(sides.bottom)"), ("p_left + p_right", "\(sides.left) + \(sides.right)"))
        // Sizes too large for Int: say so, rather than trap in the arithmetic below.
        for (axis, n, k, low, high, d) in [("height", H, HH, sides.top, sides.bottom, p.dilation.height),
                                           ("width", W, WW, sides.left, sides.right, p.dilation.width)] {
            guard spanOfWindows(input: n, kernel: k, paddingLow: low, paddingHigh: high, dilation: d) != nil,
                  checkedSum([n, low, high]) != nil else {
                let (size, padding) = axis == "height" ? ("H", rowPadding.0) : ("W", columnPadding.0)
                let amounts = low == high ? "p = \(low)" : "p_low = \(low), p_high = \(high)"
                throw ConvError("the \(axis) numbers are too large: \(size) + \(padding) - d(k - 1) - 1 with \(size) = \(n), \(amounts), d = \(d), k = \(k) does not fit in a 64-bit integer")
            }
        }
        guard let outHeight = outputLength(input: H, kernel: HH, stride: p.stride.height,
                                           paddingLow: sides.top, paddingHigh: sides.bottom, dilation: p.dilation.height) else {
            throw ConvError("no output rows: H + \(rowPadding.0) - d(HH - 1) - 1 = \(H) + \(rowPadding.1) - \(p.dilation.height)·(\(HH) - 1) - 1 = \(H + sides.top + sides.bottom - p.dilation.height * (HH - 1) - 1) < 0")
        }
        guard let outWidth = outputLength(input: W, kernel: WW, stride: p.stride.width,
                                          paddingLow: sides.left, paddingHigh: sides.right, dilation: p.dilation.width) else {
            throw ConvError("no output columns: W + \(columnPadding.0) - d(WW - 1) - 1 = \(W) + \(columnPadding.1) - \(p.dilation.width)·(\(WW) - 1) - 1 = \(W + sides.left + sides.right - p.dilation.width * (WW - 1) - 1) < 0")
        }
        let paddedH = H + sides.top + sides.bottom, paddedW = W + sides.left + sides.right
        guard checkedProduct([N, F, outHeight, outWidth]) != nil, checkedProduct([N, C, paddedH, paddedW]) != nil,
              checkedProduct([C / p.groups, HH, WW, N, outHeight, outWidth]) != nil else {
            throw ConvError("the layer is too large: an output of \(N)·\(F)·\(outHeight)·\(outWidth) or a padded input of \(N)·\(C)·\(paddedH)·\(paddedW) elements does not fit in a 64-bit integer")
        }
        self.N = N; self.C = C; self.H = H; self.W = W
        self.F = F; self.HH = HH; self.WW = WW
        self.outHeight = outHeight; self.outWidth = outWidth
        self.parameters = p
    }

    /// Validates shapes like ``init(input:weight:parameters:)`` and also a bias of
    /// shape (F) and an upstream gradient of the output's shape.
    public static func validated(x: Tensor, w: Tensor, b: Tensor? = nil, dy: Tensor? = nil,
                                 parameters: ConvParameters) throws -> ConvGeometry {
        let g = try ConvGeometry(input: x.shape, weight: w.shape, parameters: parameters)
        if let b, b.shape != [g.F] {
            throw ConvError("bias must have shape [\(g.F)] (one per filter), got \(b.shape)")
        }
        if let dy, dy.shape != g.outputShape {
            throw ConvError("upstream gradient must have the output's shape \(g.outputShape), got \(dy.shape)")
        }
        return g
    }

    /// Like ``validated(x:w:b:dy:parameters:)``, but traps with the same message:
    /// the math functions use this.
    static func require(x: Tensor, w: Tensor, b: Tensor? = nil, dy: Tensor? = nil,
                        parameters: ConvParameters) -> ConvGeometry {
        do {
            return try validated(x: x, w: w, b: b, dy: dy, parameters: parameters)
        } catch {
            fatalError("\(error)")
        }
    }
}
