/// A Double as JSON that keeps NaN and infinity: finite numbers as numbers,
/// the others as the strings `"nan"`, `"inf"` and `"-inf"`. The one place
/// where non-finite numbers are encoded.
public struct FlexibleDouble: Codable, Hashable, Sendable {
    public var value: Double

    public init(_ value: Double) { self.value = value }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
        } else {
            switch try container.decode(String.self) {
            case "inf": value = .infinity
            case "-inf": value = -.infinity
            case "nan": value = .nan
            case let other:
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a number: '\(other)'")
            }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if value.isNaN { try container.encode("nan") }
        else if value.isInfinite { try container.encode(value > 0 ? "inf" : "-inf") }
        else { try container.encode(value) }
    }
}

extension KeyedDecodingContainer {
    /// An array of numbers, read as plain `[Double]` when every one is finite
    /// (the decoder's fast path: tensors and ledgers hold thousands), else
    /// element by element. The same JSON either way.
    public func decodeNumbers(forKey key: Key) throws -> [FlexibleDouble] {
        if let plain = try? decode([Double].self, forKey: key) { return plain.map(FlexibleDouble.init) }
        return try decode([FlexibleDouble].self, forKey: key)
    }
}

extension KeyedEncodingContainer {
    /// Writes numbers as ``KeyedDecodingContainer/decodeNumbers(forKey:)`` reads them.
    public mutating func encodeNumbers(_ numbers: [FlexibleDouble], forKey key: Key) throws {
        if numbers.allSatisfy({ $0.value.isFinite }) {
            try encode(numbers.map(\.value), forKey: key)
        } else {
            try encode(numbers, forKey: key)
        }
    }
}
