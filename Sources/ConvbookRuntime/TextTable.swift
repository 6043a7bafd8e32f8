import ConvEngine

/// Plain-text rendering of tensors, for chapter programs run outside
/// `convbook build`.
enum TextTable {
    static func render(_ t: Tensor) -> String {
        switch t.rank {
        case 1:
            return "[" + t.scalars.map(format).joined(separator: ", ") + "]"
        case 2:
            let cells = (0..<t.shape[0]).map { i in (0..<t.shape[1]).map { j in format(t[i, j]) } }
            let width = cells.flatMap { $0 }.map(\.count).max() ?? 0
            return cells.map { row in
                row.map { String(repeating: " ", count: width - $0.count) + $0 }.joined(separator: "  ")
            }.joined(separator: "\n")
        default:
            return (0..<t.shape[0]).map { i in "[\(i)]\n" + render(t.slice(i)) }.joined(separator: "\n")
        }
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
    }
}
