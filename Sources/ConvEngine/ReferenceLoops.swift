/// The gradients of a convolution layer with respect to its three inputs.
public struct ConvGradients: Equatable, Sendable {
    /// dL/dx, shape (N, C, H, W).
    public var dx: Tensor
    /// dL/dw, shape (F, C/groups, HH, WW).
    public var dw: Tensor
    /// dL/db, shape (F).
    public var db: Tensor

    public init(dx: Tensor, dw: Tensor, db: Tensor) {
        self.dx = dx
        self.dw = dw
        self.db = db
    }
}

// The reference implementation: plain loops that transcribe the definitions.
// Every other form in the engine (the building blocks, im2col + GEMM) is tested
// against these. Padding is done by materialising x_pad, as in the derivation.

/// The forward pass of a 2-D convolution layer, by its definition:
///
///     y[n, f, i, j] = b[f] + Σ_c Σ_a Σ_b  x_pad[n, c, s·i + d·a, s·j + d·b] · w[f, c, a, b]
///
/// where `x_pad` is `x` with the padding's zeros around each image (p on every
/// side, or top, bottom, left and right rows and columns of their own), and `c`
/// runs over the channels of filter `f`'s group. x is (N, C, H, W), w is (F, C/groups, HH, WW),
/// b is (F) or nil for no bias; y is (N, F, H', W').
///
/// ```swift
/// let x = Tensor(batch: [[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]])
/// let w = Tensor(batch: [[[[1, 0], [0, -1]]]])
/// let y = convForward(x, w)   // [[[[-4, -4], [-4, -4]]]]
/// ```
public func convForward(_ x: Tensor, _ w: Tensor, _ b: Tensor? = nil,
                        _ parameters: ConvParameters = ConvParameters()) -> Tensor {
    let g = ConvGeometry.require(x: x, w: w, b: b, parameters: parameters)
    let (s, d) = (parameters.stride, parameters.dilation)
    let xPad = pad(x, parameters.paddingSides)
    var y = Tensor(zeros: g.outputShape)
    for n in 0..<g.N {
        for f in 0..<g.F {
            let firstChannel = g.group(ofFilter: f) * g.channelsPerGroup
            for i in 0..<g.outHeight {
                for j in 0..<g.outWidth {
                    var total = b?[f] ?? 0
                    for c in 0..<g.channelsPerGroup {
                        for a in 0..<g.HH {
                            for bb in 0..<g.WW {
                                total += xPad[n, firstChannel + c, s.height * i + d.height * a, s.width * j + d.width * bb]
                                    * w[f, c, a, bb]
                            }
                        }
                    }
                    y[n, f, i, j] = total
                }
            }
        }
    }
    return y.computed(from: x, w, b)
}

/// The backward pass of a 2-D convolution layer, by the chain rule applied to
/// each term of the forward sum (the "scatter" view): every output y[n, f, i, j]
/// touched `w[f, c, a, b]` and `x_pad[n, c, s·i + d·a, s·j + d·b]`, so it sends
///
///     dw[f, c, a, b]                        += dy[n, f, i, j] · x_pad[n, c, s·i + d·a, s·j + d·b]
///     dx_pad[n, c, s·i + d·a, s·j + d·b]    += dy[n, f, i, j] · w[f, c, a, b]
///     db[f]                                 += dy[n, f, i, j]
///
/// and dx is dx_pad with the padding cropped away. Input rows and columns that
/// no window reaches (when the stride does not divide H + 2p - d(HH-1) - 1, or
/// H + p_top + p_bottom - d(HH-1) - 1 with a padding of its own on each side)
/// receive no contribution and keep a zero gradient.
public func convBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor,
                         _ parameters: ConvParameters = ConvParameters()) -> ConvGradients {
    let g = ConvGeometry.require(x: x, w: w, dy: dy, parameters: parameters)
    let (s, d) = (parameters.stride, parameters.dilation)
    let xPad = pad(x, parameters.paddingSides)
    var dxPad = Tensor(zeros: xPad.shape)
    var dw = Tensor(zeros: w.shape)
    var db = Tensor(zeros: [g.F])
    for n in 0..<g.N {
        for f in 0..<g.F {
            let firstChannel = g.group(ofFilter: f) * g.channelsPerGroup
            for i in 0..<g.outHeight {
                for j in 0..<g.outWidth {
                    let upstream = dy[n, f, i, j]
                    db[f] += upstream
                    for c in 0..<g.channelsPerGroup {
                        for a in 0..<g.HH {
                            for bb in 0..<g.WW {
                                let row = s.height * i + d.height * a
                                let col = s.width * j + d.width * bb
                                dw[f, c, a, bb] += upstream * xPad[n, firstChannel + c, row, col]
                                dxPad[n, firstChannel + c, row, col] += upstream * w[f, c, a, bb]
                            }
                        }
                    }
                }
            }
        }
    }
    return ConvGradients(dx: crop(dxPad, parameters.paddingSides).computed(from: dy, w),
                         dw: dw.computed(from: dy, x), db: db.computed(from: dy))
}

/// dx by the "gather" view: each input pixel collects from the outputs whose
/// window covered it,
///
///     dx_pad[n, c, r, q] = Σ_f Σ_a Σ_b  dy[n, f, (r - d·a)/s, (q - d·b)/s] · w[f, c, a, b]
///
/// summing only where `(r - d·a)` and `(q - d·b)` are non-negative multiples of
/// the stride that land inside dy. Equal to ``convBackward(_:_:_:_:)``'s dx.
public func convBackwardInputGather(_ dy: Tensor, _ x: Tensor, _ w: Tensor,
                                    _ parameters: ConvParameters = ConvParameters()) -> Tensor {
    let g = ConvGeometry.require(x: x, w: w, dy: dy, parameters: parameters)
    let (s, d, p) = (parameters.stride, parameters.dilation, parameters.paddingSides)
    var dxPad = Tensor(zeros: [g.N, g.C, g.H + p.top + p.bottom, g.W + p.left + p.right])
    for n in 0..<g.N {
        for c in 0..<g.C {
            let group = c / g.channelsPerGroup
            let localChannel = c % g.channelsPerGroup
            for r in 0..<dxPad.shape[2] {
                for q in 0..<dxPad.shape[3] {
                    var total = 0.0
                    for f in (group * g.filtersPerGroup)..<((group + 1) * g.filtersPerGroup) {
                        for a in 0..<g.HH {
                            let rowOffset = r - d.height * a
                            guard rowOffset >= 0, rowOffset % s.height == 0, rowOffset / s.height < g.outHeight else { continue }
                            for bb in 0..<g.WW {
                                let colOffset = q - d.width * bb
                                guard colOffset >= 0, colOffset % s.width == 0, colOffset / s.width < g.outWidth else { continue }
                                total += dy[n, f, rowOffset / s.height, colOffset / s.width] * w[f, localChannel, a, bb]
                            }
                        }
                    }
                    dxPad[n, c, r, q] = total
                }
            }
        }
    }
    return crop(dxPad, p).computed(from: dy, w)
}
