import Foundation

/// One line of the record channel a chapter program writes (see
/// `ConvbookRuntime.RecordChannel`), decoded.
struct Record: Decodable, Sendable {
    var event: String
    /// Byte offset standard output had reached when the record was written (-1 if unknown).
    var stdout: Int
    var block: Int?
    var id: Int?
    var file: String?
    var line: Int?
    var label: String?
    var value: PublishedValue?
    var padding: [Int]?
    var heatmap: Bool?
    var threshold: FlexibleDouble?
    var rows: [GradientRow]?
    var difference: FlexibleDouble?
    var tolerance: FlexibleDouble?
    var note: String?
    var columns: [String]?
    var cells: [[PublishedValue]]?
    var name: String?
    var shape: [Int]?
    var caption: String?
    var panels: [FigurePanel]?
    var xLabel: String?
    var yLabel: String?
    var logX: Bool?
    var logY: Bool?
    var x: [FlexibleDouble]?
    var series: [PlotSeries]?
    var parameters: ExplorerParameters?
    var tensors: [String: PublishedValue]?
    var views: [ExplorerView]?

    struct GradientRow: Codable, Hashable, Sendable {
        var name: String
        var error: FlexibleDouble
    }

    /// Decodes a records file, one JSON object per line; a torn last line (the
    /// program died mid-write) is ignored.
    static func decodeLines(_ data: Data) -> [Record] {
        let decoder = JSONDecoder()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(Record.self, from: Data($0)) }
    }
}

/// One grid of a figure (see `ConvbookRuntime/Figures.swift`).
struct FigurePanel: Codable, Hashable, Sendable {
    struct Cell: Codable, Hashable, Sendable {
        /// Text.
        var v: String
        /// Kind: value, pad, window, inserted.
        var k: String
        /// Colour index, to follow an entry from grid to grid.
        var h: Int?
    }
    var title: String
    var rows: Int
    var columns: Int
    var cells: [Cell]
}

struct PlotSeries: Codable, Hashable, Sendable {
    var name: String
    var values: [FlexibleDouble]
}

struct ExplorerParameters: Codable, Hashable, Sendable {
    var stride: [Int]
    var padding: [Int]
    var dilation: [Int]
    var groups: Int
}

/// One way to read an explorer example: each cell of `target` is a sum of
/// products of cells of `sources[0]` and `sources[1]`; `terms[k]` lists the
/// pairs of flat indices for target cell k.
struct ExplorerView: Codable, Hashable, Sendable {
    var target: String
    var sources: [String]
    var terms: [[[Int]]]
}

/// A Double that also reads the strings "inf", "-inf" and "nan" that the
/// runtime writes for non-finite values, and writes them back the same way.
struct FlexibleDouble: Codable, Hashable, Sendable {
    var value: Double

    init(_ value: Double) { self.value = value }

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
        } else {
            switch try container.decode(String.self) {
            case "inf": value = .infinity
            case "-inf": value = -.infinity
            default: value = .nan
            }
        }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if value.isNaN { try container.encode("nan") }
        else if value.isInfinite { try container.encode(value > 0 ? "inf" : "-inf") }
        else { try container.encode(value) }
    }
}

/// A value a chapter published: a tensor, a number or text.
enum PublishedValue: Codable, Hashable, Sendable {
    case tensor(shape: [Int], data: [FlexibleDouble])
    case number(FlexibleDouble)
    case integer(Int)
    case text(String)

    private enum Keys: String, CodingKey { case type, shape, data, value }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "tensor": self = .tensor(shape: try c.decode([Int].self, forKey: .shape), data: try c.decode([FlexibleDouble].self, forKey: .data))
        case "number": self = .number(try c.decode(FlexibleDouble.self, forKey: .value))
        case "integer": self = .integer(try c.decode(Int.self, forKey: .value))
        default: self = .text(try c.decode(String.self, forKey: .value))
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .tensor(let shape, let data):
            try c.encode("tensor", forKey: .type); try c.encode(shape, forKey: .shape); try c.encode(data, forKey: .data)
        case .number(let x):
            try c.encode("number", forKey: .type); try c.encode(x, forKey: .value)
        case .integer(let n):
            try c.encode("integer", forKey: .type); try c.encode(n, forKey: .value)
        case .text(let s):
            try c.encode("text", forKey: .type); try c.encode(s, forKey: .value)
        }
    }

    /// The numbers in the value, for `convbook verify`.
    var numbers: [Double] {
        switch self {
        case .tensor(_, let data): return data.map(\.value)
        case .number(let x): return [x.value]
        case .integer(let n): return [Double(n)]
        case .text: return []
        }
    }
}
