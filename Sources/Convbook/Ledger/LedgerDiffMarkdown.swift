import ConvbookFormat

/// ``LedgerDiff`` as Markdown for a pull-request comment: a summary line with
/// the counts, then a table per category (moved values folded in a
/// `<details>` block: an inserted paragraph moves every value below it).
///
/// ```swift
/// print(LedgerDiffMarkdown(diff, old: "site/manifest.json at origin/main", new: "site/manifest.json").text)
/// ```
///
/// Printed forms are escaped for a table cell (`|`, backticks, `*`, `_`,
/// `<`, `&`, `~`, `$` and the backslash; a line break shows as `⏎`); a long tensor shows its first
/// differing entries (`entry [0, 3]: 0.5; … (3 of 64 differ)`), a long text
/// the stretch around its first difference.
public struct LedgerDiffMarkdown: Sendable {
    public var text: String

    /// Entries of a tensor shown whole up to this count.
    static let wholeUpTo = 6
    /// Differing entries shown of a longer tensor.
    static let differencesShown = 3
    /// Characters of a text (or a label) shown.
    static let textShown = 80

    /// At most `rows` rows a table (nil: every one); the rest are counted
    /// under it. GitHub refuses a comment longer than 65,536 characters.
    public init(_ diff: LedgerDiff, old: String, new: String, rows: Int? = 100) {
        func limited(_ list: [LedgerDiff.Change]) -> ArraySlice<LedgerDiff.Change> { list.prefix(rows ?? list.count) }
        func more(_ list: [LedgerDiff.Change]) -> [String] {
            list.count > (rows ?? list.count) ? ["", "… and \(list.count - rows!) more (`convbook diff --format json` lists every one)."] : []
        }
        var lines = ["### Published values: \(Self.escaped(old)) → \(Self.escaped(new))", ""]
        let counts = LedgerDiff.Category.allCases.map { ($0, diff.changes($0).count) }
        if diff.changes.isEmpty {
            lines.append("**No published value changed** (\(diff.unchanged) compared).")
            text = lines.joined(separator: "\n") + "\n"
            return
        }
        var summary = counts.map { "**\($0.1) \($0.0.rawValue)**" }
        if counts[0].1 > 0 { summary[0] += " (\(diff.beyondTolerance) beyond tolerance)" }
        lines.append(summary.joined(separator: ", ") + "; \(diff.unchanged) unchanged.")

        let changed = diff.changes(.changed)
        if !changed.isEmpty {
            lines += ["", "#### Changed (\(changed.count))", "",
                      "| Where | Value | Class | Old | New | Within tolerance |", "| --- | --- | --- | --- | --- | --- |"]
            for change in limited(changed) {
                let (old, new) = (change.old!, change.new!)
                let verdict = (change.withinTolerance == true ? "yes" : "**no**") + ": " + Self.escaped(change.reason ?? "")
                lines.append(Self.row([Self.place(change), Self.value(new), new.tolerance.className,
                                       Self.shown(old, against: new), Self.shown(new, against: old), verdict]))
            }
            lines += more(changed)
        }
        for (category, title, place) in [(LedgerDiff.Category.new, "New", "Where"), (.removed, "Removed", "Was at")] {
            let listed = diff.changes(category)
            guard !listed.isEmpty else { continue }
            lines += ["", "#### \(title) (\(listed.count))", "",
                      "| \(place) | Value | Class | Printed |", "| --- | --- | --- | --- |"]
            for change in limited(listed) {
                lines.append(Self.row([Self.place(change), Self.value(change.entry), change.entry.tolerance.className,
                                       Self.shown(change.entry, against: nil)]))
            }
            lines += more(listed)
        }
        let moved = diff.changes(.moved)
        if !moved.isEmpty {
            lines += ["", "<details><summary>\(moved.count) moved: the same value, printed the same, at another line</summary>", "",
                      "| Where | Was at | Value | Printed |", "| --- | --- | --- | --- |"]
            for change in limited(moved) {
                let was = LedgerDiff.SourcePosition(change.old!.source)
                let wasAt = was.file == change.position.file ? "line \(was.line)" : Self.escaped(was.fileAndLine)
                lines.append(Self.row([Self.place(change), wasAt, Self.value(change.entry), Self.shown(change.entry, against: nil)]))
            }
            lines += more(moved)
            lines += ["", "</details>"]
        }
        text = lines.joined(separator: "\n") + "\n"
    }

    static func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

    static func place(_ change: LedgerDiff.Change) -> String { escaped(change.position.fileAndLine) }

    /// `tensor y`, `integer (inline 5)`: the kind and the (shortened) label,
    /// or for a value without one, its key without the code digest.
    static func value(_ entry: LedgerEntry) -> String {
        if let label = entry.label, !label.isEmpty { return escaped(entry.kind + " " + shortened(label)) }
        let key = entry.key.split(separator: " ").filter { !$0.hasPrefix("#") }.joined(separator: " ")
        return escaped("\(entry.kind) (\(key))")
    }

    /// The printed form of `entry`, short enough for a table cell; with
    /// `other` (the same value in the other ledger), the part that differs.
    static func shown(_ entry: LedgerEntry, against other: LedgerEntry?) -> String {
        if let text = entry.text { return escaped(excerpt(text, against: other?.text)) }
        let printed = entry.printed
        if printed.isEmpty { return "(none)" }
        if printed.count <= wholeUpTo {
            // Printed alike but not the same bits: every digit, so that the difference shows.
            if let other, other.printed == printed, other.text == nil,
               !zip(entry.values, other.values).allSatisfy({ $0.value.bitPattern == $1.value.bitPattern }) {
                return escaped(entry.values.map { Reconciliation.full($0.value) }.joined(separator: ", "))
            }
            return escaped(printed.joined(separator: ", "))
        }
        let item = LedgerItem(entry)
        if let other, other.printed.count == printed.count, other.text == nil {
            let differing = printed.indices.filter { printed[$0] != other.printed[$0] || entry.values[$0].value.bitPattern != other.values[$0].value.bitPattern }
            if !differing.isEmpty {
                // Printed alike but not the same bits (0 and -0, a change past the fourth digit): every digit.
                let shownOnes = differing.prefix(differencesShown).map { k in
                    String(item.element(k).dropFirst()) + ": " + (printed[k] == other.printed[k] ? Reconciliation.full(entry.values[k].value) : printed[k])
                }
                return escaped(shownOnes.joined(separator: "; ") + " (\(differing.count) of \(printed.count) differ)")
            }
        }
        return escaped(printed.prefix(wholeUpTo - 2).joined(separator: ", ") + ", … (\(printed.count) numbers)")
    }

    /// A text on one line; a long one as the stretch around its first difference from `other`.
    static func excerpt(_ text: String, against other: String?) -> String {
        let line = Array(text.replacingOccurrences(of: "\n", with: "⏎"))
        guard line.count > textShown else { return String(line) }
        var start = 0
        if let other {
            let theirs = Array(other.replacingOccurrences(of: "\n", with: "⏎"))
            let first = zip(line, theirs).prefix { $0 == $1 }.count
            start = max(0, min(first - textShown / 4, line.count - textShown))
        }
        let end = min(line.count, start + textShown)
        return (start > 0 ? "…" : "") + String(line[start..<end]) + (end < line.count ? "…" : "")
    }

    static func shortened(_ label: String) -> String {
        label.count > textShown ? String(label.prefix(textShown - 1)) + "…" : label
    }

    /// Text safe in a Markdown table cell: the characters Markdown would read
    /// escaped with a backslash; line breaks as `⏎`.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\", "`", "|", "*", "_", "<", "&", "~", "$": out += "\\" + String(character)
            case "\n": out += "⏎"
            case "\r": continue
            default: out.append(character)
            }
        }
        return out
    }
}
