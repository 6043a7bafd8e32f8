import Foundation
import ConvbookFormat
/// Inline SVG for the runtime's figures (grids of numbers: a window over the
/// padded input, dy spread by the stride, a rotated filter) and its plots.
/// Colours come from classes in the theme's stylesheet, so they follow light
/// and dark mode; every SVG carries a title for screen readers.
enum FigureSVG {
    static let minimumCellWidth = 38, cellHeight = 26, titleHeight = 22
    /// The cells' labels: `svg.cb-grid text` in the stylesheet sets 11 px monospace.
    /// Monospace fonts advance 0.55–0.61 em a character (Consolas, Menlo,
    /// DejaVu Sans Mono, Liberation Mono); 0.65 em leaves room for a fallback
    /// font, and `labelMargin` keeps the text off the cell's lines.
    static let labelFontSize = 11.0, labelAdvance = 0.65, labelMargin = 6

    /// The width of a cell that holds every label given, whatever monospace
    /// font the reader's browser picks: never less than `minimumCellWidth`.
    static func cellWidth(for labels: [String]) -> Int {
        let longest = labels.map(\.count).max() ?? 0
        let text = Int((Double(longest) * labelFontSize * labelAdvance).rounded(.up))
        return max(minimumCellWidth, text + labelMargin)
    }

    static func figure(caption: String?, panels: [FigurePanel]) -> String {
        var html = "<figure class=\"cb-figure\">\n<div class=\"cb-figure-panels\">\n"
        // One cell width for every panel of the figure, from its widest label.
        let cellWidth = cellWidth(for: panels.flatMap { $0.cells.map { NumberFormat.value($0.v.value) } })
        for panel in panels { html += grid(panel, cellWidth: cellWidth) }
        html += "</div>\n"
        if let caption { html += "<figcaption>\(OutputHTML.escape(caption))</figcaption>\n" }
        return html + "</figure>\n"
    }

    /// A panel as a grid of cells, each a `<path>` (its outline: valid SVG
    /// 1.1, which a `<rect>` without width and height is not) followed by its
    /// `<text>`. The markup is kept short (a chapter page may hold a hundred
    /// such grids): a cell carries only its kind (`fig-window`, `fig-value
    /// fig-h3`) and its outline; the stylesheet centres the labels and colours
    /// each after its cell's kind.
    private static func grid(_ panel: FigurePanel, cellWidth: Int) -> String {
        let width = max(panel.columns * cellWidth, 8 * panel.title.count) + 2, height = panel.rows * cellHeight + titleHeight + 2
        let label = "\(panel.title): a \(panel.rows) by \(panel.columns) grid"
        var svg = "<svg class=\"cb-grid\" role=\"img\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
        svg += "<title>\(OutputHTML.escape(label))</title>"
        svg += "<text class=\"fig-title\" x=\"1\" y=\"15\">\(OutputHTML.escape(panel.title))</text>"
        for r in 0..<panel.rows {
            for c in 0..<panel.columns {
                let cell = panel.cells[r * panel.columns + c]
                let x = 1 + c * cellWidth, y = titleHeight + 1 + r * cellHeight
                var classes = "fig-\(cell.k)"
                if let hue = cell.h { classes += " fig-h\(hue % 12)" }
                svg += "<path class=\"\(classes)\" d=\"M\(x) \(y)h\(cellWidth)v\(cellHeight)H\(x)z\"/>"
                svg += "<text x=\"\(x + cellWidth / 2)\" y=\"\(y + cellHeight / 2 + 5)\">\(OutputHTML.escape(NumberFormat.value(cell.v.value)))</text>"
            }
        }
        return svg + "</svg>\n"
    }

    // MARK: Plots

    static let plotWidth = 600.0, plotHeight = 340.0
    static let left = 70.0, right = 20.0, top = 20.0, bottom = 50.0

    static func plot(_ plot: ExecutionResult.Plot) -> String {
        let xs = plot.x.map(\.value)
        func usable(_ v: Double, log: Bool) -> Bool { v.isFinite && (!log || v > 0) }
        let allY = plot.series.flatMap { $0.values.map(\.value) }.filter { usable($0, log: plot.logY) }
        let goodX = xs.filter { usable($0, log: plot.logX) }
        guard let xMin = goodX.min(), let xMax = goodX.max(), let yMin = allY.min(), let yMax = allY.max() else {
            return "<p class=\"cb-more\">(nothing to plot)</p>\n"
        }
        let xAxis = Axis(low: xMin, high: xMax, log: plot.logX, from: left, to: plotWidth - right)
        let yAxis = Axis(low: yMin, high: yMax, log: plot.logY, from: plotHeight - bottom, to: top)
        var svg = "<svg class=\"cb-plot\" role=\"img\" viewBox=\"0 0 \(Int(plotWidth)) \(Int(plotHeight))\" xmlns=\"http://www.w3.org/2000/svg\">"
        let names = plot.series.map(\.name).joined(separator: ", ")
        svg += "<title>\(OutputHTML.escape("\(names) against \(plot.xLabel)"))</title>"
        // Axes, ticks and grid lines.
        svg += "<line class=\"plot-axis\" x1=\"\(f(left))\" y1=\"\(f(plotHeight - bottom))\" x2=\"\(f(plotWidth - right))\" y2=\"\(f(plotHeight - bottom))\"/>"
        svg += "<line class=\"plot-axis\" x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(plotHeight - bottom))\"/>"
        for tick in xAxis.ticks() {
            let x = xAxis.position(tick)
            svg += "<line class=\"plot-grid\" x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(plotHeight - bottom))\"/>"
            svg += "<text class=\"plot-tick\" x=\"\(f(x))\" y=\"\(f(plotHeight - bottom + 16))\" text-anchor=\"middle\">\(OutputHTML.escape(label(tick, log: plot.logX)))</text>"
        }
        for tick in yAxis.ticks() {
            let y = yAxis.position(tick)
            svg += "<line class=\"plot-grid\" x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(plotWidth - right))\" y2=\"\(f(y))\"/>"
            svg += "<text class=\"plot-tick\" x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(OutputHTML.escape(label(tick, log: plot.logY)))</text>"
        }
        svg += "<text class=\"plot-label\" x=\"\(f((left + plotWidth - right) / 2))\" y=\"\(f(plotHeight - 10))\" text-anchor=\"middle\">\(OutputHTML.escape(plot.xLabel))</text>"
        svg += "<text class=\"plot-label\" transform=\"translate(16 \(f((top + plotHeight - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(OutputHTML.escape(plot.yLabel))</text>"
        // Series.
        for (k, series) in plot.series.enumerated() {
            var points = [String]()
            for (x, y) in zip(xs, series.values.map(\.value)) where usable(x, log: plot.logX) && usable(y, log: plot.logY) {
                points.append("\(f(xAxis.position(x))),\(f(yAxis.position(y)))")
            }
            svg += "<polyline class=\"plot-line plot-s\(k % 6)\" fill=\"none\" points=\"\(points.joined(separator: " "))\"/>"
            let legendY = top + 14 + Double(k) * 16
            svg += "<line class=\"plot-line plot-s\(k % 6)\" x1=\"\(f(plotWidth - right - 150))\" y1=\"\(f(legendY - 4))\" x2=\"\(f(plotWidth - right - 130))\" y2=\"\(f(legendY - 4))\"/>"
            svg += "<text class=\"plot-tick\" x=\"\(f(plotWidth - right - 125))\" y=\"\(f(legendY))\">\(OutputHTML.escape(series.name))</text>"
        }
        svg += "</svg>\n"
        var html = "<figure class=\"cb-figure\">\n\(svg)"
        if let caption = plot.caption { html += "<figcaption>\(OutputHTML.escape(caption))</figcaption>\n" }
        return html + "</figure>\n"
    }

    private static func f(_ x: Double) -> String { NumberFormat.fixed(x) }

    private static func label(_ x: Double, log: Bool) -> String { NumberFormat.value(x, digits: log ? 1 : 3) }

    /// A linear or logarithmic map from data to SVG coordinates, with ticks.
    struct Axis {
        var low: Double, high: Double, log: Bool, from: Double, to: Double

        init(low: Double, high: Double, log: Bool, from: Double, to: Double) {
            self.log = log
            self.from = from
            self.to = to
            if log {
                self.low = Foundation.pow(10, Foundation.floor(Foundation.log10(low)))
                self.high = Foundation.pow(10, Foundation.ceil(Foundation.log10(high)))
            } else {
                let span = high - low
                self.low = span == 0 ? low - 1 : low - 0.05 * span
                self.high = span == 0 ? high + 1 : high + 0.05 * span
            }
            if self.low == self.high { self.high = self.low * 10 }
        }

        func position(_ v: Double) -> Double {
            let t = log ? (Foundation.log10(v) - Foundation.log10(low)) / (Foundation.log10(high) - Foundation.log10(low))
                        : (v - low) / (high - low)
            return from + t * (to - from)
        }

        func ticks() -> [Double] {
            if log {
                let first = Int(Foundation.log10(low).rounded()), last = Int(Foundation.log10(high).rounded())
                let step = max(1, (last - first + 7) / 8)
                return stride(from: first, through: last, by: step).map { Foundation.pow(10, Double($0)) }
            }
            let raw = (high - low) / 5
            let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
            let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
            var ticks = [Double]()
            var t = Foundation.ceil(low / step) * step
            while t <= high + step * 1e-9 { ticks.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
            return ticks
        }
    }
}
