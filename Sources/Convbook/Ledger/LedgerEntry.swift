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
    public var values: [FlexibleDouble]
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
        values = item.numbers.map(FlexibleDouble.init)
        printed = item.printed
        passed = item.passed
    }

    private enum Keys: String, CodingKey { case key, kind, label, source, tolerance, shape, values, printed, passed }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        key = try c.decode(String.self, forKey: .key)
        kind = try c.decode(String.self, forKey: .kind)
        label = try c.decodeIfPresent(String.self, forKey: .label)
        source = try c.decode(String.self, forKey: .source)
        tolerance = try c.decode(Tolerance.self, forKey: .tolerance)
        shape = try c.decodeIfPresent([Int].self, forKey: .shape)
        values = try c.decodeNumbers(forKey: .values)
        printed = try c.decode([String].self, forKey: .printed)
        passed = try c.decodeIfPresent(Bool.self, forKey: .passed)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(key, forKey: .key)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(label, forKey: .label)
        try c.encode(source, forKey: .source)
        try c.encode(tolerance, forKey: .tolerance)
        try c.encodeIfPresent(shape, forKey: .shape)
        try c.encodeNumbers(values, forKey: .values)
        try c.encode(printed, forKey: .printed)
        try c.encodeIfPresent(passed, forKey: .passed)
    }

    /// The text of a text value, if it is one.
    var text: String? {
        values.isEmpty && printed.count == 1 ? printed[0] : nil
    }
}
