// Cheat sheet: the engine beside NumPy, PyTorch and JAX
// The code of cheat-sheet.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release cheat-sheet.swift -o cheat-sheet
//   ./cheat-sheet
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify cheat-sheet

import ConvEngine
import ConvbookRuntime

// MARK: block 1, cheat-sheet.md line 73
let params = ConvParameters(stride: HW(height: 2, width: 1), padding: HW(height: 1, width: 2),
                            dilation: HW(height: 1, width: 2), groups: 2)
let x = Tensor.randomNormal(shape: [2, 4, 6, 5], seed: 1)   // (N, C, H, W)
let w = Tensor.randomNormal(shape: [4, 2, 3, 2], seed: 2)   // (F, C/g, HH, WW)
let b = Tensor.randomNormal(shape: [4], seed: 3)            // (F)
let y = convForward(x, w, b, params)
let dy = Tensor.randomNormal(shape: y.shape, seed: 4)
for (t, name) in [(x, "x"), (w, "w"), (b, "b"), (y, "y"), (dy, "dy")] { publish(t, as: name) }
print("y:", y.shape)

// MARK: block 2, cheat-sheet.md line 102
let xNHWC = x.permuted(Layout.nchwToNHWC), wHWIO = w.permuted(Layout.oihwToHWIO)
publish(xNHWC, as: "x_nhwc"); publish(wHWIO, as: "w_hwio")
publish(convForwardNHWC(xNHWC, wHWIO, b, params), as: "y_nhwc")

// MARK: block 3, cheat-sheet.md line 126
let grads = convBackward(dy, x, w, params)
publish(grads.dx, as: "dx"); publish(grads.dw, as: "dw"); publish(grads.db, as: "db")

// MARK: block 4, cheat-sheet.md line 155
let sides = ConvParameters(stride: HW(height: 2, width: 1), padding: Padding(top: 0, bottom: 2, left: 3, right: 1),
                           dilation: HW(height: 1, width: 2), groups: 2)
let yAsym = convForward(x, w, b, sides)
let dyAsym = Tensor.randomNormal(shape: yAsym.shape, seed: 11)
let gradsAsym = convBackward(dyAsym, x, w, sides)
for (t, name) in [(yAsym, "y_asym"), (dyAsym, "dy_asym"), (gradsAsym.dx, "dx_asym"), (gradsAsym.dw, "dw_asym")] {
    publish(t, as: name)
}
print("y_asym:", yAsym.shape)

// MARK: block 5, cheat-sheet.md line 191
let wEven = Tensor.randomNormal(shape: [4, 2, 2, 4], seed: 12)
let sameStrided = Padding.same(input: HW(height: 6, width: 5), kernel: HW(height: 2, width: 4),
                               stride: HW(height: 1, width: 2))
let ySameEven = convForward(x, wEven, b, ConvParameters(stride: HW(height: 1, width: 2), padding: sameStrided, groups: 2))
let ySameOne = convForward(x, wEven, b, ConvParameters(padding: .sameAtStrideOne(kernel: HW(height: 2, width: 4)), groups: 2))
publish(wEven, as: "w_even"); publish(ySameEven, as: "y_same_even"); publish(ySameOne, as: "y_same_one")
print("SAME at stride (1, 2):", sameStrided, " y_same_even:", ySameEven.shape, " y_same_one:", ySameOne.shape)

// MARK: block 6, cheat-sheet.md line 224
/// The transposed convolution of u with w: the input gradient of the layer whose input is `size`.
func convTransposed(_ u: Tensor, _ w: Tensor, size: HW, _ params: ConvParameters) -> Tensor {
    let inputShape = [u.shape[0], w.shape[1] * params.groups, size.height, size.width]
    return convBackward(u, Tensor(zeros: inputShape), w, params).dx
}
let up = convTransposed(dy, w, size: HW(height: 6, width: 5), params)         // output_padding (1, 0)
let upSmall = convTransposed(dy, w, size: HW(height: 5, width: 5), params)    // output_padding (0, 0)
publish(up, as: "up"); publish(upSmall, as: "up_small")
print("up:", up.shape, " up_small:", upSmall.shape)

// MARK: block 7, cheat-sheet.md line 269
let cols = im2col(x, kernelHeight: 3, kernelWidth: 2, group: 1, params)   // group 1: channels 2 and 3
let back = col2im(cols, inputShape: x.shape, kernelHeight: 3, kernelWidth: 2, group: 1, params)
publish(cols, as: "cols"); publish(back, as: "back")
print("cols:", cols.shape)

// MARK: block 8, cheat-sheet.md line 331
let a = Tensor.randomNormal(shape: [5, 6], seed: 5), k = Tensor.randomNormal(shape: [3, 2], seed: 6)
let corrValid = crossCorrelate(a, k), corrFull = crossCorrelate(a, k, mode: .full)
let convValid = convolve(a, k), convFull = convolve(a, k, mode: .full)
for (t, name) in [(a, "a"), (k, "k"), (corrValid, "corr_valid"), (corrFull, "corr_full"),
                  (convValid, "conv_valid"), (convFull, "conv_full")] { publish(t, as: name) }

// MARK: block 9, cheat-sheet.md line 364
let spread = dilate(dy, by: HW(height: 2, width: 3))    // the last two axes
let padded = pad(x, HW(height: 1, width: 2)), cropped = crop(x, HW(height: 1, width: 1))
let turned = rotate180(w), swapped = swapFilterAndChannelAxes(w)
for (t, name) in [(spread, "spread"), (padded, "padded"), (cropped, "cropped"),
                  (turned, "turned"), (swapped, "swapped")] { publish(t, as: name) }

// MARK: block 10, cheat-sheet.md line 401
let da = Tensor.randomNormal(shape: y.shape, seed: 7)
publish(da, as: "da"); publish(relu(y), as: "alpha"); publish(reluBackward(da, y), as: "dz")

// MARK: block 11, cheat-sheet.md line 427
let pool = PoolParameters(window: HW(height: 3, width: 2), stride: HW(height: 2, width: 1), padding: 1)
var xPool = Tensor.randomNormal(shape: [2, 3, 7, 6], seed: 9)
xPool.scalars = xPool.scalars.map { $0.rounded() }
let yMax = maxPoolForward(xPool, pool), poolIndices = maxPoolIndices(xPool, pool)
let dyPool = Tensor.randomNormal(shape: yMax.shape, seed: 10)
for (t, name) in [(xPool, "x_pool"), (dyPool, "dy_pool"), (yMax, "y_max"), (poolIndices, "pool_indices"),
                  (maxPoolBackward(dyPool, xPool, pool), "dx_max"),
                  (avgPoolForward(xPool, pool), "y_avg"), (avgPoolBackward(dyPool, xPool, pool), "dx_avg"),
                  (avgPoolForward(xPool, pool, countIncludePad: false), "y_avg_inside"),
                  (avgPoolBackward(dyPool, xPool, pool, countIncludePad: false), "dx_avg_inside")] {
    publish(t, as: name)
}
var later = xPool   // the same order, except that of two equal elements the later one is now larger
for k in later.scalars.indices { later.scalars[k] += 1e-3 * Double(k % (7 * 6)) }
let tiedWindows = zip(maxPoolIndices(later, pool).scalars, poolIndices.scalars).filter { $0 != $1 }.count
precondition(tiedWindows > 0, "no window holds its maximum twice: the tie rule would go untested")
print("y_max:", yMax.shape)
print("cheat-sheet.md line 447:", tiedWindows)
print("cheat-sheet.md line 447:", poolIndices.count)

// MARK: block 12, cheat-sheet.md line 522
let dxNumerical = numericalGradient(of: { convForward($0, w, b, params) }, at: x, upstream: dy)
publish(dxNumerical, as: "dx_numerical")
publish(Tensor(vector: [relError(grads.dx, dxNumerical)]), as: "rel_error")

// MARK: block 13, cheat-sheet.md line 596
let wSame = Tensor.randomNormal(shape: [4, 2, 3, 3], seed: 8)
let ySame = convForward(x, wSame, b, ConvParameters(padding: HW(height: 1, width: 2), dilation: HW(height: 1, width: 2), groups: 2))
publish(wSame, as: "w_same"); publish(ySame, as: "y_same")
print("x:", x.shape, " y_same:", ySame.shape)
