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
    @Option(help: ArgumentHelp("Compile and run only shard K of N of the chapters the cache does not hold (balanced by their last known run times), into the cache, and write no site (--out is not used). Merge the shards' caches with `convbook cache merge`, then `convbook build` over them publishes.",
                               valueName: "K/N"))
    var shard: String?

    func validate() throws {
        guard let shard else { return }
        do {
            _ = try BuildShard(parsing: shard)
        } catch {
            throw ValidationError(error.description)
        }
        if noCache { throw ValidationError("--shard fills the cache, so it cannot be used with --no-cache") }
    }

    func run() throws {
        Interrupts.shared.install()
        do {
            if let shard {
                let report = try BookBuilder(options: book.options(useCache: true)).buildShard(try BuildShard(parsing: shard))
                FileHandle.standardError.write(Data((report.summary + "\n").utf8))
                return
            }
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
        abstract: "Build in memory and judge the site folder: every published value by its tolerance, every file by its bytes.",
        discussion: """
            A value that changed beyond its tolerance is reported at its chapter line; values that differ \
            only within their tolerance (rounding in BLAS on another CPU) pass and are counted.

            --format text (the default) prints `file:line:col: error: message` lines on standard error and \
            the stale site files on standard output; github prints GitHub Actions annotations \
            (::error file=…,line=…,col=…,title=…::message), junit a JUnit XML report (a test case per \
            chapter, a failure per difference) and json one JSON object (version 1); these three go to \
            standard output alone, with a summary line on standard error.

            Exit status: 0 the site is up to date; 1 a value or file differs (the site is stale); 2 the \
            book could not be built (its errors on standard error, and as annotations with --format \
            github; nothing is judged); 64 a usage error, such as an unknown --format.
            """
    )

    @OptionGroup var book: BookArguments
    @Option(help: "How to print the report.") var format: CheckReportFormat = .text

    func run() throws {
        Interrupts.shared.install()
        let report: CheckReport
        do {
            report = try BookBuilder(options: book.options(useCache: true)).check()
        } catch {
            if format == .github {
                let diagnostics = (error as? BuildFailure)?.diagnostics ?? (error as? Diagnostic).map { [$0] } ?? []
                let annotations = diagnostics.isEmpty ? "::error title=convbook::\(GitHubAnnotations.escapeData("\(error)"))\n"
                    : GitHubAnnotations.render(diagnostics)
                FileHandle.standardOutput.write(Data(annotations.utf8))
            }
            _ = convbook.report(error)
            throw ExitCode(2)
        }
        let (output, log) = format.render(report)
        FileHandle.standardOutput.write(Data(output.utf8))
        FileHandle.standardError.write(Data(log.utf8))
        if !report.upToDate { throw ExitCode(1) }
    }
}

/// `convbook verify`: re-run chapters without the cache and judge every published value.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-run chapters without the cache and judge every published value against the site's ledger.",
        discussion: "Each value is judged by the class and tolerance the ledger records. Prints a table per chapter (values by class, how many differ within tolerance, verdict) and exits 1 on any value that changed beyond its tolerance."
    )

    @OptionGroup var book: BookArguments
    @Argument(help: "Chapters to verify (file names or page names, e.g. 01-forward); default: all.") var selected: [String] = []

    func run() throws {
        Interrupts.shared.install()
        let verification: Verification
        do {
            verification = try BookBuilder(options: book.options(useCache: false)).verify(chapters: selected)
        } catch {
            throw convbook.report(error)
        }
        print(verification.table)
        if !verification.passed { throw ExitCode(1) }
    }
}
