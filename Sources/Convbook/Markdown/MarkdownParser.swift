/// Parses chapters: cmark-gfm (``CmarkGFM``) with the table,
/// strikethrough, autolink and tagfilter extensions, plus the math and
/// inline-expression pre-pass (``MathScanner``).
///
/// The pipeline: parse the source once to learn its blocks; scan those
/// blocks' inline content for `$...$`, `$$...$$` and `` `{swift} expr` ``,
/// replacing each by a placeholder; parse the rewritten source; turn the
/// placeholders back into `.math` and `.inlineExpression` nodes
/// (``MathRestorer``). Without math or expressions the first parse is the result.
/// Safe to call from several threads at once (cmark itself runs serially).
enum MarkdownParser {
    struct Options: Hashable, Sendable {
        /// Run the math and inline-expression pre-pass.
        var math: Bool

        init(math: Bool = true) {
            self.math = math
        }
    }

    /// Parses a chapter. `path` is only recorded in the document (for diagnostics).
    static func parse(source: String, path: String, options: Options = Options()) -> MarkdownDocument {
        let layout = CmarkGFM.parse(source)
        guard options.math, source.contains("$") || source.contains("{swift}") else {
            return MarkdownDocument(root: layout, path: path)
        }
        let scan = MathScanner.scan(source: source, layout: layout)
        let tree = scan.spans.isEmpty ? layout : CmarkGFM.parse(scan.source)
        let restorer = MathRestorer(spans: scan.spans, columnMap: scan.columnMap)
        return MarkdownDocument(root: restorer.restore(tree), path: path)
    }
}
