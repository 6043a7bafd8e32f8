import ConvbookFormat

/// The runtime's side of ``PublicationLimits``: a call that would publish
/// more than a page can hold stops the chapter at that call, with the size.
enum PublicationCheck {
    /// Stops the program when `count` numbers are more than one published value may hold.
    static func entries(_ count: Int, shape: [Int]? = nil, call: String, what: String) {
        guard count > PublicationLimits.entries else { return }
        let dimensions = shape.map { " (" + $0.map(String.init).joined(separator: " × ") + ")" } ?? ""
        fatalError("\(call): \(what) has \(PublicationLimits.grouped(count)) entries\(dimensions); a page shows at most \(PublicationLimits.grouped(PublicationLimits.entries)) numbers a value (a 256 × 256 matrix): publish a slice or a summary of it")
    }

    /// Why an inline value cannot stand in the prose for its size, or nil.
    static func inlineProblem(_ value: PublishedValue) -> String? {
        switch value {
        case .tensor(let shape, let data, _) where data.count > PublicationLimits.entries:
            return "it is a tensor of \(PublicationLimits.grouped(data.count)) entries (\(shape.map(String.init).joined(separator: " × "))); an inline value holds at most \(PublicationLimits.grouped(PublicationLimits.entries))"
        case .text(let text) where text.utf8.count > PublicationLimits.inlineTextBytes:
            return "its text is \(PublicationLimits.grouped(text.utf8.count)) bytes long; an inline value may be at most \(PublicationLimits.grouped(PublicationLimits.inlineTextBytes)) bytes"
        default:
            return nil
        }
    }
}
