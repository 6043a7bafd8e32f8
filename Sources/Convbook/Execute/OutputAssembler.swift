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

        func location(_ r: Record) -> ExecutionResult.VirtualLocation {
            .init(file: r.file ?? "", line: r.line ?? 0, column: r.column ?? 0)
        }

        for record in records {
            flushText(upTo: record.stdout >= 0 ? record.stdout : cursor)
            switch record.event {
            case "begin":
                current = record.block
                if let b = record.block, b < blockCount { blocks[b].ran = true }
            case "end":
                current = nil
            case "inline":
                if let id = record.id, id < inlineCount {
                    inlines[id] = record.value
                    if let error = record.error { inlineErrors[id] = error }
                }
            case "show":
                if let b = current, let value = record.value {
                    append(.tensor(label: record.label, value: value.overriding(record.valueClass), padding: record.padding, heatmap: record.heatmap ?? false,
                                   location: location(record)), to: b)
                }
            case "gradcheck":
                if let b = current {
                    append(.gradientCheck(rows: record.rows ?? [], threshold: record.threshold?.value ?? 1e-7,
                                          location: location(record)), to: b)
                }
            case "agreement":
                if let b = current {
                    append(.agreement(label: record.label ?? "", difference: record.difference ?? FlexibleDouble(.nan),
                                      tolerance: record.tolerance?.value ?? 0, note: record.note, location: location(record)), to: b)
                }
            case "table":
                if let b = current {
                    let rows = (record.cells ?? []).map { $0.map { $0.overriding(record.valueClass) } }
                    append(.table(label: record.label, columns: record.columns ?? [], rows: rows,
                                  location: location(record)), to: b)
                }
            case "figure":
                if let b = current {
                    append(.figure(caption: record.caption, panels: record.panels ?? [], tolerance: record.valueClass ?? .exact,
                                   location: location(record)), to: b)
                }
            case "plot":
                if let b = current {
                    append(.plot(.init(caption: record.caption, xLabel: record.xLabel ?? "", yLabel: record.yLabel ?? "",
                                       logX: record.logX ?? false, logY: record.logY ?? false, x: record.x ?? [],
                                       series: record.series ?? [], tolerance: record.valueClass ?? .exact),
                                 location: location(record)), to: b)
                }
            case "explore":
                if let b = current, let parameters = record.parameters, let tensors = record.tensors {
                    let order = ["x", "w", "b", "y", "dy", "dx", "dw", "db"]
                    let named = order.compactMap { name in
                        tensors[name].map { ExecutionResult.NamedValue(name: name, value: $0.overriding(record.valueClass)) }
                    }
                    append(.explorer(.init(label: record.label ?? "example", parameters: parameters, tensors: named,
                                           views: record.views ?? []), location: location(record)), to: b)
                }
            case "artifact":
                if let name = record.name {
                    artifactNames.append((name, record.shape ?? [], record.value?.overriding(record.valueClass), location(record)))
                }
            case "trap-missed":
                if let b = record.block { trapMissed.insert(b) }
            default:
                break
            }
        }
        flushText(upTo: stdout.count)
        return Assembled(blocks: blocks, inlines: inlines, inlineErrors: inlineErrors, unfinishedBlock: current, trapMissed: trapMissed, artifacts: artifactNames)
    }
}
