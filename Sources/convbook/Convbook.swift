import ArgumentParser

/// The `convbook` command: a literate-notebook builder for the convolution
/// explainer, and a command-line front end to the engine.
@main
struct Convbook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convbook",
        abstract: "Build and check the convolution-backpropagation book, and run its engine.",
        subcommands: [BuildCommand.self, CheckCommand.self, VerifyCommand.self, ConvCommand.self, ServeCommand.self, PDFCommand.self]
    )
}
