// The reference implementation of pooling: plain loops that transcribe the
// definitions, one window at a time. The im2col forms (PoolingIm2col.swift)
// are tested against these.
//
// Padding. A tap of a window that falls outside x (in the padding) is skipped:
// for max pooling it is as if x_pad held −∞ there, so the padding never wins,
// as in PyTorch and in JAX's reduce_window with −∞ as its initial value; for
// average pooling it is a zero that counts in the divisor or not
// (`countIncludePad`, PyTorch's `count_include_pad`).
//
// Ties. When several elements of a window share its maximum, the engine picks
// the FIRST of them in row-major window order (a, then b), with a strict `>`
// while scanning. PyTorch's CPU kernel scans the same way (`val > maxval`);
// JAX's gradient of reduce_window max is select_and_scatter_add with the
// selection `ge`, which keeps the earlier element on a tie (the JAX cross-check,
// Tests/crosscheck/pool_crosscheck.py, tests this on constructed ties). A NaN
// compares false, so it never wins here.

/// The position in x (row, column of plane (n, c)) of the maximum of window
/// (i, j): the first in row-major window order when several are equal.
func windowMaximum(_ x: Tensor, _ g: PoolGeometry, n: Int, c: Int, i: Int, j: Int) -> (row: Int, column: Int) {
    let taps = g.taps(outputRow: i, outputColumn: j)
    var best = taps[0]
    for tap in taps.dropFirst() where x[n, c, tap.row, tap.column] > x[n, c, best.row, best.column] {
        best = tap
    }
    return best
}

/// Max pooling, forward, by its definition:
///
///     y[n, c, i, j] = max over a < HH, b < WW of  x_pad[n, c, s·i + a, s·j + b]
///
/// where x_pad is x with p elements of −∞ around each plane. x is (N, C, H, W);
/// y is (N, C, H', W') with H' = ⌊(H + 2p − HH) / s⌋ + 1.
///
/// ```swift
/// let x = Tensor(batch: [[[[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 1, 1], [6, 1, 3, 7]]]])
/// maxPoolForward(x, PoolParameters(window: 2))   // [[[[5, 8], [6, 7]]]]
/// ```
public func maxPoolForward(_ x: Tensor, _ parameters: PoolParameters) -> Tensor {
    let g = PoolGeometry.require(x: x, parameters: parameters)
    var y = Tensor(zeros: g.outputShape)
    for n in 0..<g.N {
        for c in 0..<g.C {
            for i in 0..<g.outHeight {
                for j in 0..<g.outWidth {
                    let best = windowMaximum(x, g, n: n, c: c, i: i, j: j)
                    y[n, c, i, j] = x[n, c, best.row, best.column]
                }
            }
        }
    }
    return y.computed(from: x)
}

/// Where each output of max pooling came from: the flat index `row·W + column`
/// of the chosen element in its (n, c) plane of x, as PyTorch's
/// `max_pool2d(..., return_indices=True)` reports it. Shape (N, C, H', W').
public func maxPoolIndices(_ x: Tensor, _ parameters: PoolParameters) -> Tensor {
    let g = PoolGeometry.require(x: x, parameters: parameters)
    var indices = Tensor(zeros: g.outputShape)
    for n in 0..<g.N {
        for c in 0..<g.C {
            for i in 0..<g.outHeight {
                for j in 0..<g.outWidth {
                    let best = windowMaximum(x, g, n: n, c: c, i: i, j: j)
                    indices[n, c, i, j] = Double(best.row * g.W + best.column)
                }
            }
        }
    }
    return indices
}

/// Max pooling, backward. y[n, c, i, j] is one element of x, the window's
/// maximum, so its derivative is 1 for that element and 0 for the others: each
/// output sends its whole dy to the element it chose,
///
///     dx[n, c, r, q] += dy[n, c, i, j]    for (r, q) the maximum of window (i, j),
///
/// and an element chosen by several overlapping windows collects the sum of
/// their dy. At a tie the chosen element is the first maximum in row-major
/// window order (see the note at the top of this file).
///
/// ```swift
/// let dx = maxPoolBackward(dy, x, PoolParameters(window: 3, stride: 2))
/// ```
public func maxPoolBackward(_ dy: Tensor, _ x: Tensor, _ parameters: PoolParameters) -> Tensor {
    let g = PoolGeometry.require(x: x, dy: dy, parameters: parameters)
    var dx = Tensor(zeros: x.shape)
    for n in 0..<g.N {
        for c in 0..<g.C {
            for i in 0..<g.outHeight {
                for j in 0..<g.outWidth {
                    let best = windowMaximum(x, g, n: n, c: c, i: i, j: j)
                    dx[n, c, best.row, best.column] += dy[n, c, i, j]
                }
            }
        }
    }
    return dx.computed(from: dy, x)
}

/// The number each window's sum is divided by: HH·WW when the padding counts
/// (`countIncludePad`, PyTorch's default), else the taps that fall inside x.
func averageDivisor(_ g: PoolGeometry, i: Int, j: Int, countIncludePad: Bool) -> Double {
    countIncludePad ? Double(g.parameters.window.height * g.parameters.window.width)
                    : Double(g.taps(outputRow: i, outputColumn: j).count)
}

/// Average pooling, forward, by its definition:
///
///     y[n, c, i, j] = ( Σ over a < HH, b < WW of  x_pad[n, c, s·i + a, s·j + b] ) / D[i, j]
///
/// with zeros in the padding, and D[i, j] = HH·WW when `countIncludePad` (the
/// padding counts as elements of the window, PyTorch's default) or the number
/// of the window's elements that lie in x when not.
///
/// ```swift
/// avgPoolForward(x, PoolParameters(window: 2))   // each 2 × 2 block's mean
/// avgPoolForward(x, PoolParameters(window: 3, stride: 2, padding: 1), countIncludePad: false)
/// ```
public func avgPoolForward(_ x: Tensor, _ parameters: PoolParameters, countIncludePad: Bool = true) -> Tensor {
    let g = PoolGeometry.require(x: x, parameters: parameters)
    var y = Tensor(zeros: g.outputShape)
    for n in 0..<g.N {
        for c in 0..<g.C {
            for i in 0..<g.outHeight {
                for j in 0..<g.outWidth {
                    var total = 0.0
                    for tap in g.taps(outputRow: i, outputColumn: j) { total += x[n, c, tap.row, tap.column] }
                    y[n, c, i, j] = total / averageDivisor(g, i: i, j: j, countIncludePad: countIncludePad)
                }
            }
        }
    }
    return y.computed(from: x)
}

/// Average pooling, backward. y[n, c, i, j] depends on each element of x under
/// its window with the weight 1 / D[i, j], so every output sends that share of
/// its dy to each of them,
///
///     dx[n, c, r, q] += dy[n, c, i, j] / D[i, j]    for every (r, q) of x under window (i, j),
///
/// and the shares sent to the padding are dropped. dx does not depend on x's
/// values; x gives the shape.
public func avgPoolBackward(_ dy: Tensor, _ x: Tensor, _ parameters: PoolParameters,
                            countIncludePad: Bool = true) -> Tensor {
    let g = PoolGeometry.require(x: x, dy: dy, parameters: parameters)
    var dx = Tensor(zeros: x.shape)
    for n in 0..<g.N {
        for c in 0..<g.C {
            for i in 0..<g.outHeight {
                for j in 0..<g.outWidth {
                    let share = dy[n, c, i, j] / averageDivisor(g, i: i, j: j, countIncludePad: countIncludePad)
                    for tap in g.taps(outputRow: i, outputColumn: j) { dx[n, c, tap.row, tap.column] += share }
                }
            }
        }
    }
    return dx.computed(from: dy)
}
