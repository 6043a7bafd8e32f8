// Pooling through im2col and col2im (Im2col.swift): a pooling window is a
// filter's receptive field without the weights, so im2col lays every window
// out as a column, and pooling becomes a reduction down each column.
//
// Every (n, c) plane is pooled alone, so x (N, C, H, W) is viewed as N·C
// one-channel images, (N·C, 1, H, W): the same elements in the same order.
// Its im2col matrix X has K = HH·WW rows, one per tap (a, b) in row-major
// window order, and M = N·C·H'·W' columns, one per output (n, c, i, j) in
// row-major order, so a row of M results is y's elements in NCHW order.
//
// im2col writes 0 for a tap in the padding. To know which entries those are,
// the same im2col of a plane of ones gives the mask I: 1 inside x, 0 in the
// padding.
//
//   max:  y[m]  = X[k*, m]  with k* the first k where I[k, m] = 1 and X[k, m] is largest
//         dX[k, m] = dy[m] if k = k*, else 0;       dx = col2im(dX)
//   avg:  y[m]  = Σ_k X[k, m] / D[m],  D[m] = K (padding counts) or Σ_k I[k, m]
//         dX[k, m] = dy[m] / D[m] for every k;      dx = col2im(dX)
//
// col2im adds each entry back to the element it was copied from and drops
// the entries of the padding: where windows overlap, the shares add up.

/// The im2col matrix of x's windows, one column per output (n, c, i, j), and
/// the mask of the entries that come from x (1) rather than the padding (0).
private func windowColumns(_ x: Tensor, _ g: PoolGeometry) -> (columns: Tensor, inside: Tensor) {
    let k = g.parameters.window
    return (im2col(x.reshaped([g.N * g.C, 1, g.H, g.W]), kernelHeight: k.height, kernelWidth: k.width,
                   g.parameters.convolution),
            insideMask(g))
}

/// The im2col matrix of planes of ones: 1 where a window's tap lies in x, 0 in the padding.
private func insideMask(_ g: PoolGeometry) -> Tensor {
    let k = g.parameters.window
    return im2col(Tensor(repeating: 1, shape: [g.N * g.C, 1, g.H, g.W]), kernelHeight: k.height, kernelWidth: k.width,
                  g.parameters.convolution)
}

/// Adds each column of `dcols` back into the elements of x it was read from.
private func foldColumns(_ dcols: Tensor, _ g: PoolGeometry) -> Tensor {
    let k = g.parameters.window
    return col2im(dcols, inputShape: [g.N * g.C, 1, g.H, g.W], kernelHeight: k.height, kernelWidth: k.width,
                  g.parameters.convolution).reshaped(g.inputShape)
}

/// For each column m, the row of its maximum among the entries from x: the
/// first such row when several are equal (the engine's tie rule).
private func chosenRows(_ columns: Tensor, _ inside: Tensor) -> [Int] {
    let (K, M) = (columns.shape[0], columns.shape[1])
    return (0..<M).map { m in
        var best: Int?
        for k in 0..<K where inside[k, m] == 1 {
            if best == nil || columns[k, m] > columns[best!, m] { best = k }
        }
        return best!   // every window holds an element of x (PoolGeometry checks p ≤ window / 2)
    }
}

/// Max pooling as im2col and a maximum down each column. Equal to
/// ``maxPoolForward(_:_:)``, element for element.
///
/// ```swift
/// maxPoolForwardIm2col(x, PoolParameters(window: 3, stride: 2, padding: 1))
/// ```
public func maxPoolForwardIm2col(_ x: Tensor, _ parameters: PoolParameters) -> Tensor {
    let g = PoolGeometry.require(x: x, parameters: parameters)
    let (columns, inside) = windowColumns(x, g)
    let rows = chosenRows(columns, inside)
    return Tensor(shape: g.outputShape, scalars: rows.enumerated().map { columns[$0.element, $0.offset] })
        .computed(from: x)
}

/// Max pooling, backward, as col2im of a matrix that holds each dy in the row
/// of its column's maximum and zeros elsewhere. Equal to
/// ``maxPoolBackward(_:_:_:)`` up to the order in which overlapping windows' dy add up.
public func maxPoolBackwardIm2col(_ dy: Tensor, _ x: Tensor, _ parameters: PoolParameters) -> Tensor {
    let g = PoolGeometry.require(x: x, dy: dy, parameters: parameters)
    let (columns, inside) = windowColumns(x, g)
    var dcols = Tensor(zeros: columns.shape)
    for (m, k) in chosenRows(columns, inside).enumerated() { dcols[k, m] = dy.scalars[m] }
    return foldColumns(dcols, g).computed(from: dy, x)
}

/// The divisor of each column: K, or the number of its entries from x.
private func divisors(_ inside: Tensor, countIncludePad: Bool) -> [Double] {
    let (K, M) = (inside.shape[0], inside.shape[1])
    return (0..<M).map { m in
        if countIncludePad { return Double(K) }
        var count = 0.0
        for k in 0..<K { count += inside[k, m] }
        return count
    }
}

/// Average pooling as im2col and a mean down each column (the padding's
/// zeros counted in the divisor or not). Equal to ``avgPoolForward(_:_:countIncludePad:)``.
public func avgPoolForwardIm2col(_ x: Tensor, _ parameters: PoolParameters, countIncludePad: Bool = true) -> Tensor {
    let g = PoolGeometry.require(x: x, parameters: parameters)
    let (columns, inside) = windowColumns(x, g)
    let divisor = divisors(inside, countIncludePad: countIncludePad)
    let (K, M) = (columns.shape[0], columns.shape[1])
    let y = (0..<M).map { m in
        var total = 0.0
        for k in 0..<K where inside[k, m] == 1 { total += columns[k, m] }
        return total / divisor[m]
    }
    return Tensor(shape: g.outputShape, scalars: y).computed(from: x)
}

/// Average pooling, backward, as col2im of a matrix whose column m holds
/// dy[m] / D[m] in every row. Equal to ``avgPoolBackward(_:_:_:countIncludePad:)``
/// up to the order in which overlapping windows' shares add up.
public func avgPoolBackwardIm2col(_ dy: Tensor, _ x: Tensor, _ parameters: PoolParameters,
                                  countIncludePad: Bool = true) -> Tensor {
    let g = PoolGeometry.require(x: x, dy: dy, parameters: parameters)
    let inside = insideMask(g)   // dx does not depend on x's values
    let divisor = divisors(inside, countIncludePad: countIncludePad)
    let (K, M) = (inside.shape[0], inside.shape[1])
    var dcols = Tensor(zeros: inside.shape)
    for m in 0..<M {
        for k in 0..<K { dcols[k, m] = dy.scalars[m] / divisor[m] }
    }
    return foldColumns(dcols, g).computed(from: dy)
}
