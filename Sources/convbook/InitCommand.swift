import ArgumentParser
import Convbook
import Foundation

/// `convbook init`: a new book that builds as it is.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a new book: book.toml, a first chapter, .gitignore and a CI workflow.",
        discussion: """
            The folder must be new or empty; convbook init never writes into a folder that holds files. \
            The first chapter has a running block, an inline value, a checked claim and cross-references, \
            and `convbook build` builds it as it is. .github/workflows/book.yml checks the book on every push \
            and pull request and publishes it with GitHub Pages from main. With --package the folder also \
            holds the Swift package the book documents (Package.swift, Sources/NAME, Tests/NAMETests), \
            NAME from the folder's name, and book.toml names it under [build].

            Example:
              convbook init mybook && cd mybook && convbook build
            """
    )

    @Argument(help: "The new book's folder (default: the current folder, which must be empty).") var folder = "."
    @Flag(help: "Also write a Swift package for the book to document, whose module the chapters import.") var package = false

    func run() throws {
        // The workflow installs the Swift the modules were built with (else the one found now).
        let compiler = (try? Toolchain.moduleFolder(explicit: nil)).flatMap(Installation.recordedCompiler(in:))
            ?? (try? Toolchain.askCompilerVersion(Toolchain.findCompiler()))
        let book = NewBook(folder: folder, package: package, compilerVersion: compiler)
        let written: [String]
        do {
            written = try book.write()
        } catch {
            throw convbook.report(error)
        }
        print("wrote a new book in \(folder): " + written.joined(separator: ", "))
        if book.repository == NewBook.unknownRepository {
            FileHandle.standardError.write(Data("convbook init: warning: this convbook does not know the repository it was built from; set CONVBOOK_REPOSITORY and CONVBOOK_REF in .github/workflows/book.yml before pushing\n".utf8))
        }
        let enter = folder == "." ? "" : "cd \(ShellWord.quoted(folder)) && "
        print("next: \(enter)convbook build, then open site/index.html")
    }
}
