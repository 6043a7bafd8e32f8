import ArgumentParser
import Convbook
import Foundation

/// `convbook cache`: what is done to cache folders themselves.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Work on cache folders (merge the caches of a build sharded over machines).",
        subcommands: [CacheMergeCommand.self]
    )
}

/// `convbook cache merge SRC... --into DIR`: the caches of `build --shard` merged into one.
struct CacheMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge cache folders into one, checking every entry: the shards' caches of `convbook build --shard K/N`.",
        discussion: """
            Every entry is checked against its checksum, which covers its kind and key as well as its bytes: \
            a damaged entry, or one stored under another entry's name, is left out with a warning and computed \
            again by the next build; nothing else is lost. Entries the destination holds already are kept. \
            The sources are only read. Exit 0 unless a source is not a folder or the destination cannot be written.
            """
    )

    @Argument(help: "The cache folders to merge from, in order.") var sources: [String]
    @Option(help: "The cache folder to merge into (made if missing), as `convbook build --cache` names it.") var into: String

    func validate() throws {
        if sources.isEmpty { throw ValidationError("name at least one cache folder to merge from") }
        if into.isEmpty || sources.contains(where: \.isEmpty) { throw ValidationError("a cache folder's name is empty") }
    }

    func run() throws {
        let report: CacheMerge.Report
        do {
            report = try CacheMerge.merge(sources, into: into)
        } catch {
            throw convbook.report(error)
        }
        for warning in report.rejected { FileHandle.standardError.write(Data((warning.description + "\n").utf8)) }
        FileHandle.standardError.write(Data((report.summary + "\n").utf8))
    }
}
