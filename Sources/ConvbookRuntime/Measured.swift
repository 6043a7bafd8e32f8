import ConvbookFormat

/// How much a published value may differ between machines (see
/// `ConvbookFormat.Tolerance`): `.exact`, `.relative(r)`, `.absolute(a)` or
/// `.errorMeasure(bound:)`. Most calls choose it for you; pass `tolerance:`
/// to `show`, `showTable`, `showPlot`, `explore` and the figures to choose it
/// yourself.
public typealias Tolerance = ConvbookFormat.Tolerance

/// A number published together with how much it may differ on another
/// machine. `checkAgreement` returns one (the largest difference, an error
/// measure bounded by the check's tolerance), and so does a
/// `GradientCheckResult`'s subscript; in prose it shows as its value.
///
/// ```swift
/// let difference = checkAgreement("im2col vs loops", fast, loops)
/// max(difference, otherDifference)      // still a Measured: Comparable
/// difference.value                      // the Double, for arithmetic
/// ```
///
/// A `Double` you compute from a machine-dependent tensor (`yFast.sum()`)
/// is only a `Double`: publish it as `measured(yFast.sum(), .relative(1e-12))`.
public struct Measured: Comparable, Sendable, CustomStringConvertible {
    public let value: Double
    public let tolerance: Tolerance

    public init(_ value: Double, tolerance: Tolerance) {
        self.value = value
        self.tolerance = tolerance
    }

    public static func < (a: Measured, b: Measured) -> Bool { a.value < b.value }
    public static func == (a: Measured, b: Measured) -> Bool { a.value == b.value }

    public var description: String { fmt(value) }
}

/// Publishes `value` with a tolerance of your choosing, for an inline value
/// that depends on the machine:
///
/// ```swift
/// The sum of the fast path's output is `{swift} measured(yFast.sum(), .relative(1e-12))`.
/// ```
public func measured(_ value: Double, _ tolerance: Tolerance) -> Measured {
    Measured(value, tolerance: tolerance)
}
