/// How inject marks a value it puts into math, so that the page can tell it
/// apart from the formula around it: the value's TeX inside
/// `\htmlData{v=N}{…}`, N its index in the chapter's slice of the ledger
/// (``LedgerPositions``), which KaTeX typesets as a `<span data-v="N">`
/// around the value, like the `data-v` of a value in prose. The typesetter
/// trusts exactly as many `\htmlData` as a formula has marks
/// (``MarkdownMath/values``), each with `v` alone; one an author writes is
/// a TeX error at the formula's line.
///
/// After `_`, `^` or a command name the mark is in braces: those take one
/// argument, and `\htmlData` with its two is not one.
///
/// ```swift
/// MathValueMark.wrap("12", ledger: 3, after: "y = ")    // "\\htmlData{v=3}{12}"
/// MathValueMark.wrap("2", ledger: 4, after: "x_")       // "{\\htmlData{v=4}{2}}"
/// ```
enum MathValueMark {
    /// `tex`, the TeX of a value with ledger index `ledger`, marked, to follow the TeX `preceding`.
    static func wrap(_ tex: String, ledger: Int, after preceding: String) -> String {
        let mark = "\\htmlData{v=\(ledger)}{\(tex)}"
        return takesOneArgument(preceding) ? "{" + mark + "}" : mark
    }

    /// Whether what TeX `preceding` ends with reads the next token as its argument:
    /// a sub- or superscript, or a command name (`\sqrt`, `\frac`, …; `\cdot` too, where braces do no harm).
    static func takesOneArgument(_ preceding: String) -> Bool {
        var scalars = Substring(preceding).unicodeScalars[...]
        while let last = scalars.last, last == " " || last == "\n" || last == "\t" { scalars = scalars.dropLast() }
        guard let last = scalars.last else { return false }
        if last == "_" || last == "^" { return true }
        // A command name: letters after a backslash (not after an escaped one, `\\`).
        var letters = scalars
        while let end = letters.last, end.isASCII, end.properties.isAlphabetic { letters = letters.dropLast() }
        guard letters.count < scalars.count, letters.last == "\\" else { return false }
        var backslashes = 0
        while let end = letters.last, end == "\\" { backslashes += 1; letters = letters.dropLast() }
        return backslashes % 2 == 1
    }
}
