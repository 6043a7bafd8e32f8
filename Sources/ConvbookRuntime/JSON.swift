import ConvEngine

/// The few JSON encodings the record channel needs, written out so chapter
/// programs do not have to load Foundation.
enum JSON {
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A number as the shortest text that reads back to the same Double;
    /// non-finite values as the strings "inf", "-inf" and "nan".
    static func number(_ x: Double) -> String {
        if x.isNaN { return "\"nan\"" }
        if x.isInfinite { return x > 0 ? "\"inf\"" : "\"-inf\"" }
        return "\(x)"
    }

    /// A tolerance as `Tolerance`'s Codable form: `{"class":"relative","amount":1e-09}`.
    static func tolerance(_ t: Tolerance) -> String {
        var fields = [("class", string(t.className))]
        if let amount = t.amount { fields.append(("amount", number(amount))) }
        return object(fields)
    }

    /// The tolerance a tensor gets without a word from the author: rounding
    /// level when it went through BLAS, exact (nil) otherwise.
    static func defaultTolerance(_ t: Tensor) -> Tolerance? {
        t.reproducibility == .rounding ? .rounding : nil
    }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// A value of any type, tagged by kind: tensors keep their shape and
    /// elements, numbers stay numbers, everything else becomes its description.
    static func value(_ v: Any) -> String {
        switch v {
        case let t as Tensor:
            var fields = [("type", string("tensor")), ("shape", array(t.shape.map { "\($0)" })),
                          ("data", array(t.scalars.map(number)))]
            if let tolerance = defaultTolerance(t) { fields.append(("tolerance", self.tolerance(tolerance))) }
            return object(fields)
        case let m as Measured:
            return object([("type", string("number")), ("value", number(m.value)), ("tolerance", tolerance(m.tolerance))])
        case let x as Double:
            return object([("type", string("number")), ("value", number(x))])
        case let x as Float:
            return object([("type", string("number")), ("value", number(Double(x)))])
        case let n as Int:
            return object([("type", string("integer")), ("value", "\(n)")])
        case let b as Bool:
            return object([("type", string("text")), ("value", string(b ? "true" : "false"))])
        case let xs as [Double]:
            return value(Tensor(vector: xs))
        case let ns as [Int]:
            return object([("type", string("text")), ("value", string("\(ns)"))])
        case let s as String:
            return object([("type", string("text")), ("value", string(s))])
        case let s as Substring:
            return object([("type", string("text")), ("value", string(String(s)))])
        default:
            return object([("type", string("text")), ("value", string(String(describing: v)))])
        }
    }
}
