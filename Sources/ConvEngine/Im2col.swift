@_implementationOnly import CBLAS

// The fast path: unfold every receptive field into a column (im2col), so the
// convolution becomes matrix products computed by BLAS (dgemm).
//
// Notation. x is (N, C, H, W), w is (F, C/G, HH, WW) with G groups, y is
// (N, F, H', W'); s, p, d are the stride, padding and dilation of each axis.
// Per group there are Cg = C/G channels and Fg = F/G filters. Write
//   K = Cg·HH·WW   one row per filter tap (c, a, b), and
//   Q = H'·W'      one column per output position (i, j) of one image.
//
// im2col. For image n and group g, the K × Q matrix
//   X_ng[(c, a, b), (i, j)] = x_pad[n, g·Cg + c, s·i + d·a, s·j + d·b]
// where x_pad is x with the padding's zeros around each image (p_top rows
// above, p_bottom below, p_left and p_right columns beside): column (i, j) is the
// receptive field of output (i, j), and taps that land in the padding read 0.
//
// Forward. In row-major order w already is the F × K matrix W (row f holds
// filter f's taps in (c, a, b) order); W_g is its rows g·Fg ..< (g+1)·Fg. The
// defining sum  y[n, f, i, j] = b[f] + Σ_{c,a,b} x_pad[...] · w[f, c, a, b]  is
//   Y_ng = b_g·1ᵀ + W_g · X_ng          (Fg × Q)
// and, in NCHW, Y_ng is already in place: rows g·Fg ..< (g+1)·Fg of y[n],
// which is an F × Q matrix. So dgemm writes straight into y.
//
// Backward. With dY_ng the same rows of dy[n]:
//   dW_g  = Σ_n dY_ng · X_ngᵀ           (Fg × K)
//   db_g  = Σ_n dY_ng · 1               (Fg)
//   dX_ng = W_gᵀ · dY_ng                (K × Q),   dx[n] += col2im(dX_ng)
// col2im is the transpose of im2col as a linear map: each entry of dX_ng is
// added to the x position it was read from (overlapping windows add up), and
// entries that were read from the padding are dropped.
//
// How the code does it. One image and group at a time, and within an image a
// tile of whole output rows at a time: the tile's columns of X_ng go into one
// scratch matrix, allocated once per call and reused for every tile, image and
// group. The dgemms read and write their tile of y and dy in place, through
// the leading dimension Q, so nothing is copied in or out. Tile sizes: see
// `forwardTileBudget` and `backwardTileBudget`.
//
// im2col and col2im work a row of X at a time: for tap (c, a, b) and output
// row i, the output columns j that read from x form one range (computed once
// per tap), so the row is a zero border, one (strided) copy of an x row, and
// another zero border. The public `im2col` and `col2im` below use the same
// code, one whole image per call, to build and consume the whole-batch
// K × (N·Q) matrix [X_0g X_1g … X_(N-1)g], whose columns are ordered (n, i, j).

/// The im2col matrix of group `group`: one column per output position (n, i, j),
/// one row per filter tap (c, a, b). Shape (C/groups·HH·WW, N·H'·W').
public func im2col(_ x: Tensor, kernelHeight HH: Int, kernelWidth WW: Int, group: Int = 0,
                   _ parameters: ConvParameters = ConvParameters()) -> Tensor {
    let w = Tensor(zeros: [parameters.groups, x.shape.count == 4 ? x.shape[1] / parameters.groups : 0, HH, WW])
    let g = ConvGeometry.require(x: x, w: w, parameters: parameters)
    require((0..<parameters.groups).contains(group), "group \(group) is out of range for \(parameters.groups) groups")
    let (K, Q) = (g.tapsPerGroup, g.outputPlane)
    var cols = [Double](repeating: 0, count: K * g.N * Q)
    x.scalars.withUnsafeBufferPointer { xp in
        cols.withUnsafeMutableBufferPointer { cp in
            for n in 0..<g.N {
                // X_ng is the column block n·Q ..< (n+1)·Q; its rows are N·Q apart.
                unfold(image: xp.baseAddress! + n * g.imageSize, g, group: group, outputRows: 0..<g.outHeight,
                       into: cp.baseAddress! + n * Q, rowStride: g.N * Q)
            }
        }
    }
    return Tensor(shape: [K, g.N * Q], scalars: cols).computed(from: x)
}

/// Adds every column of `cols` back into the input positions it was read from:
/// the adjoint of ``im2col(_:kernelHeight:kernelWidth:group:_:)``. Overlapping
/// windows add up. Returns a tensor of `inputShape` holding only group `group`'s channels' sums.
public func col2im(_ cols: Tensor, inputShape: [Int], kernelHeight HH: Int, kernelWidth WW: Int, group: Int = 0,
                   _ parameters: ConvParameters = ConvParameters()) -> Tensor {
    let w = Tensor(zeros: [parameters.groups, inputShape.count == 4 ? inputShape[1] / parameters.groups : 0, HH, WW])
    let g = ConvGeometry.require(x: Tensor(zeros: inputShape), w: w, parameters: parameters)
    require((0..<parameters.groups).contains(group), "group \(group) is out of range for \(parameters.groups) groups")
    let (K, Q) = (g.tapsPerGroup, g.outputPlane)
    require(cols.shape == [K, g.N * Q], "cols has shape \(cols.shape), expected \([K, g.N * Q])")
    var dx = [Double](repeating: 0, count: inputShape.reduce(1, *))
    cols.scalars.withUnsafeBufferPointer { cp in
        dx.withUnsafeMutableBufferPointer { dp in
            for n in 0..<g.N {
                fold(cp.baseAddress! + n * Q, rowStride: g.N * Q, g, group: group, outputRows: 0..<g.outHeight,
                     into: dp.baseAddress! + n * g.imageSize)
            }
        }
    }
    return Tensor(shape: inputShape, scalars: dx).computed(from: cols)
}

/// The forward pass as im2col followed by one dgemm per image and group,
/// `Y_ng = b_g·1ᵀ + W_g · X_ng`, written straight into the NCHW output.
/// Agrees with ``convForward(_:_:_:_:)`` to rounding (about 1e-15 relative).
public func convForwardIm2col(_ x: Tensor, _ w: Tensor, _ b: Tensor? = nil,
                              _ parameters: ConvParameters = ConvParameters()) -> Tensor {
    let g = ConvGeometry.require(x: x, w: w, b: b, parameters: parameters)
    let count = g.N * g.F * g.outputPlane
    // y is left uninitialized here: forward(...) writes every element.
    let y = [Double](unsafeUninitializedCapacity: count) { yp, initialized in
        x.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                forward(g, x: xp.baseAddress!, w: wp.baseAddress!, bias: b?.scalars, y: yp.baseAddress!)
            }
        }
        initialized = count
    }
    // BLAS sums in an order chosen for this CPU: the result is the same up to rounding.
    var result = Tensor(shape: g.outputShape, scalars: y)
    result.reproducibility = .rounding
    return result
}

/// The backward pass, per image and group: im2col, then `dW_g += dY_ng · X_ngᵀ`,
/// `db_g += dY_ng · 1`, and `dx[n] += col2im(W_gᵀ · dY_ng)`.
/// Agrees with ``convBackward(_:_:_:_:)`` to rounding.
public func convBackwardIm2col(_ dy: Tensor, _ x: Tensor, _ w: Tensor,
                               _ parameters: ConvParameters = ConvParameters()) -> ConvGradients {
    let g = ConvGeometry.require(x: x, w: w, dy: dy, parameters: parameters)
    var dx = [Double](repeating: 0, count: x.count)
    var dw = [Double](repeating: 0, count: w.count)
    var db = [Double](repeating: 0, count: g.F)
    // BLAS takes raw pointers: borrow each array's storage for the duration of the call.
    dy.scalars.withUnsafeBufferPointer { dyp in
    x.scalars.withUnsafeBufferPointer { xp in
    w.scalars.withUnsafeBufferPointer { wp in
    dx.withUnsafeMutableBufferPointer { dxp in
    dw.withUnsafeMutableBufferPointer { dwp in
    db.withUnsafeMutableBufferPointer { dbp in
        backward(g, dy: dyp.baseAddress!, x: xp.baseAddress!, w: wp.baseAddress!,
                 dx: dxp.baseAddress!, dw: dwp.baseAddress!, db: dbp.baseAddress!)
    }}}}}}
    // BLAS sums in an order chosen for this CPU: the results are the same up to rounding.
    var gradients = ConvGradients(dx: Tensor(shape: x.shape, scalars: dx),
                                  dw: Tensor(shape: w.shape, scalars: dw),
                                  db: Tensor(shape: [g.F], scalars: db))
    gradients.dx.reproducibility = .rounding
    gradients.dw.reproducibility = .rounding
    gradients.db.reproducibility = .rounding
    return gradients
}

// MARK: The two passes, on raw storage

/// y = conv(x, w) + b. `y` (N·F·Q elements) may start uninitialized.
private func forward(_ g: ConvGeometry, x: UnsafePointer<Double>, w: UnsafePointer<Double>,
                     bias: [Double]?, y: UnsafeMutablePointer<Double>) {
    let (K, Q, Fg, outW) = (g.tapsPerGroup, g.outputPlane, g.filtersPerGroup, g.outWidth)
    // y starts as the bias, broadcast along each row; dgemm then adds W_g · X_ng (beta = 1).
    for n in 0..<g.N {
        for f in 0..<g.F {
            (y + (n * g.F + f) * Q).initialize(repeating: bias?[f] ?? 0, count: Q)
        }
    }
    let tiles = g.outputRowTiles(budget: forwardTileBudget)
    // Scratch for one tile of X_ng: uninitialized, and freed when the closure returns.
    withUnsafeTemporaryAllocation(of: Double.self, capacity: K * tiles.maxColumns) { scratch in
        let cols = scratch.baseAddress!
        for n in 0..<g.N {
            for group in 0..<g.parameters.groups {
                let W_g = w + group * Fg * K                                 // Fg × K
                let Y_ng = y + (n * g.F + group * Fg) * Q                    // Fg × Q, inside y[n]
                for rows in tiles.ranges {
                    // The tile: columns rows.lowerBound·W' ..< rows.upperBound·W' of X_ng and Y_ng.
                    let T = rows.count * outW
                    unfold(image: x + n * g.imageSize, g, group: group, outputRows: rows, into: cols, rowStride: T)
                    gemm(m: Fg, n: T, k: K, a: W_g, lda: K, b: cols, ldb: T,
                         c: Y_ng + rows.lowerBound * outW, ldc: Q, beta: 1)
                }
            }
        }
    }
}

/// dx, dw, db of the layer; all three must start at zero (they are accumulated).
private func backward(_ g: ConvGeometry, dy: UnsafePointer<Double>, x: UnsafePointer<Double>, w: UnsafePointer<Double>,
                      dx: UnsafeMutablePointer<Double>, dw: UnsafeMutablePointer<Double>, db: UnsafeMutablePointer<Double>) {
    let (K, Q, Fg, outW) = (g.tapsPerGroup, g.outputPlane, g.filtersPerGroup, g.outWidth)
    let ones = [Double](repeating: 1, count: Q)
    let tiles = g.outputRowTiles(budget: backwardTileBudget)
    withUnsafeTemporaryAllocation(of: Double.self, capacity: K * tiles.maxColumns) { scratch in
        // One buffer serves twice per tile: first X_ng's columns (cols), then, once
        // dW has used them, dX_ng's columns (dcols) overwrite them.
        let cols = scratch.baseAddress!, dcols = scratch.baseAddress!
        for n in 0..<g.N {
            for group in 0..<g.parameters.groups {
                let W_g = w + group * Fg * K                                 // Fg × K
                let dW_g = dw + group * Fg * K                               // Fg × K
                let dY_ng = dy + (n * g.F + group * Fg) * Q                  // Fg × Q, inside dy[n]
                // db_g += dY_ng · 1   (the row sums of dY_ng)
                cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(Fg), Int32(Q), 1.0, dY_ng, Int32(Q),
                            ones, 1, 1.0, db + group * Fg, 1)
                for rows in tiles.ranges {
                    // The tile: columns rows.lowerBound·W' ..< rows.upperBound·W' of X_ng, dX_ng and dY_ng.
                    let T = rows.count * outW
                    let dY_tile = dY_ng + rows.lowerBound * outW             // Fg × T, rows Q apart
                    unfold(image: x + n * g.imageSize, g, group: group, outputRows: rows, into: cols, rowStride: T)
                    // dW_g += dY_ng · X_ngᵀ, summed tile by tile
                    gemm(m: Fg, n: K, k: T, a: dY_tile, lda: Q, b: cols, ldb: T, transposeB: true,
                         c: dW_g, ldc: K, beta: 1)
                    // dX_ng = W_gᵀ · dY_ng (this tile's columns), then dx[n] += col2im(dX_ng)
                    gemm(m: K, n: T, k: Fg, a: W_g, lda: K, transposeA: true, b: dY_tile, ldb: Q,
                         c: dcols, ldc: T, beta: 0)
                    fold(dcols, rowStride: T, g, group: group, outputRows: rows, into: dx + n * g.imageSize)
                }
            }
        }
    }
}

// MARK: Internals

private extension ConvGeometry {
    /// K = C/groups·HH·WW: rows of the im2col matrix, one per filter tap (c, a, b).
    var tapsPerGroup: Int { channelsPerGroup * HH * WW }
    /// Q = H'·W': columns of one image's im2col matrix, one per output position (i, j).
    var outputPlane: Int { outHeight * outWidth }
    /// C·H·W: elements of one image of x.
    var imageSize: Int { C * H * W }

    /// The output rows split into tiles of whole rows, as even as possible, so that
    /// a tile's K × (rows·W') block of X_ng has at most `budget` elements (or is one
    /// row, if a single row is larger). `maxColumns` is the widest tile's rows·W'.
    func outputRowTiles(budget: Int) -> (ranges: [Range<Int>], maxColumns: Int) {
        let tileCount = (tapsPerGroup * outputPlane + budget - 1) / budget          // ⌈K·Q / budget⌉
        let rowsPerTile = max(1, (outHeight + tileCount - 1) / tileCount)          // ⌈H' / tiles⌉
        let ranges = stride(from: 0, to: outHeight, by: rowsPerTile).map { $0..<min(outHeight, $0 + rowsPerTile) }
        return (ranges, rowsPerTile * outWidth)
    }
}

// Tile sizes, in elements of the scratch matrix (8 bytes each), chosen by
// measurement on the benchmark layer (Benchmarks/; K·Q = 144·1024 per image):
//
// Forward: 2 MB, which is one whole image for that layer. One dgemm per image
// beat three 400 KB tiles by about 20% with OpenBLAS's two threads: on small
// products, the threads' start-up cost is not paid back.
//
// Backward: 256 KB (five tiles of up to 7 output rows there). Its scratch
// shares the call with dx, so small tiles keep the call's peak memory near what
// it returns. With one whole image per tile, glibc gave the freed memory back to
// the OS after each call and page-faulted it in again on the next (about 1,000
// faults per forward + backward pair, roughly 1 ms); with 256 KB tiles it did
// not. Without those faults, whole-image tiles were 5–10% faster with two BLAS
// threads and about 10% slower with one.
private let forwardTileBudget = 1 << 18
private let backwardTileBudget = 1 << 15

/// The output positions `o` in `0..<outputs` whose input index `stride·o + offset`
/// lies in `0..<inputs`: the outputs that tap reads from x rather than from the padding.
private func validOutputs(_ outputs: Int, inputs: Int, stride: Int, offset: Int) -> Range<Int> {
    // stride·o + offset ≥ 0           ⇔  o ≥ ⌈-offset / stride⌉
    // stride·o + offset ≤ inputs − 1  ⇔  o ≤ ⌊(inputs − 1 − offset) / stride⌋
    // (clamped to 0...outputs, so an empty range still splits the row into two zero borders).
    let first = min(outputs, max(0, -floorDivide(offset, stride)))   // ⌈-a/s⌉ = -⌊a/s⌋
    let end = min(outputs, floorDivide(inputs - 1 - offset, stride) + 1)
    return first..<max(first, end)
}

/// ⌊a / b⌋ for b > 0 (Swift's `/` rounds toward zero, which differs for negative a).
private func floorDivide(_ a: Int, _ b: Int) -> Int {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}

/// Calls `body(row, x plane, rows, columns, rowOffset, columnOffset)` for each tap
/// (c, a, b) of `group`, in im2col row order. For output (i, j) the tap reads
/// x_plane[s·i + rowOffset, s·j + columnOffset], which is inside x exactly for
/// i in `rows` and j in `columns`.
@inline(__always)
private func forEachTap(_ g: ConvGeometry, group: Int,
                        _ body: (_ row: Int, _ plane: Int, _ rows: Range<Int>, _ columns: Range<Int>,
                                 _ rowOffset: Int, _ columnOffset: Int) -> Void) {
    // Only the zeros before the image shift the taps; those after it only add outputs.
    let (s, p, d) = (g.parameters.stride, g.parameters.paddingSides, g.parameters.dilation)
    var row = 0
    for c in 0..<g.channelsPerGroup {
        let plane = (group * g.channelsPerGroup + c) * g.H * g.W
        for a in 0..<g.HH {
            let rowOffset = d.height * a - p.top
            let rows = validOutputs(g.outHeight, inputs: g.H, stride: s.height, offset: rowOffset)
            for b in 0..<g.WW {
                let columnOffset = d.width * b - p.left
                let columns = validOutputs(g.outWidth, inputs: g.W, stride: s.width, offset: columnOffset)
                body(row, plane, rows, columns, rowOffset, columnOffset)
                row += 1
            }
        }
    }
}

/// Writes the columns of X_ng (the K × Q im2col matrix of one image and group)
/// that belong to the output rows `tile`, tile.count·W' of them, into `cols`,
/// whose rows are `rowStride` apart. `image` points at x[n]. Every entry is
/// written, so `cols` may start uninitialized.
private func unfold(image: UnsafePointer<Double>, _ g: ConvGeometry, group: Int, outputRows tile: Range<Int>,
                    into cols: UnsafeMutablePointer<Double>, rowStride: Int) {
    let (W, outW, s) = (g.W, g.outWidth, g.parameters.stride)
    forEachTap(g, group: group) { row, plane, rows, columns, rowOffset, columnOffset in
        let out = cols + row * rowStride
        // Output rows of the tile before and after `rows` read only padding.
        let valid = rows.clamped(to: tile)
        out.initialize(repeating: 0, count: (valid.lowerBound - tile.lowerBound) * outW)
        (out + (valid.upperBound - tile.lowerBound) * outW)
            .initialize(repeating: 0, count: (tile.upperBound - valid.upperBound) * outW)
        for i in valid {
            let xRow = image + plane + (s.height * i + rowOffset) * W
            let outRow = out + (i - tile.lowerBound) * outW
            outRow.initialize(repeating: 0, count: columns.lowerBound)
            if s.width == 1 {
                // A contiguous run of x's row: one memcpy.
                (outRow + columns.lowerBound).initialize(from: xRow + (columns.lowerBound + columnOffset),
                                                         count: columns.count)
            } else {
                for j in columns { outRow[j] = xRow[s.width * j + columnOffset] }
            }
            (outRow + columns.upperBound).initialize(repeating: 0, count: outW - columns.upperBound)
        }
    }
}

/// col2im for one image and group: adds each entry of `cols` (the columns of a
/// K × Q matrix that belong to the output rows `tile`, rows `rowStride` apart)
/// to the element of `image` (dx[n]) that
/// ``unfold(image:_:group:outputRows:into:rowStride:)`` reads it from; entries
/// from the padding are dropped.
private func fold(_ cols: UnsafePointer<Double>, rowStride: Int, _ g: ConvGeometry, group: Int, outputRows tile: Range<Int>,
                  into image: UnsafeMutablePointer<Double>) {
    let (W, outW, s) = (g.W, g.outWidth, g.parameters.stride)
    forEachTap(g, group: group) { row, plane, rows, columns, rowOffset, columnOffset in
        for i in rows.clamped(to: tile) {
            // Entry j of the cols row goes to x row position s·j + columnOffset; both
            // pointers start at j = columns.lowerBound, so the loops count from 0.
            let from = cols + row * rowStride + (i - tile.lowerBound) * outW + columns.lowerBound
            let to = image + plane + (s.height * i + rowOffset) * W + (s.width * columns.lowerBound + columnOffset)
            if s.width == 1 {
                for k in 0..<columns.count { to[k] += from[k] }          // contiguous: vectorized
            } else {
                for k in 0..<columns.count { to[s.width * k] += from[k] }
            }
        }
    }
}

/// C = op(A)·op(B) + beta·C for row-major matrices (op(A) is m × k, op(B) is k × n),
/// through CBLAS dgemm. With beta = 0, C is only written, never read.
private func gemm(m: Int, n: Int, k: Int,
                  a: UnsafePointer<Double>, lda: Int, transposeA: Bool = false,
                  b: UnsafePointer<Double>, ldb: Int, transposeB: Bool = false,
                  c: UnsafeMutablePointer<Double>, ldc: Int, beta: Double) {
    cblas_dgemm(CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), 1.0, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
