/// What ``MathScanner`` made of a source: the source to give cmark, with
/// placeholders (see ``MathPlaceholder``) in place of the spans, and the spans.
struct MathScanResult: Sendable {
    /// The source with placeholders; same number of lines as the original.
    var source: String
    /// The spans, indexed by placeholder id.
    var spans: [MathSpan]
    /// Maps columns of ``source`` back to the original.
    var columnMap: MarkdownColumnMap
}
