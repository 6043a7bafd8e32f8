import ConvbookFormat
import Foundation

/// `convbook init`: a new book in a folder that is missing or empty, from the
/// templates in convbook's resources (`Sources/Convbook/Templates`):
/// `book.toml`, `chapters/01-first.md` (a running block, an inline value, a
/// checked claim and cross-references), `.gitignore`, and the CI workflow
/// `.github/workflows/book.yml`; with `package`, also the Swift package the
/// book documents (`Package.swift`, `Sources/NAME/NAME.swift`,
/// `Tests/NAMETests/NAMETests.swift`), which book.toml names under `[build]`.
///
/// ```swift
/// let written = try NewBook(folder: "mybook").write()
/// written   // ["book.toml", "chapters/01-first.md", ".gitignore", ".github/workflows/book.yml"]
/// ```
///
/// It never writes into a folder that holds anything, and never removes a file.
public struct NewBook: Sendable {
    public let folder: URL
    /// The folder as the user named it, for messages.
    public let shownPath: String
    public let name: BookName
    public let package: Bool
    /// Where convbook comes from and which commit, for the workflow.
    public var repository: String
    public var ref: String
    /// The Swift version the workflow installs (`6.3.1`).
    public var swiftVersion: String

    /// The workflow's repository when the installation knows none.
    public static let unknownRepository = "https://github.com/OWNER/convbook"

    public init(folder path: String, package: Bool = false, installation: Installation = .current,
                compilerVersion: String? = nil) {
        shownPath = path
        folder = URL(fileURLWithPath: path).standardizedFileURL
        name = BookName(folder: folder.path)
        self.package = package
        repository = installation.repository ?? Self.unknownRepository
        ref = installation.commit ?? "v\(ConvbookVersion.number)"
        swiftVersion = compilerVersion.flatMap(Self.swiftVersion(in:)) ?? "6.3.1"
    }

    /// `6.3.1` from `Swift version 6.3.1 (swift-6.3.1-RELEASE)`.
    static func swiftVersion(in text: String) -> String? {
        let words = text.split(whereSeparator: \.isWhitespace)
        guard let at = words.firstIndex(of: "version"), at + 1 < words.count else { return nil }
        let number = words[at + 1]
        return number.allSatisfy({ $0.isNumber || $0 == "." }) && !number.isEmpty ? String(number) : nil
    }

    /// The files to write: path in the book, template, and whether it is only for `--package`.
    private var files: [(path: String, template: String)] {
        var files = [("book.toml", "book.toml"), ("chapters/01-first.md", "chapter.md"), (".gitignore", "gitignore"),
                     (".github/workflows/book.yml", "book.yml")]
        if package {
            files += [("Package.swift", "package/Package.swift.in"),
                      ("Sources/\(name.identifier)/\(name.identifier).swift", "package/Library.swift.in"),
                      ("Tests/\(name.identifier)Tests/\(name.identifier)Tests.swift", "package/LibraryTests.swift.in")]
        }
        return files
    }

    /// Writes the book; returns the paths written, relative to the folder.
    /// A folder that holds anything (a hidden file too) is refused, and so is
    /// a path that is a file.
    @discardableResult
    public func write() throws(Diagnostic) -> [String] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw Diagnostic(file: shownPath, message: "is a file, not a folder; name a new or empty folder for the book")
            }
            let entries = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
            if !entries.isEmpty {
                let shown = entries.sorted().prefix(3).joined(separator: ", ") + (entries.count > 3 ? ", …" : "")
                throw Diagnostic(file: shownPath, message: "the folder is not empty (\(shown)); convbook init writes a new book only into a new or empty folder, and changed nothing")
            }
        }
        guard let templates = Installation.current.templateFolder else {
            throw Diagnostic(file: "convbook", message: "the book templates are missing from convbook's resources (looked in "
                + Installation.current.folders.map(\.path).joined(separator: ", ") + ")")
        }
        // Every file is made before the first is written, so a missing template writes nothing.
        var contents = [(String, String)]()
        for (path, template) in files {
            guard let text = try? String(contentsOf: templates.appendingPathComponent(template), encoding: .utf8) else {
                throw Diagnostic(file: templates.appendingPathComponent(template).path, message: "book template is missing")
            }
            contents.append((path, fill(text)))
        }
        for (path, text) in contents {
            let url = folder.appendingPathComponent(path)
            do {
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(Array(text.utf8), to: url.path)
            } catch {
                throw Diagnostic(file: shownPath + "/" + path, message: "cannot write: \(error)")
            }
        }
        return contents.map(\.0)
    }

    /// The template with its `%%KEY%%` fields filled in.
    func fill(_ template: String) -> String {
        let packageKeys = package ? """
            # The Swift package this book documents (Package.swift here); chapters import it.
            package = "."
            products = ["\(name.identifier)"]
            imports = ["ConvEngine", "\(name.identifier)"]
            """ : ""
        let definition = package ? "" : "func triangular(_ n: Int) -> Int { n * (n + 1) / 2 }\n\n"
        let fields = [
            "TITLE": name.title.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""),
            "FOLDER": name.folder.filter { !$0.isNewline }, "NAME": name.identifier, "PACKAGE_KEYS": packageKeys,
            "DEFINITION": package ? "// triangular(_:) is the package's: Sources/\(name.identifier)/\(name.identifier).swift.\n" : definition,
            "CONVBOOK_REPOSITORY": repository, "CONVBOOK_REF": ref, "SWIFT_VERSION": swiftVersion,
        ]
        var text = template
        for (key, value) in fields { text = text.replacingOccurrences(of: "%%\(key)%%", with: value) }
        return text
    }
}
