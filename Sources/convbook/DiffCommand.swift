import ArgumentParser
import Convbook
import Foundation

/// `convbook diff`: what changed between two ledgers, for a pull-request comment.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "List every published value that changed between two ledgers (site/manifest.json).",
        discussion: """
            The old ledger is the site folder's manifest.json at a git revision (--base, default HEAD) or \
            another site folder (--old); the new one is the site folder (--new, default --site). Values are \
            matched by identity (chapter, key, code, place, label), not by line, and sorted into changed \
            (with whether the change is within the value's tolerance), moved (the same value at another \
            line), new and removed. Exit 0 whatever changed; with --fail-on-change, 1 when a value changed \
            beyond its tolerance; 2 on a reading error; 64 on a usage error, as every convbook command.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case markdown, json }

    @Option(help: ArgumentHelp("Read the old ledger from git at this revision (default: HEAD).", valueName: "GIT-REV"))
    var base: String?
    @Option(help: ArgumentHelp("Read the old ledger from this site folder instead of git.", valueName: "SITE"))
    var old: String?
    @Option(help: ArgumentHelp("Read the new ledger from this site folder (default: --site).", valueName: "SITE"))
    var new: String?
    @Option(help: "The book's site folder in the working tree; --base reads its manifest.json at the revision.")
    var site = "site"
    @Option(help: "markdown (a pull-request comment) or json.") var format: Format = .markdown
    @Option(help: "Markdown: at most this many rows a table, the rest counted (0: every row; GitHub refuses comments over 65,536 characters).")
    var rows = 100
    @Flag(help: "Exit 1 when a published value changed beyond its tolerance.") var failOnChange = false

    func validate() throws {
        if rows < 0 { throw ValidationError("--rows must be 0 (every row) or more, got \(rows)") }
        if base != nil && old != nil { throw ValidationError("give --base GIT-REV or --old SITE, not both") }
        for (flag, value) in [("--base", base), ("--old", old), ("--new", new), ("--site", site)] where value?.isEmpty == true {
            throw ValidationError("\(flag) is empty: name a \(flag == "--base" ? "revision" : "folder")")
        }
    }

    func run() throws {
        let oldSource: LedgerSource = old.map { .folder($0) } ?? .revision(base ?? "HEAD", site: site)
        let newSource = LedgerSource.folder(new ?? site)
        let diff: LedgerDiff
        do {
            diff = LedgerDiff(old: try oldSource.load(), new: try newSource.load())
        } catch {
            let message = (error as? Diagnostic)?.description ?? "convbook diff: error: \(error)"
            FileHandle.standardError.write(Data((message + "\n").utf8))
            throw ExitCode(2)
        }
        switch format {
        case .markdown: print(LedgerDiffMarkdown(diff, old: oldSource.name, new: newSource.name, rows: rows == 0 ? nil : rows).text, terminator: "")
        case .json: print(LedgerDiffJSON(diff, old: oldSource.name, new: newSource.name).text, terminator: "")
        }
        if failOnChange && diff.beyondTolerance > 0 {
            FileHandle.standardError.write(Data("convbook diff: \(diff.beyondTolerance) published value\(diff.beyondTolerance == 1 ? "" : "s") changed beyond \(diff.beyondTolerance == 1 ? "its" : "their") tolerance\n".utf8))
            throw ExitCode(1)
        }
    }
}
