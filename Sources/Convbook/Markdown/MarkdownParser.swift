/// Parses chapters: cmark-gfm (``CmarkGFM``) with the table,
/// strikethrough, autolink and tagfilter extensions, plus the math and
/// inline-expression pre-pass (``MathScanner``).
///
/// The pipeline: parse the source once to learn its blocks; scan those
/// blocks' inline content for `$...$`, `$$...$$` and `` `{swift} expr` ``;
/// replace each by a placeholder; parse the rewritten source; turn the
/// placeholders back into `.math` and `.inlineExpression` nodes
/// (``MathRestorer``). Without math or expressions the first parse is the
/// result. Placeholders must not change the document's structure: if the
/// second parse's blocks differ from the first's (a pathological input, e.g.
/// a math span hiding the `|` that kept a line from being a table header),
/// the spans of the offending paragraph stay text, and if a placeholder does
/// not come back as text (e.g. it ended up in a link reference definition's
/// URL), its span stays text; then the source is parsed again.
///
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
        var spans = MathScanner.spans(in: source, layout: layout)
        let skeleton = blockSkeleton(layout)
        while !spans.isEmpty {
            let scan = MathScanner.rewrite(source, replacing: spans)
            let tree = CmarkGFM.parse(scan.source)
            let rewritten = blockSkeleton(tree)
            if let mismatch = (0..<max(skeleton.count, rewritten.count)).first(where: {
                $0 >= skeleton.count || $0 >= rewritten.count || skeleton[$0] != rewritten[$0]
            }) {
                // Drop the spans of the last block starting at or before the mismatch.
                let line = min(mismatch < skeleton.count ? skeleton[mismatch].line : .max,
                               mismatch < rewritten.count ? rewritten[mismatch].line : .max)
                let culprit = spans.filter { $0.blockLine <= line }.map(\.blockLine).max()
                spans.removeAll { culprit == nil || $0.blockLine == culprit }
                continue
            }
            var restorer = MathRestorer(spans: scan.spans, columnMap: scan.columnMap)
            let root = restorer.restore(tree)
            let unrestored = restorer.unrestored(in: root)
            if unrestored.isEmpty {
                return MarkdownDocument(root: root, path: path)
            }
            spans = spans.enumerated().filter { !unrestored.contains($0.offset) }.map(\.element)
        }
        var restorer = MathRestorer(spans: [], columnMap: MarkdownColumnMap())
        return MarkdownDocument(root: restorer.restore(layout), path: path)
    }

    /// A block's kind and start line, for comparing block structures.
    private struct BlockKey: Equatable {
        var kind: Int
        var line: Int
    }

    private static func blockSkeleton(_ root: MarkdownNode) -> [BlockKey] {
        var keys: [BlockKey] = []
        func walk(_ node: MarkdownNode) {
            let kind: Int? = switch node.kind {
            case .blockQuote: 1
            case .list: 2
            case .item: 3
            case .codeBlock: 4
            case .htmlBlock: 5
            case .paragraph: 6
            case .heading: 7
            case .thematicBreak: 8
            case .table: 9
            case .tableRow: 10
            case .tableCell: 11
            default: nil
            }
            guard let kind else { return }
            keys.append(BlockKey(kind: kind, line: node.position?.startLine ?? 0))
            node.children.forEach(walk)
        }
        root.children.forEach(walk)
        return keys
    }
}
