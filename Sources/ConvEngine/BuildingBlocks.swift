// The small operations the derivation is made of. Each acts on the *spatial*
// axes of a tensor: the last two axes of a tensor of rank 2 or more (the rows
// and columns of every matrix in it), or the single axis of a vector (the
// vector case of the derivation; the height parts of an `HW` are ignored).

/// A tensor seen as `outer` stacked matrices of `height × width`.
private struct SpatialView {
    let outerShape: [Int]
    let height: Int
    let width: Int
    let isVector: Bool

    init(_ t: Tensor) {
        if t.rank == 1 {
            outerShape = []; height = 1; width = t.shape[0]; isVector = true
        } else {
            outerShape = Array(t.shape.dropLast(2)); height = t.shape[t.rank - 2]; width = t.shape[t.rank - 1]; isVector = false
        }
    }

    var outer: Int { outerShape.reduce(1, *) }

    func shape(height h: Int, width w: Int) -> [Int] {
        isVector ? [w] : outerShape + [h, w]
    }

    /// Applies `amount` to the height axis only for matrices.
    func heightPart(_ amount: HW) -> Int { isVector ? 0 : amount.height }
    func heightStep(_ amount: HW) -> Int { isVector ? 1 : amount.height }
}

/// Surrounds every matrix in `t` with `p.height` rows of zeros above and below
/// and `p.width` columns of zeros left and right (a vector gets `p.width` zeros
/// at each end). This is `x_pad` in the derivation.
///
/// ```swift
/// pad(Tensor(matrix: [[1, 2], [3, 4]]), 1)   // 4 × 4 with the 2 × 2 block in the middle
/// pad(Tensor(vector: [1, 2]), 2)               // [0, 0, 1, 2, 0, 0]
/// ```
public func pad(_ t: Tensor, _ p: HW) -> Tensor {
    pad(t, Padding(p))
}

/// Zero padding with its own amount on each side: `x_pad` for a layer whose
/// padding differs between the sides (a vector takes only `left` and `right`).
///
/// ```swift
/// pad(Tensor(matrix: [[1, 2], [3, 4]]), Padding(top: 0, bottom: 1, left: 0, right: 1))   // 3 × 3, zeros below and right
/// ```
public func pad(_ t: Tensor, _ p: Padding) -> Tensor {
    pad(t, top: p.top, bottom: p.bottom, left: p.left, right: p.right)
}

/// Zero padding with a separate amount on each side.
public func pad(_ t: Tensor, top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
    require(top >= 0 && bottom >= 0 && left >= 0 && right >= 0, "padding must be non-negative")
    let v = SpatialView(t)
    let (top, bottom) = v.isVector ? (0, 0) : (top, bottom)
    let newH = v.height + top + bottom, newW = v.width + left + right
    var out = [Double](repeating: 0, count: v.outer * newH * newW)
    for o in 0..<v.outer {
        for i in 0..<v.height {
            for j in 0..<v.width {
                out[(o * newH + i + top) * newW + j + left] = t.scalars[(o * v.height + i) * v.width + j]
            }
        }
    }
    return Tensor(shape: v.shape(height: newH, width: newW), scalars: out).computed(from: t)
}

/// Removes `p.height` rows from the top and bottom and `p.width` columns from the
/// left and right of every matrix: the inverse of ``pad(_:_:)``, and how dx is
/// recovered from dx_pad.
public func crop(_ t: Tensor, _ p: HW) -> Tensor {
    require(p.height >= 0 && p.width >= 0, "crop amounts must be non-negative, got \(p)")
    return crop(t, Padding(p))
}

/// Removes `p.top` rows from the top, `p.bottom` from the bottom, `p.left` and
/// `p.right` columns from the sides of every matrix (a vector loses only `left`
/// and `right`): the inverse of padding each side by its own amount.
public func crop(_ t: Tensor, _ p: Padding) -> Tensor {
    let v = SpatialView(t)
    let (top, bottom) = v.isVector ? (0, 0) : (p.top, p.bottom)
    require(p.top >= 0 && p.bottom >= 0 && p.left >= 0 && p.right >= 0, "crop amounts must be non-negative, got \(p)")
    require(top + bottom <= v.height && p.left + p.right <= v.width,
            "cannot crop \(p) from the sides of a \(v.height) × \(v.width) matrix")
    return window(t, rowStart: top, rows: v.height - top - bottom, columnStart: p.left, columns: v.width - p.left - p.right)
}

/// The `rows × columns` block of every matrix starting at `(rowStart, columnStart)`.
public func window(_ t: Tensor, rowStart: Int, rows: Int, columnStart: Int, columns: Int) -> Tensor {
    let v = SpatialView(t)
    require(rowStart >= 0 && columnStart >= 0 && rowStart + rows <= v.height && columnStart + columns <= v.width,
                 "window rows \(rowStart)..<\(rowStart + rows), columns \(columnStart)..<\(columnStart + columns) does not fit in \(v.height) × \(v.width)")
    var out = [Double]()
    out.reserveCapacity(v.outer * rows * columns)
    for o in 0..<v.outer {
        for i in rowStart..<(rowStart + rows) {
            for j in columnStart..<(columnStart + columns) {
                out.append(t.scalars[(o * v.height + i) * v.width + j])
            }
        }
    }
    return Tensor(shape: v.shape(height: rows, width: columns), scalars: out).computed(from: t)
}

/// Turns every matrix by 180 degrees: `r[a, b] = k[HH-1-a, WW-1-b]`. A vector is
/// reversed. Convolving with `k` is cross-correlating with `rotate180(k)`.
public func rotate180(_ t: Tensor) -> Tensor {
    let v = SpatialView(t)
    var out = t.scalars
    for o in 0..<v.outer {
        for i in 0..<v.height {
            for j in 0..<v.width {
                out[(o * v.height + i) * v.width + j] =
                    t.scalars[(o * v.height + (v.height - 1 - i)) * v.width + (v.width - 1 - j)]
            }
        }
    }
    return Tensor(shape: t.shape, scalars: out).computed(from: t)
}

/// Swaps the first two axes of a filter tensor: (F, C, HH, WW) becomes
/// (C, F, HH, WW), so that `result[c, f] = w[f, c]`. dx for channel c sums over
/// the filters, which this makes the "channels" of a new kernel tensor.
public func swapFilterAndChannelAxes(_ w: Tensor) -> Tensor {
    require(w.rank == 4, "swapFilterAndChannelAxes needs a rank-4 filter tensor, got shape \(w.shape)")
    let (F, C, HH, WW) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
    var out = Tensor(zeros: [C, F, HH, WW])
    for f in 0..<F {
        for c in 0..<C {
            for a in 0..<HH {
                for b in 0..<WW {
                    out[c, f, a, b] = w[f, c, a, b]
                }
            }
        }
    }
    return out.computed(from: w)
}

/// Inserts `s - 1` zeros between neighbouring elements of every matrix, along
/// each axis: an `n`-long axis becomes `(n - 1)·s + 1` long. Applied to dy it
/// puts every gradient back at the position its window started from; applied to
/// a kernel with the dilation `d` it gives the dilated kernel.
///
/// ```swift
/// dilate(Tensor(vector: [1, 2, 3]), by: 2)   // [1, 0, 2, 0, 3]
/// ```
public func dilate(_ t: Tensor, by s: HW) -> Tensor {
    require(s.height >= 1 && s.width >= 1, "dilation factor must be at least 1, got \(s)")
    let v = SpatialView(t)
    let sh = v.heightStep(s), sw = s.width
    let newH = v.height == 0 ? 0 : (v.height - 1) * sh + 1
    let newW = v.width == 0 ? 0 : (v.width - 1) * sw + 1
    var out = [Double](repeating: 0, count: v.outer * newH * newW)
    for o in 0..<v.outer {
        for i in 0..<v.height {
            for j in 0..<v.width {
                out[(o * newH + i * sh) * newW + j * sw] = t.scalars[(o * v.height + i) * v.width + j]
            }
        }
    }
    return Tensor(shape: v.shape(height: newH, width: newW), scalars: out).computed(from: t)
}

/// Which outputs a correlation keeps.
public enum CorrelationMode: String, Sendable, CaseIterable {
    /// Only positions where the kernel lies wholly inside the input:
    /// `(n - d(k-1) - 1)/s + 1` outputs per axis.
    case valid
    /// Every position where kernel and input overlap at all: the input is padded
    /// with `d(k - 1)` zeros on each side first, giving `(n + d(k-1) - 1)/s + 1` outputs.
    case full
}

/// Cross-correlation of a matrix (or vector) `a` with a kernel `k` of the same rank:
///
///     r[i, j] = Σ_u Σ_v  a[s·i + d·u, s·j + d·v] · k[u, v]
///
/// The kernel slides without being flipped; this is what deep-learning
/// libraries call convolution. Stride `s` skips positions, dilation `d` spreads
/// the kernel's taps apart.
public func crossCorrelate(_ a: Tensor, _ k: Tensor, mode: CorrelationMode = .valid,
                           stride s: HW = 1, dilation d: HW = 1) -> Tensor {
    require(a.rank == k.rank && (a.rank == 1 || a.rank == 2),
                 "crossCorrelate needs two vectors or two matrices, got shapes \(a.shape) and \(k.shape)")
    let kv = SpatialView(k)
    let av = SpatialView(a)
    let dh = av.heightStep(d), sh = av.heightStep(s)
    let input = mode == .valid ? a : pad(a, HW(height: dh * (kv.height - 1), width: d.width * (kv.width - 1)))
    let iv = SpatialView(input)
    guard let outH = outputLength(input: iv.height, kernel: kv.height, stride: sh, dilation: dh),
          let outW = outputLength(input: iv.width, kernel: kv.width, stride: s.width, dilation: d.width) else {
        fatalError("kernel \(k.shape) with dilation \(d) does not fit in input \(input.shape)")
    }
    var out = [Double](repeating: 0, count: outH * outW)
    for i in 0..<outH {
        for j in 0..<outW {
            var total = 0.0
            for u in 0..<kv.height {
                for v in 0..<kv.width {
                    total += input.scalars[(sh * i + dh * u) * iv.width + s.width * j + d.width * v]
                        * k.scalars[u * kv.width + v]
                }
            }
            out[i * outW + j] = total
        }
    }
    return Tensor(shape: av.shape(height: outH, width: outW), scalars: out).computed(from: a, k)
}

/// True convolution: cross-correlation with the kernel rotated by 180 degrees,
///
///     r[i, j] = Σ_u Σ_v  a[i - u, j - v] · k[u, v]   (full mode, indices outside a are zero)
public func convolve(_ a: Tensor, _ k: Tensor, mode: CorrelationMode = .valid,
                     stride s: HW = 1, dilation d: HW = 1) -> Tensor {
    crossCorrelate(a, rotate180(k), mode: mode, stride: s, dilation: d)
}

// MARK: The layer, assembled from the building blocks

/// The forward pass written with the building blocks:
///
///     y[n, f] = b[f] + Σ_c crossCorrelate(pad(x[n, c], p), w[f, c], valid, stride s, dilation d)
///
/// (p being the padding of each side).
///
/// Equal to ``convForward(_:_:_:_:)`` for every parameter combination.
public func convForwardByBlocks(_ x: Tensor, _ w: Tensor, _ b: Tensor? = nil,
                                _ parameters: ConvParameters = ConvParameters()) -> Tensor {
    let g = ConvGeometry.require(x: x, w: w, b: b, parameters: parameters)
    var maps = [Tensor]()
    for n in 0..<g.N {
        let image = x.slice(n)
        for f in 0..<g.F {
            let firstChannel = g.group(ofFilter: f) * g.channelsPerGroup
            var y = Tensor(repeating: b?[f] ?? 0, shape: [g.outHeight, g.outWidth])
            for c in 0..<g.channelsPerGroup {
                y += crossCorrelate(pad(image.slice(firstChannel + c), parameters.paddingSides), w.slice(f).slice(c),
                                    mode: .valid, stride: parameters.stride, dilation: parameters.dilation)
            }
            maps.append(y)
        }
    }
    return Tensor.stack(maps).reshaped(g.outputShape).computed(from: x, w, b)
}

/// The backward pass written with the building blocks, as the explainer derives it:
///
/// - `db[f] = Σ_n Σ_i Σ_j dy[n, f, i, j]`
/// - `dw[f, c]` is a valid cross-correlation of the padded input with dy dilated
///   by the stride, taken with stride `d` and cut to HH × WW:
///   `dw[f, c] = Σ_n crossCorrelate(pad(x[n, c], p), dilate(dy[n, f], s), valid, stride d)`
/// - `dx[n, c]` is a full convolution of the stride-dilated dy with the filters,
///   i.e. a full cross-correlation with the rotated, channel-swapped kernel tensor
///   `wT = rotate180(swapFilterAndChannelAxes(w))`, summed over filters, placed in a
///   padded-size frame (rows no window reached stay zero) and cropped by p:
///   `dx_pad[n, c] = Σ_f crossCorrelate(dilate(dy[n, f], s), wT[c, f], full, dilation d)`
public func convBackwardByBlocks(_ dy: Tensor, _ x: Tensor, _ w: Tensor,
                                 _ parameters: ConvParameters = ConvParameters()) -> ConvGradients {
    let g = ConvGeometry.require(x: x, w: w, dy: dy, parameters: parameters)
    let (s, p, d) = (parameters.stride, parameters.paddingSides, parameters.dilation)
    let paddedHeight = g.H + p.top + p.bottom, paddedWidth = g.W + p.left + p.right

    var db = Tensor(zeros: [g.F])
    for f in 0..<g.F {
        for n in 0..<g.N { db[f] += dy.slice(n).slice(f).sum() }
    }

    var dwSlices = [Tensor]()
    for f in 0..<g.F {
        let firstChannel = g.group(ofFilter: f) * g.channelsPerGroup
        for c in 0..<g.channelsPerGroup {
            var total = Tensor(zeros: [g.HH, g.WW])
            for n in 0..<g.N {
                let full = crossCorrelate(pad(x.slice(n).slice(firstChannel + c), p), dilate(dy.slice(n).slice(f), by: s),
                                          mode: .valid, stride: d)
                total += window(full, rowStart: 0, rows: g.HH, columnStart: 0, columns: g.WW)
            }
            dwSlices.append(total)
        }
    }
    let dw = Tensor.stack(dwSlices).reshaped(w.shape)

    let wT = rotate180(swapFilterAndChannelAxes(w))   // (C/groups, F, HH, WW)
    var dxSlices = [Tensor]()
    for n in 0..<g.N {
        for c in 0..<g.C {
            let group = c / g.channelsPerGroup
            var dxPad = Tensor(zeros: [paddedHeight, paddedWidth])
            for f in (group * g.filtersPerGroup)..<((group + 1) * g.filtersPerGroup) {
                let reached = crossCorrelate(dilate(dy.slice(n).slice(f), by: s), wT.slice(c % g.channelsPerGroup).slice(f),
                                             mode: .full, dilation: d)
                dxPad += pad(reached, top: 0, bottom: paddedHeight - reached.shape[0],
                             left: 0, right: paddedWidth - reached.shape[1])
            }
            dxSlices.append(crop(dxPad, p))
        }
    }
    let dx = Tensor.stack(dxSlices).reshaped(x.shape)
    return ConvGradients(dx: dx.computed(from: dy, x, w), dw: dw.computed(from: dy, x, w), db: db.computed(from: dy))
}
