import ConvbookFormat

/// A published value as a reader reads it: as prose text (an inline
/// expression's value, a table cell) or as TeX (an expression inside math).
/// Every number goes through ``NumberFormat``. It sits with Execute because
/// checks quote values as the reader reads them (``AnswerCheck``); Inject
/// and Render use it too.
enum ValueText {
    /// A value as prose text: numbers formatted, tensors in bracket notation.
    static func inline(_ value: PublishedValue) -> String {
        switch value {
        case .number(let x, _): return NumberFormat.value(x.value)
        case .integer(let n): return String(n)
        case .text(let s): return s
        case .tensor(let shape, let data, _):
            return bracketed(shape[...], data.map(\.value)[...])
        }
    }

    private static func bracketed(_ shape: ArraySlice<Int>, _ data: ArraySlice<Double>) -> String {
        guard let first = shape.first else { return data.first.map { NumberFormat.value($0) } ?? "" }
        let inner = shape.dropFirst().reduce(1, *)
        let parts = (0..<first).map { i in
            bracketed(shape.dropFirst(), data[(data.startIndex + i * inner)..<(data.startIndex + (i + 1) * inner)])
        }
        return "[" + parts.joined(separator: ", ") + "]"
    }

    /// A value as TeX, for an inline expression inside math: a matrix becomes
    /// a `bmatrix`, a vector a one-row `bmatrix`, a number its TeX form.
    static func tex(_ value: PublishedValue) -> String {
        switch value {
        case .number(let x, _): return NumberFormat.tex(x.value)
        case .integer(let n): return String(n)
        case .text(let s): return "\\text{\(s.replacingOccurrences(of: "\\", with: "\\textbackslash{}").replacingOccurrences(of: "{", with: "\\{").replacingOccurrences(of: "}", with: "\\}"))}"
        case .tensor(let shape, let data, _):
            let values = data.map(\.value)
            switch shape.count {
            case 1:
                return "\\begin{bmatrix} " + values.map { NumberFormat.tex($0) }.joined(separator: " & ") + " \\end{bmatrix}"
            case 2:
                let rows = (0..<shape[0]).map { i in
                    (0..<shape[1]).map { j in NumberFormat.tex(values[i * shape[1] + j]) }.joined(separator: " & ")
                }
                return "\\begin{bmatrix} " + rows.joined(separator: " \\\\ ") + " \\end{bmatrix}"
            default:
                return "\\text{tensor of shape (\(shape.map(String.init).joined(separator: ", ")))}"
            }
        }
    }
}
