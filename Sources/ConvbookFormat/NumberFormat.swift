import Foundation

/// The one place numbers become text, so that every page formats them the
/// same way on every build.
enum NumberFormat {
    /// A table cell or inline value: integers as integers; otherwise 4
    /// significant digits, in scientific notation below 1e-3 or from 1e6.
    ///
    ///     3 → "3"    0.125 → "0.125"    -1.23456 → "-1.235"    2.2471e-10 → "2.247e-10"
    static func value(_ x: Double, digits: Int = 4) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "∞" : "-∞" }
        if x == 0 { return "0" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        let magnitude = abs(x)
        if magnitude < 1e-3 || magnitude >= 1e6 { return scientific(x, digits: digits) }
        var text = String(format: "%.\(digits)g", x)
        if text.contains("e") { return scientific(x, digits: digits) }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// Scientific notation with `digits` significant digits: `1.160e-08`.
    static func scientific(_ x: Double, digits: Int = 4) -> String {
        if !x.isFinite { return value(x) }
        return String(format: "%.\(max(digits - 1, 0))e", x)
    }

    /// TeX for a number: `1.16 \times 10^{-8}` for scientific values.
    static func tex(_ x: Double, digits: Int = 4) -> String {
        let text = value(x, digits: digits)
        guard let e = text.firstIndex(of: "e") else {
            return text.replacingOccurrences(of: "∞", with: "\\infty")
        }
        let mantissa = text[..<e]
        let exponent = Int(text[text.index(after: e)...]) ?? 0
        return "\(mantissa) \\times 10^{\(exponent)}"
    }
}
