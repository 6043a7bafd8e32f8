// The vector case: one input vector x of length W, one filter w of length WW,
// a scalar bias b. The explainer starts here before adding the second axis.

/// The gradients of the vector case.
public struct VectorConvGradients: Equatable, Sendable {
    public var dx: Tensor
    public var dw: Tensor
    public var db: Double
}

/// The output length and validated parameters of the vector case.
private func vectorOutputLength(_ x: Tensor, _ w: Tensor, _ s: Int, _ p: Int, _ d: Int) -> Int {
    require(x.rank == 1 && w.rank == 1, "the vector case needs vectors, got shapes \(x.shape) and \(w.shape)")
    require(s >= 1 && d >= 1 && p >= 0, "stride and dilation must be at least 1 and padding non-negative")
    guard let length = outputLength(input: x.count, kernel: w.count, stride: s, padding: p, dilation: d) else {
        fatalError("no output: W + 2p - d(WW - 1) - 1 = \(x.count + 2 * p - d * (w.count - 1) - 1) < 0")
    }
    return length
}

/// `y[i] = b + Σ_a x_pad[s·i + d·a] · w[a]`, by the definition.
///
/// ```swift
/// vectorConvForward(Tensor(vector: [1, 2, 3, 4]), Tensor(vector: [1, -1]))   // [-1, -1, -1]
/// ```
public func vectorConvForward(_ x: Tensor, _ w: Tensor, bias b: Double = 0,
                              stride s: Int = 1, padding p: Int = 0, dilation d: Int = 1) -> Tensor {
    let outLength = vectorOutputLength(x, w, s, p, d)
    let xPad = pad(x, HW(p))
    var y = Tensor(zeros: [outLength])
    for i in 0..<outLength {
        var total = b
        for a in 0..<w.count { total += xPad[s * i + d * a] * w[a] }
        y[i] = total
    }
    return y.computed(from: x, w)
}

/// The vector case's backward pass by the chain rule on each term of the sum:
/// `dw[a] += dy[i]·x_pad[s·i + d·a]`, `dx_pad[s·i + d·a] += dy[i]·w[a]`, `db += dy[i]`.
public func vectorConvBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor,
                               stride s: Int = 1, padding p: Int = 0, dilation d: Int = 1) -> VectorConvGradients {
    let outLength = vectorOutputLength(x, w, s, p, d)
    require(dy.shape == [outLength], "dy must have shape [\(outLength)], got \(dy.shape)")
    let xPad = pad(x, HW(p))
    var dxPad = Tensor(zeros: xPad.shape)
    var dw = Tensor(zeros: w.shape)
    var db = 0.0
    for i in 0..<outLength {
        db += dy[i]
        for a in 0..<w.count {
            dw[a] += dy[i] * xPad[s * i + d * a]
            dxPad[s * i + d * a] += dy[i] * w[a]
        }
    }
    return VectorConvGradients(dx: crop(dxPad, HW(p)).computed(from: dy, w), dw: dw.computed(from: dy, x), db: db)
}

/// The vector case's backward pass from the building blocks:
/// `dw = crossCorrelate(pad(x, p), dilate(dy, s), valid, stride d)` cut to WW, and
/// `dx = crop(convolve(dilate(dy, s), dilate(w, d), full), p)` extended by zeros to the padded length first.
public func vectorConvBackwardByBlocks(_ dy: Tensor, _ x: Tensor, _ w: Tensor,
                                       stride s: Int = 1, padding p: Int = 0, dilation d: Int = 1) -> VectorConvGradients {
    let outLength = vectorOutputLength(x, w, s, p, d)
    require(dy.shape == [outLength], "dy must have shape [\(outLength)], got \(dy.shape)")
    let spread = dilate(dy, by: HW(s))
    let dwAll = crossCorrelate(pad(x, HW(p)), spread, mode: .valid, stride: HW(d))
    let dw = window(dwAll, rowStart: 0, rows: 1, columnStart: 0, columns: w.count)
    let reached = convolve(spread, dilate(w, by: HW(d)), mode: .full)
    let dxPad = pad(reached, top: 0, bottom: 0, left: 0, right: x.count + 2 * p - reached.count)
    return VectorConvGradients(dx: crop(dxPad, HW(p)), dw: dw, db: dy.sum())
}
