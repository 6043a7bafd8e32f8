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

// MARK: block 1, 12-reference.md line 297
// The figures of this paragraph, from one small linear layer and the formula |λ − 1|/(λ + 1).
let refLayer = (x: Tensor.randomNormal(shape: [2, 3, 5, 5], seed: 91), w: Tensor.randomNormal(shape: [4, 3, 3, 3], seed: 92),
                b: Tensor.randomNormal(shape: [4], seed: 93), dy: Tensor.randomNormal(shape: [2, 4, 3, 3], seed: 94))
let refDx = convBackward(refLayer.dy, refLayer.x, refLayer.w).dx
let refErrorAt = { (step: Double) in
    relError(refDx, numericalGradient(of: { convForward($0, refLayer.w, refLayer.b) }, at: refLayer.x,
                                      upstream: refLayer.dy, h: step))
}
let (refLargeStep, refSmallStep) = (refErrorAt(1e-1), refErrorAt(1e-5))
precondition(refLargeStep * 100 < refSmallStep && refSmallStep < 1e-7,
             "h = 0.1 no longer beats h = 1e-5 by far on a linear layer, or h = 1e-5 no longer passes")
// For λ > 0 the bar is reached at λ = 1 + 2e/(1 − e) above 1 and at λ = 1 − 2e/(1 + e) below 1.
let refCaught = [1e-7, 1e-2].map { 2 * $0 / (1 - $0) }   // λ − 1 above 1
let refCaughtBelow = [1e-7, 1e-2].map { 2 * $0 / (1 + $0) }   // 1 − λ below 1
for (k, bar) in [1e-7, 1e-2].enumerated() {
    for lambda in [1 + refCaught[k], 1 - refCaughtBelow[k]] {
        precondition(abs(relError(refDx, lambda * refDx) - bar) <= 1e-6 * bar,
                     "relError of a gradient scaled by λ = \(lambda) is not the bar \(bar)")
    }
    precondition(relError(refDx, -0.5 * refDx) == 1, "a gradient of the wrong sign has the relative error 1")
}
print("12-reference.md line 324:", refLayer.x.count)
print("12-reference.md line 325:", refLargeStep)
print("12-reference.md line 326:", refSmallStep)
print("12-reference.md line 336:", refCaught[0])
print("12-reference.md line 336:", refCaughtBelow[0])
print("12-reference.md line 337:", refCaught[1])
print("12-reference.md line 338:", refCaughtBelow[1])

// MARK: block 2, 12-reference.md line 371
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
print("12-reference.md line 390:", N)
print("12-reference.md line 390:", C)
print("12-reference.md line 391:", H)
print("12-reference.md line 391:", W)
print("12-reference.md line 391:", F)
print("12-reference.md line 391:", HH)
print("12-reference.md line 391:", WW)
print("12-reference.md line 392:", params.groups)
print("12-reference.md line 392:", s.height)
print("12-reference.md line 392:", s.width)
print("12-reference.md line 393:", p.height)
print("12-reference.md line 393:", p.width)
print("12-reference.md line 394:", d.height)
print("12-reference.md line 394:", d.width)

// MARK: block 3, 12-reference.md line 396
/// Integers as prose: "5", "0 and 2", "0, 2 and 4"; "none" for no integers.
func listed(_ xs: [Int]) -> String {
    let words = xs.map(String.init)
    if words.isEmpty { return "none" }
    return words.count < 2 ? words.joined() : words.dropLast().joined(separator: ", ") + " and " + words.last!
}

// MARK: block 4, 12-reference.md line 415
let spanH = H + 2 * p.height - d.height * (HH - 1) - 1
let spanW = W + 2 * p.width - d.width * (WW - 1) - 1
let outH = spanH / s.height + 1, outW = spanW / s.width + 1
let (rH, rW) = (spanH % s.height, spanW % s.width)
/// Measured: window positions counted one by one while the last tap is still inside x_pad, along one axis.
func windowsWalked(_ length: Int, _ kernel: Int, _ step: Int, _ border: Int, _ gap: Int) -> Int {
    var count = 0
    while step * count + gap * (kernel - 1) < length + 2 * border { count += 1 }
    return count
}
let walkedH: Int = windowsWalked(H, HH, s.height, p.height, d.height)
let walkedW: Int = windowsWalked(W, WW, s.width, p.width, d.width)
checkAgreement("H′, W′ by the formula vs windows counted",
               Tensor(vector: [Double(outH), Double(outW)]), Tensor(vector: [Double(walkedH), Double(walkedW)]))
precondition(y.shape == [N, F, walkedH, walkedW], "convForward's y is (N, F, H′, W′)")
/// Stated: the rows u of x (0 ..< H) such that no u + p = s·i + d·a, for the H' output rows i and the HH taps a.
func unreadRows(H: Int, HH: Int, s: Int, p: Int, d: Int) -> [Int] {
    let rows: Int = (H + 2 * p - d * (HH - 1) - 1) / s + 1
    var read = Set<Int>()
    for i in 0..<rows {
        for a in 0..<HH { read.insert(s * i + d * a) }
    }
    return (0..<H).filter { !read.contains($0 + p) }
}
/// Measured: the rows u where the loops' dx is exactly zero in every image, channel and column.
func zeroRowsOfDx(_ dx: Tensor) -> [Int] {
    (0..<dx.shape[2]).filter { u in
        var zero = true
        for n in 0..<dx.shape[0] {
            for c in 0..<dx.shape[1] {
                for v in 0..<dx.shape[3] where dx[n, c, u, v] != 0 { zero = false }
            }
        }
        return zero
    }
}
/// The same tensor with rows and columns exchanged, (N, C, W, H).
func rowsAndColumnsSwapped(_ t: Tensor) -> Tensor {
    var out = Tensor(zeros: [t.shape[0], t.shape[1], t.shape[3], t.shape[2]])
    for n in 0..<t.shape[0] {
        for c in 0..<t.shape[1] {
            for u in 0..<t.shape[2] {
                for v in 0..<t.shape[3] { out[n, c, v, u] = t[n, c, u, v] }
            }
        }
    }
    return out
}
let zeroRows = zeroRowsOfDx(loops.dx), zeroColumns = zeroRowsOfDx(rowsAndColumnsSwapped(loops.dx))
precondition(zeroRows == unreadRows(H: H, HH: HH, s: s.height, p: p.height, d: d.height)
             && zeroColumns == unreadRows(H: W, HH: WW, s: s.width, p: p.width, d: d.width),
             "the rows and columns of x with dx = 0 are those no tap reads")
let oddPadRows: [Int] = (0..<(H + 2 * p.height)).filter { $0 % s.height != 0 }
precondition(s.height == d.height && unreadRows(H: H + 2 * p.height, HH: HH, s: s.height, p: 0, d: d.height) == oddPadRows,
             "down the rows the taps read exactly the rows of x_pad that are multiples of s = d")
precondition(rH <= p.height && rW <= p.width, "the rows and columns past the last window are padding")
print("12-reference.md line 474:", outH)
print("12-reference.md line 474:", outW)
print("12-reference.md line 475:", rH)
print("12-reference.md line 475:", rW)
print("12-reference.md line 477:", s.height)
print("12-reference.md line 479:", s.height)
print("12-reference.md line 479:", s.width)
print("12-reference.md line 480:", WW)
print("12-reference.md line 482:", listed(zeroRows))
print("12-reference.md line 482:", listed(zeroColumns))

// MARK: block 5, 12-reference.md line 494
let sizeSweep = Sweep(["H": 1...9, "HH": 1...4, "s": 1...4, "p": 0...2, "d": 1...3])
/// The sweep's H, HH, s, p, d down the rows of a (1, 1, H, 1) layer, with random x and w.
func oneAxisLayer(_ c: Sweep.Setting, padded: Bool = true) -> (x: Tensor, w: Tensor, parameters: ConvParameters) {
    let x1 = Tensor.randomNormal(shape: [1, 1, c.H, 1], seed: 11)
    let w1 = Tensor.randomNormal(shape: [1, 1, c.HH, 1], seed: 12)
    let padding = HW(height: padded ? c.p : 0, width: 0)
    let parameters = ConvParameters(stride: HW(height: c.s, width: 1), padding: padding,
                                    dilation: HW(height: c.d, width: 1))
    return (padded ? x1 : pad(x1, HW(height: c.p, width: 0)), w1, parameters)
}
/// The engine's dx for a dense random dy.
func engineDx(_ layer: (x: Tensor, w: Tensor, parameters: ConvParameters)) -> Tensor {
    let y1 = convForward(layer.x, layer.w, nil, layer.parameters)
    return convBackward(Tensor.randomNormal(shape: y1.shape, seed: 13), layer.x, layer.w, layer.parameters).dx
}
/// Measured: window positions i = 0, 1, … counted while the last tap s·i + d(HH − 1) is inside x_pad.
func windowsThatFit(_ c: Sweep.Setting) -> Int {
    var count = 0
    while c.s * count + c.d * (c.HH - 1) < c.H + 2 * c.p { count += 1 }
    return count
}
/// Measured: rows of x_pad after the last one whose gradient is not zero (x_pad handed to the engine, p = 0).
func rowsAfterTheLastRead(_ c: Sweep.Setting) -> Int {
    let dxPad = engineDx(oneAxisLayer(c, padded: false))
    let last: Int = (0..<dxPad.shape[2]).last(where: { dxPad[0, 0, $0, 0] != 0 }) ?? -1
    return dxPad.shape[2] - 1 - last
}
/// Measured: the rows of x where the engine's dx is exactly zero.
func zeroGradientRows(_ c: Sweep.Setting) -> [Int] {
    let dx1 = engineDx(oneAxisLayer(c))
    return (0..<c.H).filter { dx1[0, 0, $0, 0] == 0 }
}
let fits: (Sweep.Setting) -> Bool = { $0.H + 2 * $0.p >= $0.d * ($0.HH - 1) + 1 }
let outputRule = checkRule("H′ = ⌊(H + 2p − d(HH − 1) − 1)/s⌋ + 1", over: sizeSweep, where: fits,
                           stated: { ($0.H + 2 * $0.p - $0.d * ($0.HH - 1) - 1) / $0.s + 1 }, measured: windowsThatFit)
checkRule("r = (H + 2p − d(HH − 1) − 1) mod s rows of x_pad below the last window", over: sizeSweep, where: fits,
          stated: { ($0.H + 2 * $0.p - $0.d * ($0.HH - 1) - 1) % $0.s }, measured: rowsAfterTheLastRead)
checkRule("rows of x with dx = 0: those with no u + p = s·i + d·a", over: sizeSweep, where: fits,
          stated: { unreadRows(H: $0.H, HH: $0.HH, s: $0.s, p: $0.p, d: $0.d) }, measured: zeroGradientRows)
let closedForm = checkRule("d = 1, s ≤ HH: max(0, r − p) rows of x with dx = 0", over: sizeSweep,
                           where: { fits($0) && $0.d == 1 && $0.s <= $0.HH },
                           stated: { max(0, ($0.H + 2 * $0.p - $0.HH) % $0.s - $0.p) },
                           measured: { zeroGradientRows($0).count })
/// The closed form where it does not apply: d = 1 and s > HH, (stated, measured) per layer.
let gapLayers: [(Int, Int)] = sizeSweep.filter { fits($0) && $0.d == 1 && $0.s > $0.HH }.map { c in
    (max(0, (c.H + 2 * c.p - c.HH) % c.s - c.p), zeroGradientRows(c).count)
}
let undercounted = gapLayers.filter { $0.0 < $0.1 }.count
precondition(undercounted > 0 && gapLayers.allSatisfy { $0.0 <= $0.1 }, "with s > HH the closed form never overcounts")
print("12-reference.md line 546:", outputRule.checked)
print("12-reference.md line 547:", closedForm.checked)
print("12-reference.md line 548:", gapLayers.count)
print("12-reference.md line 550:", undercounted)

// MARK: block 6, 12-reference.md line 554
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
print("12-reference.md line 570:", y0)
print("12-reference.md line 571:", forwardDiff)

// MARK: block 7, 12-reference.md line 575
var dbBySum = Tensor(zeros: [F])
for n in 0..<N {
    for f in 0..<F { dbBySum[f] += dy.slice(n).slice(f).sum() }
}
checkAgreement("db: Σ dy vs loops", dbBySum, loops.db)
checkAgreement("db: building blocks vs loops", blocks.db, loops.db)
let dbCheck = checkGradients(("db", loops.db, numericalGradient(of: { convForward(x, w, $0, params) }, at: b, upstream: dy)))

// MARK: block 8, 12-reference.md line 587
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
/// Measured, with H′ counted by walking the windows (not by the formula): the length of the engine's
/// x_pad ⋆ dilate(dy, s), taken with stride d; and the taps a = 0, 1, … counted while the last window's
/// tap a, s·(H′ − 1) + d·a, is still a row of x_pad (entry a of the correlation is what tap a would get).
func uncutLength(_ c: Sweep.Setting) -> [Int] {
    let rows = windowsThatFit(c)
    let spread = dilate(Tensor(repeating: 1, shape: [rows]), by: HW(c.s))
    var taps = 0
    while c.s * (rows - 1) + c.d * taps < c.H + 2 * c.p { taps += 1 }
    return [crossCorrelate(Tensor(repeating: 1, shape: [c.H + 2 * c.p]), spread, stride: HW(c.d)).count, taps]
}
let uncutRule = checkRule("the uncut correlation for dw has HH + ⌊r/d⌋ entries (its length; taps counted)",
                          over: sizeSweep, where: fits,
                          stated: { (c: Sweep.Setting) -> [Int] in
                              let entries = c.HH + ((c.H + 2 * c.p - c.d * (c.HH - 1) - 1) % c.s) / c.d
                              return [entries, entries]
                          },
                          measured: uncutLength)
print("12-reference.md line 619:", uncutRule.checked)

// MARK: block 9, 12-reference.md line 627
// The full-convolution form for one slice, dx[n, c] with n = 1, c = 2, written out.
let (nX, cX) = (1, 2)
let wTilde = rotate180(swapFilterAndChannelAxes(w))                 // (C/g, F, HH, WW)
var wTildeMismatches = 0
for cp in 0..<geometry.channelsPerGroup {
    for f in 0..<F {
        for a in 0..<HH {
            for bb in 0..<WW where wTilde[cp, f, a, bb] != w[f, cp, HH - 1 - a, WW - 1 - bb] { wTildeMismatches += 1 }
        }
    }
}
precondition(wTilde.shape == [geometry.channelsPerGroup, F, HH, WW] && wTildeMismatches == 0,
             "w̃[c', f, a', b'] = w[f, c', HH − 1 − a', WW − 1 − b'], shape (C/g, F, HH, WW)")
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
/// Measured, with H′ counted by walking the windows: the length of the engine's dilate(dy, s) ∗full dilate(w, d);
/// and the rows of x_pad up to the last one a tap reads, found by walking every window over every tap.
func fullLength(_ c: Sweep.Setting) -> [Int] {
    let rows = windowsThatFit(c)
    let spread = dilate(Tensor(repeating: 1, shape: [rows]), by: HW(c.s))
    var lastRead = -1
    for i in 0..<rows {
        for a in 0..<c.HH { lastRead = max(lastRead, c.s * i + c.d * a) }
    }
    return [convolve(spread, dilate(Tensor(repeating: 1, shape: [c.HH]), by: HW(c.d)), mode: .full).count, lastRead + 1]
}
let extendRule = checkRule("the full convolution for dx is H + 2p − r long: extend adds r (its length; rows read)",
                           over: sizeSweep, where: fits,
                           stated: { (c: Sweep.Setting) -> [Int] in
                               let length = c.H + 2 * c.p - (c.H + 2 * c.p - c.d * (c.HH - 1) - 1) % c.s
                               return [length, length]
                           },
                           measured: fullLength)
print("12-reference.md line 681:", extendRule.checked)
print("12-reference.md line 685:", dbCheck["db"])
print("12-reference.md line 686:", dwCheck["dw"])
print("12-reference.md line 686:", dxCheck["dx"])

// MARK: block 10, 12-reference.md line 690
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
/// Stated: the pairs (f, c), as f·C + c, whose groups ⌊f/(F/g)⌋ and ⌊c/(C/g)⌋ agree.
func sameGroupPairs(C: Int, F: Int, g: Int) -> [Int] {
    (0..<(F * C)).filter { ($0 / C) / (F / g) == ($0 % C) / (C / g) }
}
/// Measured: the pairs (f, c), as f·C + c, where output f of a grouped 1 × 1 layer moves when only channel c is 1.
func connectedPairs(C: Int, F: Int, g: Int) -> [Int] {
    let ones = Tensor(repeating: 1, shape: [F, C / g, 1, 1])
    var pairs = [Int]()
    for c in 0..<C {
        var input = Tensor(zeros: [1, C, 1, 1])
        input[0, c, 0, 0] = 1
        let out = convForward(input, ones, nil, ConvParameters(groups: g))
        for f in 0..<F where out[0, f, 0, 0] != 0 { pairs.append(f * C + c) }
    }
    return pairs.sorted()
}
let groupSweep = Sweep(["g": 1...4, "C": 1...8, "F": 1...8])
let groupsDivide: (Sweep.Setting) -> Bool = { $0.C % $0.g == 0 && $0.F % $0.g == 0 }
let groupedLayers = groupSweep.filter { groupsDivide($0) && $0.g > 1 }.count
let groupRule = checkRule("filter f reads channel c exactly when their groups agree",
                          over: groupSweep, where: groupsDivide,
                          stated: { sameGroupPairs(C: $0.C, F: $0.F, g: $0.g) },
                          measured: { connectedPairs(C: $0.C, F: $0.F, g: $0.g) })
print("12-reference.md line 742:", outsideBlocks)
print("12-reference.md line 744:", groupRule.checked)
print("12-reference.md line 745:", groupedLayers)

// MARK: block 11, 12-reference.md line 755
/// Measured: the heights H ≤ 40 whose forward output, computed by the engine, has Hy rows.
func heightsWithOutput(_ c: Sweep.Setting) -> [Int] {
    let parameters = ConvParameters(stride: HW(height: c.s, width: 1), padding: HW(height: c.p, width: 0),
                                    dilation: HW(height: c.d, width: 1))
    return (1...40).filter { height in
        height + 2 * c.p >= c.d * (c.HH - 1) + 1   // the engine refuses an input no window fits
            && convForward(Tensor(zeros: [1, 1, height, 1]), Tensor(zeros: [1, 1, c.HH, 1]), nil, parameters).shape[2] == c.Hy
    }
}
let transposedRule = checkRule("the heights with output height H′ are (H′ − 1)s − 2p + d(HH − 1) + 1 + output_padding, 0 ≤ output_padding < s",
                               over: Sweep(["Hy": 1...4, "HH": 1...3, "s": 1...3, "p": 0...2, "d": 1...3]),
                               where: { ($0.Hy - 1) * $0.s - 2 * $0.p + $0.d * ($0.HH - 1) + 1 >= 1 },
                               stated: { c in (0..<c.s).map { (c.Hy - 1) * c.s - 2 * c.p + c.d * (c.HH - 1) + 1 + $0 } },
                               measured: heightsWithOutput)
let outputPadding = (H - ((outH - 1) * s.height - 2 * p.height + d.height * (HH - 1) + 1),
                     W - ((outW - 1) * s.width - 2 * p.width + d.width * (WW - 1) + 1))
precondition((0..<s.height).contains(outputPadding.0) && (0..<s.width).contains(outputPadding.1),
             "the layer's output_padding is not below its stride")
print("12-reference.md line 776:", transposedRule.excluded)
print("12-reference.md line 778:", H)
print("12-reference.md line 778:", W)
print("12-reference.md line 779:", outputPadding.0)
print("12-reference.md line 779:", outputPadding.1)

// MARK: block 12, 12-reference.md line 786
let shapeRows: [(String, [Int], [Int])] = [
    ("x", x.shape, [N, C, H, W]), ("w", w.shape, [F, C / params.groups, HH, WW]), ("b", b.shape, [F]),
    ("y", y.shape, [N, F, outH, outW]), ("dy", dy.shape, [N, F, outH, outW]), ("dx", loops.dx.shape, [N, C, H, W]),
    ("dw", loops.dw.shape, [F, C / params.groups, HH, WW]), ("db", loops.db.shape, [F]),
]
for (name, engine, table) in shapeRows { precondition(engine == table, "\(name): the engine's \(engine), the table's \(table)") }
showTable(["tensor", "the engine's shape", "the table's shape"],
          shapeRows.map { [$0.0, "\($0.1)", "\($0.2)"] })

// MARK: block 13, 12-reference.md line 797
/// The eight shapes as the table gives them, and as the engine's tensors have them, for a 5 × 6 input.
func tableShapes(_ c: Sweep.Setting) -> [[Int]] {
    let (C, F) = (c.g * c.Cg, c.g * c.Fg)
    let (outH, outW) = ((5 + 2 * c.p - c.d * 2 - 1) / c.s + 1, (6 + 2 * c.p - 1) / c.s + 1)
    return [[c.N, C, 5, 6], [F, C / c.g, 3, 1], [F], [c.N, F, outH, outW], [c.N, F, outH, outW],
            [c.N, C, 5, 6], [F, C / c.g, 3, 1], [F]]
}
func engineShapes(_ c: Sweep.Setting) -> [[Int]] {
    let parameters = ConvParameters(stride: HW(c.s), padding: HW(c.p), dilation: HW(height: c.d, width: 1), groups: c.g)
    let x = Tensor.randomNormal(shape: [c.N, c.g * c.Cg, 5, 6], seed: 1)
    let w = Tensor.randomNormal(shape: [c.g * c.Fg, c.Cg, 3, 1], seed: 2), b = Tensor(zeros: [c.g * c.Fg])
    let y = convForward(x, w, b, parameters)
    let dy = Tensor.randomNormal(shape: y.shape, seed: 3)
    let grads = convBackward(dy, x, w, parameters)
    return [x.shape, w.shape, b.shape, y.shape, dy.shape, grads.dx.shape, grads.dw.shape, grads.db.shape]
}
let shapeSweep = Sweep(["N": 1...2, "g": 1...3, "Cg": 1...2, "Fg": 1...2, "s": 1...2, "p": 0...1, "d": 1...2])
let shapeRule = checkRule("x, w, b, y, dy, dx, dw, db have the shapes of the table",
                          over: shapeSweep, stated: tableShapes, measured: engineShapes)
print("12-reference.md line 820:", shapeRule.checked)
print("12-reference.md line 820:", shapeSweep.filter { $0.g > 1 }.count)

// MARK: block 14, 12-reference.md line 824
let fast = convBackwardIm2col(dy, x, w, params)
checkAgreement("forward: im2col + products vs loops", convForwardIm2col(x, w, b, params), y)
checkAgreement("dx: col2im(W_matᵀ dY_mat) vs loops", fast.dx, loops.dx)
checkAgreement("dw: dY_mat X_colᵀ vs loops", fast.dw, loops.dw)
checkAgreement("db: row sums of dY_mat vs loops", fast.db, loops.db)
let colsShape = im2col(x, kernelHeight: HH, kernelWidth: WW, group: 1, params).shape
checkAgreement("im2col shape vs ((C/g)·HH·WW, N·H′·W′)", Tensor(vector: colsShape.map(Double.init)),
               Tensor(vector: [Double(geometry.channelsPerGroup * HH * WW), Double(N * outH * outW)]))

// MARK: block 15, 12-reference.md line 837
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
precondition(nearestToKink > 1e-5, "a pre-activation lies within h = 1e-5 of the kink")
print("12-reference.md line 853:", reluCheck.worst)
print("12-reference.md line 855:", nearestToKink)

// MARK: block 16, 12-reference.md line 863
let xPool = Tensor.randomNormal(shape: [2, 3, 6, 5], seed: 6)
for pool in [PoolParameters(window: 2), PoolParameters(window: HW(height: 3, width: 2), stride: HW(height: 2, width: 1), padding: 1),
             PoolParameters(window: 3, stride: 1, padding: 1)] {
    let dyPool = Tensor.randomNormal(shape: maxPoolForward(xPool, pool).shape, seed: 7)
    var dxMax = Tensor(zeros: xPool.shape), dxAll = Tensor(zeros: xPool.shape), dxInside = Tensor(zeros: xPool.shape)
    for n in 0..<2 { for c in 0..<3 { for i in 0..<dyPool.shape[2] { for j in 0..<dyPool.shape[3] {
        var inside: [(r: Int, q: Int)] = []   // the window's elements of x, in row-major window order
        for a in 0..<pool.window.height {
            for bb in 0..<pool.window.width {
                let r = pool.stride.height * i + a - pool.padding.height, q = pool.stride.width * j + bb - pool.padding.width
                if (0..<6).contains(r) && (0..<5).contains(q) { inside.append((r, q)) }
            }
        }
        let winner = inside.reduce(inside[0]) { xPool[n, c, $1.r, $1.q] > xPool[n, c, $0.r, $0.q] ? $1 : $0 }
        dxMax[n, c, winner.r, winner.q] += dyPool[n, c, i, j]
        for e in inside {
            dxAll[n, c, e.r, e.q] += dyPool[n, c, i, j] / Double(pool.window.height * pool.window.width)
            dxInside[n, c, e.r, e.q] += dyPool[n, c, i, j] / Double(inside.count)
        }
    } } } }
    checkAgreement("max, \(pool): formula vs loops", dxMax, maxPoolBackward(dyPool, xPool, pool))
    checkAgreement("max, \(pool): formula vs im2col", dxMax, maxPoolBackwardIm2col(dyPool, xPool, pool))
    checkAgreement("avg, D = HH·WW: formula vs loops", dxAll, avgPoolBackward(dyPool, xPool, pool))
    checkAgreement("avg, D inside x: formula vs loops", dxInside, avgPoolBackward(dyPool, xPool, pool, countIncludePad: false))
    checkGradients(("max dx", dxMax, numericalGradient(of: { maxPoolForward($0, pool) }, at: xPool, upstream: dyPool)),
                   ("avg dx", dxAll, numericalGradient(of: { avgPoolForward($0, pool) }, at: xPool, upstream: dyPool)),
                   ("avg dx, D inside x", dxInside, numericalGradient(of: { avgPoolForward($0, pool, countIncludePad: false) },
                                                                    at: xPool, upstream: dyPool)))
}

// MARK: block 17, 12-reference.md line 902
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

// MARK: block 18, 12-reference.md line 947
let xGrouped = Tensor.randomNormal(shape: [2, 6, 8, 8], seed: 71)
let wGrouped = Tensor.randomNormal(shape: [9, 2, 3, 3], seed: 72)
let pGrouped = ConvParameters(stride: 2, padding: 1, groups: 3)
let yGrouped = convForward(xGrouped, wGrouped, Tensor(zeros: [9]), pGrouped)
let gradsGrouped = convBackward(Tensor.randomNormal(shape: yGrouped.shape, seed: 73), xGrouped, wGrouped, pGrouped)
/// The engine's verdict on a weight shape for this layer: "accepted", or its error message.
func verdict(_ weight: [Int]) -> String {
    do { _ = try ConvGeometry(input: xGrouped.shape, weight: weight, parameters: pGrouped); return "accepted" }
    catch { return "\(error)" }
}
print("12-reference.md line 961:", verdict([9, 2, 3, 3]))
print("12-reference.md line 963:", verdict([9, 6, 3, 3]))
print("12-reference.md line 965:", yGrouped.shape)
print("12-reference.md line 966:", gradsGrouped.dx.shape)
print("12-reference.md line 967:", gradsGrouped.dw.shape)

// MARK: block 19, 12-reference.md line 977
/// Measured: the heights H ≤ 40 whose forward output, by the engine, has `rows` rows (3-row kernel, p = 1).
func heightsGiving(_ rows: Int, stride: Int) -> [Int] {
    (1...40).filter { height in
        convForward(Tensor(zeros: [1, 1, height, 1]), Tensor(zeros: [1, 1, 3, 1]), nil,
                    ConvParameters(stride: HW(height: stride, width: 1), padding: HW(height: 1, width: 0))).shape[2] == rows
    }
}
let heightsStride2 = heightsGiving(5, stride: 2), heightsStride3 = heightsGiving(5, stride: 3)
print("12-reference.md line 991:", heightsStride2)
print("12-reference.md line 992:", 10 - heightsStride2.min()!)
print("12-reference.md line 994:", heightsStride3)
print("12-reference.md line 995:", heightsStride3.max()! - heightsStride3.min()!)

// MARK: block 20, 12-reference.md line 1008
let xOdd = Tensor.randomNormal(shape: [1, 1, 8, 8], seed: 81)
let wOdd = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 82)
let pOdd = ConvParameters(stride: 2)
let dyOdd = Tensor.randomNormal(shape: convForward(xOdd, wOdd, nil, pOdd).shape, seed: 83)
let dxOdd = convBackward(dyOdd, xOdd, wOdd, pOdd).dx
let fullOdd = convolve(dilate(dyOdd.slice(0).slice(0), by: pOdd.stride), wOdd.slice(0).slice(0), mode: .full)
let missing = 8 - fullOdd.shape[0]
let extendedAtBottom = pad(fullOdd, top: 0, bottom: missing, left: 0, right: missing)
let extendedAtTop = pad(fullOdd, top: missing, bottom: 0, left: missing, right: 0)
print("12-reference.md line 1020:", fullOdd.shape[0])
print("12-reference.md line 1021:", fullOdd.shape[1])
print("12-reference.md line 1023:", missing)
print("12-reference.md line 1024:", listed(zeroRowsOfDx(dxOdd)))
print("12-reference.md line 1025:", listed(zeroRowsOfDx(rowsAndColumnsSwapped(dxOdd))))
print("12-reference.md line 1027:", extendedAtBottom.maxAbsDifference(dxOdd.slice(0).slice(0)))
print("12-reference.md line 1030:", relError(extendedAtTop, dxOdd.slice(0).slice(0)))
