import ArgumentParser
import ConvEngine

/// `--padding 1`, `--padding 1,2` (height, width: both sides alike),
/// `--padding 0,1,0,1` (top, bottom, left, right: JAX's (low, high) pairs in order)
/// or `--padding same` (TensorFlow's "SAME", which depends on the input's size).
struct PaddingArgument: ExpressibleByArgument {
    /// The padding of each side, or nil for "same".
    let sides: Padding?

    init?(argument: String) {
        if argument.lowercased() == "same" {
            sides = nil
            return
        }
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        if parts.count == 4 {
            let amounts = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard let top = amounts[0], let bottom = amounts[1], let left = amounts[2], let right = amounts[3] else { return nil }
            sides = Padding(top: top, bottom: bottom, left: left, right: right)
        } else {
            guard let both = HWArgument(argument: argument) else { return nil }
            sides = Padding(both.value)
        }
    }

    /// The padding for an input of `input` rows and columns and a `kernel`.
    func resolved(input: HW, kernel: HW, stride: HW, dilation: HW) -> Padding {
        sides ?? Padding.same(input: input, kernel: kernel, stride: stride, dilation: dilation)
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// `--layout nchw` (PyTorch's order, the default) or `--layout nhwc` (TensorFlow's).
enum LayoutArgument: String, ExpressibleByArgument, CaseIterable {
    case nchw
    case nhwc
}
