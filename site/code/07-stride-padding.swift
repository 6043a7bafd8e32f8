// Stride and padding
// The code of 07-stride-padding.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release 07-stride-padding.swift -o 07-stride-padding
//   ./07-stride-padding
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify 07-stride-padding

import ConvEngine
import ConvbookRuntime

// MARK: block 1, 07-stride-padding.md line 36
/// A matrix as a batch of one image with one channel: (1, 1, H, W).
func asBatch(_ m: Tensor) -> Tensor { m.reshaped([1, 1] + m.shape) }
/// The one matrix of a (1, 1, H, W) batch.
func plane(_ t: Tensor) -> Tensor { t.slice(0).slice(0) }

// MARK: block 2, 07-stride-padding.md line 43
/// "rows × columns" of a matrix, for the prose.
func dims(_ t: Tensor) -> String { t.shape.map(String.init).joined(separator: " × ") }
/// Integers as prose: "5", "0 and 2", "0, 2 and 4".
func listed(_ xs: [Int]) -> String {
    let words = xs.map(String.init)
    return words.count < 2 ? words.joined() : words.dropLast().joined(separator: ", ") + " and " + words.last!
}

// MARK: block 3, 07-stride-padding.md line 85
let x4 = Tensor(matrix: [[1, -1, 2, 0], [0, 3, 1, -2], [2, 1, 0, 1], [-1, 0, 2, 3]])
let w3 = Tensor(matrix: [[1, 0, -1], [2, 1, 0], [0, -1, 1]])
let dy4 = Tensor(matrix: [[1, 0, -1, 2], [0, 2, 1, 0], [-1, 1, 0, 1], [2, 0, 1, -1]])
let samePadding = ConvParameters(padding: 1)
let xPad4 = pad(x4, 1)
let y4 = plane(convForward(asBatch(x4), asBatch(w3), nil, samePadding))
show(xPad4, "x_pad", padding: 1)
precondition(x4.shape == [4, 4] && w3.shape == [3, 3] && samePadding.padding == HW(1), "the sizes the prose states")
print("07-stride-padding.md line 96:", dims(y4))

// MARK: block 4, 07-stride-padding.md line 101
let firstTaps = windowTaps(outputRow: 0, outputColumn: 0, kernelHeight: 3, kernelWidth: 3, samePadding)
let lastPadRow = xPad4.shape[0] - 1, lastPadColumn = xPad4.shape[1] - 1
let onPadding = firstTaps.filter { $0.row == 0 || $0.column == 0 || $0.row == lastPadRow || $0.column == lastPadColumn }.count
showWindows(x4, kernel: 3, samePadding, limit: y4.shape[1],
            "The 3 × 3 window over x_pad (padding dashed) for y[0, 0] to y[0, \(y4.shape[1] - 1)]: at the corner \(onPadding) of its \(firstTaps.count) cells are padding")
print("07-stride-padding.md line 109:", w3.count)
print("07-stride-padding.md line 110:", w3.count)

// MARK: block 5, 07-stride-padding.md line 115
let dxPad4 = convolve(dy4, w3, mode: .full)
show(dxPad4, "dx_pad = dy full-convolved with w", padding: 1)
let dx4 = crop(dxPad4, 1)
let dw4 = crossCorrelate(pad(x4, 1), dy4)
let loops4 = convBackward(asBatch(dy4), asBatch(x4), asBatch(w3), samePadding)
let padDxDiff = checkAgreement("dx = crop(dx_pad, p) vs loops", dx4, plane(loops4.dx))
precondition(padDxDiff.value == 0, "the prose says the sums are exact")
checkAgreement("dw = x_pad ⋆ dy vs loops", dw4, plane(loops4.dw))
precondition(dxPad4.shape == xPad4.shape && dx4.shape == x4.shape, "dx_pad has x_pad's shape, dx has x's")
print("07-stride-padding.md line 127:", dims(dxPad4))
print("07-stride-padding.md line 128:", dims(dx4))
print("07-stride-padding.md line 129:", padDxDiff)
print("07-stride-padding.md line 131:", dxPad4[0, 0])

// MARK: block 6, 07-stride-padding.md line 158
let x6 = Tensor(matrix: [
    [2, -1, 0, 1, 3, -2], [1, 0, 2, -1, 0, 1], [0, 3, -1, 2, 1, 0],
    [-2, 1, 1, 0, 2, 1], [1, 0, -1, 3, 0, 2], [3, 1, 0, -2, 1, -1]])
let stride2 = ConvParameters(stride: 2)
let yStride1 = crossCorrelate(x6, w3)
let keepEverySecond = crossCorrelate(yStride1, Tensor(matrix: [[1]]), stride: 2)
let y6 = plane(convForward(asBatch(x6), asBatch(w3), nil, stride2))
show(yStride1, "stride-1 output")
checkAgreement("stride-2 output vs every second entry of the stride-1 output", y6, keepEverySecond)
let keptRows = (0..<y6.shape[0]).map { stride2.stride.height * $0 }
precondition(x6.shape == [6, 6] && stride2.stride == HW(2) && stride2.padding == HW(0), "the sizes the prose states")
print("07-stride-padding.md line 172:", dims(yStride1))
print("07-stride-padding.md line 173:", listed(keptRows))
print("07-stride-padding.md line 173:", dims(y6))

// MARK: block 7, 07-stride-padding.md line 178
/// y with stride s against every s-th row and column of y with stride 1, on one random layer.
func strideSubsamples(_ c: Sweep.Setting) -> Bool {
    let x = Tensor.randomNormal(shape: [1, 1, c.H, c.H], seed: 21)
    let w = Tensor.randomNormal(shape: [1, 1, c.HH, c.HH], seed: 22)
    let all = plane(convForward(x, w, nil, ConvParameters(padding: HW(c.p))))
    let strided = plane(convForward(x, w, nil, ConvParameters(stride: HW(c.s), padding: HW(c.p))))
    return strided == crossCorrelate(all, Tensor(matrix: [[1]]), stride: HW(c.s))
}
let strideSweep = Sweep(["H": 3...9, "HH": 1...4, "s": 1...4, "p": 0...2])
func strideFits(_ c: Sweep.Setting) -> Bool { c.H + 2 * c.p >= c.HH }
let subsampling = checkRule("y with stride s = every s-th row and column of y with stride 1", over: strideSweep,
                            where: strideFits, stated: { (_: Sweep.Setting) -> Bool in true },
                            measured: strideSubsamples)
print("07-stride-padding.md line 194:", subsampling.checked)

// MARK: block 8, 07-stride-padding.md line 202
let dy6 = Tensor(matrix: [[1, -2], [3, 1]])
let spread = dilate(dy6, by: 2)
showStrideDilation(dy6, stride: 2,
                   "entry (i, j) of dy keeps its colour and lands at (2i, 2j); the inserted zeros are grey")

// MARK: block 9, 07-stride-padding.md line 214
let extra = yStride1.shape[0] - spread.shape[0]
let dyStride1 = pad(spread, top: 0, bottom: extra, left: 0, right: extra)
show(dyStride1, "dy⁽¹⁾, the gradient of the stride-1 output")
let viaStride1 = convBackward(asBatch(dyStride1), asBatch(x6), asBatch(w3))
let strided = convBackward(asBatch(dy6), asBatch(x6), asBatch(w3), stride2)
checkAgreement("dx: stride-1 layer with dy⁽¹⁾ vs stride-2 loops", viaStride1.dx, strided.dx)
checkAgreement("dw: stride-1 layer with dy⁽¹⁾ vs stride-2 loops", viaStride1.dw, strided.dw)
let r6 = (x6.shape[0] + 2 * stride2.padding.height - w3.shape[0]) % stride2.stride.height
precondition(extra == r6 && extra == 1, "the stride-1 output is r = 1 row longer than dilate(dy, by: s)")
print("07-stride-padding.md line 235:", dims(yStride1))
print("07-stride-padding.md line 236:", dims(spread))
print("07-stride-padding.md line 236:", extra)
print("07-stride-padding.md line 237:", yStride1.shape[0] - 1)
print("07-stride-padding.md line 241:", r6)

// MARK: block 10, 07-stride-padding.md line 264
/// Windows of HH rows that fit in x_pad with this stride, counted by walking them.
func windowsCounted(_ c: Sweep.Setting, stride: Int) -> Int {
    var count = 0
    while stride * count + c.HH - 1 < c.H + 2 * c.p { count += 1 }
    return count
}
/// Three sizes that should differ by r, read off the engine's results on one column, with the output rows counted:
/// stride-1 output − dilate(dy, s), x_pad ⋆ dilate(dy, s) − HH, and x_pad − (dilate(dy, s) * w, full).
func sizeGaps(_ c: Sweep.Setting) -> [Int] {
    let xPad = Tensor.randomNormal(shape: [c.H + 2 * c.p], seed: 23)
    let w = Tensor.randomNormal(shape: [c.HH], seed: 24)
    let spread = dilate(Tensor.randomNormal(shape: [windowsCounted(c, stride: c.s)], seed: 25), by: HW(c.s))
    return [windowsCounted(c, stride: 1) - spread.count, crossCorrelate(xPad, spread).count - c.HH,
            xPad.count - convolve(spread, w, mode: .full).count]
}
func remainderThreeTimes(_ c: Sweep.Setting) -> [Int] {
    let r = (c.H + 2 * c.p - c.HH) % c.s
    return [r, r, r]
}
/// dx and dw of the strided layer against the stride-1 layer's with dy⁽¹⁾ (dy spread by s, then zero rows and columns).
func dy1GivesStridedGradients(_ c: Sweep.Setting) -> Bool {
    let x = Tensor.randomNormal(shape: [1, 1, c.H, c.H], seed: 26)
    let w = Tensor.randomNormal(shape: [1, 1, c.HH, c.HH], seed: 27)
    let params = ConvParameters(stride: HW(c.s), padding: HW(c.p))
    let dy = Tensor.randomNormal(shape: convForward(x, w, nil, params).shape, seed: 28)
    let allRows = convForward(x, w, nil, ConvParameters(padding: HW(c.p))).shape[2]
    let spread = dilate(plane(dy), by: HW(c.s))
    let missing = allRows - spread.shape[0]
    let dy1 = asBatch(pad(spread, top: 0, bottom: missing, left: 0, right: missing))
    let viaStride1 = convBackward(dy1, x, w, ConvParameters(padding: HW(c.p)))
    let direct = convBackward(dy, x, w, params)
    return max(viaStride1.dx.maxAbsDifference(direct.dx), viaStride1.dw.maxAbsDifference(direct.dw)) <= 1e-12
}
let remainderSizes = checkRule("r = stride-1 rows − dilated rows = extra rows of the correlation = rows the convolution lacks",
                               over: strideSweep, where: strideFits, stated: remainderThreeTimes, measured: sizeGaps)
let viaDy1 = checkRule("dy⁽¹⁾ through the stride-1 layer gives the strided dx and dw", over: strideSweep,
                       where: strideFits, stated: { (_: Sweep.Setting) -> Bool in true },
                       measured: dy1GivesStridedGradients)
print("07-stride-padding.md line 305:", remainderSizes.checked)
print("07-stride-padding.md line 307:", viaDy1.checked)

// MARK: block 11, 07-stride-padding.md line 324
let dwAll = crossCorrelate(x6, spread)
let dw6 = window(dwAll, rowStart: 0, rows: w3.shape[0], columnStart: 0, columns: w3.shape[1])
let reached = convolve(spread, w3, mode: .full)
let dx6 = pad(reached, top: 0, bottom: x6.shape[0] - reached.shape[0], left: 0, right: x6.shape[1] - reached.shape[1])
show(dwAll, "x ⋆ dilate(dy, 2), before the cut")
show(dx6, "dx")
let loops6 = convBackward(asBatch(dy6), asBatch(x6), asBatch(w3), stride2)
let strideDwDiff = checkAgreement("dw: cut correlation vs loops", dw6, plane(loops6.dw))
checkAgreement("dx: extended full convolution vs loops", dx6, plane(loops6.dx))
let lastRow6 = (0..<dx6.shape[1]).map { dx6[dx6.shape[0] - 1, $0] }
let lastColumn6 = (0..<dx6.shape[0]).map { dx6[$0, dx6.shape[1] - 1] }
precondition(dwAll.shape[0] - w3.shape[0] == 1 && reached.shape[0] == x6.shape[0] - 1,
             "one extra row of the correlation, one row short of the convolution")
precondition((lastRow6 + lastColumn6).allSatisfy { $0 == 0 }, "dx's last row and column are zero")
print("07-stride-padding.md line 341:", dims(dwAll))
print("07-stride-padding.md line 341:", dims(w3))
print("07-stride-padding.md line 342:", strideDwDiff)
print("07-stride-padding.md line 344:", dims(reached))

// MARK: block 12, 07-stride-padding.md line 349
let windowRows6 = (0..<y6.shape[0]).map { i -> String in
    let first = stride2.stride.height * i
    return "\(first)–\(first + w3.shape[0] - 1)"
}
let nextStart6 = stride2.stride.height * y6.shape[0]
let nextEnd6 = nextStart6 + w3.shape[0] - 1
let lastRowOfX6 = x6.shape[0] - 1
precondition(windowRows6.count == 2 && nextStart6 <= lastRowOfX6 && nextEnd6 > lastRowOfX6
             && stride2.stride.height * (y6.shape[0] - 1) + w3.shape[0] - 1 == lastRowOfX6 - 1,
             "two windows per column, and exactly the last row of x is never read")
print("07-stride-padding.md line 363:", y6.shape[0])
print("07-stride-padding.md line 364:", windowRows6[0])
print("07-stride-padding.md line 365:", windowRows6[1])
print("07-stride-padding.md line 365:", lastRowOfX6)
print("07-stride-padding.md line 366:", nextStart6)
print("07-stride-padding.md line 367:", nextStart6)
print("07-stride-padding.md line 367:", nextEnd6)
print("07-stride-padding.md line 368:", nextEnd6)
print("07-stride-padding.md line 368:", lastRowOfX6)

// MARK: block 13, 07-stride-padding.md line 373
let dx6Numeric = numericalGradient(of: { convForward($0, asBatch(w3), nil, stride2) },
                                   at: asBatch(x6), upstream: asBatch(dy6))
let dw6Numeric = numericalGradient(of: { convForward(asBatch(x6), $0, nil, stride2) },
                                   at: asBatch(w3), upstream: asBatch(dy6))
let check6 = checkGradients(("dx", asBatch(dx6), dx6Numeric), ("dw", asBatch(dw6), dw6Numeric))
show(plane(dx6Numeric), "numerical dx")
print("07-stride-padding.md line 383:", check6["dx"])
print("07-stride-padding.md line 383:", check6["dw"])

// MARK: block 14, 07-stride-padding.md line 396
/// The rows of x_pad that some tap reads, by brute force: window i stands at row s·i as long as its
/// last tap, s·i + d·(HH − 1), is still a row of x_pad, and its tap a reads row s·i + d·a.
func rowsRead(H: Int, HH: Int, s: Int, p: Int, d: Int) -> Set<Int> {
    var read = Set<Int>()
    var start = 0
    while start + d * (HH - 1) < H + 2 * p {
        for a in 0..<HH { read.insert(start + d * a) }
        start += s
    }
    return read
}
/// The rows of x_pad between some window's first and last tap, by brute force.
func rowsSpanned(H: Int, HH: Int, s: Int, p: Int, d: Int) -> Set<Int> {
    var spanned = Set<Int>()
    var start = 0
    while start + d * (HH - 1) < H + 2 * p {
        spanned.formUnion(start...(start + d * (HH - 1)))
        start += s
    }
    return spanned
}
/// The rows of x whose gradient is exactly zero, measured: the engine's backward pass on a layer
/// one column wide, with dense random x, w and dy.
func zeroGradientRows(H: Int, HH: Int, s: Int, p: Int, d: Int) -> [Int] {
    let params = ConvParameters(stride: HW(height: s, width: 1), padding: HW(height: p, width: 0),
                                dilation: HW(height: d, width: 1))
    let x = Tensor.randomNormal(shape: [1, 1, H, 1], seed: 1)
    let w = Tensor.randomNormal(shape: [1, 1, HH, 1], seed: 2)
    let outH: Int = convForward(x, w, nil, params).shape[2]
    let dy = Tensor.randomNormal(shape: [1, 1, outH, 1], seed: 3)
    let dx: Tensor = convBackward(dy, x, w, params).dx
    return (0..<H).filter { dx[0, 0, $0, 0] == 0 }
}

// MARK: block 15, 07-stride-padding.md line 450
let rowSweep = Sweep(["H": 3...11, "HH": 1...4, "s": 1...4, "p": 0...3, "d": 1...3])
func windowFits(_ c: Sweep.Setting) -> Bool { c.H + 2 * c.p >= c.d * (c.HH - 1) + 1 }
func rowsOfXNoTapReads(_ c: Sweep.Setting) -> [Int] {
    let read = rowsRead(H: c.H, HH: c.HH, s: c.s, p: c.p, d: c.d)
    return (0..<c.H).filter { !read.contains($0 + c.p) }
}
func rowsOfXWithZeroGradient(_ c: Sweep.Setting) -> [Int] {
    zeroGradientRows(H: c.H, HH: c.HH, s: c.s, p: c.p, d: c.d)
}
func outsideEveryWindowByFormula(_ c: Sweep.Setting) -> Int {
    let span = c.d * (c.HH - 1) + 1
    let outH = (c.H + 2 * c.p - span) / c.s + 1
    let r = (c.H + 2 * c.p - span) % c.s
    return r + (outH - 1) * max(0, c.s - span)
}
func outsideEveryWindowCounted(_ c: Sweep.Setting) -> Int {
    let spanned = rowsSpanned(H: c.H, HH: c.HH, s: c.s, p: c.p, d: c.d)
    return (0..<(c.H + 2 * c.p)).filter { !spanned.contains($0) }.count
}
let zeroWhereUnread = checkRule("the rows of x with dx exactly 0 are the rows no tap reads", over: rowSweep,
                                where: windowFits, stated: rowsOfXNoTapReads, measured: rowsOfXWithZeroGradient)
let outsideWindows = checkRule("rows of x_pad outside every window = r + (H′ − 1)·max(0, s − d(HH − 1) − 1)",
                               over: rowSweep, where: windowFits,
                               stated: outsideEveryWindowByFormula, measured: outsideEveryWindowCounted)
print("07-stride-padding.md line 477:", zeroWhereUnread.checked)
print("07-stride-padding.md line 478:", rowSweep)
print("07-stride-padding.md line 478:", zeroWhereUnread.excluded)

// MARK: block 16, 07-stride-padding.md line 492
let plainSweep = Sweep(["H": 3...11, "HH": 1...4, "s": 1...4, "p": 0...3])
func plainFits(_ c: Sweep.Setting) -> Bool { c.H + 2 * c.p >= c.HH }
func lastRowsByRemainder(_ c: Sweep.Setting) -> [Int] {
    let lost = max(0, (c.H + 2 * c.p - c.HH) % c.s - c.p)
    return Array((c.H - lost)..<c.H)
}
func plainZeroRows(_ c: Sweep.Setting) -> [Int] { zeroGradientRows(H: c.H, HH: c.HH, s: c.s, p: c.p, d: 1) }
let withoutGaps = checkRule("d = 1, s ≤ HH: the rows of x with dx = 0 are the last max(0, r − p)", over: plainSweep,
                            where: { (c: Sweep.Setting) -> Bool in plainFits(c) && c.s <= c.HH },
                            stated: lastRowsByRemainder, measured: plainZeroRows)
let plainCompared: [Sweep.Setting] = plainSweep.filter(plainFits)
let remainderOnlyWrong = plainCompared.filter { (c: Sweep.Setting) -> Bool in lastRowsByRemainder(c) != plainZeroRows(c) }
let longStrideRight = plainCompared.filter { (c: Sweep.Setting) -> Bool in
    c.s > c.HH && lastRowsByRemainder(c) == plainZeroRows(c)
}
precondition(!longStrideRight.isEmpty && longStrideRight.allSatisfy { windowsCounted($0, stride: $0.s) == 1 },
             "where s > HH and max(0, r − p) is right, a single window fits")
// "A longer stride leaves gaps, and padding does not close them": wherever s > HH and p = 0 loses a row of x,
// the same layer with padding p loses one too.
func losesRowWithoutPadding(_ c: Sweep.Setting) -> Bool {
    plainFits(c) && c.s > c.HH && !zeroGradientRows(H: c.H, HH: c.HH, s: c.s, p: 0, d: 1).isEmpty
}
let paddingKeepsGaps = checkRule("s > HH and a row of x lost at p = 0: a row of x is lost at every p", over: plainSweep,
                                 where: losesRowWithoutPadding, stated: { (_: Sweep.Setting) -> Bool in true },
                                 measured: { (c: Sweep.Setting) -> Bool in !plainZeroRows(c).isEmpty })
// A 1 × 1 filter with stride 2 on 56 rows, and a dilated filter with r = 0.
let (oneByOneH, oneByOneS) = (56, 2)
let oneByOneZero = zeroGradientRows(H: oneByOneH, HH: 1, s: oneByOneS, p: 0, d: 1)
let oneByOneR = (oneByOneH - 1) % oneByOneS
let holeLayer = (H: 5, HH: 2, s: 1, p: 0, d: 3)
let holeZero = zeroGradientRows(H: holeLayer.H, HH: holeLayer.HH, s: holeLayer.s, p: holeLayer.p, d: holeLayer.d)
let holeR = (holeLayer.H + 2 * holeLayer.p - holeLayer.d * (holeLayer.HH - 1) - 1) % holeLayer.s
precondition(oneByOneR == 1 && oneByOneZero.count == oneByOneH / 2 && holeR == 0 && !holeZero.isEmpty,
             "the 1 × 1 layer loses half its rows, the dilated one a row with r = 0")
let stride3 = ConvParameters(stride: 3, padding: 1)
print("07-stride-padding.md line 530:", withoutGaps.checked)
print("07-stride-padding.md line 532:", remainderOnlyWrong.count)
print("07-stride-padding.md line 532:", plainCompared.count)
print("07-stride-padding.md line 534:", longStrideRight.count)
print("07-stride-padding.md line 535:", oneByOneS)
print("07-stride-padding.md line 536:", oneByOneH)
print("07-stride-padding.md line 536:", oneByOneR)
print("07-stride-padding.md line 536:", oneByOneZero.count)
print("07-stride-padding.md line 537:", oneByOneZero[0])
print("07-stride-padding.md line 537:", oneByOneZero[1])
print("07-stride-padding.md line 538:", oneByOneZero.last!)
print("07-stride-padding.md line 539:", holeLayer.HH)
print("07-stride-padding.md line 540:", holeLayer.d)
print("07-stride-padding.md line 540:", holeLayer.s)
print("07-stride-padding.md line 541:", holeLayer.H)
print("07-stride-padding.md line 541:", holeR)
print("07-stride-padding.md line 542:", listed(holeZero))
print("07-stride-padding.md line 546:", x6.shape[0])
print("07-stride-padding.md line 546:", w3.shape[0])
print("07-stride-padding.md line 547:", stride3.stride.height)
print("07-stride-padding.md line 547:", stride3.padding.height)
print("07-stride-padding.md line 548:", x6.shape[0] + 2 * stride3.padding.height)
print("07-stride-padding.md line 549:", outputLength(input: x6.shape[0], kernel: w3.shape[0], stride: stride3.stride.height, padding: stride3.padding.height)!)
print("07-stride-padding.md line 550:", (x6.shape[0] + 2 * stride3.padding.height - w3.shape[0]) % stride3.stride.height)
print("07-stride-padding.md line 551:", dims(x6))

// MARK: block 17, 07-stride-padding.md line 553
let dy3 = Tensor(matrix: [[2, -1], [1, 1]])
let loops3 = convBackward(asBatch(dy3), asBatch(x6), asBatch(w3), stride3)
let spread3 = dilate(dy3, by: 3)
let reached3 = convolve(spread3, w3, mode: .full)
let paddedSide3 = x6.shape[0] + 2 * stride3.padding.height
let dxPad3 = pad(reached3, top: 0, bottom: paddedSide3 - reached3.shape[0], left: 0, right: paddedSide3 - reached3.shape[1])
show(dxPad3, "dx_pad for s = 3, p = 1", padding: 1)
checkAgreement("dx: crop of the extended full convolution vs loops", crop(dxPad3, 1), plane(loops3.dx))

// MARK: block 18, 07-stride-padding.md line 564
// Where the windows of the s = 3, p = 1 layer start and end, in rows of x_pad.
let starts3 = (0..<dy3.shape[0]).map { stride3.stride.height * $0 }
let lastRead3 = starts3.last! + w3.shape[0] - 1
let unread3 = Array((lastRead3 + 1)..<paddedSide3)
let unreadReal3 = unread3.filter { $0 >= 1 && $0 <= x6.shape[0] }
let unreadPadding3 = unread3.filter { $0 < 1 || $0 > x6.shape[0] }
let dx3 = plane(loops3.dx)
precondition(unreadReal3 == [x6.shape[0]] && unreadPadding3 == [paddedSide3 - 1],
             "one real row (the last of x) and one padding row unread")
precondition((0..<x6.shape[0]).allSatisfy { dx3[x6.shape[0] - 1, $0] == 0 && dx3[$0, x6.shape[1] - 1] == 0 },
             "dx has a zero last row and column")
// The same input with s = 2, p = 1: the remainder and how many rows of x it costs.
let stride2pad1 = ConvParameters(stride: 2, padding: 1)
let r21 = (x6.shape[0] + 2 * stride2pad1.padding.height - w3.shape[0]) % stride2pad1.stride.height
precondition(r21 == 1 && zeroGradientRows(H: x6.shape[0], HH: w3.shape[0], s: 2, p: 1, d: 1).isEmpty,
             "with s = 2, p = 1 the one row left over is padding")
// And with s = 4, longer than the filter: a gap between the windows.
let gapRows4 = zeroGradientRows(H: x6.shape[0], HH: w3.shape[0], s: 4, p: stride3.padding.height, d: 1)
precondition(gapRows4.count == 1, "one row of x in the gap")
print("07-stride-padding.md line 586:", dy3.count)

// MARK: block 19, 07-stride-padding.md line 588
showWindows(x6, kernel: 3, stride3, limit: dy3.count,
            "s = 3, p = 1: the windows start at rows and columns \(listed(starts3)) of x_pad and end at \(lastRead3); rows and columns \(listed(unreadReal3)) (real pixels of x) and \(listed(unreadPadding3)) (padding) lie under no window")
print("07-stride-padding.md line 593:", listed(starts3))
print("07-stride-padding.md line 594:", lastRead3)
print("07-stride-padding.md line 594:", listed(unread3))
print("07-stride-padding.md line 595:", listed(unreadPadding3))
print("07-stride-padding.md line 596:", listed(unreadReal3))
print("07-stride-padding.md line 597:", stride2pad1.stride.height)
print("07-stride-padding.md line 598:", stride2pad1.padding.height)
print("07-stride-padding.md line 599:", r21)
print("07-stride-padding.md line 601:", dims(x6))
print("07-stride-padding.md line 601:", dims(w3))
print("07-stride-padding.md line 602:", stride2pad1.stride.height)
print("07-stride-padding.md line 602:", stride2pad1.padding.height)

// MARK: block 20, 07-stride-padding.md line 611
explore(asBatch(x6), asBatch(w3), nil, stride3, dy: asBatch(dy3), label: "stride3-pad1")
print("07-stride-padding.md line 616:", x6.shape[0])
print("07-stride-padding.md line 616:", dims(w3))
print("07-stride-padding.md line 617:", stride3.stride.height)
print("07-stride-padding.md line 617:", stride3.padding.height)
print("07-stride-padding.md line 624:", listed(gapRows4))

// MARK: block 21, 07-stride-padding.md line 626
exploreParameters(input: HW(height: x6.shape[0], width: x6.shape[1]), filter: HW(height: w3.shape[0], width: w3.shape[1]), stride3, label: "stride-padding")
print("07-stride-padding.md line 642:", paddingKeepsGaps.checked)

// MARK: block 22, 07-stride-padding.md line 662
func scatterDxPad(_ dy: Tensor, _ w: Tensor, stride s: Int, paddedSize: (Int, Int)) -> Tensor {
    let (HH, WW) = (w.shape[0], w.shape[1])
    var dxPad = Tensor(zeros: [paddedSize.0, paddedSize.1])
    for i in 0..<dy.shape[0] {
        for j in 0..<dy.shape[1] {
            dxPad += pad(dy[i, j] * w, top: s * i, bottom: paddedSize.0 - s * i - HH,
                         left: s * j, right: paddedSize.1 - s * j - WW)
        }
    }
    return dxPad
}
checkAgreement("scatter (s = 3, p = 1) vs closed form",
               scatterDxPad(dy3, w3, stride: 3, paddedSize: (paddedSide3, paddedSide3)), dxPad3)
checkAgreement("scatter (s = 2, p = 0) vs closed form",
               scatterDxPad(dy6, w3, stride: 2, paddedSize: (x6.shape[0], x6.shape[1])), dx6)
print("07-stride-padding.md line 685:", w3)
print("07-stride-padding.md line 685:", dy6)

// MARK: block 23, 07-stride-padding.md line 690
let stepStride = stride2.stride.height
var partialDx = Tensor(zeros: x6.shape)
var stampsSoFar = 0
for i in 0..<dy6.shape[0] {
    for j in 0..<dy6.shape[1] {
        let (top, left) = (stepStride * i, stepStride * j)
        partialDx += pad(dy6[i, j] * w3, top: top, bottom: x6.shape[0] - top - w3.shape[0],
                         left: left, right: x6.shape[1] - left - w3.shape[1])
        stampsSoFar += 1
        show(partialDx, "after stamp \(stampsSoFar) of \(dy6.count): + dy[\(i), \(j)]·w = \(fmt(dy6[i, j]))·w on rows \(top)–\(top + w3.shape[0] - 1), columns \(left)–\(left + w3.shape[1] - 1)",
             heatmap: true)
    }
}
let stampsDiff = checkAgreement("dx after the last stamp vs convBackward's dx (s = 2)", partialDx, plane(strided.dx))
print("07-stride-padding.md line 708:", stampsDiff)

// MARK: block 24, 07-stride-padding.md line 712
let stampCounts = scatterDxPad(Tensor(repeating: 1, shape: dy6.shape), Tensor(repeating: 1, shape: w3.shape),
                               stride: stepStride, paddedSize: (x6.shape[0], x6.shape[1]))
show(stampCounts, "how many stamps land on each pixel (s = 2, 3 × 3 filter)")
// Along one axis: how many windows cover each row.
let rowCover6 = (0..<x6.shape[0]).map { u in
    (0..<dy6.shape[0]).filter { stepStride * $0 <= u && u < stepStride * $0 + w3.shape[0] }.count
}
let overlapRows6 = rowCover6.indices.filter { rowCover6[$0] > 1 }
let unreachedRows6 = rowCover6.indices.filter { rowCover6[$0] == 0 }
let countValues6 = Array(Set(stampCounts.scalars.map { Int($0) }.filter { $0 > 0 })).sorted()
let countWords6 = countValues6.dropLast().map(String.init).joined(separator: ", ") + " or \(countValues6.last!)"
precondition((0..<x6.shape[0]).allSatisfy { u in (0..<x6.shape[1]).allSatisfy { v in
    stampCounts[u, v] == Double(rowCover6[u] * rowCover6[v]) } }, "the 2-D count is the product of the row and column counts")
print("07-stride-padding.md line 728:", listed(overlapRows6))
print("07-stride-padding.md line 730:", listed(unreachedRows6))
print("07-stride-padding.md line 731:", countWords6)

// MARK: block 25, 07-stride-padding.md line 743
/// How many windows cover each row of x, measured: dx of a one-column layer whose w and dy are all ones.
func windowsPerRow(H: Int, HH: Int, s: Int) -> [Int] {
    let x = Tensor(zeros: [1, 1, H, 1])
    let w = Tensor(repeating: 1, shape: [1, 1, HH, 1])
    let params = ConvParameters(stride: HW(height: s, width: 1))
    let outH = convForward(x, w, nil, params).shape[2]
    let dx = convBackward(Tensor(repeating: 1, shape: [1, 1, outH, 1]), x, w, params).dx
    return (0..<H).map { Int(dx[0, 0, $0, 0]) }
}
/// Away from the edges (rows HH − 1 to the last window's start, which every window that could cover them
/// covers), does the count take more than one value?
func overlapIsUneven(_ c: Sweep.Setting) -> Bool {
    let counts = windowsPerRow(H: c.H, HH: c.HH, s: c.s)
    let lastStart = c.s * ((c.H - c.HH) / c.s)
    return Set(counts[(c.HH - 1)...lastStart]).count > 1
}
let checkerboardSweep = Sweep(["H": 30...30, "HH": 1...7, "s": 1...4])
let checkerboard = checkRule("uneven overlap away from the edges ⇔ HH is not a multiple of s",
                             over: checkerboardSweep,
                             stated: { (c: Sweep.Setting) -> Bool in c.HH % c.s != 0 }, measured: overlapIsUneven)
print("07-stride-padding.md line 766:", checkerboard.checked)
print("07-stride-padding.md line 767:", checkerboardSweep)
print("07-stride-padding.md line 780:", overlapRows6[0])
print("07-stride-padding.md line 780:", overlapRows6[0])

// MARK: block 26, 07-stride-padding.md line 784
let (u, v, s) = (overlapRows6[0], overlapRows6[0], stepStride)
var gathered = 0.0, terms = 0
for a in 0..<w3.shape[0] {
    for bb in 0..<w3.shape[1] where (u - a) % s == 0 && (v - bb) % s == 0 {
        let (i, j) = ((u - a) / s, (v - bb) / s)
        guard i >= 0, i < dy6.shape[0], j >= 0, j < dy6.shape[1] else { continue }
        print("output (\(i), \(j)) through tap (\(a), \(bb)): dy = \(dy6[i, j]), w = \(w3[a, bb])")
        gathered += dy6[i, j] * w3[a, bb]
        terms += 1
    }
}
print("sum:", gathered, "  dx[\(u), \(v)]:", dx6[u, v])
precondition(gathered == dx6[u, v] && terms == Int(stampCounts[u, v]), "the gathered sum is dx, one term per stamp")
print("07-stride-padding.md line 800:", terms)

// MARK: block 27, 07-stride-padding.md line 810
let xb = Tensor.randomNormal(shape: [2, 3, 7, 6], seed: 11)
let wb = Tensor.randomNormal(shape: [4, 3, 3, 2], seed: 12)
let pb = ConvParameters(stride: 2, padding: 1)
let dyb = Tensor.randomNormal(shape: convForward(xb, wb, nil, pb).shape, seed: 13)
let scatterb = convBackward(dyb, xb, wb, pb)
let gatherDiff = checkAgreement("dx: gather vs scatter", convBackwardInputGather(dyb, xb, wb, pb), scatterb.dx)
checkAgreement("dx: building blocks vs scatter", convBackwardByBlocks(dyb, xb, wb, pb).dx, scatterb.dx)
checkAgreement("dw: building blocks vs scatter", convBackwardByBlocks(dyb, xb, wb, pb).dw, scatterb.dw)
precondition(xb.shape[0] == 2 && xb.shape[1] == 3 && wb.shape[0] == 4 && pb.stride == HW(2) && pb.padding == HW(1)
             && xb.shape[2] % 2 == 1, "the layer the prose states")

// MARK: block 28, 07-stride-padding.md line 827
let (sweepImages, sweepChannels, sweepFilters) = (2, 2, 3)
func gatherMatchesScatter(_ c: Sweep.Setting) -> Bool {
    let params = ConvParameters(stride: HW(c.s), padding: HW(c.p), dilation: HW(c.d))
    let x = Tensor.randomNormal(shape: [sweepImages, sweepChannels, c.H, c.H + 1], seed: 31)
    let w = Tensor.randomNormal(shape: [sweepFilters, sweepChannels, c.HH, c.HH], seed: 32)
    let dy = Tensor.randomNormal(shape: convForward(x, w, nil, params).shape, seed: 33)
    return convBackwardInputGather(dy, x, w, params).maxAbsDifference(convBackward(dy, x, w, params).dx) <= 1e-12
}
let gatherSweep = Sweep(["H": 3...7, "HH": 1...3, "s": 1...3, "p": 0...2, "d": 1...2])
let gatherRule = checkRule("gather = scatter to rounding", over: gatherSweep,
                           where: { (c: Sweep.Setting) -> Bool in c.H + 2 * c.p >= c.d * (c.HH - 1) + 1 },
                           stated: { (_: Sweep.Setting) -> Bool in true }, measured: gatherMatchesScatter)
print("07-stride-padding.md line 842:", gatherRule.checked)
print("07-stride-padding.md line 843:", sweepImages)
print("07-stride-padding.md line 843:", sweepChannels)
print("07-stride-padding.md line 844:", sweepFilters)
print("07-stride-padding.md line 846:", gatherDiff)

// MARK: block 29, 07-stride-padding.md line 862
/// The rows (axis 2) or columns (axis 3) of a (N, C, H, W) gradient that are exactly zero in every image and channel.
func zeroLines(_ dx: Tensor, axis: Int) -> [Int] {
    var nonzero = Set<Int>()
    for n in 0..<dx.shape[0] {
        for c in 0..<dx.shape[1] {
            for u in 0..<dx.shape[2] {
                for v in 0..<dx.shape[3] where dx[n, c, u, v] != 0 {
                    nonzero.insert(axis == 2 ? u : v)
                }
            }
        }
    }
    return (0..<dx.shape[axis]).filter { !nonzero.contains($0) }
}

/// The largest |dx| on the given rows and on the given columns, over every image and channel.
func largestOn(_ dx: Tensor, rows: [Int], columns: [Int]) -> Double {
    var largest = 0.0
    for n in 0..<dx.shape[0] {
        for c in 0..<dx.shape[1] {
            for u in 0..<dx.shape[2] {
                for v in 0..<dx.shape[3] where rows.contains(u) || columns.contains(v) {
                    largest = max(largest, abs(dx[n, c, u, v]))
                }
            }
        }
    }
    return largest
}

/// Rows or columns as the table shows them: "—" for none.
func lines(_ xs: [Int]) -> String { xs.isEmpty ? "—" : xs.map(String.init).joined(separator: ", ") }

/// The analytic value at the entry where the relative error of two gradients is largest.
func valueAtWorstEntry(_ analytic: Tensor, _ numeric: Tensor) -> Double {
    let errors = analytic.scalars.indices.map { relError(analytic.scalars[$0], numeric.scalars[$0]) }
    return analytic.scalars[errors.indices.max { errors[$0] < errors[$1] }!]
}

/// One combination of the grid: the lines of x where dx is exactly zero (measured on the loops' dx)
/// and the lines no tap reads (by brute force, `rowsRead` of the rows section, once per axis).
struct GridCase: CustomStringConvertible {
    let s: Int, p: Int
    let zeroRows: [Int], zeroColumns: [Int]
    let unreadRows: [Int], unreadColumns: [Int]
    var description: String { "s = \(s), p = \(p)" }
}

let (gridH, gridW, gridHH, gridWW) = (7, 5, 3, 2)
var gridRows = [[Any]]()
var gridErrors = [Double]()
var gridCases = [GridCase]()
var worstGrid = (error: 0.0, s: 0, p: 0, value: 0.0, nextError: 0.0, largest: 0.0)
for s in 1...3 {
    for p in 0...2 {
        let params = ConvParameters(stride: HW(s), padding: HW(p))
        let seed = UInt64(10 * s + p)
        let x = Tensor.randomNormal(shape: [2, 2, gridH, gridW], seed: 100 + seed)
        let w = Tensor.randomNormal(shape: [3, 2, gridHH, gridWW], seed: 200 + seed)
        let b = Tensor.randomNormal(shape: [3], seed: 300 + seed)
        let outH = outputLength(input: gridH, kernel: gridHH, stride: s, padding: p)!
        let outW = outputLength(input: gridW, kernel: gridWW, stride: s, padding: p)!
        let dy = Tensor.randomNormal(shape: [2, 3, outH, outW], seed: 400 + seed)
        let loops = convBackward(dy, x, w, params)
        let blocks = convBackwardByBlocks(dy, x, w, params)
        let tag = "(s = \(s), p = \(p))"
        let dxNum = numericalGradient(of: { convForward($0, w, b, params) }, at: x, upstream: dy)
        let dwNum = numericalGradient(of: { convForward(x, $0, b, params) }, at: w, upstream: dy)
        let dbNum = numericalGradient(of: { convForward(x, w, $0, params) }, at: b, upstream: dy)
        let check = checkGradients(("dx \(tag)", loops.dx, dxNum), ("dw \(tag)", loops.dw, dwNum),
                                   ("db \(tag)", loops.db, dbNum))
        let blocksDiff = max(checkAgreement("dx: blocks vs loops \(tag)", blocks.dx, loops.dx),
                             checkAgreement("dw: blocks vs loops \(tag)", blocks.dw, loops.dw),
                             checkAgreement("db: blocks vs loops \(tag)", blocks.db, loops.db))
        let readRows = rowsRead(H: gridH, HH: gridHH, s: s, p: p, d: 1)
        let readColumns = rowsRead(H: gridW, HH: gridWW, s: s, p: p, d: 1)
        let unreadRows = (0..<gridH).filter { !readRows.contains($0 + p) }
        let unreadColumns = (0..<gridW).filter { !readColumns.contains($0 + p) }
        let gridCase = GridCase(s: s, p: p, zeroRows: zeroLines(loops.dx, axis: 2),
                                zeroColumns: zeroLines(loops.dx, axis: 3),
                                unreadRows: unreadRows, unreadColumns: unreadColumns)
        let unreadGradient = largestOn(loops.dx, rows: unreadRows, columns: unreadColumns)
        precondition(unreadGradient == 0, "dx is exactly zero on every row and column no tap reads \(tag)")
        gridCases.append(gridCase)
        gridErrors += check.errors
        gridRows.append([s, p, "\(outH) × \(outW)", lines(gridCase.zeroRows), lines(gridCase.zeroColumns),
                         unreadRows.isEmpty && unreadColumns.isEmpty ? "—" as Any : unreadGradient as Any,
                         check.errors[0], check.errors[1], check.errors[2], blocksDiff])
        if check.worst.value > worstGrid.error {
            let pairs = [(loops.dx, dxNum), (loops.dw, dwNum), (loops.db, dbNum)]
            let (analytic, numeric) = pairs[check.errors.firstIndex(of: check.worst.value)!]
            let entryErrors: [Double] = analytic.scalars.indices.map { relError(analytic.scalars[$0], numeric.scalars[$0]) }
            let nextError: Double = entryErrors.sorted(by: >)[1]
            worstGrid = (check.worst.value, s, p, valueAtWorstEntry(analytic, numeric), nextError, analytic.maxAbs())
        }
    }
}

// MARK: block 30, 07-stride-padding.md line 967
showTable(["s", "p", "H′ × W′", "rows of x with dx = 0", "columns of x with dx = 0", "max |dx| there",
           "rel. error dx", "rel. error dw", "rel. error db", "blocks vs loops"], gridRows)
func unreadLines(_ g: GridCase) -> [[Int]] { [g.unreadRows, g.unreadColumns] }
func zeroGradientLines(_ g: GridCase) -> [[Int]] { [g.zeroRows, g.zeroColumns] }
let gridRule = checkRule("rows and columns of x with dx = 0 are those no tap reads", over: gridCases,
                         stated: unreadLines, measured: zeroGradientLines)

// MARK: block 31, 07-stride-padding.md line 976
let gridFarBelow = gridErrors.filter { $0 <= 1e-9 }.count
precondition(2 * gridFarBelow > gridErrors.count, "most relative errors are at least 100 times below the threshold")
precondition(worstGrid.nextError * 10 < worstGrid.error && abs(worstGrid.value) < 1e-2 * worstGrid.largest,
             "the worst error comes from a single entry, with a gradient small against the tensor's largest")
let cases3 = gridCases.filter { $0.s == 3 }
precondition(cases3.map(\.p) == [0, 1, 2], "the s = 3 rows, in order of p")
let gridSizes: [Int] = [gridH, gridW, gridHH, gridWW]
let gridStrides: [Int] = gridCases.map(\.s), gridPaddings: [Int] = gridCases.map(\.p)
precondition(gridSizes == [7, 5, 3, 2] && gridStrides == [1, 1, 1, 2, 2, 2, 3, 3, 3] && gridPaddings == [0, 1, 2, 0, 1, 2, 0, 1, 2],
             "the grid the prose states")
// Rows: 3 taps, stride 3, no gaps, so max(0, r − p) of them at the bottom.
let remainders3 = cases3.map { (gridH + 2 * $0.p - gridHH) % $0.s }
precondition(zip(cases3, remainders3).allSatisfy { $0.zeroRows.count == max(0, $1 - $0.p) },
             "with s ≤ HH the rows of x with zero gradient number max(0, r − p)")
precondition(cases3[0].zeroRows == [gridH - 1] && remainders3[1] == 0 && remainders3[2] > 0 && cases3[2].zeroRows.isEmpty,
             "how padding moves the left-over rows")
// Columns: 2 taps, stride 3: a gap after every window but the last, whatever p is.
let columnRemainders3 = cases3.map { (gridW + 2 * $0.p - gridWW) % $0.s }
precondition(gridWW < 3 && cases3.allSatisfy { !$0.zeroColumns.isEmpty }, "every s = 3 layer loses columns")
precondition(zip(cases3, columnRemainders3).contains { $0.zeroColumns.count > max(0, $1 - $0.p) },
             "max(0, r − p) undercounts the columns")
precondition(cases3[1].zeroColumns.count == 2 && max(0, columnRemainders3[1] - cases3[1].p) == 1,
             "at p = 1 one column in a gap and one left over")
print("07-stride-padding.md line 1002:", gridFarBelow)
print("07-stride-padding.md line 1003:", gridErrors.count)
print("07-stride-padding.md line 1005:", worstGrid.error)
print("07-stride-padding.md line 1005:", worstGrid.s)
print("07-stride-padding.md line 1006:", worstGrid.p)
print("07-stride-padding.md line 1007:", worstGrid.nextError)
print("07-stride-padding.md line 1008:", worstGrid.value)
print("07-stride-padding.md line 1009:", worstGrid.largest)
print("07-stride-padding.md line 1014:", gridRule.checked)
print("07-stride-padding.md line 1017:", gridHH)
print("07-stride-padding.md line 1019:", cases3[0].s)
print("07-stride-padding.md line 1019:", gridH)
print("07-stride-padding.md line 1020:", remainders3[0])
print("07-stride-padding.md line 1021:", cases3[0].zeroRows.count)
print("07-stride-padding.md line 1022:", remainders3[1])
print("07-stride-padding.md line 1022:", remainders3[2])
print("07-stride-padding.md line 1023:", gridWW)
print("07-stride-padding.md line 1024:", cases3[0].s)
print("07-stride-padding.md line 1025:", listed(cases3[0].zeroColumns))
print("07-stride-padding.md line 1026:", columnRemainders3[0])
print("07-stride-padding.md line 1027:", listed(cases3[1].zeroColumns))
print("07-stride-padding.md line 1028:", listed(cases3[2].zeroColumns))
print("07-stride-padding.md line 1057:", Int(stampCounts[2, 4]))
print("07-stride-padding.md line 1059:", dy6[0, 1])
print("07-stride-padding.md line 1059:", w3[2, 2])
print("07-stride-padding.md line 1059:", dy6[1, 1])
print("07-stride-padding.md line 1059:", w3[0, 2])
print("07-stride-padding.md line 1060:", plane(loops6.dx)[2, 4])

// MARK: block 32, 07-stride-padding.md line 1070
let pad2Layer = plainSweep.first { $0.H == 6 && $0.HH == 3 && $0.s == 3 && $0.p == 2 }!
print("07-stride-padding.md line 1074:", pad(x6, 2).shape[0])
print("07-stride-padding.md line 1075:", windowsCounted(pad2Layer, stride: 3))
print("07-stride-padding.md line 1076:", rowsRead(H: 6, HH: 3, s: 3, p: 2, d: 1).max()!)
print("07-stride-padding.md line 1078:", zeroGradientRows(H: 6, HH: 3, s: 3, p: 2, d: 1).count)

// MARK: block 33, 07-stride-padding.md line 1088
let dxTop = plane(convBackward(asBatch(pad(spread, top: extra, bottom: 0, left: extra, right: 0)), asBatch(x6), asBatch(w3)).dx)
func zeroRowsOf(_ m: Tensor) -> [Int] { (0..<m.shape[0]).filter { r in (0..<m.shape[1]).allSatisfy { m[r, $0] == 0 } } }
print("07-stride-padding.md line 1094:", listed(zeroRowsOf(dxTop)))
print("07-stride-padding.md line 1095:", listed(zeroRowsOf(dx6)))
print("07-stride-padding.md line 1096:", (dxTop - dx6).maxAbs())
