import ArgumentParser
import ConvEngine
import Foundation

/// `convbook pool`: one max- or average-pooling layer, forward and
/// (optionally) backward, on a tensor read from a `.npy` file, so the
/// engine's pooling can be checked against any framework.
struct PoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: "Run one max- or average-pooling layer on an .npy tensor and write the results as .npy.",
        discussion: """
        Writes DIR/output.npy and, with --grad-output, DIR/grad_input.npy (PyTorch's names). The input \
        is NCHW, as in torch.nn.functional.max_pool2d and avg_pool2d; the stride defaults to the window. \
        At a tie, max pooling sends the gradient to the first maximum in row-major window order.

        Example:
          convbook pool --input x.npy --mode max --window 3 --stride 2 --padding 1 \\
                        --grad-output dy.npy --out result
        """
    )

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case max, avg
    }

    @Option(help: "The input x, shape (N, C, H, W).") var input: String
    @Option(help: "max or avg.") var mode: Mode
    @Option(parsing: .unconditional, help: "The window: K or KH,KW.") var window: HWArgument
    @Option(parsing: .unconditional, help: "Stride: S or SH,SW. Default: the window.") var stride: HWArgument?
    @Option(parsing: .unconditional, help: "Padding: P or PH,PW, at most half the window.") var padding: HWArgument = HWArgument(argument: "0")!
    @Flag(inversion: .prefixedNo, help: "With --mode avg: count the padding in each window's divisor (PyTorch's count_include_pad).")
    var countIncludePad = true
    @Option(name: .customLong("grad-output"), help: "The upstream gradient dy, shape (N, C, H', W').") var gradOutput: String?
    @Option(help: "The folder to write the results into (created if missing).") var out: String

    /// The file in DIR that lists what the last run wrote (see ``ResultFolder``).
    static let ledgerName = ".convbook-pool"

    func run() throws {
        do {
            try execute()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("convbook pool: error: \(failure.message)\n".utf8))
            throw ExitCode(failure.exitCode)
        }
    }

    private func execute() throws {
        let parameters = PoolParameters(window: window.value, stride: stride?.value, padding: padding.value)
        let x = try ResultFolder.load(input, "--input")
        let dy = try gradOutput.map { try ResultFolder.load($0, "--grad-output") }
        do {
            _ = try PoolGeometry.validated(x: x, dy: dy, parameters: parameters)
        } catch {
            throw CommandFailure("\(error)")
        }
        var results: [(name: String, tensor: Tensor)]
        switch mode {
        case .max:
            results = [("output", maxPoolForwardIm2col(x, parameters))]
            if let dy { results.append(("grad_input", maxPoolBackwardIm2col(dy, x, parameters))) }
        case .avg:
            results = [("output", avgPoolForwardIm2col(x, parameters, countIncludePad: countIncludePad))]
            if let dy { results.append(("grad_input", avgPoolBackwardIm2col(dy, x, parameters, countIncludePad: countIncludePad))) }
        }
        try ResultFolder(path: out, ledgerName: Self.ledgerName).write(results)
        print("wrote " + results.map { "\(out)/\($0.name).npy \($0.tensor.shape)" }.joined(separator: ", "))
    }
}
