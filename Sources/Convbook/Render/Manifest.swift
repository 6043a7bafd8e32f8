import Foundation

/// Every value a built site publishes, by chapter, so that `convbook verify`
/// can recompute the chapters and compare. Written to `site/manifest.json`.
///
/// Keys are stable under prose edits: `block 3 / item 2` is the second output
/// of the chapter's third Swift block; `inline 5` the sixth inline expression.
public struct Manifest: Codable, Equatable, Sendable {
    public var format = 1
    public var chapters: [Chapter]

    public struct Chapter: Codable, Equatable, Sendable {
        public var file: String
        public var blocks: Int
        public var values: [Value]
    }

    public struct Value: Codable, Equatable, Sendable {
        public var key: String
        /// `tensor`, `number`, `integer`, `text`, `gradient-check` or `agreement`.
        public var kind: String
        public var numbers: [FlexibleNumber]
        public var text: String?
        /// For checks: whether it passed.
        public var passed: Bool?
    }

    /// A number that survives JSON round trips, non-finite values included.
    public struct FlexibleNumber: Codable, Equatable, Sendable {
        public var value: Double
        init(_ value: Double) { self.value = value }
        public init(from decoder: Decoder) throws { value = try FlexibleDouble(from: decoder).value }
        public func encode(to encoder: Encoder) throws { try FlexibleDouble(value).encode(to: encoder) }
    }

    static func chapter(file: String, result: ExecutionResult) -> Chapter {
        var values = [Value]()
        for block in result.blocks {
            for (n, item) in block.items.enumerated() {
                let key = "block \(block.index + 1) / item \(n + 1)"
                switch item {
                case .text:
                    continue
                case .tensor(_, let value, _, _, _):
                    values.append(entry(key, value))
                case .gradientCheck(let rows, let threshold, _):
                    values.append(Value(key: key, kind: "gradient-check", numbers: rows.map { FlexibleNumber($0.error.value) },
                                        text: rows.map(\.name).joined(separator: ","), passed: rows.allSatisfy { $0.error.value <= threshold }))
                case .table(_, let columns, let rows, _):
                    let cells = rows.flatMap { $0 }
                    values.append(Value(key: key, kind: "table", numbers: cells.flatMap(\.numbers).map(FlexibleNumber.init),
                                        text: columns.joined(separator: ",") + ";" + cells.map { if case .text(let t) = $0 { t } else { "#" } }.joined(separator: ",")))
                case .figure:
                    continue
                case .plot(let plot):
                    values.append(Value(key: key, kind: "plot", numbers: (plot.x + plot.series.flatMap(\.values)).map { FlexibleNumber($0.value) },
                                        text: plot.series.map(\.name).joined(separator: ",")))
                case .explorer(let explorer):
                    for named in explorer.tensors { values.append(entry("\(key) / \(named.name)", named.value)) }
                case .agreement(let label, let difference, let tolerance, _, _):
                    values.append(Value(key: key, kind: "agreement", numbers: [FlexibleNumber(difference.value)],
                                        text: label, passed: difference.value <= tolerance))
                }
            }
        }
        for (id, value) in result.inlines.enumerated() {
            if let value { values.append(entry("inline \(id + 1)", value)) }
        }
        return Chapter(file: file, blocks: result.blocks.count, values: values)
    }

    private static func entry(_ key: String, _ value: PublishedValue) -> Value {
        switch value {
        case .tensor(let shape, let data):
            return Value(key: key, kind: "tensor", numbers: data.map { FlexibleNumber($0.value) },
                         text: shape.map(String.init).joined(separator: "x"))
        case .number(let x): return Value(key: key, kind: "number", numbers: [FlexibleNumber(x.value)])
        case .integer(let n): return Value(key: key, kind: "integer", numbers: [FlexibleNumber(Double(n))])
        case .text(let s): return Value(key: key, kind: "text", numbers: [], text: s)
        }
    }

    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return (try? encoder.encode(self)) ?? Data()
    }
}
