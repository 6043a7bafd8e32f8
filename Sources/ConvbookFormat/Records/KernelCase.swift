/// One layer for the browser's kernel (`convkernel.js`) to recompute at build
/// time: its parameters, inputs (x, w, and b or dy when present) and the
/// engine's outputs (y, and dx, dw, db when dy is present). The build hands
/// a list of these to `kernel-check.js` in node, which answers with the
/// relative difference of each output.
///
/// ```json
/// {"id": "…", "parameters": {"stride": [2, 2], …}, "tensors": {"x": {"shape": [1, 1, 3, 3], "data": [1, 2, …]}, …}}
/// ```
public struct KernelCase: Codable, Sendable, Hashable {
    public var id: String
    public var parameters: ExplorerParameters
    public var tensors: [String: KernelTensor]

    public init(id: String, parameters: ExplorerParameters, tensors: [String: KernelTensor]) {
        self.id = id
        self.parameters = parameters
        self.tensors = tensors
    }

    /// The outputs the kernel recomputes, in the order it reports them.
    public static let outputs = ["y", "dx", "dw", "db"]
}

/// A tensor as the page's scripts read it: shape, and elements in row-major
/// order (non-finite ones as "nan", "inf", "-inf").
public struct KernelTensor: Codable, Sendable, Hashable {
    public var shape: [Int]
    public var data: [FlexibleDouble]

    public init(shape: [Int], data: [FlexibleDouble]) {
        self.shape = shape
        self.data = data
    }

    public init(shape: [Int], values: [Double]) {
        self.init(shape: shape, data: values.map(FlexibleDouble.init))
    }
}
