import ConvbookFormat
import Foundation

/// Weaves a run's standard output and its records into per-block output:
/// text printed between two records goes to the block running at the time.
struct OutputAssembler {
    /// Longest text a block may print before it is cut, in bytes.
    static let textLimit = 64 * 1024

    var blockCount: Int
    var inlineCount: Int

    struct Assembled {
        var blocks: [ExecutionResult.BlockResult]
        var inlines: [PublishedValue?]
        var inlineErrors: [Int: String]
        /// The block that began but never ended (the program died in it).
        var unfinishedBlock: Int?
        var trapMissed: Set<Int>
        /// Published tensors; their files are in the artifacts folder.
        var artifacts: [(name: String, shape: [Int], value: PublishedValue?, location: ExecutionResult.VirtualLocation)]
    }

    func assemble(stdout: Data, records: [Record]) -> Assembled {
        var blocks = (0..<blockCount).map { ExecutionResult.BlockResult(index: $0) }
        var inlines = [PublishedValue?](repeating: nil, count: inlineCount)
        var inlineErrors = [Int: String]()
        var current: Int?
        var cursor = 0
        var trapMissed = Set<Int>()
        var artifactNames = [(name: String, shape: [Int], value: PublishedValue?, location: ExecutionResult.VirtualLocation)]()
        var printed = [Int](repeating: 0, count: blockCount)

        func flushText(upTo offset: Int) {
            let end = min(max(offset, cursor), stdout.count)
            guard end > cursor else { return }
            if let block = current, block < blockCount {
                let room = Self.textLimit - printed[block]
                let chunk = stdout[cursor..<end]
                if room > 0 {
                    let kept = chunk.prefix(room)
                    append(.text(String(decoding: kept, as: UTF8.self)), to: block)
                    printed[block] += kept.count
                    if chunk.count > room {
                        append(.text("\n… output cut here: this block printed more than \(Self.textLimit / 1024) KiB\n"), to: block)
                    }
                } else {
                    printed[block] += chunk.count
                }
            }
            cursor = end
        }

        func append(_ item: ExecutionResult.OutputItem, to block: Int) {
            // Adjacent text items merge, so the output reads as one stream.
            if case .text(let new) = item, case .text(let old)? = blocks[block].items.last {
                blocks[block].items[blocks[block].items.count - 1] = .text(old + new)
            } else {
                blocks[block].items.append(item)
            }
        }

        func location(_ site: Record.CallSite) -> ExecutionResult.VirtualLocation {
            .init(file: site.file, line: site.line, column: site.column)
        }
        /// Adds an item to the block that is running; output outside any block is dropped.
        func add(_ item: ExecutionResult.OutputItem) {
            if let block = current, block < blockCount { append(item, to: block) }
        }

        for record in records {
            flushText(upTo: record.stdout >= 0 ? record.stdout : cursor)
            switch record.event {
            case .begin(let block):
                current = block
                if block < blockCount { blocks[block].ran = true }
            case .end:
                current = nil
            case .inline(let id, let value, let problem):
                if id < inlineCount {
                    inlines[id] = value
                    if let problem { inlineErrors[id] = problem }
                }
            case .show(let show):
                add(.tensor(label: show.label, value: show.value, padding: show.padding, heatmap: show.heatmap, location: location(show.at)))
            case .gradientCheck(let check):
                add(.gradientCheck(rows: check.rows, threshold: check.threshold, location: location(check.at)))
            case .agreement(let agreement):
                add(.agreement(label: agreement.label, difference: agreement.difference, tolerance: agreement.tolerance,
                               note: agreement.note, location: location(agreement.at)))
            case .rule(let rule):
                add(.rule(rule, location: location(rule.at)))
            case .table(let table):
                add(.table(label: table.label, columns: table.columns, rows: table.cells, location: location(table.at)))
            case .figure(let figure):
                add(.figure(caption: figure.caption, panels: figure.panels, tolerance: figure.tolerance, location: location(figure.at)))
            case .plot(let plot):
                add(.plot(.init(caption: plot.caption, xLabel: plot.xLabel, yLabel: plot.yLabel, logX: plot.logX, logY: plot.logY,
                                x: plot.x, series: plot.series, tolerance: plot.tolerance), location: location(plot.at)))
            case .explore(let explore):
                let order = ["x", "w", "b", "y", "dy", "dx", "dw", "db"]
                let named = order.compactMap { name in
                    explore.tensors.first { $0.name == name }.map { ExecutionResult.NamedValue(name: name, value: $0.value) }
                }
                add(.explorer(.init(label: explore.label, parameters: explore.parameters, tensors: named, views: explore.views),
                              location: location(explore.at)))
            case .parameterExplorer(let explorer):
                add(.parameterExplorer(explorer, location: location(explorer.at)))
            case .artifact(let artifact):
                artifactNames.append((artifact.name, artifact.shape, artifact.value, location(artifact.at)))
            case .trapMissed(let block):
                trapMissed.insert(block)
            }
        }
        flushText(upTo: stdout.count)
        return Assembled(blocks: blocks, inlines: inlines, inlineErrors: inlineErrors, unfinishedBlock: current, trapMissed: trapMissed, artifacts: artifactNames)
    }
}
