import ConvbookFormat
import ConvEngine

/// A number as the page writes it: integers without `.0`, otherwise 4
/// significant digits (scientific below 1e-3 and from 1e6).
///
/// ```swift
/// print("y[0, 0] =", fmt(y[0, 0]))   // "y[0, 0] = 37", not "37.0"
/// ```
public func fmt(_ x: Double, digits: Int = 4) -> String {
    NumberFormat.value(x, digits: digits)
}

/// A tensor's elements as the page writes numbers, in brackets.
public func fmt(_ t: Tensor, digits: Int = 4) -> String {
    func nested(_ shape: ArraySlice<Int>, _ values: ArraySlice<Double>) -> String {
        guard let first = shape.first else { return values.first.map { fmt($0, digits: digits) } ?? "" }
        let inner = shape.dropFirst().reduce(1, *)
        return "[" + (0..<first).map { i in
            nested(shape.dropFirst(), values[(values.startIndex + i * inner)..<(values.startIndex + (i + 1) * inner)])
        }.joined(separator: ", ") + "]"
    }
    return nested(t.shape[...], t.scalars[...])
}
