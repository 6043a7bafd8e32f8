/// The stand-ins ``MathScanner`` writes into the source in place of math
/// spans and inline expressions, so that cmark sees inert text. They are
/// made of Unicode private-use characters (U+E000–U+E01F), which cmark
/// passes through as ordinary text (neither punctuation nor whitespace).
///
/// Every piece carries its span's id (the span's index, in hexadecimal, one
/// U+E010–U+E01F character per digit), so a piece found anywhere can be
/// traced to its span. A span on one line becomes `E000 <id> E001`; a span
/// over several lines becomes `E000 <id> E002` on its first line,
/// `E003 <id> E001` on each middle line and `E004 <id> E001` on its last,
/// keeping the newlines (and container prefixes such as `> `) so every later
/// line keeps its line number.
enum MathPlaceholder {
    /// Which part of a span a piece stands for.
    enum Piece: Hashable, Sendable {
        case whole, first, middle, last
    }

    static let open: Unicode.Scalar = "\u{E000}"
    static let close: Unicode.Scalar = "\u{E001}"
    static let continues: Unicode.Scalar = "\u{E002}"
    static let middleLine: Unicode.Scalar = "\u{E003}"
    static let lastLine: Unicode.Scalar = "\u{E004}"
    static let digitBase: UInt32 = 0xE010

    /// The scalars placeholders use; a source already holding one is not scanned.
    static let reservedRange: ClosedRange<UInt32> = 0xE000...0xE01F

    /// The text of one piece of span `id`.
    static func text(id: Int, piece: Piece) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(piece == .middle ? middleLine : piece == .last ? lastLine : open)
        for digit in String(id, radix: 16) {
            scalars.append(Unicode.Scalar(digitBase + UInt32(digit.hexDigitValue!))!)
        }
        scalars.append(piece == .first ? continues : close)
        return String(scalars)
    }

    /// The piece at the start of `scalars`: its kind, id and length in
    /// scalars; nil if `scalars` does not start with a well-formed piece.
    static func piece(at scalars: ArraySlice<Unicode.Scalar>) -> (piece: Piece, id: Int, length: Int)? {
        guard let first = scalars.first, [open, middleLine, lastLine].contains(first) else { return nil }
        var id = 0
        var index = scalars.index(after: scalars.startIndex)
        while index < scalars.endIndex, (digitBase..<digitBase + 16).contains(scalars[index].value) {
            id = id * 16 + Int(scalars[index].value - digitBase)
            index += 1
        }
        guard index > scalars.startIndex + 1, index < scalars.endIndex else { return nil }
        let piece: Piece
        switch (first, scalars[index]) {
        case (open, close): piece = .whole
        case (open, continues): piece = .first
        case (middleLine, close): piece = .middle
        case (lastLine, close): piece = .last
        default: return nil
        }
        return (piece, id, index + 1 - scalars.startIndex)
    }

    /// The ids of all pieces in `text`.
    static func ids(in text: String) -> Set<Int> {
        let scalars = Array(text.unicodeScalars)
        var ids: Set<Int> = []
        for index in scalars.indices {
            if let found = piece(at: scalars[index...]) { ids.insert(found.id) }
        }
        return ids
    }

    /// Whether `text` holds any placeholder scalar.
    static func containsReserved(_ text: String) -> Bool {
        text.unicodeScalars.contains { reservedRange.contains($0.value) }
    }
}
