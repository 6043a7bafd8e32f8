import ConvbookFormat
import ArgumentParser
import ConvEngine
import ConvNPY
import Foundation

/// `convbook conv`: one convolution layer, forward and (optionally) backward,
/// on tensors read from `.npy` files, so the engine can be checked against any
/// framework.
struct ConvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv",
        abstract: "Run one convolution layer on .npy tensors and write the results as .npy.",
        discussion: """
        Writes DIR/output.npy and, with --grad-output, DIR/grad_input.npy, grad_weight.npy and \
        grad_bias.npy (PyTorch's names; no --bias means a zero bias). Shapes are NCHW for the \
        input and (F, C/groups, HH, WW) for the weight, as in torch.nn.functional.conv2d; with \
        --layout nhwc they are channels last, as in TensorFlow: input, grad-output and results \
        (N, H, W, C), weight and grad_weight (HH, WW, C/groups, F).

        Example:
          convbook conv --input x.npy --weight w.npy --bias b.npy --grad-output dy.npy \\
                        --stride 2 --padding 1 --gradcheck --out result
        """
    )

    @Option(help: "The input x, shape (N, C, H, W).") var input: String
    @Option(help: "The filters w, shape (F, C/groups, HH, WW).") var weight: String
    @Option(help: "The bias b, shape (F). Default: zeros.") var bias: String?
    @Option(name: .customLong("grad-output"), help: "The upstream gradient dy, shape (N, F, H', W').") var gradOutput: String?
    // `.unconditional`: `--stride -1` is a (wrong) value to report, not a missing one.
    @Option(parsing: .unconditional, help: "Stride: S or SH,SW.") var stride: HWArgument = HWArgument(argument: "1")!
    @Option(parsing: .unconditional, help: "Zero padding: P, PH,PW (both sides alike), TOP,BOTTOM,LEFT,RIGHT, or same (TensorFlow's SAME: ceil(H/s) outputs, an odd zero at the bottom or right).")
    var padding: PaddingArgument = PaddingArgument(argument: "0")!
    @Option(parsing: .unconditional, help: "Dilation: D or DH,DW.") var dilation: HWArgument = HWArgument(argument: "1")!
    @Option(parsing: .unconditional, help: "Groups: C and F must both be divisible by it.") var groups: Int = 1
    @Option(help: "The layout of the tensors read and written: nchw (input (N, C, H, W), weight (F, C/groups, HH, WW)) or nhwc (input (N, H, W, C), weight (HH, WW, C/groups, F)).")
    var layout: LayoutArgument = .nchw
    @Flag(help: "Compare the analytic gradients with centred-difference numerical ones and print each relative error. Without --grad-output a seeded random dy (seed 0) is used.")
    var gradcheck = false
    @Option(help: "With --gradcheck: the largest relative error that passes.") var threshold: Double = 1e-7
    @Flag(help: "Print the gradient check as one JSON object (keys grad_input, grad_weight, grad_bias).") var json = false
    @Option(help: "The folder to write the results into (created if missing).") var out: String

    func run() throws {
        do {
            try execute()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("convbook conv: error: \(failure.message)\n".utf8))
            throw ExitCode(failure.exitCode)
        }
    }

    private func execute() throws {
        // Channels last: the layer runs in NCHW between transposes. x, w and dy go
        // in transposed (NHWC → NCHW, HWIO → OIHW); y, dx and dw come out
        // transposed back (see ConvEngine's Layout); b and db have no layout.
        let channelsLast = layout == .nhwc
        let x = try load(input, "--input", channelsLast ? Layout.nhwcToNCHW : nil)
        let w = try load(weight, "--weight", channelsLast ? Layout.hwioToOIHW : nil)
        let b = try bias.map { try load($0, "--bias") }
        let dyGiven = try gradOutput.map { try load($0, "--grad-output", channelsLast ? Layout.nhwcToNCHW : nil) }
        let sides: Padding
        if let given = padding.sides {
            sides = given
        } else {
            // "same" depends on the sizes, so they must make sense before it is computed.
            let limit = 1 << 24
            guard x.rank == 4, w.rank == 4, (x.shape + w.shape).allSatisfy({ (1...limit).contains($0) }),
                  [stride.value, dilation.value].allSatisfy({ (1...limit).contains($0.height) && (1...limit).contains($0.width) }) else {
                throw CommandFailure("--padding same needs 4-axis input and weight with non-empty axes, and stride and dilation from 1 to \(limit); got input \(x.shape), weight \(w.shape), stride \(stride.value), dilation \(dilation.value)")
            }
            sides = padding.resolved(input: HW(height: x.shape[2], width: x.shape[3]), kernel: HW(height: w.shape[2], width: w.shape[3]),
                                     stride: stride.value, dilation: dilation.value)
        }
        let parameters = ConvParameters(stride: stride.value, padding: sides, dilation: dilation.value, groups: groups)
        let geometry: ConvGeometry
        do {
            geometry = try ConvGeometry.validated(x: x, w: w, b: b, dy: dyGiven, parameters: parameters)
        } catch {
            throw CommandFailure("\(error)" + (channelsLast ? " (shapes in NCHW and (F, C/groups, HH, WW) order, as the channels-last tensors read after transposing)" : ""))
        }
        // The results must fit in memory: say so instead of failing to allocate.
        let outputs = geometry.N * geometry.F * geometry.outHeight * geometry.outWidth
        let copies = gradOutput != nil || gradcheck ? 3.0 : 1.0
        let bytes = Double(outputs) * 8 * copies + Double(x.count + w.count) * 8 * copies
        let memory = Double(ProcessInfo.processInfo.physicalMemory)
        if bytes > memory / 2 {
            throw CommandFailure("the results would need about \(String(format: "%.1f", bytes / 1_073_741_824)) GiB (an output of \(geometry.outputShape)), more than half of this machine's \(String(format: "%.1f", memory / 1_073_741_824)) GiB; check --padding, --stride and --dilation")
        }
        let bias = b ?? Tensor(zeros: [geometry.F])

        var results: [(name: String, tensor: Tensor)] = [("output", convForwardIm2col(x, w, bias, parameters))]
        var gradients: ConvGradients?
        if let dy = dyGiven {
            let g = convBackwardIm2col(dy, x, w, parameters)
            gradients = g
            results += [("grad_input", g.dx), ("grad_weight", g.dw), ("grad_bias", g.db)]
        }

        var report: [(String, Double)] = []
        if gradcheck {
            let dy = dyGiven ?? Tensor.randomNormal(shape: geometry.outputShape, seed: 0)
            let g = gradients ?? convBackwardIm2col(dy, x, w, parameters)
            report = [
                ("grad_input", relError(g.dx, numericalGradient(of: { convForwardIm2col($0, w, bias, parameters) }, at: x, upstream: dy))),
                ("grad_weight", relError(g.dw, numericalGradient(of: { convForwardIm2col(x, $0, bias, parameters) }, at: w, upstream: dy))),
                ("grad_bias", relError(g.db, numericalGradient(of: { convForwardIm2col(x, w, $0, parameters) }, at: bias, upstream: dy))),
            ]
        }

        if channelsLast {
            let order = ["output": Layout.nchwToNHWC, "grad_input": Layout.nchwToNHWC, "grad_weight": Layout.oihwToHWIO]
            results = results.map { result in (result.name, order[result.name].map { result.tensor.permuted($0) } ?? result.tensor) }
        }
        try writeAll(results)

        if json {
            let fields = report.map { "\"\($0.0)\": \(jsonNumber($0.1))" }
            print("{" + fields.joined(separator: ", ") + "}")
        } else {
            print("wrote " + results.map { "\(out)/\($0.name).npy \($0.tensor.shape)" }.joined(separator: ", "))
            if gradcheck && dyGiven == nil { print("gradient check with a seeded random dy (seed 0); pass --grad-output to use yours") }
            for (name, error) in report {
                let verdict = passes(error, bound: threshold) ? "ok" : "FAIL"
                print("\(name.padding(toLength: 12, withPad: " ", startingAt: 0)) relative error \(String(format: "%.4e", error))  \(verdict) (threshold \(threshold))")
            }
        }
        if report.contains(where: { !passes($0.1, bound: threshold) }) {
            let worst = report.filter { !passes($0.1, bound: threshold) }.map { "\($0.0) \(String(format: "%.4e", $0.1))" }
            throw CommandFailure("gradient check failed: \(worst.joined(separator: ", ")) above threshold \(threshold)", exitCode: 2)
        }
    }

    /// Reads a tensor; with `order`, one of rank 4 transposed by it (a channels-last tensor to NCHW or OIHW).
    private func load(_ path: String, _ flag: String, _ order: [Int]? = nil) throws -> Tensor {
        let tensor = try ResultFolder.load(path, flag)
        guard let order else { return tensor }
        guard tensor.rank == 4 else {
            throw CommandFailure("\(flag) must have 4 axes with --layout \(layout.rawValue), got shape \(tensor.shape)")
        }
        return tensor.permuted(order)
    }

    /// The file in DIR that lists what the last run wrote (see ``ResultFolder``).
    static let ledgerName = ".convbook-conv"

    private func writeAll(_ results: [(name: String, tensor: Tensor)]) throws {
        try ResultFolder(path: out, ledgerName: Self.ledgerName).write(results)
    }

    private func jsonNumber(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "null"
    }
}

/// A failure to report on one line of standard error.
struct CommandFailure: Error {
    let message: String
    let exitCode: Int32
    init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }
}
