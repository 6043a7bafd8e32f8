/// How much one runtime call may put on a page. A page is read in a browser,
/// and everything a chapter publishes also goes, number by number, into the
/// site's ledger (`manifest.json`) and into `book.html`: a 4000 × 4000
/// tensor or an explorer over a large input would make pages of hundreds of
/// megabytes. The runtime checks these limits at the call, before it builds
/// anything, and stops the chapter there with the size it would have had.
///
/// ```swift
/// show(Tensor(zeros: [4000, 4000]))   // error at this line: 16,000,000 entries; at most 65,536
/// ```
public enum PublicationLimits {
    /// Numbers one published value may hold: a shown tensor, a table's
    /// cells, a published `.npy` file, each tensor of an explorer, an inline
    /// value. 65,536 is a 256 × 256 matrix.
    public static let entries = 65_536

    /// Bytes of text an inline value may put into the prose.
    public static let inlineTextBytes = 64 * 1024

    /// Bytes an explorer (`explore`) may add to its page, HTML and JSON,
    /// as ``explorerBytes(inputs:weights:outputs:bias:withGradients:termsPerOutput:)``
    /// estimates them from the tensors' sizes.
    public static let explorerBytes = 4 * 1024 * 1024

    /// An upper estimate of the bytes `explore` adds to a page: each of the
    /// example's numbers as a table cell and in the example's JSON (about
    /// 100 bytes), each target cell's entry (about 60 bytes), and each term
    /// of each sum the page writes out (about 12 bytes: the two indices in
    /// the cell's lists; the page script writes the sum from them). With
    /// `withGradients`, dx and dw are read out too, each term once more per
    /// reading.
    ///
    /// Sizes are counts of entries; `termsPerOutput` is C/groups · HH · WW.
    public static func explorerBytes(inputs: Int, weights: Int, outputs: Int, bias: Int, withGradients: Bool,
                                     termsPerOutput: Int) -> Int {
        let entries = inputs + weights + bias + outputs + (withGradients ? outputs + inputs + weights + bias : 0)
        let cells = outputs + (withGradients ? inputs + weights : 0)
        let (terms, overflow) = outputs.multipliedReportingOverflow(by: termsPerOutput * (withGradients ? 3 : 1))
        if overflow { return .max }
        return 100 * entries + 60 * cells + 12 * terms
    }

    /// `16000000` as `16,000,000`.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A number of bytes in words: `240 MB`, `512 KB`, `900 bytes`.
    public static func size(_ bytes: Int) -> String {
        if bytes >= 1_000_000 { return "\(grouped(bytes / 1_000_000)) MB" }
        if bytes >= 1_000 { return "\(bytes / 1_000) KB" }
        return "\(bytes) bytes"
    }
}
