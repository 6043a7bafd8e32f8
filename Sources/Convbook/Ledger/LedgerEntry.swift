import ConvbookFormat

/// One published value as `site/manifest.json` records it: what it is, where
/// the chapter made it, how much it may differ on another machine, its
/// numbers at full precision and as the page prints them.
///
/// ```json
/// { "key": "block 15 / item 1 / dx", "kind": "gradient-check", "label": "dx",
///   "source": "chapters/10-fast.md:517:1",
///   "tolerance": { "class": "error-measure", "amount": 1e-07 },
///   "values": [6.795528202542242e-10], "printed": ["6.796e-10"], "passed": true }
/// ```
public struct LedgerEntry: Codable, Equatable, Sendable {
    public var key: String
    public var kind: String
    public var label: String?
    /// `chapters/FILE.md:LINE:COL` of the call or inline expression (the
    /// block's fence for printed text) when the site was built.
    public var source: String
    public var tolerance: Tolerance
    public var shape: [Int]?
    /// Full precision; non-finite numbers as "nan", "inf", "-inf".
    public var values: [Manifest.FlexibleNumber]
    /// As the page prints them (for text values: the text).
    public var printed: [String]
    public var passed: Bool?

    init(_ item: LedgerItem, source: String) {
        key = item.key
        kind = item.kind
        label = item.label
        self.source = source
        tolerance = item.tolerance
        shape = item.shape
        values = item.numbers.map(Manifest.FlexibleNumber.init)
        printed = item.printed
        passed = item.passed
    }

    /// The text of a text value, if it is one.
    var text: String? {
        values.isEmpty && printed.count == 1 ? printed[0] : nil
    }
}
