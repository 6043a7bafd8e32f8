import Foundation
import TOMLKit

/// The book's settings, from `book.toml` beside the chapters folder (mdBook's
/// convention). Every key is optional; without the file, the book is named
/// after its folder.
///
/// ```toml
/// [book]
/// title = "Backpropagation through a convolutional layer"
/// authors = ["convbook"]
/// description = "How the gradients of a convolutional layer are derived."
/// language = "en"
/// bibliography = "references.bib"
/// repository = "https://github.com/owner/book"     # pages link to it; http(s) only
/// edit-url-template = "https://github.com/owner/book/edit/main/{path}"   # "Edit this page"; default: REPOSITORY/blob/HEAD/{path}
///
/// [build]
/// chapters = ["01-forward.md", "02-vector.md"]   # the order; default: numeric prefixes
/// imports = ["ConvEngine"]                        # modules chapter programs import (this is the default)
/// timeout = 60                                    # seconds per chapter, unless its front matter says
/// gradient-threshold = 1e-7                       # checkGradients' default threshold
/// raw-html = false                                # publish raw HTML (checked by RawHTMLPolicy); default: shown as text
/// package = "."                                   # the author's Swift package (a folder from here), built for chapters
/// products = ["MyLib"]                            # its library products chapters import (``PackageSetting``)
/// ```
///
/// An unknown table or key, or a value of the wrong type, is an error at
/// `book.toml:LINE`.
public struct BookConfig: Sendable, Hashable {
    public var title: String
    public var authors: [String] = []
    public var description: String?
    public var language = "en"
    public var bibliography: String?
    /// The book's source repository (an `http(s)` URL): pages link to it,
    /// the downloadable programs name it.
    public var repository: String?
    /// The "Edit this page" link of a chapter, `{path}` standing for its path
    /// from the folder that holds `book.toml` (`chapters/01-forward.md`); by
    /// default, with a repository, `REPOSITORY/blob/HEAD/{path}`.
    public var editURLTemplate: String?
    /// Chapter files in reading order; nil: by numeric prefix.
    public var chapters: [String]?
    /// Modules every chapter program imports besides the runtime; by default
    /// the engine the runtime links.
    public var imports: [String] = ["ConvEngine"]
    public var timeout: Double?
    public var gradientThreshold: Double?
    /// Publish the chapters' raw HTML (checked by ``RawHTMLPolicy``); when
    /// false, the default, pages show it as text.
    public var rawHTML = false
    /// The author's Swift package and the library products chapters import
    /// (`package` and `products` in `[build]`); nil: none.
    public var package: PackageSetting?

    /// The file name, in the folder that holds the chapters folder.
    public static let fileName = "book.toml"

    /// The settings for the book whose chapters are in `chapters`.
    static func load(chaptersFolder chapters: String) throws(Diagnostic) -> BookConfig {
        let folder = URL(fileURLWithPath: chapters).standardizedFileURL.deletingLastPathComponent()
        let url = folder.appendingPathComponent(fileName)
        let path = Self.path(chaptersFolder: chapters)
        var config = BookConfig(title: folder.lastPathComponent)
        guard FileManager.default.fileExists(atPath: url.path) else { return config }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw Diagnostic(file: path, message: "cannot read \(fileName) as UTF-8 text")
        }
        try config.read(text, path: path, folder: folder)
        if let package = config.package {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: package.folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw package.errorAtPath("build.package: there is no folder \(package.folder.path) (\(package.path.debugDescription) from the folder of \(fileName))")
            }
            guard FileManager.default.fileExists(atPath: package.folder.appendingPathComponent("Package.swift").path) else {
                throw package.errorAtPath("build.package: \(package.folder.path) holds no Package.swift, so it is not a Swift package")
            }
        }
        return config
    }

    /// `book.toml` as messages name it: beside the chapters folder as the user named it.
    static func path(chaptersFolder chapters: String) -> String {
        let shown = (chapters.hasSuffix("/") ? String(chapters.dropLast()) : chapters)
            .split(separator: "/").dropLast().joined(separator: "/")
        return (chapters.hasPrefix("/") ? "/" : "") + (shown.isEmpty ? "" : shown + "/") + fileName
    }

    /// The schema: for each table, its keys and their types.
    private enum Kind { case string, strings, number, bool }
    private static let schema: [String: [String: Kind]] = [
        "book": ["title": .string, "authors": .strings, "description": .string, "language": .string, "bibliography": .string,
                 "repository": .string, "edit-url-template": .string],
        "build": ["chapters": .strings, "imports": .strings, "timeout": .number, "gradient-threshold": .number, "raw-html": .bool,
                  "package": .string, "products": .strings],
    ]

    /// Reads the settings in `text`, `book.toml` as messages name it being
    /// `path`; a package folder is taken from `folder` (nil: the current folder).
    mutating func read(_ text: String, path: String, folder: URL? = nil) throws(Diagnostic) {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw Diagnostic(file: path, line: error.source.begin.line, column: error.source.begin.column, message: error.description)
        } catch {
            throw Diagnostic(file: path, message: "\(error)")
        }
        let lines = KeyLines(text)
        var packagePath: String?, products: [String]?
        for name in root.keys.sorted() {
            guard let keys = Self.schema[name], let table = root[name]?.table else {
                throw Diagnostic(file: path, line: lines.line(table: name, key: nil), column: 1,
                                 message: "unknown \(root[name]?.table == nil ? "key" : "table") '\(name)'; known tables: [book], [build]")
            }
            for key in table.keys.sorted() {
                let line = lines.line(table: name, key: key)
                guard let kind = keys[key], let value = table[key] else {
                    throw Diagnostic(file: path, line: line, column: 1,
                                     message: "unknown key '\(key)' in [\(name)]; known keys: \(keys.keys.sorted().joined(separator: ", "))")
                }
                func wrongType(_ wanted: String) -> Diagnostic {
                    Diagnostic(file: path, line: line, column: 1, message: "\(name).\(key) must be \(wanted)")
                }
                switch kind {
                case .string:
                    guard let string = value.string else { throw wrongType("a string") }
                    if name == "book", key == "title", string.allSatisfy(\.isWhitespace) {
                        throw wrongType("a title that is not empty (it names every page and the home link)")
                    }
                    // Every page links to these: nothing but a web address may become a link.
                    if name == "book", key == "repository" || key == "edit-url-template", !BibliographyLink.isWebURL(string) {
                        throw wrongType("an http:// or https:// URL without spaces, got \(string.debugDescription)")
                    }
                    if name == "book", key == "edit-url-template", !string.contains("{path}") {
                        throw wrongType("a URL with {path} where the chapter's path goes, such as \"https://github.com/owner/book/edit/main/{path}\"")
                    }
                    if name == "build", key == "package" {
                        if string.allSatisfy(\.isWhitespace) { throw wrongType("the folder of a Swift package (\".\" for the book's own folder)") }
                        packagePath = string
                    }
                    set(name, key, string: string)
                case .strings:
                    guard let array = value.array else { throw wrongType("an array of strings") }
                    var strings = [String]()
                    for element in array {
                        guard let string = element.string else { throw wrongType("an array of strings") }
                        strings.append(string)
                    }
                    if name == "build", key == "products" {
                        if strings.isEmpty { throw wrongType("a list of the package's library products that chapters import, such as [\"MyLib\"]") }
                        if let bad = strings.first(where: { !PackageSetting.isProductName($0) }) {
                            throw wrongType("an array of product names (letters, digits, _, - and .); \(bad.debugDescription) is not one")
                        }
                        products = strings
                    }
                    if name == "build", key == "imports", let bad = strings.first(where: { !Self.isModuleName($0) }) {
                        throw wrongType("an array of module names (Swift identifiers, such as \"ConvEngine\"); \(bad.debugDescription) is not one")
                    }
                    set(name, key, strings: strings)
                case .bool:
                    guard let bool = value.bool else { throw wrongType("true or false") }
                    if (name, key) == ("build", "raw-html") { rawHTML = bool }
                case .number:
                    guard let number = value.double ?? value.int.map(Double.init), number > 0 else { throw wrongType("a positive number") }
                    guard number.isFinite else { throw wrongType("a finite number (inf would make a check or a limit that never applies)") }
                    if name == "build", key == "gradient-threshold", number >= 1 {
                        throw wrongType("between 0 and 1 (a relative error; 1e-7 is the default), got \(number)")
                    }
                    set(name, key, number: number)
                }
            }
        }
        switch (packagePath, products) {
        case (let packagePath?, let products?):
            let base = folder ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let resolved = packagePath.hasPrefix("/") ? URL(fileURLWithPath: packagePath) : base.appendingPathComponent(packagePath)
            let pathLine = lines.line(table: "build", key: "package"), productsLine = lines.line(table: "build", key: "products")
            package = PackageSetting(path: packagePath, folder: resolved.standardizedFileURL, products: products, file: path,
                                     pathLine: pathLine, pathColumn: lines.valueColumn(line: pathLine),
                                     productsLine: productsLine, productsColumn: lines.valueColumn(line: productsLine))
        case (_?, nil):
            throw Diagnostic(file: path, line: lines.line(table: "build", key: "package"), column: 1,
                             message: "build.package needs build.products: the package's library products that chapters import, such as products = [\"MyLib\"]")
        case (nil, _?):
            throw Diagnostic(file: path, line: lines.line(table: "build", key: "products"), column: 1,
                             message: "build.products needs build.package: the folder of the Swift package they are products of, such as package = \".\"")
        case (nil, nil):
            break
        }
        // An empty list would publish a book of no pages, replacing every page of the site.
        if chapters?.isEmpty == true {
            throw Diagnostic(file: path, line: lines.line(table: "build", key: "chapters"), column: 1,
                             message: "build.chapters is empty; name the chapter files in reading order, or leave the key out to order them by number prefix")
        }
    }

    /// The "Edit this page" link of the file at `path` (from the folder that
    /// holds `book.toml`), or nil when the book names no repository.
    func editURL(path: String) -> String? {
        let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        if let editURLTemplate { return editURLTemplate.replacingOccurrences(of: "{path}", with: encoded) }
        return repository.map { "\($0)/blob/HEAD/\(encoded)" }
    }

    /// Whether `name` can follow `import`: Swift identifiers joined by dots
    /// (`ConvEngine`, `Foundation.NSString`), and nothing else, so that no
    /// setting can put code into every chapter program.
    static func isModuleName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return !name.isEmpty && parts.allSatisfy { part in
            guard let first = part.unicodeScalars.first, first == "_" || first.properties.isXIDStart else { return false }
            return part.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isXIDContinue }
        }
    }

    private mutating func set(_ table: String, _ key: String, string: String? = nil, strings: [String]? = nil, number: Double? = nil) {
        switch (table, key) {
        case ("book", "title"): title = string ?? title
        case ("book", "description"): description = string
        case ("book", "language"): language = string ?? language
        case ("book", "bibliography"): bibliography = string
        case ("book", "repository"): repository = string.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        case ("book", "edit-url-template"): editURLTemplate = string
        case ("book", "authors"): authors = strings ?? []
        case ("build", "chapters"): chapters = strings
        case ("build", "imports"): imports = strings ?? []
        case ("build", "timeout"): timeout = number
        case ("build", "gradient-threshold"): gradientThreshold = number
        default: break
        }
    }

    /// Where tables and keys are written, found by reading the lines: the
    /// parsed table does not keep its source positions.
    private struct KeyLines {
        var lines: [Substring]
        init(_ text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }

        func line(table: String, key: String?) -> Int {
            var current = ""
            for (index, raw) in lines.enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("[") {
                    current = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] \t"))
                    if key == nil && current == table { return index + 1 }
                    continue
                }
                let name = line.prefix { $0 != "=" }.trimmingCharacters(in: .whitespaces)
                if let key, current == table, name == key || name == "\"\(key)\"" { return index + 1 }
                if key == nil, current.isEmpty, name == table { return index + 1 }
            }
            return 0
        }

        /// The column (1-based) where the value on `line` starts, after `=`; 1 when there is none.
        func valueColumn(line: Int) -> Int {
            guard line > 0, line <= lines.count, let equals = lines[line - 1].firstIndex(of: "=") else { return 1 }
            let text = lines[line - 1]
            let value = text[text.index(after: equals)...].firstIndex { $0 != " " && $0 != "\t" } ?? text.endIndex
            return text.distance(from: text.startIndex, to: value) + 1
        }
    }
}
