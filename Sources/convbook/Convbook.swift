import ArgumentParser
import Convbook
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `convbook` command: a literate-notebook builder for the convolution
/// explainer, and a command-line front end to the engine.
@main
struct Convbook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convbook",
        abstract: "Build and check the convolution-backpropagation book, and run its engine.",
        subcommands: [InitCommand.self, BuildCommand.self, CheckCommand.self, VerifyCommand.self, ConvCommand.self, PoolCommand.self, ServeCommand.self, PDFCommand.self, DiffCommand.self, CacheCommand.self]
    )

    @Flag(help: "Print convbook's version, the compiler its modules were built with and the swiftc found now.")
    var version = false

    func run() async throws {
        guard version else { throw CleanExit.helpRequest(self) }
        let text = VersionText()
        print(text.lines.joined(separator: "\n"))
        if let mismatch = text.mismatch { FileHandle.standardError.write(Data((mismatch.description + "\n").utf8)) }
    }

    /// As ArgumentParser's own `main`, with `SIGPIPE` ignored first: a child
    /// (node, a chapter program) that ends while convbook writes to it makes
    /// the write fail with `EPIPE`, which is reported, instead of killing
    /// convbook without a word (exit 141).
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
