/// A dense, row-major array of `Double` with rank 1 to 4.
///
/// Images are stored NCHW (batch, channels, height, width) and filters
/// (F, C/groups, HH, WW). `Tensor` is a value type: copies are independent.
///
/// Create tensors from labelled nested-array literals, one label per rank, so
/// the type checker never has to choose between overloads:
///
/// ```swift
/// let v = Tensor(vector: [1, 2, 3])                 // shape [3]
/// let m = Tensor(matrix: [[1, 2], [3, 4]])          // shape [2, 2]
/// let x = Tensor(image: [[[1, 2], [3, 4]]])         // shape [1, 2, 2]  (C, H, W)
/// let w = Tensor(batch: [[[[1, 0], [0, -1]]]])      // shape [1, 1, 2, 2]
/// m[1, 0]                                            // 3.0
/// ```
public struct Tensor: Equatable, Hashable, Sendable {
    /// The extent of each axis, outermost first.
    public let shape: [Int]
    /// The elements in row-major (C) order.
    public var scalars: [Double]
    /// Whether these elements come out bit for bit the same on every machine.
    /// Not part of the value: two tensors with equal shapes and elements are
    /// equal whatever their reproducibility.
    public var reproducibility: Reproducibility = .bitwise

    /// How far a tensor's elements can be trusted to repeat on another machine.
    ///
    /// Every sum in the engine's loops is added in an order the code fixes, so
    /// their results are ``bitwise``. BLAS (the im2col fast path) sums in an
    /// order chosen for the CPU it runs on, so its results, and everything
    /// computed from them, are ``rounding``: the same up to rounding error.
    ///
    /// ```swift
    /// convForward(x, w).reproducibility         // .bitwise
    /// convForwardIm2col(x, w).reproducibility   // .rounding
    /// (convForwardIm2col(x, w) + x).reproducibility   // .rounding: it spreads
    /// ```
    public enum Reproducibility: Sendable, Hashable {
        /// The same bits on every machine.
        case bitwise
        /// The same up to rounding error; the last bits depend on the CPU.
        case rounding
    }

    /// This tensor, marked as computed from `inputs`: ``Reproducibility/rounding``
    /// when any of them (or this tensor already) is.
    public func computed(from inputs: Tensor?...) -> Tensor {
        computed(fromAll: inputs)
    }

    /// ``computed(from:)`` for an array of inputs.
    public func computed(fromAll inputs: [Tensor?]) -> Tensor {
        var result = self
        if inputs.contains(where: { $0?.reproducibility == .rounding }) { result.reproducibility = .rounding }
        return result
    }

    public static func == (a: Tensor, b: Tensor) -> Bool {
        a.shape == b.shape && a.scalars == b.scalars
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(shape)
        hasher.combine(scalars)
    }

    /// Creates a tensor from a shape and its elements in row-major order.
    ///
    /// - Precondition: `shape` has 1 to 4 non-negative extents whose product is `scalars.count`.
    public init(shape: [Int], scalars: [Double]) {
        require((1...4).contains(shape.count), "Tensor rank must be 1 to 4, got shape \(shape)")
        require(shape.allSatisfy { $0 >= 0 }, "Tensor extents must be non-negative, got shape \(shape)")
        let count = shape.reduce(1, *)
        require(count == scalars.count,
                     "shape \(shape) holds \(count) elements but \(scalars.count) were given")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of the given shape filled with zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, scalars: Array(repeating: 0, count: shape.reduce(1, *)))
    }

    /// A tensor of the given shape filled with one value.
    public init(repeating value: Double, shape: [Int]) {
        self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
    }

    /// A rank-1 tensor: `Tensor(vector: [1, 2, 3])`.
    public init(vector: [Double]) {
        self.init(shape: [vector.count], scalars: vector)
    }

    /// A rank-2 tensor from its rows: `Tensor(matrix: [[1, 2], [3, 4]])`.
    public init(matrix rows: [[Double]]) {
        let width = rows.first?.count ?? 0
        require(rows.allSatisfy { $0.count == width }, "matrix rows have different lengths")
        self.init(shape: [rows.count, width], scalars: rows.flatMap { $0 })
    }

    /// A rank-3 tensor (C, H, W) from a list of matrices.
    public init(image channels: [[[Double]]]) {
        let mats = channels.map { Tensor(matrix: $0) }
        let inner = mats.first?.shape ?? [0, 0]
        require(mats.allSatisfy { $0.shape == inner }, "image channels have different shapes")
        self.init(shape: [channels.count] + inner, scalars: mats.flatMap { $0.scalars })
    }

    /// A rank-4 tensor (N, C, H, W) or (F, C, HH, WW) from a list of rank-3 items.
    public init(batch items: [[[[Double]]]]) {
        let vols = items.map { Tensor(image: $0) }
        let inner = vols.first?.shape ?? [0, 0, 0]
        require(vols.allSatisfy { $0.shape == inner }, "batch items have different shapes")
        self.init(shape: [items.count] + inner, scalars: vols.flatMap { $0.scalars })
    }

    /// Numbers `start, start + step, ...` laid out in row-major order.
    ///
    /// ```swift
    /// Tensor.ramp(shape: [2, 3])            // [[0, 1, 2], [3, 4, 5]]
    /// Tensor.ramp(shape: [3], start: 1, step: 0.5)   // [1, 1.5, 2]
    /// ```
    public static func ramp(shape: [Int], start: Double = 0, step: Double = 1) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { start + Double($0) * step })
    }

    /// Numbers evenly spaced from `low` to `high` inclusive, in row-major order
    /// (NumPy's `np.linspace(low, high, num=count).reshape(shape)`).
    public static func linspace(_ low: Double, _ high: Double, shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *)
        if count == 1 { return Tensor(shape: shape, scalars: [low]) }
        let step = (high - low) / Double(count - 1)
        return Tensor(shape: shape, scalars: (0..<count).map { i in
            i == count - 1 ? high : low + Double(i) * step
        })
    }

    /// Standard normal numbers from ``SeededNormalGenerator``: the same seed gives
    /// the same tensor on every platform.
    public static func randomNormal(shape: [Int], seed: UInt64, mean: Double = 0, standardDeviation: Double = 1) -> Tensor {
        var generator = SeededNormalGenerator(seed: seed)
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { _ in mean + standardDeviation * generator.next() })
    }

    /// Number of axes.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { scalars.count }

    /// Row-major strides of ``shape``.
    public var strides: [Int] {
        var result = Array(repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            result[axis] = running
            running *= shape[axis]
        }
        return result
    }

    /// The same elements with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars).computed(from: self)
    }

    // MARK: Element access

    // Element access. Each rank has its own offset function so that no array
    // is built per access; the check is one branch, and the message is built
    // only on failure, in a separate cold function (so the loops stay fast).

    @inline(__always)
    private func offset(_ i: Int) -> Int {
        if shape.count != 1 || i < 0 || i >= shape[0] { indexFailure([i]) }
        return i
    }

    @inline(__always)
    private func offset(_ i: Int, _ j: Int) -> Int {
        if shape.count != 2 || i < 0 || i >= shape[0] || j < 0 || j >= shape[1] { indexFailure([i, j]) }
        return i * shape[1] + j
    }

    @inline(__always)
    private func offset(_ c: Int, _ i: Int, _ j: Int) -> Int {
        if shape.count != 3 || c < 0 || c >= shape[0] || i < 0 || i >= shape[1] || j < 0 || j >= shape[2] {
            indexFailure([c, i, j])
        }
        return (c * shape[1] + i) * shape[2] + j
    }

    @inline(__always)
    private func offset(_ n: Int, _ c: Int, _ i: Int, _ j: Int) -> Int {
        if shape.count != 4 || n < 0 || n >= shape[0] || c < 0 || c >= shape[1]
            || i < 0 || i >= shape[2] || j < 0 || j >= shape[3] {
            indexFailure([n, c, i, j])
        }
        return ((n * shape[1] + c) * shape[2] + i) * shape[3] + j
    }

    /// Stops with a message naming the index and axis that do not fit.
    @inline(never)
    private func indexFailure(_ indices: [Int]) -> Never {
        if indices.count != shape.count {
            fatalError("a tensor of shape \(shape) needs \(shape.count) indices, got \(indices.count)")
        }
        let axis = indices.indices.first { indices[$0] < 0 || indices[$0] >= shape[$0] } ?? 0
        fatalError("index \(indices[axis]) is out of range for axis \(axis) of shape \(shape)")
    }

    /// Element `i` of a vector.
    public subscript(i: Int) -> Double {
        get { scalars[offset(i)] }
        set { scalars[offset(i)] = newValue }
    }

    /// Element `(i, j)` of a matrix.
    public subscript(i: Int, j: Int) -> Double {
        get { scalars[offset(i, j)] }
        set { scalars[offset(i, j)] = newValue }
    }

    /// Element `(c, i, j)` of a rank-3 tensor.
    public subscript(c: Int, i: Int, j: Int) -> Double {
        get { scalars[offset(c, i, j)] }
        set { scalars[offset(c, i, j)] = newValue }
    }

    /// Element `(n, c, i, j)` of a rank-4 tensor.
    public subscript(n: Int, c: Int, i: Int, j: Int) -> Double {
        get { scalars[offset(n, c, i, j)] }
        set { scalars[offset(n, c, i, j)] = newValue }
    }

    /// The sub-tensor at index `i` of the outermost axis (`x.slice(0)` of an NCHW
    /// batch is the first image, of shape (C, H, W)).
    public func slice(_ i: Int) -> Tensor {
        require(rank >= 2, "slice needs rank 2 or more, shape is \(shape)")
        require(i >= 0 && i < shape[0], "slice \(i) is out of range for shape \(shape)")
        let inner = Array(shape.dropFirst())
        let size = inner.reduce(1, *)
        return Tensor(shape: inner, scalars: Array(scalars[(i * size)..<((i + 1) * size)])).computed(from: self)
    }

    /// Stacks tensors of equal shape along a new outermost axis.
    public static func stack(_ items: [Tensor]) -> Tensor {
        require(!items.isEmpty, "stack needs at least one tensor")
        let inner = items[0].shape
        require(items.allSatisfy { $0.shape == inner }, "stack needs tensors of equal shape")
        return Tensor(shape: [items.count] + inner, scalars: items.flatMap { $0.scalars }).computed(fromAll: items)
    }

    // MARK: Reductions

    /// Sum of all elements, added in row-major order.
    public func sum() -> Double {
        var total = 0.0
        for value in scalars { total += value }
        return total
    }

    /// Largest element.
    public func max() -> Double { scalars.max() ?? -.infinity }

    /// Largest absolute value.
    public func maxAbs() -> Double { scalars.reduce(0) { Swift.max($0, abs($1)) } }

    /// Inner product `Σ a[i] b[i]` over all elements, in row-major order.
    public func dot(_ other: Tensor) -> Double {
        require(shape == other.shape, "dot needs equal shapes, got \(shape) and \(other.shape)")
        var total = 0.0
        for k in scalars.indices { total += scalars[k] * other.scalars[k] }
        return total
    }

    /// `max |a - b|` over all elements: NaN when either holds a NaN, or when
    /// both are empty (there is nothing to compare).
    public func maxAbsDifference(_ other: Tensor) -> Double {
        require(shape == other.shape, "maxAbsDifference needs equal shapes, got \(shape) and \(other.shape)")
        if count == 0 { return .nan }
        var largest = 0.0
        for k in scalars.indices {
            let difference = abs(scalars[k] - other.scalars[k])
            if difference.isNaN { return .nan }
            largest = Swift.max(largest, difference)
        }
        return largest
    }

    /// Applies `transform` to every element.
    public func map(_ transform: (Double) -> Double) -> Tensor {
        Tensor(shape: shape, scalars: scalars.map(transform)).computed(from: self)
    }

    // MARK: Elementwise arithmetic

    private static func zipped(_ a: Tensor, _ b: Tensor, _ name: String, _ op: (Double, Double) -> Double) -> Tensor {
        require(a.shape == b.shape, "\(name) needs equal shapes, got \(a.shape) and \(b.shape)")
        var out = a.scalars
        for k in out.indices { out[k] = op(a.scalars[k], b.scalars[k]) }
        return Tensor(shape: a.shape, scalars: out).computed(from: a, b)
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { zipped(a, b, "+", +) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { zipped(a, b, "-", -) }
    /// Elementwise (Hadamard) product.
    public static func * (a: Tensor, b: Tensor) -> Tensor { zipped(a, b, "*", *) }
    public static func * (s: Double, a: Tensor) -> Tensor { a.map { s * $0 } }
    public static func * (a: Tensor, s: Double) -> Tensor { a.map { $0 * s } }
    public static func / (a: Tensor, s: Double) -> Tensor { a.map { $0 / s } }
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }
    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
}
