#if canImport(Glibc)
import Glibc
#endif
import ConvbookFormat
import ConvEngine

/// Shows a tensor in the page: a matrix as an HTML table (TeX where needed),
/// larger tensors as one table per channel or filter slice.
///
/// ```swift
/// let x = Tensor(matrix: [[1, 2], [3, 4]])
/// show(x, "x")
/// show(pad(x, 1), "x padded", padding: 1)   // the zero border is drawn apart
/// show(dw, "dw", heatmap: true)              // cells coloured by sign and size
/// show(yFast, "y", tolerance: .relative(1e-12))   // how much it may differ on another machine
/// ```
///
/// Without `tolerance`, a tensor computed by the engine's loops is published
/// as exact, and one that went through BLAS as `Tolerance.rounding`.
/// Outside `convbook build` it prints the tensor as text.
public func show(_ tensor: Tensor, _ label: String? = nil, padding: HW? = nil, heatmap: Bool = false,
                 tolerance: Tolerance? = nil, file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
    guard RecordChannel.isActive else {
        if let label { print("\(label) =") }
        print(TextTable.render(tensor))
        return
    }
    PublicationCheck.entries(tensor.count, shape: tensor.shape, call: "show", what: "the tensor" + (label.map { " '\($0)'" } ?? ""))
    RecordChannel.emit(.show(.init(at: RecordChannel.site(file, line, column), label: label,
                                   value: PublishedValue(publishing: tensor).overriding(tolerance),
                                   padding: padding.map { [$0.height, $0.width] }, heatmap: heatmap)))
}

/// The outcome of ``checkGradients(_:threshold:file:line:)``: the relative
/// error of each named gradient.
public struct GradientCheckResult: Sendable {
    public let names: [String]
    public let errors: [Double]
    public let threshold: Double

    /// The relative error of the gradient called `name`, published as an
    /// error measure bounded by the threshold.
    public subscript(name: String) -> Measured {
        guard let index = names.firstIndex(of: name) else {
            preconditionFatal("no gradient called \(name) in this check; it has \(names)")
        }
        return Measured(errors[index], tolerance: .errorMeasure(bound: threshold))
    }

    /// The largest relative error in the check (NaN if any error is NaN or
    /// the check compared nothing).
    public var worst: Measured {
        let largest = errors.isEmpty || errors.contains(where: \.isNaN) ? .nan : errors.max()!
        return Measured(largest, tolerance: .errorMeasure(bound: threshold))
    }
    /// Whether every error is at or below the threshold (never for NaN or an empty check).
    public var passed: Bool { !errors.isEmpty && errors.allSatisfy { passes($0, bound: threshold) } }
}

/// Compares analytic gradients with numerical ones and shows the relative
/// errors as a table (gradient, relative error, threshold, pass or fail).
/// An error above `threshold` fails `convbook build`, pointing at this line.
/// Without `threshold`, the book's `gradient-threshold` (`book.toml`) applies,
/// else 1e-7.
///
/// ```swift
/// let check = checkGradients(("dx", grads.dx, dxNum), ("dw", grads.dw, dwNum), ("db", grads.db, dbNum))
/// check["dx"]   // e.g. 2.3e-10, ready to quote in the prose with `{swift} check["dx"]`
/// ```
@discardableResult
public func checkGradients(_ entries: (name: String, analytic: Tensor, numeric: Tensor)...,
                           threshold: Double? = nil,
                           file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) -> GradientCheckResult {
    let threshold = threshold ?? bookGradientThreshold
    let result = GradientCheckResult(names: entries.map(\.name),
                                     errors: entries.map { relError($0.analytic, $0.numeric) },
                                     threshold: threshold)
    if RecordChannel.isActive {
        RecordChannel.emit(.gradientCheck(.init(at: RecordChannel.site(file, line, column), threshold: threshold,
                                                rows: zip(result.names, result.errors).map { .init(name: $0, error: FlexibleDouble($1)) })))
    } else {
        for (name, error) in zip(result.names, result.errors) {
            print("\(name): relative error \(error) \(passes(error, bound: threshold) ? "ok" : "FAIL") (threshold \(threshold))")
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
///
/// The difference is returned, and published, as an error measure bounded by
/// `tolerance`: on another machine it may change its digits but not its
/// order of magnitude. A NaN in either tensor, or two empty tensors, make
/// the difference NaN, which fails.
@discardableResult
public func checkAgreement(_ label: String, _ a: Tensor, _ b: Tensor, tolerance: Double = 1e-12,
                           file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) -> Measured {
    let difference = a.shape == b.shape ? a.maxAbsDifference(b) : .infinity
    var note: String?
    if a.shape != b.shape { note = "shapes differ: \(a.shape) and \(b.shape)" }
    else if a.count == 0 { note = "both tensors are empty: nothing was compared" }
    else if difference.isNaN { note = "a NaN in the compared tensors" }
    if RecordChannel.isActive {
        RecordChannel.emit(.agreement(.init(at: RecordChannel.site(file, line, column), label: label,
                                            difference: FlexibleDouble(difference), tolerance: tolerance, note: note)))
    } else {
        print("\(label): max |difference| \(difference) \(passes(difference, bound: tolerance) ? "ok" : "FAIL") (tolerance \(tolerance))" + (note.map { "; \($0)" } ?? ""))
    }
    return Measured(difference, tolerance: .errorMeasure(bound: tolerance))
}

/// The book's default gradient-check threshold, which `convbook build` passes
/// as `CONVBOOK_GRADIENT_THRESHOLD`; 1e-7 (CS231n's bar) without it.
let bookGradientThreshold: Double = getenv("CONVBOOK_GRADIENT_THRESHOLD").flatMap { Double(String(cString: $0)) } ?? 1e-7

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
///
/// A cell is published as exact unless it is a `Measured` (its own
/// tolerance) or a tensor that went through BLAS; `tolerance` sets it for
/// every numeric cell.
public func showTable(_ columns: [String], _ rows: [[Any]], _ label: String? = nil, tolerance: Tolerance? = nil,
                      file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
    guard RecordChannel.isActive else {
        if let label { print(label) }
        print(columns.joined(separator: "\t"))
        for row in rows { print(row.map { "\($0)" }.joined(separator: "\t")) }
        return
    }
    PublicationCheck.entries(rows.reduce(0) { $0 + $1.count }, call: "showTable", what: "the table" + (label.map { " '\($0)'" } ?? ""))
    RecordChannel.emit(.table(.init(at: RecordChannel.site(file, line, column), label: label, columns: columns,
                                    cells: rows.map { $0.map { PublishedValue(publishing: $0).overriding(tolerance) } })))
}
