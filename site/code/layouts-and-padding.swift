// Layouts and padding modes
// The code of layouts-and-padding.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release layouts-and-padding.swift -o layouts-and-padding
//   ./layouts-and-padding
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify layouts-and-padding

import ConvEngine
import ConvbookRuntime

// MARK: block 1, layouts-and-padding.md line 21
/// A matrix as a batch of one image with one channel: (1, 1, H, W).
func asBatch(_ m: Tensor) -> Tensor { m.reshaped([1, 1] + m.shape) }
/// The one matrix of a (1, 1, H, W) batch.
func plane(_ t: Tensor) -> Tensor { t.slice(0).slice(0) }

// MARK: block 2, layouts-and-padding.md line 28
/// "rows × columns" of a matrix (or the last two axes of a batch), for the prose.
func dims(_ t: Tensor) -> String { t.shape.suffix(2).map(String.init).joined(separator: " × ") }
/// A shape as prose: "(2, 4, 4, 3)".
func shapeText(_ t: Tensor) -> String { "(" + t.shape.map(String.init).joined(separator: ", ") + ")" }
/// Row `r` of a matrix.
func row(_ m: Tensor, _ r: Int) -> Tensor { window(m, rowStart: r, rows: 1, columnStart: 0, columns: m.shape[1]) }

// MARK: block 3, layouts-and-padding.md line 47
let x = Tensor(matrix: [[1, 2, 0, -1], [3, 1, 2, 2], [0, -2, 1, 4], [2, 1, 3, 0]])
let w = Tensor(matrix: [[1, -1], [2, 1]])
precondition(x.shape == [4, 4] && w.shape == [2, 2], "the sizes the prose states")
let symmetricRows = (0...3).map { outputLength(input: x.shape[0], kernel: w.shape[0], padding: $0)! }
let sides = Padding.same(input: HW(4), kernel: HW(2))
let same = ConvParameters(padding: sides)
let xPad = pad(x, sides)
let y = plane(convForward(asBatch(x), asBatch(w), nil, same))
show(xPad, "x_pad")
show(y, "y")
print("layouts-and-padding.md line 61:", symmetricRows.map(String.init).joined(separator: ", "))
print("layouts-and-padding.md line 62:", sides.total.height)
print("layouts-and-padding.md line 63:", sides.total.width)
print("layouts-and-padding.md line 64:", sides.top)
print("layouts-and-padding.md line 69:", "[(\(sides.top), \(sides.bottom)), (\(sides.left), \(sides.right))]")
print("layouts-and-padding.md line 72:", sides.top)
print("layouts-and-padding.md line 72:", sides.bottom)
print("layouts-and-padding.md line 73:", sides.left)
print("layouts-and-padding.md line 73:", sides.right)
print("layouts-and-padding.md line 74:", dims(xPad))
print("layouts-and-padding.md line 74:", dims(y))

// MARK: block 4, layouts-and-padding.md line 80
let lastRowByHand = crossCorrelate(pad(row(x, 3), Padding(top: 0, bottom: 0, left: 0, right: sides.right)), row(w, 0))
show(lastRowByHand, "x[3, ·] with its zero, correlated with w[0, ·]")
let lastRowDiff = checkAgreement("y[3, ·]: the top filter row alone vs the layer", lastRowByHand, row(y, 3))
print("layouts-and-padding.md line 94:", sides.bottom)
print("layouts-and-padding.md line 95:", sides.right)

// MARK: block 5, layouts-and-padding.md line 97
let dy = Tensor(matrix: [[1, 0, -1, 2], [0, 1, 1, 0], [2, -1, 0, 1], [1, 1, -2, 0]])
let grads = convBackward(asBatch(dy), asBatch(x), asBatch(w), same)
let dwByCorrelation = crossCorrelate(xPad, dy)
let dxPad = convolve(dy, w, mode: .full)
let dxByCrop = crop(dxPad, sides)
show(dxPad, "dx_pad = dy full-convolved with w")
show(dxByCrop, "dx = dx_pad without its bottom row and right column")
let dwDiff = checkAgreement("dw: x_pad ⋆ dy vs loops", dwByCorrelation, plane(grads.dw))
let dxDiff = checkAgreement("dx: crop of the full convolution vs loops", dxByCrop, plane(grads.dx))
let fast = convBackwardIm2col(asBatch(dy), asBatch(x), asBatch(w), same)
checkAgreement("dx: im2col fast path vs loops", fast.dx, grads.dx)
checkAgreement("dw: im2col fast path vs loops", fast.dw, grads.dw)
precondition(dxPad.shape == xPad.shape, "the full convolution has the size of x_pad")
print("layouts-and-padding.md line 113:", dims(dxPad))
print("layouts-and-padding.md line 115:", dims(dwByCorrelation))
print("layouts-and-padding.md line 116:", dwDiff)
print("layouts-and-padding.md line 117:", dxDiff)

// MARK: block 6, layouts-and-padding.md line 123
let xr = Tensor.randomNormal(shape: [2, 3, 4, 4], seed: 31)
let wr = Tensor.randomNormal(shape: [2, 3, 2, 2], seed: 32)
let br = Tensor.randomNormal(shape: [2], seed: 33)
let dyr = Tensor.randomNormal(shape: convForward(xr, wr, br, same).shape, seed: 34)
let gr = convBackward(dyr, xr, wr, same)
let check = checkGradients(
    ("dx", gr.dx, numericalGradient(of: { convForward($0, wr, br, same) }, at: xr, upstream: dyr)),
    ("dw", gr.dw, numericalGradient(of: { convForward(xr, $0, br, same) }, at: wr, upstream: dyr)),
    ("db", gr.db, numericalGradient(of: { convForward(xr, wr, $0, same) }, at: br, upstream: dyr)))
print("layouts-and-padding.md line 135:", check["dx"])
print("layouts-and-padding.md line 135:", check["dw"])
print("layouts-and-padding.md line 136:", check["db"])

// MARK: block 7, layouts-and-padding.md line 165
let sameSweep = Sweep(["H": 1...12, "HH": 1...5, "s": 1...3, "d": 1...2])
/// Padding.same for one axis (the height); the width is 1 with a 1-wide filter, no padding.
func sameRows(_ c: Sweep.Setting) -> Padding {
    Padding.same(input: HW(height: c.H, width: 1), kernel: HW(height: c.HH, width: 1),
                 stride: HW(height: c.s, width: 1), dilation: HW(height: c.d, width: 1))
}
/// Measured: the rows of y that the engine produces with that padding.
func engineRows(_ c: Sweep.Setting) -> Int {
    let params = ConvParameters(stride: HW(height: c.s, width: 1), padding: sameRows(c), dilation: HW(height: c.d, width: 1))
    return convForward(Tensor(repeating: 1, shape: [1, 1, c.H, 1]), Tensor(repeating: 1, shape: [1, 1, c.HH, 1]), nil, params).shape[2]
}
/// Measured: windows s·i … s·i + d(HH − 1) that fit in H + total rows, counted one by one.
func windowsThatFit(_ c: Sweep.Setting, total: Int) -> Int {
    var count = 0
    while c.s * count + c.d * (c.HH - 1) < c.H + total { count += 1 }
    return count
}
/// Measured: the least total, trying 0, 1, 2, … until ⌈H/s⌉ windows fit.
func leastTotal(_ c: Sweep.Setting) -> Int {
    var total = 0
    while windowsThatFit(c, total: total) < (c.H + c.s - 1) / c.s { total += 1 }
    return total
}
/// Measured: zero rows below the input minus zero rows above it, in x_pad (x all ones).
func extraBelow(_ c: Sweep.Setting) -> Int {
    let padded = pad(Tensor(repeating: 1, shape: [c.H, 1]), sameRows(c))
    let rows = (0..<padded.shape[0]).map { padded[$0, 0] }
    let above = rows.prefix { $0 == 0 }.count, below = rows.reversed().prefix { $0 == 0 }.count
    return below - above
}
let ceilRule = checkRule("SAME: H′ = ⌈H/s⌉", over: sameSweep,
                         stated: { ($0.H + $0.s - 1) / $0.s }, measured: engineRows)
let leastRule = checkRule("SAME: the total is the least padding that gives ⌈H/s⌉ rows", over: sameSweep,
                          stated: { sameRows($0).total.height }, measured: leastTotal)
let splitRule = checkRule("SAME: p_bottom − p_top = total mod 2 (the odd zero row at the bottom)", over: sameSweep,
                          stated: { sameRows($0).total.height % 2 }, measured: extraBelow)
let torchRule = checkRule("PyTorch's 'same', d(HH − 1) split the same way, is SAME at s = 1", over: sameSweep,
                          where: { $0.s == 1 },
                          stated: { Padding.sameAtStrideOne(kernel: HW(height: $0.HH, width: 1), dilation: HW(height: $0.d, width: 1)) },
                          measured: sameRows)
print("layouts-and-padding.md line 208:", sameSweep)
print("layouts-and-padding.md line 209:", ceilRule.checked)
print("layouts-and-padding.md line 210:", leastRule.checked)
print("layouts-and-padding.md line 211:", splitRule.checked)
print("layouts-and-padding.md line 212:", torchRule.checked)

// MARK: block 8, layouts-and-padding.md line 225
let sidesSweep = Sweep(["top": 0...2, "bottom": 0...2, "left": 0...2, "right": 0...2, "s": 1...2])
/// dx and dw of the padded layer against the unpadded layer over x_pad, cropped side by side.
func cropGivesGradients(_ c: Sweep.Setting) -> Bool {
    let p = Padding(top: c.top, bottom: c.bottom, left: c.left, right: c.right)
    let xs = Tensor.randomNormal(shape: [1, 2, 5, 4], seed: 51)
    let ws = Tensor.randomNormal(shape: [3, 2, 2, 3], seed: 52)
    let padded = ConvParameters(stride: HW(c.s), padding: p)
    let dys = Tensor.randomNormal(shape: convForward(xs, ws, nil, padded).shape, seed: 53)
    let overXPad = convBackward(dys, pad(xs, p), ws, ConvParameters(stride: HW(c.s)))
    let direct = convBackward(dys, xs, ws, padded)
    return max(crop(overXPad.dx, p).maxAbsDifference(direct.dx), overXPad.dw.maxAbsDifference(direct.dw)) <= 1e-12
}
let cropRule = checkRule("dx = crop of the unpadded layer's dx over x_pad, side by side; dw unchanged", over: sidesSweep,
                         stated: { (_: Sweep.Setting) -> Bool in true }, measured: cropGivesGradients)
print("layouts-and-padding.md line 242:", cropRule.checked)
print("layouts-and-padding.md line 243:", sidesSweep)

// MARK: block 9, layouts-and-padding.md line 268
let xL = Tensor.randomNormal(shape: [2, 4, 4, 2], seed: 41)   // (N, H, W, C)
let wL = Tensor.randomNormal(shape: [2, 2, 2, 3], seed: 42)   // (HH, WW, C, F)
let bL = Tensor.randomNormal(shape: [3], seed: 43)
let yDirect = convForwardNHWC(xL, wL, bL, same)
// The NCHW layer between transposes: x and w in, y out.
let yByTransposes = convForward(xL.permuted(Layout.nhwcToNCHW), wL.permuted(Layout.hwioToOIHW), bL, same)
    .permuted(Layout.nchwToNHWC)
let yLayoutDiff = checkAgreement("y: channels-last loops vs the NCHW layer between transposes", yDirect, yByTransposes)
let element = (xL[1, 2, 3, 0], xL.permuted(Layout.nhwcToNCHW)[1, 0, 2, 3])
precondition(element.0 == element.1, "a transpose moves an element, it does not change it")
print("layouts-and-padding.md line 281:", shapeText(xL))
print("layouts-and-padding.md line 281:", shapeText(xL.permuted(Layout.nhwcToNCHW)))
print("layouts-and-padding.md line 283:", element.0)
print("layouts-and-padding.md line 284:", shapeText(yDirect))
print("layouts-and-padding.md line 285:", yLayoutDiff)

// MARK: block 10, layouts-and-padding.md line 306
let dyL = Tensor.randomNormal(shape: yDirect.shape, seed: 44)
let direct = convBackwardNHWC(dyL, xL, wL, same)
let nchw = convBackward(dyL.permuted(Layout.nhwcToNCHW), xL.permuted(Layout.nhwcToNCHW),
                        wL.permuted(Layout.hwioToOIHW), same)
let dxLayoutDiff = checkAgreement("dx: channels-last loops vs NCHW between transposes", direct.dx, nchw.dx.permuted(Layout.nchwToNHWC))
checkAgreement("dw: channels-last loops vs NCHW between transposes", direct.dw, nchw.dw.permuted(Layout.oihwToHWIO))
checkAgreement("db: channels-last loops vs NCHW", direct.db, nchw.db)
let layoutCheck = checkGradients(
    ("dx", direct.dx, numericalGradient(of: { convForwardNHWC($0, wL, bL, same) }, at: xL, upstream: dyL)),
    ("dw", direct.dw, numericalGradient(of: { convForwardNHWC(xL, $0, bL, same) }, at: wL, upstream: dyL)),
    ("db", direct.db, numericalGradient(of: { convForwardNHWC(xL, wL, $0, same) }, at: bL, upstream: dyL)))
print("layouts-and-padding.md line 320:", shapeText(direct.dx))
print("layouts-and-padding.md line 321:", dxLayoutDiff)
print("layouts-and-padding.md line 322:", layoutCheck.worst)

// MARK: block 11, layouts-and-padding.md line 336
let sixRows = sameSweep.first { $0.H == 6 && $0.HH == 3 && $0.s == 2 && $0.d == 1 }!
print("layouts-and-padding.md line 341:", leastTotal(sixRows))
print("layouts-and-padding.md line 343:", sameRows(sixRows).top)
print("layouts-and-padding.md line 344:", sameRows(sixRows).bottom)
print("layouts-and-padding.md line 345:", engineRows(sixRows))

// MARK: block 12, layouts-and-padding.md line 354
let sidesStride2 = Padding.same(input: HW(4), kernel: HW(2), stride: HW(2))
let yStride2 = plane(convForward(asBatch(x), asBatch(w), nil, ConvParameters(stride: HW(2), padding: sidesStride2)))
print("layouts-and-padding.md line 360:", sidesStride2.total.height)
print("layouts-and-padding.md line 361:", sidesStride2.total.width)
print("layouts-and-padding.md line 362:", dims(yStride2))

// MARK: block 13, layouts-and-padding.md line 373 (traps: kept as a comment)
// _ = convForward(xL, wL, bL, same)
// 
print("layouts-and-padding.md line 378:", xL.shape[1])
print("layouts-and-padding.md line 379:", wL.shape[1])
