import ArgumentParser
import Convbook
import Foundation

/// `convbook build`: run every chapter and write the site.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile and run the chapters, weave their results into the text, and write the site.",
        discussion: "On any error the previous site folder is left exactly as it was; every failing chapter is reported."
    )

    @OptionGroup var book: BookArguments
    @Flag(help: "Ignore the result cache: compile and run every chapter.") var noCache = false

    func run() throws {
        Interrupts.shared.install()
        do {
            let report = try BookBuilder(options: book.options(useCache: !noCache)).build()
            FileHandle.standardError.write(Data((report.summary + "\n").utf8))
        } catch {
            throw convbook.report(error)
        }
    }
}

/// `convbook check`: is the committed site up to date?
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Build in memory and compare with the site folder; exit 1 listing every stale file."
    )

    @OptionGroup var book: BookArguments

    func run() throws {
        Interrupts.shared.install()
        let differences: [String]
        do {
            differences = try BookBuilder(options: book.options(useCache: true)).check()
        } catch {
            throw convbook.report(error)
        }
        if differences.isEmpty {
            print("\(book.out) is up to date")
        } else {
            for line in differences { print(line) }
            FileHandle.standardError.write(Data("convbook check: \(book.out) is stale (\(differences.count) file\(differences.count == 1 ? "" : "s")); run `convbook build` and commit it\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `convbook verify`: re-run chapters without the cache and compare every published number.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-run chapters without the cache and compare every published value with the site's manifest.",
        discussion: "Prints a table per chapter (blocks, values checked, largest difference, verdict) and exits 1 on any mismatch."
    )

    @OptionGroup var book: BookArguments
    @Option(help: "Relative tolerance for numbers.") var tolerance = 1e-9
    @Argument(help: "Chapters to verify (file names or page names, e.g. 01-forward); default: all.") var selected: [String] = []

    func run() throws {
        Interrupts.shared.install()
        let verification: Verification
        do {
            verification = try BookBuilder(options: book.options(useCache: false)).verify(chapters: selected, tolerance: tolerance)
        } catch {
            throw convbook.report(error)
        }
        print(verification.table)
        if !verification.passed { throw ExitCode(1) }
    }
}
