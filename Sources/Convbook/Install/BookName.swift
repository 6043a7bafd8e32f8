/// What `convbook init DIR` calls the new book, from DIR's last path component:
/// a title for `book.toml` and a Swift identifier for the package's module.
///
/// ```swift
/// let name = BookName(folder: "books/my-conv-book")
/// name.title        // "My conv book"
/// name.identifier   // "MyConvBook"
/// ```
public struct BookName: Sendable, Equatable {
    /// The folder's name as written (`my-conv-book`).
    public let folder: String
    /// Words of the folder's name, the first capitalised (`My conv book`).
    public let title: String
    /// The folder's words in upper camel case, ASCII letters and digits only,
    /// never starting with a digit nor naming a module every chapter imports
    /// (`MyConvBook`).
    public let identifier: String

    /// Modules a chapter program already sees, or is (`Chapter`): a package
    /// of that name would hide them.
    static let taken: Set<String> = ["Swift", "Foundation", "Glibc", "Dispatch", "Testing", "XCTest", "_Concurrency",
                                     "ConvEngine", "ConvNPY", "ConvbookFormat", "ConvbookRuntime", "Chapter", "Convbook"]

    public init(folder path: String) {
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        folder = last
        let words = last.split { !($0.isLetter || $0.isNumber) }.map(String.init)
        let sentence = words.joined(separator: " ")
        title = sentence.isEmpty ? "A new book" : sentence.prefix(1).uppercased() + sentence.dropFirst()
        let ascii = last.split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        var identifier = ascii.isEmpty ? "Book" : ascii
        if identifier.first!.isNumber { identifier = "Book" + identifier }
        if Self.taken.contains(identifier) { identifier += "Library" }
        self.identifier = identifier
    }
}
