import ConvbookFormat
import Foundation
import Testing
@testable import Convbook

/// Grid figures size their cells from the widest label of the figure (issue 22:
/// chapter 11's "-0.5096" overflowed a 38 px cell and ran into its neighbour).
@Suite struct FigureSVGTests {
    /// The widths of the figure's cells, from each cell's outline `<path … d="M1 23h38v26H1z"/>`.
    static func cellWidths(_ svg: String) -> Set<Int> {
        let pattern = try! NSRegularExpression(pattern: #"<path class="fig-[^"]*" d="M\d+ \d+h(\d+)v"#)
        let range = NSRange(svg.startIndex..., in: svg)
        return Set(pattern.matches(in: svg, range: range).compactMap { Int(svg[Range($0.range(at: 1), in: svg)!]) })
    }

    @Test func shortLabelsKeepTheSmallestCell() {
        #expect(FigureSVG.cellWidth(for: ["1", "-2", "0.5"]) == FigureSVG.minimumCellWidth)
        #expect(FigureSVG.cellWidth(for: []) == FigureSVG.minimumCellWidth)
    }

    @Test func everyCellOfTheFigureHoldsItsWidestLabel() {
        let small = FigurePanel(title: "w", rows: 1, columns: 2, cells: [
            .init(v: FlexibleDouble(1), k: "value", h: nil), .init(v: FlexibleDouble(2), k: "value", h: nil)])
        let wide = FigurePanel(title: "rotate180(w)", rows: 1, columns: 2, cells: [
            .init(v: FlexibleDouble(0.242), k: "value", h: nil), .init(v: FlexibleDouble(-0.5096), k: "value", h: nil)])
        let html = FigureSVG.figure(caption: nil, panels: [small, wide])
        let widths = Self.cellWidths(html)
        #expect(widths.count == 1, "one cell width for the whole figure: \(widths)")
        // "-0.5096": 7 characters of 11 px monospace, at most 0.61 em each in the fonts a browser picks.
        let needed = Int((7 * 11 * 0.61).rounded(.up))
        #expect((widths.first ?? 0) >= needed + 4, "cells \(widths) px for a label of about \(needed) px")
        #expect(html.contains(">-0.5096</text>"))
    }

    /// Each cell is an outline with its kind, then its label, nothing more.
    @Test func cellsAreShort() {
        let panel = FigurePanel(title: "x", rows: 1, columns: 2, cells: [
            .init(v: FlexibleDouble(1), k: "window", h: nil), .init(v: FlexibleDouble(-2), k: "value", h: 3)])
        let html = FigureSVG.figure(caption: nil, panels: [panel])
        #expect(html.contains(#"<path class="fig-window" d="M1 23h38v26H1z"/><text x="20" y="41">1</text>"#))
        #expect(html.contains(#"<path class="fig-value fig-h3" d="M39 23h38v26H39z"/><text x="58" y="41">-2</text>"#))
        #expect(Self.cellWidths(html) == [FigureSVG.minimumCellWidth])
    }
}
