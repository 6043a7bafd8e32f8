import ConvbookFormat
import ConvEngine

// Figures drawn from data: the builder turns these records into inline SVG.
// Each figure is a row of grids ("panels"); every cell carries its text and a
// kind (an ordinary value, a padding zero, a cell under the window, a zero
// that dilation inserted) and, where it helps to follow a number from one grid
// to the next, a colour index.

struct FigureCell {
    enum Kind: String { case value, pad, window, windowPad = "window-pad", inserted }
    /// The number in the cell; the builder formats it, like every number on the page.
    var value: Double
    var kind: Kind = .value
    var hue: Int? = nil
}

struct FigureGrid {
    var title: String
    var rows: Int
    var columns: Int
    var cells: [FigureCell]

    /// The grid as the record channel carries it.
    var panel: FigurePanel {
        FigurePanel(title: title, rows: rows, columns: columns,
                    cells: cells.map { .init(v: FlexibleDouble($0.value), k: $0.kind.rawValue, h: $0.hue) })
    }
}

func emitFigure(_ panels: [FigureGrid], caption: String?, tolerance: Tolerance, file: StaticString, line: UInt, column: UInt) {
    guard RecordChannel.isActive else {
        if let caption { print(caption) }
        for panel in panels {
            print(panel.title)
            for r in 0..<panel.rows {
                print((0..<panel.columns).map { c -> String in
                    let cell = panel.cells[r * panel.columns + c]
                    return cell.kind == .window || cell.kind == .windowPad ? "[\(fmt(cell.value))]" : fmt(cell.value)
                }.joined(separator: " "))
            }
        }
        return
    }
    RecordChannel.emit(.figure(.init(at: RecordChannel.site(file, line, column), caption: caption,
                                     panels: panels.map(\.panel), tolerance: tolerance)))
}

private func requireMatrix(_ t: Tensor, _ what: String) {
    if t.rank != 2 { fatalError("\(what) needs a matrix, got shape \(t.shape)") }
}

/// Draws the window sliding over the zero-padded input: one small grid per
/// output position (i, j), in order, with the cells the window covers
/// highlighted and the padding drawn apart. The positions come from the
/// engine's `windowTaps`, the same arithmetic as the forward pass.
///
/// ```swift
/// showWindows(x, kernel: 3, ConvParameters(stride: 2, padding: 1))
/// ```
/// `name` titles each grid `name[i, j]` (default `y`; say `dw` when the window is dy).
public func showWindows(_ x: Tensor, kernel: HW, _ parameters: ConvParameters = ConvParameters(), limit: Int = 6,
                        name: String = "y", _ caption: String? = nil, tolerance: Tolerance? = nil,
                        file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
    requireMatrix(x, "showWindows")
    let p = parameters.paddingSides
    let padded = pad(x, p)
    let (rows, columns) = (padded.shape[0], padded.shape[1])
    guard let outRows = outputLength(input: x.shape[0], kernel: kernel.height, stride: parameters.stride.height,
                                     paddingLow: p.top, paddingHigh: p.bottom, dilation: parameters.dilation.height),
          let outColumns = outputLength(input: x.shape[1], kernel: kernel.width, stride: parameters.stride.width,
                                        paddingLow: p.left, paddingHigh: p.right, dilation: parameters.dilation.width) else {
        fatalError("showWindows: a \(kernel) kernel does not fit in x \(x.shape) with \(parameters)")
    }
    var panels = [FigureGrid]()
    let positions = (0..<(outRows * outColumns)).map { ($0 / outColumns, $0 % outColumns) }
    for (i, j) in positions.prefix(max(limit, 1)) {
        let taps = Set(windowTaps(outputRow: i, outputColumn: j, kernelHeight: kernel.height, kernelWidth: kernel.width, parameters)
            .map { $0.row * columns + $0.column })
        var cells = [FigureCell]()
        for r in 0..<rows {
            for c in 0..<columns {
                let isPadding = r < p.top || r >= rows - p.bottom || c < p.left || c >= columns - p.right
                let index = r * columns + c
                let kind: FigureCell.Kind = taps.contains(index) ? (isPadding ? .windowPad : .window) : (isPadding ? .pad : .value)
                cells.append(FigureCell(value: padded[r, c], kind: kind))
            }
        }
        panels.append(FigureGrid(title: "\(name)[\(i), \(j)]", rows: rows, columns: columns, cells: cells))
    }
    let more = positions.count > limit ? " (the first \(limit) of \(positions.count) positions)" : ""
    emitFigure(panels, caption: (caption ?? "The window over the padded input for each output position") + more,
               tolerance: tolerance ?? PublishedValue.defaultTolerance(x), file: file, line: line, column: column)
}

/// Draws dy and dy with `s - 1` zeros inserted between its entries (the
/// engine's `dilate`): each entry keeps its colour, so you can see where it
/// lands; the inserted zeros are drawn apart.
public func showStrideDilation(_ dy: Tensor, stride: HW, _ caption: String? = nil, tolerance: Tolerance? = nil,
                               file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
    requireMatrix(dy, "showStrideDilation")
    let (rows, columns) = (dy.shape[0], dy.shape[1])
    let spread = dilate(dy, by: stride)
    let original = FigureGrid(title: "dy", rows: rows, columns: columns,
                               cells: (0..<(rows * columns)).map { FigureCell(value: dy.scalars[$0], hue: $0) })
    var cells = [FigureCell]()
    for r in 0..<spread.shape[0] {
        for c in 0..<spread.shape[1] {
            if r % stride.height == 0 && c % stride.width == 0 {
                let source = (r / stride.height) * columns + c / stride.width
                cells.append(FigureCell(value: spread[r, c], hue: source))
            } else {
                cells.append(FigureCell(value: 0, kind: .inserted))
            }
        }
    }
    let dilated = FigureGrid(title: "dy with \(stride) − 1 zeros inserted", rows: spread.shape[0], columns: spread.shape[1], cells: cells)
    emitFigure([original, dilated], caption: caption ?? "Stride \(stride): dy spread out to where its windows started",
               tolerance: tolerance ?? PublishedValue.defaultTolerance(dy), file: file, line: line, column: column)
}

/// Draws a filter and the same filter rotated by 180 degrees (the engine's
/// `rotate180`), each entry keeping its colour.
public func showRotation(_ w: Tensor, _ caption: String? = nil, tolerance: Tolerance? = nil,
                         file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
    requireMatrix(w, "showRotation")
    let (rows, columns) = (w.shape[0], w.shape[1])
    let turned = rotate180(w)
    let before = FigureGrid(title: "w", rows: rows, columns: columns,
                             cells: (0..<(rows * columns)).map { FigureCell(value: w.scalars[$0], hue: $0) })
    let after = FigureGrid(title: "rotate180(w)", rows: rows, columns: columns,
                            cells: (0..<(rows * columns)).map { FigureCell(value: turned.scalars[$0], hue: rows * columns - 1 - $0) })
    emitFigure([before, after], caption: caption ?? "The filter turned by 180 degrees: entry (a, b) moves to (HH−1−a, WW−1−b)",
               tolerance: tolerance ?? PublishedValue.defaultTolerance(w), file: file, line: line, column: column)
}

/// Draws a line chart of one or more series against `x`, optionally with
/// logarithmic axes (a loss curve, an error against the step h).
///
/// ```swift
/// showPlot(x: steps, series: [("loss", losses)], xLabel: "step", yLabel: "loss")
/// ```
///
/// The numbers are published as exact unless `tolerance` says otherwise
/// (plain `Double`s carry no mark of having gone through BLAS).
public func showPlot(x: [Double], series: [(name: String, values: [Double])], xLabel: String, yLabel: String,
                     logX: Bool = false, logY: Bool = false, _ caption: String? = nil, tolerance: Tolerance? = nil,
                     file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
    for s in series where s.values.count != x.count {
        fatalError("showPlot: series '\(s.name)' has \(s.values.count) values for \(x.count) x values")
    }
    guard RecordChannel.isActive else {
        if let caption { print(caption) }
        print(([xLabel] + series.map(\.name)).joined(separator: "\t"))
        for (k, value) in x.enumerated() { print(([fmt(value)] + series.map { fmt($0.values[k]) }).joined(separator: "\t")) }
        return
    }
    RecordChannel.emit(.plot(.init(at: RecordChannel.site(file, line, column), caption: caption, xLabel: xLabel, yLabel: yLabel,
                                   logX: logX, logY: logY, x: x.map(FlexibleDouble.init),
                                   series: series.map { PlotSeries(name: $0.name, values: $0.values.map(FlexibleDouble.init)) },
                                   tolerance: tolerance ?? .exact)))
}
