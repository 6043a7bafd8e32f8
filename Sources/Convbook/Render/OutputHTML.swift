import ConvbookFormat
/// HTML for what a block produced: printed text, tensors as tables, and
/// check results as small tables.
enum OutputHTML {
    /// `text` with `&`, `<`, `>` and `"` escaped, exactly as the Markdown
    /// renderer escapes text (cmark's `escape_html`).
    static func escape(_ text: String) -> String {
        var out = MarkdownHTMLOutput()
        out.appendEscaped(text)
        return out.string
    }

    /// A cell: its code, highlighted (`highlighted`, from ``Typesetter``; escaped
    /// plain text without it), then its output.
    static func cell(_ cell: InjectedCell, highlighted: String? = nil) -> String {
        var html = "<div class=\"cb-cell\" id=\"cell-\(cell.id + 1)\">\n"
        if let code = cell.code {
            html += "<pre class=\"cb-code\"><code class=\"language-swift\">\(highlighted ?? escape(code))</code></pre>\n"
        }
        if let output = cell.output {
            var body = output.items.enumerated().map { index, output_ in
                item(output_, ledger: index < output.ledger.count ? output.ledger[index] : nil)
            }.joined()
            if let errors = output.compilerErrors {
                body += "<pre class=\"cb-compiler-error\"><code>\(escape(errors.joined(separator: "\n")))</code></pre>\n"
            }
            if let trap = output.trap {
                body += "<pre class=\"cb-trap\"><code>\(escape(trap))</code></pre>\n"
            }
            if let label = cell.label {
                // A numbered figure or table: its caption below a figure, above a table.
                let caption = "<figcaption>\(escape([cell.number, cell.caption].compactMap { $0 }.joined(separator: ": ")))</figcaption>\n"
                let table = label.hasPrefix("tbl-")
                body = "<figure class=\"cb-float\" id=\"\(escape(label))\">\n" + (table ? caption : "") + body + (table ? "" : caption) + "</figure>\n"
            }
            // The output box scrolls sideways when its text or tensors are wider than the column: it takes
            // the keyboard focus so that it can be scrolled without a mouse (axe's `scrollable-region-focusable`).
            if !body.isEmpty { html += "<div class=\"cb-output\" tabindex=\"0\">\n\(body)</div>\n" }
        }
        return html + "</div>"
    }

    /// One output item. `ledger`, the ledger index of its first entry (``LedgerPositions``), is put on the
    /// element that holds its values as `data-v`, so that the reader's browser finds each value's provenance
    /// (convbook-provenance.js): a tensor's cells, a table's cells and a check table's rows are that index plus
    /// their place in document order; an explorer's tensors follow it in the explorer's order.
    static func item(_ item: ExecutionResult.OutputItem, downloadPrefix: String = "", ledger: Int? = nil) -> String {
        let v = ledger.map { " data-v=\"\($0)\"" } ?? ""
        switch item {
        case .figure(let caption, let panels, _, _):
            return FigureSVG.figure(caption: caption, panels: panels)
        case .plot(let plot, _):
            return FigureSVG.plot(plot)
        case .explorer(let explorer, _):
            return ExplorerHTML.render(explorer, downloadPrefix: downloadPrefix, ledger: ledger)
        case .parameterExplorer(let explorer, _):
            return ParameterExplorerHTML.render(explorer, ledger: ledger)
        case .text(let text):
            return "<pre class=\"cb-stdout\"><code>\(escape(text))</code></pre>\n"
        case .tensor(let label, let value, let padding, let heatmap, _):
            return tensor(value, label: label, padding: padding, heatmap: heatmap, ledger: ledger)
        case .gradientCheck(let rows, let threshold, _):
            var html = "<table class=\"cb-gradcheck\"\(v)>\n<thead><tr><th>gradient</th><th>relative error</th><th>threshold</th><th>check</th></tr></thead>\n<tbody>\n"
            for row in rows {
                let pass = passes(row.error.value, bound: threshold)
                html += "<tr class=\"\(pass ? "cb-pass" : "cb-fail")\"><td>\(escape(row.name))</td><td>\(NumberFormat.scientific(row.error.value))</td><td>\(NumberFormat.scientific(threshold))</td><td>\(pass ? "✓" : "✗")</td></tr>\n"
            }
            return html + "</tbody>\n</table>\n"
        case .table(let label, let columns, let rows, _):
            var html = "<table class=\"cb-table\"\(v)>\n"
            if let label { html += "<caption>\(escape(label))</caption>\n" }
            // A column with no name (the corner above the row names) is a data cell: an empty header heads nothing
            // (axe's `empty-table-header`).
            html += "<thead><tr>" + columns.map { $0.isEmpty ? "<td></td>" : "<th>\(escape($0))</th>" }.joined()
                + "</tr></thead>\n<tbody>\n"
            for row in rows {
                html += "<tr>" + row.map { "<td>\(escape(ValueText.inline($0)))</td>" }.joined() + "</tr>\n"
            }
            return html + "</tbody>\n</table>\n"
        case .rule(let rule, _):
            let pass = ResultChecker.problem(rule) == nil
            var html = "<table class=\"cb-rule\"\(v)>\n<thead><tr><th>rule</th><th>settings compared</th><th>left out</th><th>disagree</th><th>check</th></tr></thead>\n<tbody>\n"
            html += "<tr class=\"\(pass ? "cb-pass" : "cb-fail")\"><td>\(escape(rule.label))</td><td>\(rule.checked)</td><td>\(rule.excluded)</td><td>\(rule.disagreements)</td><td>\(pass ? "✓" : "✗")</td></tr>\n"
            for example in rule.counterexamples {
                html += "<tr class=\"cb-fail\"><td colspan=\"5\">at \(escape(example.setting)): stated \(escape(example.stated)), measured \(escape(example.measured))</td></tr>\n"
            }
            return html + "</tbody>\n</table>\n"
        case .agreement(let label, let difference, let tolerance, _, _):
            let pass = passes(difference.value, bound: tolerance)
            return "<table class=\"cb-agreement\"\(v)>\n<thead><tr><th>compared</th><th>max |difference|</th><th>tolerance</th><th>check</th></tr></thead>\n<tbody>\n<tr class=\"\(pass ? "cb-pass" : "cb-fail")\"><td>\(escape(label))</td><td>\(NumberFormat.scientific(difference.value))</td><td>\(NumberFormat.scientific(tolerance))</td><td>\(pass ? "✓" : "✗")</td></tr>\n</tbody>\n</table>\n"
        }
    }

    /// A tensor as one matrix table per slice: a vector as one row, a matrix as
    /// itself, rank 3 and 4 as their (c) or (n, c) slices.
    static func tensor(_ value: PublishedValue, label: String?, padding: [Int]?, heatmap: Bool = false,
                       cellPrefix: String? = nil, ledger: Int? = nil) -> String {
        guard case .tensor(let shape, let data, _) = value else {
            return "<pre class=\"cb-stdout\"><code>\(escape(ValueText.inline(value)))</code></pre>\n"
        }
        let shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        let rows = shape.count >= 2 ? shape[shape.count - 2] : 1
        let columns = shape.last ?? 0
        let sliceSize = max(rows * columns, 1)
        let sliceCount = shape.count > 2 ? shape.dropLast(2).reduce(1, *) : 1
        let largest = data.map { abs($0.value) }.filter(\.isFinite).max() ?? 0
        var html = "<figure class=\"cb-tensor\"\(ledger.map { " data-v=\"\($0)\"" } ?? "")>\n"
        html += "<figcaption>\(label.map { "<span class=\"cb-label\">\(escape($0))</span> " } ?? "")<span class=\"cb-shape\">shape \(shapeText)</span></figcaption>\n"
        for slice in 0..<sliceCount {
            var title = ""
            if shape.count == 3 { title = "[\(slice)]" }
            if shape.count == 4 { title = "[\(slice / shape[1]), \(slice % shape[1])]" }
            html += "<table class=\"cb-matrix\">\n"
            if !title.isEmpty { html += "<caption>\(title)</caption>\n" }
            html += "<tbody>\n"
            for i in 0..<rows {
                html += "<tr>"
                for j in 0..<columns {
                    let x = data[slice * sliceSize + i * columns + j].value
                    let isPadding = padding.map { p in
                        (shape.count >= 2 && (i < p[0] || i >= rows - p[0])) || j < p[1] || j >= columns - p[1]
                    } ?? false
                    var classes = isPadding ? ["cb-pad"] : []
                    var style = ""
                    if heatmap && largest > 0 && x.isFinite && x != 0 {
                        // Red for positive, blue for negative (the stylesheet's td.cb-pos, td.cb-neg), more
                        // opaque for larger magnitudes: the opacity is the cell's --a.
                        classes.append(x > 0 ? "cb-pos" : "cb-neg")
                        style = " style=\"--a:\(NumberFormat.fixed(0.65 * abs(x) / largest))\""
                    }
                    var attributes = classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\""
                    if let cellPrefix { attributes += " data-cell=\"\(cellPrefix):\(slice * sliceSize + i * columns + j)\"" }
                    attributes += style
                    html += "<td\(attributes)>"
                    html += NumberFormat.value(x) + "</td>"
                }
                html += "</tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        return html + "</figure>\n"
    }
}
