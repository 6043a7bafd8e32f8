/// Zero padding with its own amount on each side of an image: `top` rows of
/// zeros above, `bottom` below, `left` columns before, `right` after.
///
/// The symmetric padding p of ``ConvParameters/padding`` is the special case
/// top = bottom = p.height, left = right = p.width. JAX writes the same four
/// numbers as (low, high) pairs, `[(top, bottom), (left, right)]`.
///
/// ```swift
/// let p = Padding(top: 0, bottom: 1, left: 0, right: 1)
/// ConvParameters(padding: p)                           // the extra row and column at the bottom and right
/// Padding(HW(1)) == Padding(top: 1, bottom: 1, left: 1, right: 1)   // true
/// ```
public struct Padding: Hashable, Sendable, CustomStringConvertible {
    public var top: Int
    public var bottom: Int
    public var left: Int
    public var right: Int

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        self.top = top
        self.bottom = bottom
        self.left = left
        self.right = right
    }

    /// `p.height` rows above and below, `p.width` columns left and right.
    public init(_ p: HW) {
        self.init(top: p.height, bottom: p.height, left: p.width, right: p.width)
    }

    /// The zeros before the image on each axis: (top, left).
    public var low: HW { HW(height: top, width: left) }
    /// The zeros after the image on each axis: (bottom, right).
    public var high: HW { HW(height: bottom, width: right) }
    /// Rows and columns added in all: (top + bottom, left + right).
    public var total: HW { HW(height: top + bottom, width: left + right) }
    /// Whether each axis has as many zeros after the image as before it.
    public var isSymmetric: Bool { low == high }

    /// `1` or `(1, 2)` when symmetric (as ``HW`` prints), else every side by name.
    public var description: String {
        isSymmetric ? low.description : "(top \(top), bottom \(bottom), left \(left), right \(right))"
    }

    /// TensorFlow's `padding='SAME'` for an input of `input` rows and columns:
    /// the padding that gives ⌈H/s⌉ outputs per axis, split as
    /// ``samePadding(input:kernel:stride:dilation:)`` splits it (an odd total puts
    /// the extra row at the bottom and the extra column at the right).
    ///
    /// ```swift
    /// Padding.same(input: HW(4), kernel: HW(2))   // top 0, bottom 1, left 0, right 1
    /// ```
    public static func same(input: HW, kernel: HW, stride: HW = 1, dilation: HW = 1) -> Padding {
        let rows = samePadding(input: input.height, kernel: kernel.height, stride: stride.height, dilation: dilation.height)
        let columns = samePadding(input: input.width, kernel: kernel.width, stride: stride.width, dilation: dilation.width)
        return Padding(top: rows.low, bottom: rows.high, left: columns.low, right: columns.high)
    }

    /// PyTorch's `padding='same'`, which it accepts only with stride 1: d(k − 1)
    /// zeros per axis, whatever the input size, half (rounded down) before the
    /// image and the rest after it. At stride 1 this is what ``same(input:kernel:stride:dilation:)``
    /// gives for every input size.
    ///
    /// ```swift
    /// Padding.sameAtStrideOne(kernel: HW(2))   // top 0, bottom 1, left 0, right 1
    /// ```
    public static func sameAtStrideOne(kernel: HW, dilation: HW = 1) -> Padding {
        let rows = dilation.height * (kernel.height - 1), columns = dilation.width * (kernel.width - 1)
        return Padding(top: rows / 2, bottom: rows - rows / 2, left: columns / 2, right: columns - columns / 2)
    }
}

/// TensorFlow's "SAME" padding of one axis (n inputs, a kernel of k taps,
/// stride s, dilation d), as TensorFlow's documentation of `tf.nn` states it:
/// the output has ⌈n/s⌉ entries, which needs
///
///     total = max((⌈n/s⌉ − 1)·s + d(k − 1) + 1 − n, 0)
///
/// zeros, split as low = ⌊total/2⌋ before the input and high = total − low
/// after it. n, k, s and d must be at least 1.
///
/// ```swift
/// samePadding(input: 4, kernel: 2)              // (low: 0, high: 1)
/// samePadding(input: 7, kernel: 3, stride: 2)   // (low: 1, high: 1)
/// ```
public func samePadding(input n: Int, kernel k: Int, stride s: Int = 1, dilation d: Int = 1) -> (low: Int, high: Int) {
    require(n >= 1 && k >= 1 && s >= 1 && d >= 1,
            "samePadding needs input, kernel, stride and dilation of at least 1, got \(n), \(k), \(s), \(d)")
    let outputs = 1 + (n - 1) / s                                   // ⌈n/s⌉ (for n ≥ 1, without overflow)
    let total = Swift.max((outputs - 1) * s + d * (k - 1) + 1 - n, 0)
    return (total / 2, total - total / 2)
}
