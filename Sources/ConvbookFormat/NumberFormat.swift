#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place numbers become text, shared by the page builder and by
/// chapter programs (`fmt`), so that every page formats them the same way on
/// every build. Uses only the C library's `snprintf`.
public enum NumberFormat {
    /// A table cell or inline value: integers as integers; otherwise 4
    /// significant digits, in scientific notation below 1e-3 or from 1e6.
    ///
    ///     3 → "3"    0.125 → "0.125"    -1.23456 → "-1.235"    2.2471e-10 → "2.247e-10"
    public static func value(_ x: Double, digits: Int = 4) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "∞" : "-∞" }
        if x == 0 { return "0" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        let magnitude = abs(x)
        if magnitude < 1e-3 || magnitude >= 1e6 { return scientific(x, digits: digits) }
        var text = printf("%.\(digits)g", x)
        if text.contains("e") { return scientific(x, digits: digits) }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// Scientific notation with `digits` significant digits: `1.160e-08`.
    public static func scientific(_ x: Double, digits: Int = 4) -> String {
        if !x.isFinite { return value(x) }
        return printf("%.\(max(digits - 1, 0))e", x)
    }

    /// TeX for a number: `1.16 \times 10^{-8}` for scientific values.
    public static func tex(_ x: Double, digits: Int = 4) -> String {
        let text = value(x, digits: digits)
        if text == "∞" { return "\\infty" }
        if text == "-∞" { return "-\\infty" }
        guard let e = text.firstIndex(of: "e") else { return text }
        let mantissa = text[..<e]
        let exponent = Int(text[text.index(after: e)...]) ?? 0
        return "\(mantissa) \\times 10^{\(exponent)}"
    }

    static func printf(_ format: String, _ x: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([x]) { arguments in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, arguments) }
        }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension NumberFormat {
    /// A coordinate for SVG: at most two decimals, no trailing zeros.
    public static func fixed(_ x: Double) -> String {
        var text = printf("%.2f", x.isFinite ? x : 0)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
