@testable import Convbook
import Foundation
import Testing

/// `convbook init`'s naming and templates, without a build (the end-to-end
/// tests build what it writes: InitInstallTests).
@Suite struct NewBookTests {
    @Test(arguments: [
        ("mybook", "Mybook", "Mybook"),
        ("books/my-conv-book", "My conv book", "MyConvBook"),
        ("/tmp/x/my_book/", "My book", "MyBook"),
        ("2d-conv", "2d conv", "Book2dConv"),
        ("ConvEngine", "ConvEngine", "ConvEngineLibrary"),
        ("chapter", "Chapter", "ChapterLibrary"),
        ("café-notes", "Café notes", "CafNotes"),
        ("---", "A new book", "Book"),
        ("", "A new book", "Book"),
    ])
    func folderNamesBecomeATitleAndASwiftIdentifier(folder: String, title: String, identifier: String) {
        let name = BookName(folder: folder)
        #expect(name.title == title)
        #expect(name.identifier == identifier)
        // A Swift identifier: ASCII letters and digits, not starting with a digit.
        #expect(name.identifier.first.map { $0.isLetter } == true)
        #expect(name.identifier.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    @Test func templatesAreFilledWithNoFieldLeft() throws {
        let installation = Installation(folders: [])
        for package in [false, true] {
            var book = NewBook(folder: "/tmp/some/tri-numbers", package: package, installation: installation,
                               compilerVersion: "Swift version 6.3.1 (swift-6.3.1-RELEASE)\nTarget: x86_64-unknown-linux-gnu\n")
            #expect(book.swiftVersion == "6.3.1")
            #expect(book.repository == NewBook.unknownRepository)
            #expect(book.ref == "v\(ConvbookVersion.number)")
            book.repository = "https://example.com/convbook.git"
            book.ref = "0123456789abcdef0123456789abcdef01234567"
            let templates = try #require(Installation.current.templateFolder)
            for name in ["book.toml", "chapter.md", "gitignore", "book.yml", "package/Package.swift.in", "package/Library.swift.in", "package/LibraryTests.swift.in"] {
                let text = book.fill(try String(contentsOf: templates.appendingPathComponent(name), encoding: .utf8))
                #expect(!text.contains("%%"), "\(name) has a field left")
            }
            let toml = book.fill(try String(contentsOf: templates.appendingPathComponent("book.toml"), encoding: .utf8))
            var config = BookConfig(title: "")
            try config.read(toml.replacingOccurrences(of: "package = \".\"\n", with: "").replacingOccurrences(of: "products = [\"TriNumbers\"]\n", with: ""), path: "book.toml")
            #expect(config.title == "Tri numbers")
            #expect(config.imports == (package ? ["ConvEngine", "TriNumbers"] : ["ConvEngine"]))
            #expect(toml.contains("package = \".\"") == package)
            let workflow = book.fill(try String(contentsOf: templates.appendingPathComponent("book.yml"), encoding: .utf8))
            #expect(workflow.contains("CONVBOOK_REPOSITORY: https://example.com/convbook.git"))
            #expect(workflow.contains("CONVBOOK_REF: 0123456789abcdef0123456789abcdef01234567"))
            #expect(workflow.contains("container: swift:6.3.1-bookworm"))
            for needed in ["convbook check --format github", "hashFiles('chapters/**', 'book.toml')", "actions/upload-pages-artifact@",
                           "actions/deploy-pages@", "pages: write", "id-token: write", "make -C /tmp/convbook deps",
                           "make -C /tmp/convbook install PREFIX="] {
                #expect(workflow.contains(needed), "the workflow lacks \(needed)")
            }
        }
    }

    @Test func swiftVersionIsReadFromTheCompilersWords() {
        #expect(NewBook.swiftVersion(in: "Swift version 6.3.1 (swift-6.3.1-RELEASE)") == "6.3.1")
        #expect(NewBook.swiftVersion(in: "swift-driver version: 1.2 Apple Swift version 6.2 (swiftlang-6.2)") == "6.2")
        #expect(NewBook.swiftVersion(in: "Swift version 6.3-dev (LLVM abc)") == nil)
        #expect(NewBook.swiftVersion(in: "no number here") == nil)
        #expect(NewBook.swiftVersion(in: "") == nil)
    }

    @Test func aRecordedCompilerIsComparedWithoutTrailingSpace() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convbook-compiler-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(Installation.recordedCompiler(in: folder) == nil)
        #expect(Toolchain.mismatch(folder: folder, swiftc: "swiftc", version: "Swift version 9") == nil)
        try Data("Swift version 6.3.1 (swift-6.3.1-RELEASE)\nTarget: x86_64-unknown-linux-gnu\n\n".utf8)
            .write(to: folder.appendingPathComponent(Installation.compilerFile))
        #expect(Toolchain.mismatch(folder: folder, swiftc: "swiftc", version: "Swift version 6.3.1 (swift-6.3.1-RELEASE)  \nTarget: x86_64-unknown-linux-gnu") == nil)
        let other = try #require(Toolchain.mismatch(folder: folder, swiftc: "/opt/swiftc", version: "Swift version 6.2 (swift-6.2-RELEASE)\nTarget: x86_64-unknown-linux-gnu"))
        #expect(other.message.contains("built by Swift version 6.3.1 (swift-6.3.1-RELEASE), but /opt/swiftc is Swift version 6.2 (swift-6.2-RELEASE)"))
        // Same version, another target: the whole texts are named.
        let target = try #require(Toolchain.mismatch(folder: folder, swiftc: "swiftc", version: "Swift version 6.3.1 (swift-6.3.1-RELEASE)\nTarget: aarch64-unknown-linux-gnu"))
        #expect(target.message.contains("Target: aarch64-unknown-linux-gnu") && target.message.contains("Target: x86_64-unknown-linux-gnu"))
    }
}
