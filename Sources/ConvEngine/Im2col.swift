@_implementationOnly import CBLAS

// The fast path: unfold every receptive field into a column (im2col), so the
// whole layer becomes one matrix product per group, computed by BLAS (dgemm).
//
// For group g, with K = (C/groups)·HH·WW and P = N·H'·W':
//   cols      (K × P)   cols[(c, a, b), (n, i, j)] = x_pad[n, g·C/groups + c, s·i + d·a, s·j + d·b]
//   forward   Y_g  = W_g · cols             (F/groups × P)
//   backward  dW_g = dY_g · colsᵀ           (F/groups × K)
//             dcols = W_gᵀ · dY_g            (K × P), then col2im adds each column back
// Padding is implicit: positions outside x read as zero and receive nothing.

/// The im2col matrix of group `group`: one column per output position (n, i, j),
/// one row per filter tap (c, a, b). Shape (C/groups·HH·WW, N·H'·W').
public func im2col(_ x: Tensor, kernelHeight HH: Int, kernelWidth WW: Int, group: Int = 0,
                   _ parameters: ConvParameters = ConvParameters()) -> Tensor {
    let w = Tensor(zeros: [parameters.groups, x.shape.count == 4 ? x.shape[1] / parameters.groups : 0, HH, WW])
    let g = ConvGeometry.require(x: x, w: w, parameters: parameters)
    return Tensor(shape: [g.channelsPerGroup * HH * WW, g.N * g.outHeight * g.outWidth],
                  scalars: unfold(x, g, group: group))
}

/// Adds every column of `cols` back into the input positions it was read from:
/// the adjoint of ``im2col(_:kernelHeight:kernelWidth:group:_:)``. Overlapping
/// windows add up. Returns a tensor of `inputShape` holding only group `group`'s channels' sums.
public func col2im(_ cols: Tensor, inputShape: [Int], kernelHeight HH: Int, kernelWidth WW: Int, group: Int = 0,
                   _ parameters: ConvParameters = ConvParameters()) -> Tensor {
    let w = Tensor(zeros: [parameters.groups, inputShape.count == 4 ? inputShape[1] / parameters.groups : 0, HH, WW])
    let g = ConvGeometry.require(x: Tensor(zeros: inputShape), w: w, parameters: parameters)
    precondition(cols.shape == [g.channelsPerGroup * HH * WW, g.N * g.outHeight * g.outWidth],
                 "cols has shape \(cols.shape), expected \([g.channelsPerGroup * HH * WW, g.N * g.outHeight * g.outWidth])")
    var dx = [Double](repeating: 0, count: inputShape.reduce(1, *))
    fold(cols.scalars, into: &dx, g, group: group)
    return Tensor(shape: inputShape, scalars: dx)
}

/// The forward pass as im2col followed by one dgemm per group, plus the bias.
/// Agrees with ``convForward(_:_:_:_:)`` to rounding (about 1e-15 relative).
public func convForwardIm2col(_ x: Tensor, _ w: Tensor, _ b: Tensor? = nil,
                              _ parameters: ConvParameters = ConvParameters()) -> Tensor {
    let g = ConvGeometry.require(x: x, w: w, b: b, parameters: parameters)
    let K = g.channelsPerGroup * g.HH * g.WW
    let P = g.N * g.outHeight * g.outWidth
    let Fg = g.filtersPerGroup
    let plane = g.outHeight * g.outWidth
    var y = [Double](repeating: 0, count: g.N * g.F * plane)
    var product = [Double](repeating: 0, count: Fg * P)
    for group in 0..<parameters.groups {
        let cols = unfold(x, g, group: group)
        w.scalars.withUnsafeBufferPointer { wp in
            gemm(transposeA: false, transposeB: false, m: Fg, n: P, k: K,
                 a: wp.baseAddress! + group * Fg * K, lda: K, b: cols, ldb: P, c: &product, ldc: P, beta: 0)
        }
        for fl in 0..<Fg {
            let f = group * Fg + fl
            let bias = b?[f] ?? 0
            for n in 0..<g.N {
                let src = fl * P + n * plane
                let dst = (n * g.F + f) * plane
                for q in 0..<plane { y[dst + q] = product[src + q] + bias }
            }
        }
    }
    return Tensor(shape: g.outputShape, scalars: y)
}

/// The backward pass as two dgemms per group and col2im.
/// Agrees with ``convBackward(_:_:_:_:)`` to rounding.
public func convBackwardIm2col(_ dy: Tensor, _ x: Tensor, _ w: Tensor,
                               _ parameters: ConvParameters = ConvParameters()) -> ConvGradients {
    let g = ConvGeometry.require(x: x, w: w, dy: dy, parameters: parameters)
    let K = g.channelsPerGroup * g.HH * g.WW
    let P = g.N * g.outHeight * g.outWidth
    let Fg = g.filtersPerGroup
    let plane = g.outHeight * g.outWidth

    var db = [Double](repeating: 0, count: g.F)
    var dw = [Double](repeating: 0, count: w.count)
    var dx = [Double](repeating: 0, count: x.count)
    var dyGroup = [Double](repeating: 0, count: Fg * P)
    var dcols = [Double](repeating: 0, count: K * P)
    for group in 0..<parameters.groups {
        // dY_g laid out as (F/groups × N·H'·W'), the same layout as the forward product.
        for fl in 0..<Fg {
            let f = group * Fg + fl
            for n in 0..<g.N {
                let src = (n * g.F + f) * plane
                let dst = fl * P + n * plane
                for q in 0..<plane {
                    dyGroup[dst + q] = dy.scalars[src + q]
                    db[f] += dy.scalars[src + q]
                }
            }
        }
        let cols = unfold(x, g, group: group)
        dw.withUnsafeMutableBufferPointer { dwp in
            gemm(transposeA: false, transposeB: true, m: Fg, n: K, k: P,
                 a: dyGroup, lda: P, b: cols, ldb: P, c: dwp.baseAddress! + group * Fg * K, ldc: K, beta: 0)
        }
        w.scalars.withUnsafeBufferPointer { wp in
            gemm(transposeA: true, transposeB: false, m: K, n: P, k: Fg,
                 a: wp.baseAddress! + group * Fg * K, lda: K, b: dyGroup, ldb: P, c: &dcols, ldc: P, beta: 0)
        }
        fold(dcols, into: &dx, g, group: group)
    }
    return ConvGradients(dx: Tensor(shape: x.shape, scalars: dx),
                         dw: Tensor(shape: w.shape, scalars: dw),
                         db: Tensor(shape: [g.F], scalars: db))
}

// MARK: Internals

/// Visits every (row of cols, column of cols, flat index into x or nil for padding).
@inline(__always)
private func forEachTap(_ g: ConvGeometry, group: Int, _ body: (_ row: Int, _ column: Int, _ xIndex: Int?) -> Void) {
    let p = g.parameters
    var row = 0
    for c in 0..<g.channelsPerGroup {
        let channel = group * g.channelsPerGroup + c
        for a in 0..<g.HH {
            for bb in 0..<g.WW {
                var column = 0
                for n in 0..<g.N {
                    let imageBase = (n * g.C + channel) * g.H
                    for i in 0..<g.outHeight {
                        let r = p.stride.height * i + p.dilation.height * a - p.padding.height
                        for j in 0..<g.outWidth {
                            let q = p.stride.width * j + p.dilation.width * bb - p.padding.width
                            if r >= 0 && r < g.H && q >= 0 && q < g.W {
                                body(row, column, (imageBase + r) * g.W + q)
                            } else {
                                body(row, column, nil)
                            }
                            column += 1
                        }
                    }
                }
                row += 1
            }
        }
    }
}

private func unfold(_ x: Tensor, _ g: ConvGeometry, group: Int) -> [Double] {
    let P = g.N * g.outHeight * g.outWidth
    var cols = [Double](repeating: 0, count: g.channelsPerGroup * g.HH * g.WW * P)
    x.scalars.withUnsafeBufferPointer { xp in
        cols.withUnsafeMutableBufferPointer { cp in
            forEachTap(g, group: group) { row, column, xIndex in
                if let xIndex { cp[row * P + column] = xp[xIndex] }
            }
        }
    }
    return cols
}

private func fold(_ cols: [Double], into dx: inout [Double], _ g: ConvGeometry, group: Int) {
    let P = g.N * g.outHeight * g.outWidth
    cols.withUnsafeBufferPointer { cp in
        dx.withUnsafeMutableBufferPointer { dp in
            forEachTap(g, group: group) { row, column, xIndex in
                if let xIndex { dp[xIndex] += cp[row * P + column] }
            }
        }
    }
}

/// C = op(A)·op(B) + beta·C for row-major matrices, through CBLAS dgemm.
private func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                  a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                  c: UnsafeMutablePointer<Double>, ldc: Int, beta: Double) {
    cblas_dgemm(CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), 1.0, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
