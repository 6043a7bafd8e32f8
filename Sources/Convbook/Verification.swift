import ConvbookFormat
/// The outcome of `convbook verify`: per chapter, how many values were
/// compared and the largest relative difference.
///
/// Tensors and numbers must agree within the tolerance (relative, with an
/// absolute floor of the same size for values near zero). Gradient-check
/// errors and closed-form differences are rounding noise whose exact digits
/// depend on the machine, so for them only the verdict (passed) must agree.
public struct Verification: Sendable {
    public struct Row: Sendable {
        public var chapter: String
        public var blocks: Int
        public var values: Int
        public var largestDifference: Double
        public var problems: [String]
        public var passed: Bool { problems.isEmpty }
    }

    public var rows: [Row]
    public var passed: Bool { rows.allSatisfy(\.passed) }

    static func compare(published: Manifest, recomputed: Manifest, chapters: [String], tolerance: Double) -> Verification {
        var rows = [Row]()
        for fresh in recomputed.chapters {
            var row = Row(chapter: fresh.file, blocks: fresh.blocks, values: 0, largestDifference: 0, problems: [])
            guard let old = published.chapters.first(where: { $0.file == fresh.file }) else {
                row.problems.append("not in the published manifest")
                rows.append(row)
                continue
            }
            let oldValues = Dictionary(old.values.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            for value in fresh.values {
                guard let before = oldValues[value.key] else { row.problems.append("\(value.key): not published"); continue }
                row.values += max(value.numbers.count, 1)
                if value.kind != before.kind || value.text != before.text && value.kind != "text" {
                    row.problems.append("\(value.key): was \(before.kind) \(before.text ?? ""), now \(value.kind) \(value.text ?? "")")
                    continue
                }
                if value.passed != nil {
                    if value.passed != before.passed { row.problems.append("\(value.key): check verdict changed") }
                    continue
                }
                if value.kind == "text" {
                    if value.text != before.text { row.problems.append("\(value.key): text differs") }
                    continue
                }
                guard value.numbers.count == before.numbers.count else {
                    row.problems.append("\(value.key): \(before.numbers.count) numbers published, \(value.numbers.count) recomputed")
                    continue
                }
                for (a, b) in zip(value.numbers, before.numbers) {
                    let difference = abs(a.value - b.value)
                    let relative = difference / max(abs(a.value), abs(b.value), 1)
                    if a.value.isNaN && b.value.isNaN { continue }
                    if !(relative <= tolerance) {
                        row.problems.append("\(value.key): published \(b.value), recomputed \(a.value)")
                    }
                    if relative.isFinite { row.largestDifference = max(row.largestDifference, relative) }
                }
            }
            let freshKeys = Set(fresh.values.map(\.key))
            for key in old.values.map(\.key) where !freshKeys.contains(key) {
                row.problems.append("\(key): published but not recomputed")
            }
            rows.append(row)
        }
        return Verification(rows: rows)
    }

    /// The per-chapter table `convbook verify` prints, then any problems.
    public var table: String {
        let header = ["chapter", "blocks", "values", "largest difference", "verdict"]
        let body = rows.map { [$0.chapter, String($0.blocks), String($0.values), NumberFormat.scientific($0.largestDifference, digits: 2), $0.passed ? "ok" : "MISMATCH"] }
        let widths = header.indices.map { i in ([header[i]] + body.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ")
        }
        var text = ([line(header)] + body.map(line)).joined(separator: "\n")
        for row in rows where !row.passed {
            text += "\n\n\(row.chapter):\n" + row.problems.map { "  \($0)" }.joined(separator: "\n")
        }
        return text
    }
}
