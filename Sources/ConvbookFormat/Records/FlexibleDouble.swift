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
