import ConvbookFormat
import Foundation

/// The parameter explorer (`exploreParameters`): a figure holding its data
/// (initial settings, the controls' ranges, the seed, and the engine's table)
/// for `convbook-params.js`, which builds the controls and drawings and recomputes
/// them with `convkernel.js`. Without scripts the caption still says what
/// the initial layer is.
enum ParameterExplorerHTML {
    /// The page's copy of a table row: what the browser is held to (the
    /// inputs are left out; the browser makes them from the seed).
    private struct PageRow: Encodable {
        var settings: LayerSettings
        var outHeight: Int, outWidth: Int
        var unreachedRows: [Int], unreachedCols: [Int]
        var cover: [Int]
        var aH: Int, aW: Int
        var y: KernelTensor, dx: KernelTensor
    }

    private struct PageData: Encodable {
        var label: String
        var seed: Int
        var initial: LayerSettings
        var limits: [String: [Int]]
        var table: [PageRow]
    }

    /// `ledger`: the ledger index of the first setting's entry (one entry a setting, in table order), as `data-v`.
    static func render(_ explorer: ParameterExplorer, ledger: Int? = nil) -> String {
        let data = PageData(label: explorer.label, seed: explorer.seed, initial: explorer.initial, limits: explorer.limits,
                            table: explorer.table.map {
                                PageRow(settings: $0.settings, outHeight: $0.outHeight, outWidth: $0.outWidth,
                                        unreachedRows: $0.unreachedRows, unreachedCols: $0.unreachedCols, cover: $0.cover,
                                        aH: $0.aH, aW: $0.aW, y: $0.y, dx: $0.dx)
                            })
        let s = explorer.initial
        var caption = "Parameter explorer: x is \(s.H) × \(s.W)"
        caption += s.C > 1 ? " with \(s.C) channels" : ""
        caption += ", w is \(s.HH) × \(s.WW)" + (s.F > 1 ? " (\(s.F) filters)" : "")
        caption += ", stride \(pair(s.sh, s.sw)), padding \(pair(s.ph, s.pw)), dilation \(pair(s.dh, s.dw))"
        if let first = explorer.table.first { caption += ", so y is \(first.outHeight) × \(first.outWidth)" }
        caption += ". Move the controls to change the layer; everything is recomputed in your browser."
        var html = "<figure class=\"cb-params\"\(ledger.map { " data-v=\"\($0)\"" } ?? "") aria-label=\"Parameter explorer: \(OutputHTML.escape(explorer.label))\">\n"
        html += "<script type=\"application/json\" class=\"cb-params-data\">\(json(data))</script>\n"
        html += "<figcaption>\(OutputHTML.escape(caption))</figcaption>\n"
        return html + "</figure>\n"
    }

    private static func pair(_ a: Int, _ b: Int) -> String { a == b ? "\(a)" : "(\(a), \(b))" }

    /// JSON for a script element: keys sorted, `</` escaped.
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return text.replacingOccurrences(of: "</", with: "<\\/")
    }
}
