// Reference: every formula on one page
// The code of 12-reference.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release 12-reference.swift -o 12-reference
//   ./12-reference
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify 12-reference

import ConvEngine
import ConvbookRuntime

// MARK: block 1, 12-reference.md line 237
let params = ConvParameters(stride: HW(height: 2, width: 3), padding: HW(height: 1, width: 2),
                            dilation: HW(height: 2, width: 1), groups: 2)
let x = Tensor.randomNormal(shape: [2, 4, 7, 9], seed: 1)
let w = Tensor.randomNormal(shape: [4, 2, 3, 2], seed: 2)
let b = Tensor.randomNormal(shape: [4], seed: 3)
let y = convForward(x, w, b, params)
let dy = Tensor.randomNormal(shape: y.shape, seed: 4)
let loops = convBackward(dy, x, w, params)            // the reference loops
let blocks = convBackwardByBlocks(dy, x, w, params)   // the closed forms, from pad, dilate, crossCorrelate, ...
let geometry = try! ConvGeometry(input: x.shape, weight: w.shape, parameters: params)
let (s, p, d) = (params.stride, params.padding, params.dilation)
let (N, C, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
let (F, HH, WW) = (w.shape[0], w.shape[2], w.shape[3])
/// The first channel of filter f's group, c₀(f).
func firstChannel(_ f: Int) -> Int { geometry.group(ofFilter: f) * geometry.channelsPerGroup }
print("y has shape", y.shape)

// MARK: block 2, 12-reference.md line 265
let spanH = H + 2 * p.height - d.height * (HH - 1) - 1
let spanW = W + 2 * p.width - d.width * (WW - 1) - 1
let outH = spanH / s.height + 1, outW = spanW / s.width + 1
let (rH, rW) = (spanH % s.height, spanW % s.width)
checkAgreement("H', W' by the formula vs the shape of convForward's y",
               Tensor(vector: [Double(outH), Double(outW)]), Tensor(vector: [Double(y.shape[2]), Double(y.shape[3])]))
print("12-reference.md line 274:", outH)
print("12-reference.md line 274:", outW)
print("12-reference.md line 275:", rH)
print("12-reference.md line 275:", rW)

// MARK: block 3, 12-reference.md line 284
// The defining sum at one output, written out.
let (n0, f0, i0, j0) = (1, 3, 2, 1)
let xPad = pad(x, p)
var y0 = b[f0]
for c in 0..<geometry.channelsPerGroup {
    for a in 0..<HH {
        for bb in 0..<WW {
            y0 += xPad[n0, firstChannel(f0) + c, s.height * i0 + d.height * a, s.width * j0 + d.width * bb] * w[f0, c, a, bb]
        }
    }
}
checkAgreement("y[1, 3, 2, 1] by the sum vs the loops", Tensor(vector: [y0]), Tensor(vector: [y[n0, f0, i0, j0]]))
let forwardDiff = checkAgreement("forward: building blocks vs loops", convForwardByBlocks(x, w, b, params), y)
print("12-reference.md line 300:", y0)
print("12-reference.md line 301:", forwardDiff)

// MARK: block 4, 12-reference.md line 305
var dbBySum = Tensor(zeros: [F])
for n in 0..<N {
    for f in 0..<F { dbBySum[f] += dy.slice(n).slice(f).sum() }
}
checkAgreement("db: Σ dy vs loops", dbBySum, loops.db)
checkAgreement("db: building blocks vs loops", blocks.db, loops.db)
let dbCheck = checkGradients(("db", loops.db, numericalGradient(of: { convForward(x, w, $0, params) }, at: b, upstream: dy)))

// MARK: block 5, 12-reference.md line 317
// The cross-correlation form for one slice, dw[f, c'] with f = 3, c' = 1, written out.
let (fW, cW) = (3, 1)
var dwSlice = Tensor(zeros: [HH, WW])
for n in 0..<N {
    let correlation = crossCorrelate(pad(x.slice(n).slice(firstChannel(fW) + cW), p), dilate(dy.slice(n).slice(fW), by: s),
                                     mode: .valid, stride: d)
    dwSlice += window(correlation, rowStart: 0, rows: HH, columnStart: 0, columns: WW)
}
checkAgreement("dw[3, 1]: x_pad ⋆ dilate(dy, s), stride d, cut, vs loops", dwSlice, loops.dw.slice(fW).slice(cW))
checkAgreement("dw: building blocks vs loops", blocks.dw, loops.dw)
let dwCheck = checkGradients(("dw", loops.dw, numericalGradient(of: { convForward(x, $0, b, params) }, at: w, upstream: dy)))

// MARK: block 6, 12-reference.md line 333
// The full-convolution form for one slice, dx[n, c] with n = 1, c = 2, written out.
let (nX, cX) = (1, 2)
let wTilde = rotate180(swapFilterAndChannelAxes(w))                 // (C/g, F, HH, WW)
let (paddedH, paddedW) = (H + 2 * p.height, W + 2 * p.width)
/// Zero rows at the bottom and zero columns at the right, up to the size of x_pad.
func extend(_ m: Tensor) -> Tensor {
    pad(m, top: 0, bottom: paddedH - m.shape[0], left: 0, right: paddedW - m.shape[1])
}
var byConvolution = Tensor(zeros: [paddedH, paddedW]), byCorrelation = Tensor(zeros: [paddedH, paddedW])
let groupOfC = cX / geometry.channelsPerGroup
for f in (groupOfC * geometry.filtersPerGroup)..<((groupOfC + 1) * geometry.filtersPerGroup) {
    let spread = dilate(dy.slice(nX).slice(f), by: s)
    byConvolution += extend(convolve(spread, dilate(w.slice(f).slice(cX - firstChannel(f)), by: d), mode: .full))
    byCorrelation += extend(crossCorrelate(spread, wTilde.slice(cX - firstChannel(f)).slice(f), mode: .full, dilation: d))
}
checkAgreement("dx[1, 2]: crop(extend(Σ dilate(dy, s) ∗full dilate(w, d))) vs loops",
               crop(byConvolution, p), loops.dx.slice(nX).slice(cX))
checkAgreement("dx[1, 2]: crop(extend(Σ dilate(dy, s) ⋆full,d w̃)) vs loops",
               crop(byCorrelation, p), loops.dx.slice(nX).slice(cX))
checkAgreement("dx: gather sum vs loops", convBackwardInputGather(dy, x, w, params), loops.dx)
checkAgreement("dx: building blocks vs loops", blocks.dx, loops.dx)
let dxCheck = checkGradients(("dx", loops.dx, numericalGradient(of: { convForward($0, w, b, params) }, at: x, upstream: dy)))
print("12-reference.md line 358:", dbCheck["db"])
print("12-reference.md line 359:", dwCheck["dw"])
print("12-reference.md line 359:", dxCheck["dx"])

// MARK: block 7, 12-reference.md line 363
let ungrouped = ConvParameters(stride: s, padding: p, dilation: d)
var wDense = Tensor(zeros: [F, C, HH, WW]), inBlock = Tensor(zeros: [F, C, HH, WW])
for f in 0..<F {
    for c in 0..<geometry.channelsPerGroup {
        for a in 0..<HH {
            for bb in 0..<WW {
                wDense[f, firstChannel(f) + c, a, bb] = w[f, c, a, bb]
                inBlock[f, firstChannel(f) + c, a, bb] = 1
            }
        }
    }
}
let dense = convBackward(dy, x, wDense, ungrouped)
var dwInBlocks = Tensor(zeros: w.shape)
for f in 0..<F {
    for c in 0..<geometry.channelsPerGroup {
        for a in 0..<HH {
            for bb in 0..<WW { dwInBlocks[f, c, a, bb] = dense.dw[f, firstChannel(f) + c, a, bb] }
        }
    }
}
checkAgreement("forward: block-diagonal dense layer vs grouped", convForward(x, wDense, b, ungrouped), y)
checkAgreement("dx: block-diagonal dense layer vs grouped", dense.dx, loops.dx)
checkAgreement("dw: dense layer inside the blocks vs grouped", dwInBlocks, loops.dw)
let outsideBlocks = (dense.dw - dense.dw * inBlock).maxAbs()
print("12-reference.md line 392:", outsideBlocks)

// MARK: block 8, 12-reference.md line 397
let fast = convBackwardIm2col(dy, x, w, params)
checkAgreement("forward: im2col + products vs loops", convForwardIm2col(x, w, b, params), y)
checkAgreement("dx: col2im(W_matᵀ dY_mat) vs loops", fast.dx, loops.dx)
checkAgreement("dw: dY_mat X_colᵀ vs loops", fast.dw, loops.dw)
checkAgreement("db: row sums of dY_mat vs loops", fast.db, loops.db)
let colsShape = im2col(x, kernelHeight: HH, kernelWidth: WW, group: 1, params).shape
checkAgreement("im2col shape vs ((C/g)·HH·WW, N·H'·W')", Tensor(vector: colsShape.map(Double.init)),
               Tensor(vector: [Double(geometry.channelsPerGroup * HH * WW), Double(N * outH * outW)]))

// MARK: block 9, 12-reference.md line 410
let z = convForward(x, w, b, params)
let da = Tensor.randomNormal(shape: z.shape, seed: 5)
let dz = reluBackward(da, z)
var dzByMask = da
for k in dzByMask.scalars.indices where z.scalars[k] <= 0 { dzByMask.scalars[k] = 0 }
checkAgreement("dz = da ⊙ 1[z > 0] vs reluBackward", dzByMask, dz)
let chain = convBackward(dz, x, w, params)
let reluCheck = checkGradients(
    ("dx", chain.dx, numericalGradient(of: { relu(convForward($0, w, b, params)) }, at: x, upstream: da)),
    ("dw", chain.dw, numericalGradient(of: { relu(convForward(x, $0, b, params)) }, at: w, upstream: da)),
    ("db", chain.db, numericalGradient(of: { relu(convForward(x, w, $0, params)) }, at: b, upstream: da)))
let nearestToKink = z.scalars.map { abs($0) }.min()!
print("12-reference.md line 425:", reluCheck.worst)
print("12-reference.md line 427:", nearestToKink)

// MARK: block 10, 12-reference.md line 431
// relError and the centred difference, written from their formulas.
func relErrorByFormula(_ u: Tensor, _ v: Tensor) -> Double {
    var worst = 0.0
    for k in u.scalars.indices {
        let denominator = max(1e-8, abs(u.scalars[k]) + abs(v.scalars[k]))
        worst = max(worst, abs(u.scalars[k] - v.scalars[k]) / denominator)
    }
    return worst
}
func centredDifference(of layer: (Tensor) -> Tensor, at t: Tensor, upstream: Tensor, h: Double = 1e-5) -> Tensor {
    var gradient = Tensor(zeros: t.shape)
    for k in t.scalars.indices {
        var plus = t, minus = t
        plus.scalars[k] += h
        minus.scalars[k] -= h
        gradient.scalars[k] = (layer(plus) - layer(minus)).dot(upstream) / (2 * h)
    }
    return gradient
}
let dwByFormula = centredDifference(of: { convForward(x, $0, b, params) }, at: w, upstream: dy)
checkAgreement("centred difference by the formula vs numericalGradient",
               dwByFormula, numericalGradient(of: { convForward(x, $0, b, params) }, at: w, upstream: dy))
checkAgreement("relError by the formula vs relError",
               Tensor(vector: [relErrorByFormula(loops.dw, dwByFormula)]), Tensor(vector: [relError(loops.dw, dwByFormula)]))
