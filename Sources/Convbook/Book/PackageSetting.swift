import Foundation

/// The author's Swift package, as `book.toml` names it: its folder and the
/// library products chapter programs import (``AuthorPackage`` builds them).
///
/// ```toml
/// [build]
/// package = "."            # the folder that holds Package.swift, from book.toml's folder
/// products = ["MyLib"]     # library products of that package; chapters `import MyLib`
/// ```
public struct PackageSetting: Sendable, Hashable {
    /// The folder as `book.toml` writes it.
    public var path: String
    /// The folder, absolute.
    public var folder: URL
    /// The library products to build, as the package names them.
    public var products: [String]
    /// `book.toml` as messages name it, and where `package` and `products` are written in it (1-based).
    var file: String
    var pathLine: Int, pathColumn: Int
    var productsLine: Int, productsColumn: Int

    /// An error at the `package` value.
    func errorAtPath(_ message: String) -> Diagnostic {
        Diagnostic(file: file, line: pathLine, column: pathColumn, message: message)
    }

    /// An error at the `products` value.
    func errorAtProducts(_ message: String) -> Diagnostic {
        Diagnostic(file: file, line: productsLine, column: productsColumn, message: message)
    }

    /// Whether `name` may name a product: SwiftPM's product names are free
    /// text, but these are written into a manifest convbook generates, so
    /// only letters, digits, `_`, `-` and `.` are taken.
    static func isProductName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) }
    }
}
