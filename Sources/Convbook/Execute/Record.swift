import ConvbookFormat
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
    var column: Int?
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
    /// Why an inline expression has no value to show.
    var error: String?
    /// The class the author chose for this call's values (`tolerance:` on
    /// `show`, `showTable`, ...; not the agreement's `tolerance`).
    var valueClass: Tolerance?

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
        /// The number in the cell.
        var v: FlexibleDouble
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

/// A value a chapter published: a tensor, a number or text. Tensors and
/// numbers carry their tolerance across machines (exact unless the runtime
/// or the author said otherwise).
enum PublishedValue: Codable, Hashable, Sendable {
    case tensor(shape: [Int], data: [FlexibleDouble], tolerance: Tolerance)
    case number(FlexibleDouble, tolerance: Tolerance)
    case integer(Int)
    case text(String)

    private enum Keys: String, CodingKey { case type, shape, data, value, tolerance }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let tolerance = try c.decodeIfPresent(Tolerance.self, forKey: .tolerance) ?? .exact
        switch try c.decode(String.self, forKey: .type) {
        case "tensor": self = .tensor(shape: try c.decode([Int].self, forKey: .shape), data: try c.decode([FlexibleDouble].self, forKey: .data),
                                      tolerance: tolerance)
        case "number": self = .number(try c.decode(FlexibleDouble.self, forKey: .value), tolerance: tolerance)
        case "integer": self = .integer(try c.decode(Int.self, forKey: .value))
        default: self = .text(try c.decode(String.self, forKey: .value))
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .tensor(let shape, let data, let tolerance):
            try c.encode("tensor", forKey: .type); try c.encode(shape, forKey: .shape); try c.encode(data, forKey: .data)
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
    var numbers: [Double] {
        switch self {
        case .tensor(_, let data, _): return data.map(\.value)
        case .number(let x, _): return [x.value]
        case .integer(let n): return [Double(n)]
        case .text: return []
        }
    }

    /// The same value with the tolerance the author chose for the call
    /// (nil: keep the value's own). Integers and text stay exact.
    func overriding(_ tolerance: Tolerance?) -> PublishedValue {
        guard let tolerance else { return self }
        switch self {
        case .tensor(let shape, let data, _): return .tensor(shape: shape, data: data, tolerance: tolerance)
        case .number(let x, _): return .number(x, tolerance: tolerance)
        case .integer, .text: return self
        }
    }
}
