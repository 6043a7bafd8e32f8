import ConvbookFormat
import ConvEngine

extension PublishedValue {
    /// A value of any type as the page publishes it: tensors keep their shape
    /// and elements (rounding-level when they went through BLAS), numbers stay
    /// numbers (a `Measured` with its tolerance), everything else becomes its
    /// description.
    init(publishing value: Any) {
        switch value {
        case let t as Tensor:
            self = .tensor(shape: t.shape, data: t.scalars.map(FlexibleDouble.init), tolerance: Self.defaultTolerance(t))
        case let m as Measured:
            self = .number(FlexibleDouble(m.value), tolerance: m.tolerance)
        case let x as Double:
            self = .number(FlexibleDouble(x), tolerance: .exact)
        case let x as Float:
            self = .number(FlexibleDouble(Double(x)), tolerance: .exact)
        case let n as Int:
            self = .integer(n)
        case let b as Bool:
            self = .text(b ? "true" : "false")
        case let xs as [Double]:
            self.init(publishing: Tensor(vector: xs))
        case let ns as [Int]:
            self = .text("\(ns)")
        case let s as String:
            self = .text(s)
        case let s as Substring:
            self = .text(String(s))
        default:
            self = .text(String(describing: value))
        }
    }

    /// The tolerance a tensor gets without a word from the author: rounding
    /// level when it went through BLAS, exact otherwise.
    static func defaultTolerance(_ t: Tensor) -> Tolerance {
        t.reproducibility == .rounding ? .rounding : .exact
    }
}
