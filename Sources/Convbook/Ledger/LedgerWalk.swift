import ConvbookFormat
import Foundation

/// The one place that knows where published values live in an
/// ``ExecutionResult``: it visits each of them in a fixed order (blocks and
/// their items, then inline values, then data files), hands the visitor a
/// ``LedgerItem``, and writes the item's numbers back.
///
/// The manifest is what a walk reads; reconciling with a published manifest
/// is a walk that writes. Both use the same keys because both are this walk.
///
/// A key names a value by its place and by the code that made it: `block 3
/// #1a2b3c4d / item 2` (the block's code's digest), `inline 5 #…` (the
/// expression's). So a value moved by an inserted block or expression, or
/// made by changed code, matches no published value and is taken as
/// computed, never judged against (or replaced by) another value that
/// happens to sit at its old place.
enum LedgerWalk {
    /// `item` and `inline` are told when an output item (by its block's index) or an inline value starts, before its entries are visited.
    static func walk(_ result: inout ExecutionResult, program: ChapterProgram, _ visit: (inout LedgerItem) -> Void,
                     item: (Int, Int) -> Void = { _, _ in }, inline: (Int) -> Void = { _ in }) {
        func mark(_ code: String?) -> String {
            code.map { " #" + CacheStore.digest(Data($0.utf8)).prefix(8) } ?? ""
        }
        for b in result.blocks.indices {
            let blockIndex = result.blocks[b].index
            let block = "block \(blockIndex + 1)" + mark(program.block(blockIndex)?.code)
            for i in result.blocks[b].items.indices {
                let key = "\(block) / item \(i + 1)"
                item(blockIndex, i)
                result.blocks[b].items[i] = walk(result.blocks[b].items[i], key: key, block: blockIndex, visit)
            }
        }
        for id in result.inlines.indices {
            guard let value = result.inlines[id] else { continue }
            inline(id)
            result.inlines[id] = walk(value, key: "inline \(id + 1)" + mark(program.inline(id)?.code), kind: nil, label: nil,
                                      origin: .inline(id), visit)
        }
        for a in result.artifacts.indices {
            let artifact = result.artifacts[a]
            guard let value = artifact.value else { continue }
            let origin: LedgerItem.Origin = artifact.location.map { .call($0, block: -1) } ?? .block(-1)
            result.artifacts[a].value = walk(value, key: "data \(artifact.name).npy", kind: "data",
                                             label: artifact.name + ".npy", origin: origin, visit)
        }
    }

    /// Reads the values of a result without changing it.
    static func items(of result: ExecutionResult, program: ChapterProgram) -> [LedgerItem] {
        var copy = result
        var found = [LedgerItem]()
        walk(&copy, program: program) { found.append($0) }
        return found
    }

    private typealias Item = ExecutionResult.OutputItem

    private static func walk(_ item: Item, key: String, block: Int, _ visit: (inout LedgerItem) -> Void) -> Item {
        switch item {
        case .text(let text):
            var entry = LedgerItem(key: key, kind: "printed", origin: .block(block), tolerance: .exact, numbers: [], text: text)
            visit(&entry)
            return item

        case .tensor(let label, let value, let padding, let heatmap, let location):
            let value = walk(value, key: key, kind: nil, label: label, origin: .call(location, block: block), visit)
            return .tensor(label: label, value: value, padding: padding, heatmap: heatmap, location: location)

        case .gradientCheck(var rows, let threshold, let location):
            for r in rows.indices {
                var entry = LedgerItem(key: "\(key) / \(rows[r].name)", kind: "gradient-check", label: rows[r].name,
                                       origin: .call(location, block: block), tolerance: .errorMeasure(bound: threshold),
                                       numbers: [rows[r].error.value], passed: passes(rows[r].error.value, bound: threshold))
                visit(&entry)
                rows[r].error = FlexibleDouble(entry.numbers.first ?? .nan)
            }
            return .gradientCheck(rows: rows, threshold: threshold, location: location)

        case .agreement(let label, let difference, let tolerance, let note, let location):
            var entry = LedgerItem(key: key, kind: "agreement", label: label, origin: .call(location, block: block),
                                   tolerance: .errorMeasure(bound: tolerance), numbers: [difference.value],
                                   passed: passes(difference.value, bound: tolerance))
            visit(&entry)
            return .agreement(label: label, difference: FlexibleDouble(entry.numbers.first ?? .nan), tolerance: tolerance,
                              note: note, location: location)

        case .rule(let rule, let location):
            // The counts are exact: which settings were compared, and that none disagree.
            var entry = LedgerItem(key: key, kind: "rule", label: rule.label, origin: .call(location, block: block),
                                   tolerance: .exact, numbers: [rule.checked, rule.excluded, rule.disagreements].map(Double.init),
                                   passed: ResultChecker.problem(rule) == nil)
            visit(&entry)
            return item

        case .table(let label, let columns, var rows, let location):
            for r in rows.indices {
                for c in rows[r].indices {
                    let column = c < columns.count ? columns[c] : "\(c + 1)"
                    rows[r][c] = walk(rows[r][c], key: "\(key) / row \(r + 1) / column \(c + 1)", kind: "table-cell",
                                      label: "\(label.map { "\($0), " } ?? "")row \(r + 1), \(column)",
                                      origin: .call(location, block: block), visit)
                }
            }
            return .table(label: label, columns: columns, rows: rows, location: location)

        case .figure(let caption, var panels, let tolerance, let location):
            var entry = LedgerItem(key: key, kind: "figure", label: caption, origin: .call(location, block: block),
                                   tolerance: tolerance, numbers: panels.flatMap { $0.cells.map(\.v.value) })
            visit(&entry)
            var next = entry.numbers.makeIterator()
            for p in panels.indices {
                for c in panels[p].cells.indices { panels[p].cells[c].v = FlexibleDouble(next.next() ?? .nan) }
            }
            return .figure(caption: caption, panels: panels, tolerance: tolerance, location: location)

        case .plot(var plot, let location):
            var entry = LedgerItem(key: key, kind: "plot", label: plot.caption ?? plot.yLabel, origin: .call(location, block: block),
                                   tolerance: plot.tolerance,
                                   numbers: plot.x.map(\.value) + plot.series.flatMap { $0.values.map(\.value) })
            visit(&entry)
            var next = entry.numbers.makeIterator()
            plot.x = plot.x.map { _ in FlexibleDouble(next.next() ?? .nan) }
            for s in plot.series.indices {
                plot.series[s].values = plot.series[s].values.map { _ in FlexibleDouble(next.next() ?? .nan) }
            }
            return .plot(plot, location: location)

        case .explorer(var explorer, let location):
            for t in explorer.tensors.indices {
                let named = explorer.tensors[t]
                explorer.tensors[t].value = walk(named.value, key: "\(key) / \(named.name)", kind: "explorer",
                                                 label: "\(explorer.label) \(named.name)", origin: .call(location, block: block), visit)
            }
            return .explorer(explorer, location: location)

        case .parameterExplorer(var explorer, let location):
            // One entry a setting: the sizes, leftovers and cover counts, and the example's y and dx.
            for r in explorer.table.indices {
                let row = explorer.table[r]
                let s = row.settings
                var entry = LedgerItem(key: "\(key) / setting \(r + 1)", kind: "parameter-explorer",
                                       label: "\(explorer.label): H×W \(s.H)×\(s.W), HH×WW \(s.HH)×\(s.WW), stride (\(s.sh), \(s.sw)), padding (\(s.ph), \(s.pw)), dilation (\(s.dh), \(s.dw)), C \(s.C), F \(s.F)",
                                       origin: .call(location, block: block), tolerance: .exact,
                                       numbers: [row.outHeight, row.outWidth, row.aH, row.aW].map(Double.init) + row.cover.map(Double.init)
                                           + row.y.data.map(\.value) + row.dx.data.map(\.value))
                visit(&entry)
                var next = entry.numbers.dropFirst(4 + row.cover.count).makeIterator()
                explorer.table[r].y.data = row.y.data.map { _ in FlexibleDouble(next.next() ?? .nan) }
                explorer.table[r].dx.data = row.dx.data.map { _ in FlexibleDouble(next.next() ?? .nan) }
            }
            return .parameterExplorer(explorer, location: location)
        }
    }

    /// A tensor, number, integer or text value; `kind` nil names it by its own type.
    private static func walk(_ value: PublishedValue, key: String, kind: String?, label: String?,
                             origin: LedgerItem.Origin, _ visit: (inout LedgerItem) -> Void) -> PublishedValue {
        switch value {
        case .tensor(let shape, let data, let tolerance):
            var entry = LedgerItem(key: key, kind: kind ?? "tensor", label: label, origin: origin, tolerance: tolerance,
                                   shape: shape, numbers: data.map(\.value))
            visit(&entry)
            return .tensor(shape: shape, data: entry.numbers.map(FlexibleDouble.init), tolerance: tolerance)
        case .number(let x, let tolerance):
            var entry = LedgerItem(key: key, kind: kind ?? "number", label: label, origin: origin, tolerance: tolerance,
                                   numbers: [x.value])
            visit(&entry)
            return .number(FlexibleDouble(entry.numbers.first ?? .nan), tolerance: tolerance)
        case .integer(let n):
            var entry = LedgerItem(key: key, kind: kind ?? "integer", label: label, origin: origin, tolerance: .exact,
                                   numbers: [Double(n)])
            visit(&entry)
            return value
        case .text(let s):
            var entry = LedgerItem(key: key, kind: kind ?? "text", label: label, origin: origin, tolerance: .exact,
                                   numbers: [], text: s)
            visit(&entry)
            return value
        }
    }
}
