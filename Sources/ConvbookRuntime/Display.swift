import ConvEngine

/// Shows a tensor in the page: a matrix as an HTML table (TeX where needed),
/// larger tensors as one table per channel or filter slice.
///
/// ```swift
/// let x = Tensor(matrix: [[1, 2], [3, 4]])
/// show(x, "x")
/// show(pad(x, 1), "x padded", padding: 1)   // the zero border is drawn apart
/// show(dw, "dw", heatmap: true)              // cells coloured by sign and size
/// ```
///
/// Outside `convbook build` it prints the tensor as text.
public func show(_ tensor: Tensor, _ label: String? = nil, padding: HW? = nil, heatmap: Bool = false,
                 file: StaticString = #filePath, line: UInt = #line) {
    guard RecordChannel.isActive else {
        if let label { print("\(label) =") }
        print(TextTable.render(tensor))
        return
    }
    var fields = RecordChannel.location(file, line)
    fields.append(("label", label.map(JSON.string) ?? "null"))
    fields.append(("value", JSON.value(tensor)))
    fields.append(("padding", padding.map { JSON.array(["\($0.height)", "\($0.width)"]) } ?? "null"))
    fields.append(("heatmap", heatmap ? "true" : "false"))
    RecordChannel.emit("show", fields)
}

/// The outcome of ``checkGradients(_:threshold:file:line:)``: the relative
/// error of each named gradient.
public struct GradientCheckResult: Sendable {
    public let names: [String]
    public let errors: [Double]
    public let threshold: Double

    /// The relative error of the gradient called `name`.
    public subscript(name: String) -> Double {
        guard let index = names.firstIndex(of: name) else {
            preconditionFatal("no gradient called \(name) in this check; it has \(names)")
        }
        return errors[index]
    }

    /// The largest relative error in the check.
    public var worst: Double { errors.max() ?? 0 }
    /// Whether every error is at or below the threshold.
    public var passed: Bool { errors.allSatisfy { $0 <= threshold } }
}

/// Compares analytic gradients with numerical ones and shows the relative
/// errors as a table (gradient, relative error, threshold, pass or fail).
/// An error above `threshold` fails `convbook build`, pointing at this line.
///
/// ```swift
/// let check = checkGradients(("dx", grads.dx, dxNum), ("dw", grads.dw, dwNum), ("db", grads.db, dbNum))
/// check["dx"]   // e.g. 2.3e-10, ready to quote in the prose with `{swift} check["dx"]`
/// ```
@discardableResult
public func checkGradients(_ entries: (name: String, analytic: Tensor, numeric: Tensor)...,
                           threshold: Double = 1e-7,
                           file: StaticString = #filePath, line: UInt = #line) -> GradientCheckResult {
    let result = GradientCheckResult(names: entries.map(\.name),
                                     errors: entries.map { relError($0.analytic, $0.numeric) },
                                     threshold: threshold)
    if RecordChannel.isActive {
        var fields = RecordChannel.location(file, line)
        fields.append(("threshold", JSON.number(threshold)))
        fields.append(("rows", JSON.array(zip(result.names, result.errors).map { name, error in
            JSON.object([("name", JSON.string(name)), ("error", JSON.number(error))])
        })))
        RecordChannel.emit("gradcheck", fields)
    } else {
        for (name, error) in zip(result.names, result.errors) {
            print("\(name): relative error \(error) \(error <= threshold ? "ok" : "FAIL") (threshold \(threshold))")
        }
    }
    return result
}

/// Checks that two computations of the same tensor agree (a closed form
/// against the loops, say) and shows the largest difference. A difference
/// above `tolerance` fails `convbook build`, pointing at this line.
///
/// ```swift
/// checkAgreement("building blocks vs loops", convBackwardByBlocks(dy, x, w).dx, grads.dx)
/// ```
@discardableResult
public func checkAgreement(_ label: String, _ a: Tensor, _ b: Tensor, tolerance: Double = 1e-12,
                           file: StaticString = #filePath, line: UInt = #line) -> Double {
    let difference = a.shape == b.shape ? a.maxAbsDifference(b) : .infinity
    if RecordChannel.isActive {
        var fields = RecordChannel.location(file, line)
        fields.append(("label", JSON.string(label)))
        fields.append(("difference", JSON.number(difference)))
        fields.append(("tolerance", JSON.number(tolerance)))
        if a.shape != b.shape {
            fields.append(("note", JSON.string("shapes differ: \(a.shape) and \(b.shape)")))
        }
        RecordChannel.emit("agreement", fields)
    } else {
        print("\(label): max |difference| \(difference) \(difference <= tolerance ? "ok" : "FAIL") (tolerance \(tolerance))")
    }
    return difference
}

private func preconditionFatal(_ message: String) -> Never {
    fatalError(message)
}

/// Shows a table: a header row and rows of cells (numbers are formatted by the
/// builder, like every number on the page).
///
/// ```swift
/// showTable(["H", "HH", "s", "p", "H'"],
///           [[5, 3, 1, 0, 3], [5, 3, 2, 1, 3]])
/// ```
public func showTable(_ columns: [String], _ rows: [[Any]], _ label: String? = nil,
                      file: StaticString = #filePath, line: UInt = #line) {
    guard RecordChannel.isActive else {
        if let label { print(label) }
        print(columns.joined(separator: "\t"))
        for row in rows { print(row.map { "\($0)" }.joined(separator: "\t")) }
        return
    }
    var fields = RecordChannel.location(file, line)
    fields.append(("label", label.map(JSON.string) ?? "null"))
    fields.append(("columns", JSON.array(columns.map(JSON.string))))
    fields.append(("cells", JSON.array(rows.map { JSON.array($0.map(JSON.value)) })))
    RecordChannel.emit("table", fields)
}
