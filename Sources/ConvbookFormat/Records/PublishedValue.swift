/// A value a chapter published: a tensor, a number or text. Tensors and
/// numbers carry their tolerance across machines (exact unless the runtime
/// or the author said otherwise).
///
/// As JSON: `{"type": "tensor", "shape": [2, 2], "data": [1, 2, 3, 4]}`,
/// `{"type": "number", "value": 0.5, "tolerance": {...}}`,
/// `{"type": "integer", "value": 3}`, `{"type": "text", "value": "…"}`.
public enum PublishedValue: Codable, Hashable, Sendable {
    case tensor(shape: [Int], data: [FlexibleDouble], tolerance: Tolerance)
    case number(FlexibleDouble, tolerance: Tolerance)
    case integer(Int)
    case text(String)

    private enum Keys: String, CodingKey { case type, shape, data, value, tolerance }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let tolerance = try c.decodeIfPresent(Tolerance.self, forKey: .tolerance) ?? .exact
        switch try c.decode(String.self, forKey: .type) {
        case "tensor": self = .tensor(shape: try c.decode([Int].self, forKey: .shape), data: try c.decodeNumbers(forKey: .data),
                                      tolerance: tolerance)
        case "number": self = .number(try c.decode(FlexibleDouble.self, forKey: .value), tolerance: tolerance)
        case "integer": self = .integer(try c.decode(Int.self, forKey: .value))
        default: self = .text(try c.decode(String.self, forKey: .value))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .tensor(let shape, let data, let tolerance):
            try c.encode("tensor", forKey: .type); try c.encode(shape, forKey: .shape); try c.encodeNumbers(data, forKey: .data)
            if tolerance != .exact { try c.encode(tolerance, forKey: .tolerance) }
        case .number(let x, let tolerance):
            try c.encode("number", forKey: .type); try c.encode(x, forKey: .value)
            if tolerance != .exact { try c.encode(tolerance, forKey: .tolerance) }
        case .integer(let n):
            try c.encode("integer", forKey: .type); try c.encode(n, forKey: .value)
        case .text(let s):
            try c.encode("text", forKey: .type); try c.encode(s, forKey: .value)
        }
    }

    /// The numbers in the value.
    public var numbers: [Double] {
        switch self {
        case .tensor(_, let data, _): return data.map(\.value)
        case .number(let x, _): return [x.value]
        case .integer(let n): return [Double(n)]
        case .text: return []
        }
    }

    /// The same value with the tolerance the author chose for the call
    /// (nil: keep the value's own). Integers and text stay exact.
    public func overriding(_ tolerance: Tolerance?) -> PublishedValue {
        guard let tolerance else { return self }
        switch self {
        case .tensor(let shape, let data, _): return .tensor(shape: shape, data: data, tolerance: tolerance)
        case .number(let x, _): return .number(x, tolerance: tolerance)
        case .integer, .text: return self
        }
    }
}
