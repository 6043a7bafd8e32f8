import Foundation
import Testing
@testable import Convbook

/// The pieces of the author's package that need no SwiftPM: the settings,
/// which modules a chapter imports, and how that enters its cache key
/// (AuthorPackageTests builds a real package end to end).
@Suite struct AuthorPackageUnitTests {
    @Test func bookTomlNamesThePackageFromItsOwnFolder() throws {
        var config = BookConfig(title: "x")
        try config.read("[build]\ntimeout = 5\npackage =  \"lib\"\nproducts = [\"MyLib\", \"Tools\"]\n", path: "book/book.toml",
                        folder: URL(fileURLWithPath: "/books/one"))
        let package = try #require(config.package)
        #expect(package.folder.path == "/books/one/lib")
        #expect(package.products == ["MyLib", "Tools"])
        #expect(package.errorAtPath("m").description == "book/book.toml:3:12: error: m")
        #expect(package.errorAtProducts("m").description == "book/book.toml:4:12: error: m")
        // "." is the book's own folder.
        var own = BookConfig(title: "x")
        try own.read("[build]\npackage = \".\"\nproducts = [\"MyLib\"]\n", path: "book.toml", folder: URL(fileURLWithPath: "/books/one"))
        #expect(own.package?.folder.path == "/books/one")
        // Without the keys, no package.
        var none = BookConfig(title: "x")
        try none.read("[build]\ntimeout = 5\n", path: "book.toml")
        #expect(none.package == nil)
    }

    @Test func aChapterImportsWhatItsImportLinesName() {
        let markdown = """
            # A

            ```swift
            import MyLib
            @testable import Helper
            import struct Geometry.Point
            let text = "no import here"
            ```

            ```swift norun
            import NotRun
            ```

            ```swift fails
            import Probed
            let x: Int = "s"
            ```
            """
        let program = ChapterProgram(cells: ChapterDocument(markdown: markdown, path: "a.md").cells, imports: ["ConvEngine"])
        #expect(program.importedModules == ["ConvEngine", "ConvbookRuntime", "Geometry", "Helper", "MyLib", "Probed"])
    }

    @Test func onlyTheProductsAChapterImportsEnterItsKey() throws {
        let setting = PackageSetting(path: ".", folder: URL(fileURLWithPath: "/b"), products: ["MyLib", "Other"], file: "book.toml",
                                     pathLine: 2, pathColumn: 11, productsLine: 3, productsColumn: 12)
        let package = AuthorPackage(setting: setting, binDirectory: URL(fileURLWithPath: "/b/.build/release"),
                                    moduleFingerprints: ["MyLib": "f1", "MyLibCore": "f1", "Other": "f2"])
        #expect(package.fingerprint(imports: ["ConvEngine", "ConvbookRuntime"]) == "")
        #expect(package.fingerprint(imports: ["MyLib", "MyLibCore"]) == "f1")
        #expect(package.fingerprint(imports: ["Other", "MyLib"]) == "f1 f2")

        var toolchain = Toolchain(swiftc: "/usr/bin/swiftc", libraryDirectory: URL(fileURLWithPath: "/m"), moduleDirectory: URL(fileURLWithPath: "/m/Modules"),
                                  compilerVersion: "Swift version 6", fingerprint: "engine")
        let environment = try ChapterEnvironment(choices: [], environment: [:])
        let withoutPackage = ExecutionCache.key(programDigest: "p", toolchain: toolchain, environment: environment)
        #expect(ExecutionCache.key(programDigest: "p", toolchain: toolchain, environment: environment, package: "") == withoutPackage)
        #expect(ExecutionCache.key(programDigest: "p", toolchain: toolchain, environment: environment, package: "f1") != withoutPackage)

        toolchain.package = package
        let arguments = toolchain.compileArguments(source: URL(fileURLWithPath: "/s/main.swift"), output: URL(fileURLWithPath: "/s/program"))
        #expect(arguments.contains("-lConvbookAuthorPackage") && arguments.contains("/b/.build/release/Modules"))
        #expect(toolchain.typecheckArguments(source: URL(fileURLWithPath: "/s/p.swift")).contains("/b/.build/release/Modules"))
        // The library links chapters whether they import it or not; what they import decides their key.
        let a = ExecutionCache.key(programDigest: "p", toolchain: toolchain, environment: environment, package: package.fingerprint(imports: ["MyLib"]))
        let b = ExecutionCache.key(programDigest: "p", toolchain: toolchain, environment: environment, package: package.fingerprint(imports: ["Other"]))
        #expect(a != b)
    }
}
