/// A table column's alignment, from its delimiter row (`:--`, `:-:`, `--:`).
enum MarkdownTableAlignment: Hashable, Sendable {
    case none, left, center, right

    /// Decodes cmark-gfm's alignment byte (`0`, `l`, `c`, `r`).
    init(cmarkByte: UInt8) {
        switch cmarkByte {
        case UInt8(ascii: "l"): self = .left
        case UInt8(ascii: "c"): self = .center
        case UInt8(ascii: "r"): self = .right
        default: self = .none
        }
    }

    /// The `align` attribute value cmark-gfm emits, or nil for none.
    var htmlValue: String? {
        switch self {
        case .none: nil
        case .left: "left"
        case .center: "center"
        case .right: "right"
        }
    }
}
