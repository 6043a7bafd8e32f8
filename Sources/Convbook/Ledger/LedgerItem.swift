import ConvbookFormat

/// One published value of a chapter's result, as ``LedgerWalk`` offers it:
/// what it is, where the chapter made it, its class, and its numbers, which
/// the visitor may replace (``Reconciliation`` puts the published numbers
/// back when the computed ones agree with them within the tolerance).
struct LedgerItem: Sendable {
    /// Where a value was made: the call that published it, an inline
    /// expression, or (for printed text) the block that printed it.
    enum Origin: Sendable {
        case call(ExecutionResult.VirtualLocation, block: Int)
        case inline(Int)
        case block(Int)
    }

    /// Stable under prose edits: `block 3 / item 2`, `block 3 / item 2 / dx`,
    /// `inline 5`, `data example-y.npy`.
    var key: String
    /// `tensor`, `number`, `integer`, `text`, `printed`, `gradient-check`,
    /// `agreement`, `rule`, `table-cell`, `figure`, `plot`, `explorer` or `data`.
    var kind: String
    /// What the page calls it (a tensor's label, a check's name), if anything.
    var label: String?
    var origin: Origin
    var tolerance: Tolerance
    /// A tensor's shape; nil for scalars and text.
    var shape: [Int]?
    var numbers: [Double]
    /// Text values (printed output, a text cell, an inline string); nil for numbers.
    var text: String?
    /// For checks: whether the value is within its bound.
    var passed: Bool?

    /// The numbers as the page prints them.
    var printed: [String] {
        if let text { return [text] }
        switch kind {
        case "gradient-check", "agreement": return numbers.map { NumberFormat.scientific($0) }
        default: return numbers.map { NumberFormat.value($0) }
        }
    }

    /// The item in words, for messages: `tensor 'dx'`, `gradient check of dw`.
    var description: String {
        let name = label.map { " '\($0)'" } ?? ""
        if key.hasPrefix("inline") { return "inline value" }
        switch kind {
        case "gradient-check": return "gradient check of \(label ?? "?"): relative error"
        case "agreement": return "agreement\(name): largest difference"
        case "rule": return "rule\(name): settings compared, left out and disagreeing"
        case "printed": return "printed output"
        case "number", "integer", "text": return "value\(name)"
        case "table-cell": return "table cell\(name)"
        case "explorer": return "explorer tensor\(name)"
        case "data": return "data file\(name)"
        default: return "\(kind)\(name)"
        }
    }

    /// `entry [0, 1, 2]` for element `index` of a tensor, `point 3` of a plot.
    func element(_ index: Int) -> String {
        guard numbers.count > 1 else { return "" }
        guard let shape, shape.reduce(1, *) == numbers.count else { return " entry \(index)" }
        var rest = index
        var at = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            at[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return " entry [" + at.map(String.init).joined(separator: ", ") + "]"
    }
}
