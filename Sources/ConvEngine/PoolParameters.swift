/// The hyper-parameters of a 2-D pooling layer: a window of HH × WW elements,
/// moved by the stride s, over x with p elements of padding on each side.
///
/// The stride defaults to the window, so windows tile x without overlapping,
/// as in PyTorch's `MaxPool2d(kernel_size)`. A stride smaller than the window
/// makes the windows overlap.
///
/// ```swift
/// let tiles = PoolParameters(window: 2)                       // stride 2
/// let overlapping = PoolParameters(window: 3, stride: 2, padding: 1)
/// ```
public struct PoolParameters: Hashable, Sendable, CustomStringConvertible {
    public var window: HW
    public var stride: HW
    public var padding: HW

    public init(window: HW, stride: HW? = nil, padding: HW = 0) {
        self.window = window
        self.stride = stride ?? window
        self.padding = padding
    }

    public var description: String {
        "window \(window), stride \(stride), padding \(padding)"
    }

    /// The same windows as a convolution's: the engine's im2col reads them
    /// (a pooling window is a filter's receptive field without the weights).
    var convolution: ConvParameters { ConvParameters(stride: stride, padding: padding) }
}

/// The checked shapes of one pooling layer, computed by ``PoolGeometry/init(input:parameters:)``.
/// Pooling acts on each (n, c) plane of x alone: y has x's N and C.
public struct PoolGeometry: Hashable, Sendable {
    public let N: Int, C: Int, H: Int, W: Int
    public let outHeight: Int, outWidth: Int
    public let parameters: PoolParameters

    public var inputShape: [Int] { [N, C, H, W] }
    public var outputShape: [Int] { [N, C, outHeight, outWidth] }

    /// Validates x's shape (N, C, H, W) against the parameters. As in PyTorch,
    /// the padding may be at most half the window, which guarantees that every
    /// window holds at least one element of x. The message names the numbers
    /// that do not fit.
    public init(input: [Int], parameters p: PoolParameters) throws {
        guard input.count == 4 else {
            throw ConvError("input must have 4 axes (N, C, H, W), got shape \(input)")
        }
        guard input.allSatisfy({ $0 >= 1 }) else { throw ConvError("input shape \(input) has an empty axis") }
        for (name, value) in [("window", p.window), ("stride", p.stride)] {
            guard value.height >= 1, value.width >= 1 else {
                throw ConvError("\(name) must be at least 1, got \(value)")
            }
        }
        guard p.padding.height >= 0, p.padding.width >= 0 else {
            throw ConvError("padding must be non-negative, got \(p.padding)")
        }
        for (axis, pad, k) in [("height", p.padding.height, p.window.height), ("width", p.padding.width, p.window.width)] {
            guard 2 * pad <= k else {
                throw ConvError("padding \(pad) is more than half the window \(k) along the \(axis): a window could lie wholly in the padding (PyTorch refuses this too)")
            }
        }
        let (N, C, H, W) = (input[0], input[1], input[2], input[3])
        guard let outHeight = outputLength(input: H, kernel: p.window.height, stride: p.stride.height, padding: p.padding.height) else {
            throw ConvError("no output rows: H + 2p - HH = \(H) + 2·\(p.padding.height) - \(p.window.height) < 0")
        }
        guard let outWidth = outputLength(input: W, kernel: p.window.width, stride: p.stride.width, padding: p.padding.width) else {
            throw ConvError("no output columns: W + 2p - WW = \(W) + 2·\(p.padding.width) - \(p.window.width) < 0")
        }
        guard checkedProduct([N, C, p.window.height, p.window.width, outHeight, outWidth]) != nil,
              checkedProduct([N, C, H, W]) != nil else {
            throw ConvError("the layer is too large: \(N)·\(C) planes of \(outHeight)·\(outWidth) windows do not fit in a 64-bit integer")
        }
        self.N = N; self.C = C; self.H = H; self.W = W
        self.outHeight = outHeight; self.outWidth = outWidth
        self.parameters = p
    }

    /// Validates like ``init(input:parameters:)`` and also an upstream gradient of the output's shape.
    public static func validated(x: Tensor, dy: Tensor? = nil, parameters: PoolParameters) throws -> PoolGeometry {
        let g = try PoolGeometry(input: x.shape, parameters: parameters)
        if let dy, dy.shape != g.outputShape {
            throw ConvError("upstream gradient must have the output's shape \(g.outputShape), got \(dy.shape)")
        }
        return g
    }

    /// Like ``validated(x:dy:parameters:)``, but traps with the same message: the math functions use this.
    static func require(x: Tensor, dy: Tensor? = nil, parameters: PoolParameters) -> PoolGeometry {
        do {
            return try validated(x: x, dy: dy, parameters: parameters)
        } catch {
            fatalError("\(error)")
        }
    }

    /// The elements of x under window (i, j) of one plane, in row-major window
    /// order (a, then b): the taps that fall in the padding are left out.
    func taps(outputRow i: Int, outputColumn j: Int) -> [(row: Int, column: Int)] {
        let (s, p, k) = (parameters.stride, parameters.padding, parameters.window)
        var taps = [(row: Int, column: Int)]()
        for a in 0..<k.height {
            let row = s.height * i + a - p.height
            guard row >= 0 && row < H else { continue }
            for b in 0..<k.width {
                let column = s.width * j + b - p.width
                guard column >= 0 && column < W else { continue }
                taps.append((row, column))
            }
        }
        return taps
    }
}
