import ArgumentParser
import Convbook
import Foundation

/// Options shared by `build`, `check` and `verify`.
struct BookArguments: ParsableArguments {
    @Option(help: "The folder of Markdown chapters.") var chapters = "chapters"
    @Option(help: "The site folder.") var out = "site"
    @Option(help: "Chapters compiled and run at once (default: the number of cores).") var jobs: Int?
    @Option(help: "The folder holding the ConvEngine and ConvbookRuntime modules (default: $CONVBOOK_MODULES, else next to this executable).")
    var modules: String?
    @Option(help: "The result cache folder (default: .convbook-cache beside the chapters folder).") var cache: String?
    @Option(help: "A folder whose files replace the default theme's (page.mustache, index.mustache, head.mustache, header.mustache, style.css, the convbook-*.js page scripts).")
    var theme: String?
    @Option(name: .customLong("env"), help: ArgumentHelp("A variable for the chapter programs, NAME (its value here) or NAME=VALUE; repeatable. Chapters see a fixed environment otherwise, and these are part of the cache key.", valueName: "NAME[=VALUE]"))
    var environment: [String] = []

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        for (flag, value) in [("--chapters", chapters), ("--out", out), ("--cache", cache), ("--modules", modules), ("--theme", theme)] {
            if value?.isEmpty == true { throw ValidationError("\(flag) is empty: name a folder") }
        }
    }

    func options(useCache: Bool) -> BuildOptions {
        var options = BuildOptions()
        options.chapters = chapters
        options.out = out
        if let jobs { options.jobs = jobs }
        options.modules = modules
        options.cacheDirectory = cache
        options.theme = theme
        options.environment = environment
        options.useCache = useCache
        options.progress = Progress.line
        options.referenceLayers = { ReferenceLayers.cases() }
        return options
    }
}

/// Progress lines on standard error: one per chapter.
enum Progress {
    static let line: @Sendable (String) -> Void = { text in
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// Prints a build failure's diagnostics, one per line, and exits 1.
func report(_ error: Error) -> ExitCode {
    switch error {
    case let failure as BuildFailure:
        for diagnostic in failure.diagnostics { FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8)) }
        let errors = failure.diagnostics.filter { $0.severity == .error }.count
        FileHandle.standardError.write(Data("convbook: \(errors) error\(errors == 1 ? "" : "s"); site left as it was\n".utf8))
    case let diagnostic as Diagnostic:
        FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
    default:
        FileHandle.standardError.write(Data("convbook: error: \(error)\n".utf8))
    }
    return ExitCode(1)
}
