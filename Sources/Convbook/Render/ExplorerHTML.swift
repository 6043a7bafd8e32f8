import ConvbookFormat
import Foundation

/// The receptive-field explorer: the example's tensors as tables whose cells
/// carry `data-cell="NAME:INDEX"`, one tab per reading (y from x and w, dx from
/// dy and w, dw from x and dy), and, per target cell, the engine's list of
/// source cells, with the example's tensors at full precision.
/// `convbook-explorer.js` highlights what this data says and writes the sum
/// out in the numbers the page shows.
enum ExplorerHTML {
    /// `ledger`: the ledger index of the explorer's first tensor (one entry a tensor, in `explorer.tensors`' order), as `data-v`.
    static func render(_ explorer: ExecutionResult.Explorer, downloadPrefix: String, ledger: Int? = nil) -> String {
        let values = Dictionary(explorer.tensors.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        var views = [[String: Any]]()
        var tabs = ""
        for view in explorer.views {
            guard view.sources.count == 2, values[view.target] != nil,
                  values[view.sources[0]] != nil, values[view.sources[1]] != nil else { continue }
            // Which cells of each source make each cell of the target; convbook-explorer.js writes the sum out.
            var cells = [String: Any]()
            for (index, terms) in view.terms.enumerated() {
                cells[String(index)] = ["a": terms.map { $0[0] }, "b": terms.map { $0[1] }] as [String: Any]
            }
            var panels = view.sources + [view.target]
            if view.target == "y", values["b"] != nil { panels.insert("b", at: 2) }
            let title = "\(view.target) from \(view.sources[0]) and \(view.sources[1])"
            views.append(["target": view.target, "sources": view.sources, "panels": panels, "cells": cells,
                          "hint": "Point at or tab to a cell of \(view.target) to see which cells of \(view.sources[0]) and \(view.sources[1]) make it."])
            // The ARIA tabs pattern: the first tab selected and the one in the tab order (a roving
            // tabindex); convbook-explorer.js gives the ids, aria-controls and the arrow keys.
            let opening = tabs.isEmpty
            tabs += "<button type=\"button\" role=\"tab\" data-view=\"\(view.target)\" aria-selected=\"\(opening)\" tabindex=\"\(opening ? 0 : -1)\">\(OutputHTML.escape(title))</button>"
        }
        let p = explorer.parameters
        var html = "<figure class=\"cb-explorer\"\(ledger.map { " data-v=\"\($0)\"" } ?? "") aria-label=\"Receptive-field explorer: \(OutputHTML.escape(explorer.label))\">\n"
        html += "<div class=\"cb-explorer-tabs\" role=\"tablist\" aria-label=\"What to explain\">\(tabs)</div>\n"
        // One tab panel for every tab: the tensors a reading shows, and its sum.
        html += "<div class=\"cb-explorer-view\" role=\"tabpanel\">\n<div class=\"cb-explorer-tensors\">\n"
        for named in explorer.tensors where named.name != "db" {
            html += "<div class=\"cb-explorer-panel\" data-tensor=\"\(named.name)\">\n"
            html += OutputHTML.tensor(named.value, label: named.name, padding: nil, cellPrefix: named.name)
            html += "</div>\n"
        }
        html += "</div>\n<p class=\"cb-explorer-sum\" aria-live=\"polite\"></p>\n</div>\n"
        html += "<details class=\"cb-pytorch\"><summary>Check this example with PyTorch</summary>\n"
        html += "<pre class=\"cb-code\"><code>\(OutputHTML.escape(pytorch(explorer, prefix: downloadPrefix)))</code></pre>\n</details>\n"
        let viewsJSON = (try? JSONSerialization.data(withJSONObject: views, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        // With the example at full precision (its numbers as JSONEncoder writes them), for the page's "Recompute" control.
        let json = "{\"example\":\(ParameterExplorerHTML.json(explorer.kernelCase)),\"views\":\(viewsJSON.replacingOccurrences(of: "</", with: "<\\/"))}"
        html += "<script type=\"application/json\" class=\"cb-explorer-data\">\(json)</script>\n"
        // A figcaption must be the figure's first or last child.
        html += "<figcaption>stride \(pair(p.stride)), padding \(pair(p.padding)), dilation \(pair(p.dilation)), groups \(p.groups)</figcaption>\n"
        return html + "</figure>\n"
    }
    private static func pair(_ values: [Int]) -> String {
        values.count == 2 && values[0] == values[1] ? "\(values[0])" : "(" + values.map(String.init).joined(separator: ", ") + ")"
    }

    /// The same layer in PyTorch, on the downloaded `.npy` files.
    static func pytorch(_ explorer: ExecutionResult.Explorer, prefix: String) -> String {
        let p = explorer.parameters
        let names = Set(explorer.tensors.map(\.name))
        let label = explorer.label
        var code = """
        import numpy as np, torch
        def load(name): return torch.tensor(np.load(f"\(prefix)\(label)-{name}.npy"), requires_grad=True)
        x, w = load("x"), load("w")

        """
        code += names.contains("b") ? "b = load(\"b\")\n" : "b = None\n"
        code += "y = torch.nn.functional.conv2d(x, w, b, stride=(\(p.stride[0]), \(p.stride[1])), padding=(\(p.padding[0]), \(p.padding[1])), dilation=(\(p.dilation[0]), \(p.dilation[1])), groups=\(p.groups))\n"
        code += "print(\"y \", np.abs(y.detach().numpy() - np.load(\"\(prefix)\(label)-y.npy\")).max())\n"
        if names.contains("dy") {
            code += "y.backward(load(\"dy\").detach())\n"
            code += "for name, grad in ((\"dx\", x.grad), (\"dw\", w.grad)):\n"
            code += "    print(name, np.abs(grad.numpy() - np.load(f\"\(prefix)\(label)-{name}.npy\")).max())\n"
        }
        return code
    }
}
