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

// MARK: block 1, 07-stride-padding.md line 34
/// A matrix as a batch of one image with one channel: (1, 1, H, W).
func asBatch(_ m: Tensor) -> Tensor { m.reshaped([1, 1] + m.shape) }
/// The one matrix of a (1, 1, H, W) batch.
func plane(_ t: Tensor) -> Tensor { t.slice(0).slice(0) }

// MARK: block 2, 07-stride-padding.md line 61
let x4 = Tensor(matrix: [[1, -1, 2, 0], [0, 3, 1, -2], [2, 1, 0, 1], [-1, 0, 2, 3]])
let w3 = Tensor(matrix: [[1, 0, -1], [2, 1, 0], [0, -1, 1]])
let dy4 = Tensor(matrix: [[1, 0, -1, 2], [0, 2, 1, 0], [-1, 1, 0, 1], [2, 0, 1, -1]])
let samePadding = ConvParameters(padding: 1)
show(pad(x4, 1), "x_pad", padding: 1)

// MARK: block 3, 07-stride-padding.md line 72
let firstTaps = windowTaps(outputRow: 0, outputColumn: 0, kernelHeight: 3, kernelWidth: 3, samePadding)
let onPadding = firstTaps.filter { $0.row < 1 || $0.column < 1 || $0.row > 4 || $0.column > 4 }.count
showWindows(x4, kernel: 3, samePadding, limit: 4,
            "The 3 × 3 window over x_pad (padding dashed) for y[0, 0] to y[0, 3]: at the corner \(onPadding) of its \(firstTaps.count) cells are padding")

// MARK: block 4, 07-stride-padding.md line 86
let dxPad4 = convolve(dy4, w3, mode: .full)
show(dxPad4, "dx_pad = dy full-convolved with w", padding: 1)
let dx4 = crop(dxPad4, 1)
let dw4 = crossCorrelate(pad(x4, 1), dy4)
let loops4 = convBackward(asBatch(dy4), asBatch(x4), asBatch(w3), samePadding)
let padDxDiff = checkAgreement("dx = crop(dx_pad, p) vs loops", dx4, plane(loops4.dx))
checkAgreement("dw = x_pad ⋆ dy vs loops", dw4, plane(loops4.dw))
print("07-stride-padding.md line 97:", padDxDiff)
print("07-stride-padding.md line 99:", dxPad4[0, 0])

// MARK: block 5, 07-stride-padding.md line 123
let x6 = Tensor(matrix: [
    [2, -1, 0, 1, 3, -2], [1, 0, 2, -1, 0, 1], [0, 3, -1, 2, 1, 0],
    [-2, 1, 1, 0, 2, 1], [1, 0, -1, 3, 0, 2], [3, 1, 0, -2, 1, -1]])
let stride2 = ConvParameters(stride: 2)
let yStride1 = crossCorrelate(x6, w3)
let keepEverySecond = crossCorrelate(yStride1, Tensor(matrix: [[1]]), stride: 2)
let y6 = plane(convForward(asBatch(x6), asBatch(w3), nil, stride2))
show(yStride1, "stride-1 output")
checkAgreement("stride-2 output vs every second entry of the stride-1 output", y6, keepEverySecond)

// MARK: block 6, 07-stride-padding.md line 141
let dy6 = Tensor(matrix: [[1, -2], [3, 1]])
let spread = dilate(dy6, by: 2)
showStrideDilation(dy6, stride: 2,
                   "entry (i, j) of dy keeps its colour and lands at (2i, 2j); the inserted zeros are grey")

// MARK: block 7, 07-stride-padding.md line 153
let extra = yStride1.shape[0] - spread.shape[0]
let dyStride1 = pad(spread, top: 0, bottom: extra, left: 0, right: extra)
show(dyStride1, "dy⁽¹⁾, the gradient of the stride-1 output")
let viaStride1 = convBackward(asBatch(dyStride1), asBatch(x6), asBatch(w3))
let strided = convBackward(asBatch(dy6), asBatch(x6), asBatch(w3), stride2)
checkAgreement("dx: stride-1 layer with dy⁽¹⁾ vs stride-2 loops", viaStride1.dx, strided.dx)
checkAgreement("dw: stride-1 layer with dy⁽¹⁾ vs stride-2 loops", viaStride1.dw, strided.dw)
print("07-stride-padding.md line 171:", "\(spread.shape[0]) × \(spread.shape[1])")
print("07-stride-padding.md line 176:", (x6.shape[0] + 2 * 0 - w3.shape[0]) % 2)

// MARK: block 8, 07-stride-padding.md line 192
let dwAll = crossCorrelate(x6, spread)
let dw6 = window(dwAll, rowStart: 0, rows: 3, columnStart: 0, columns: 3)
let reached = convolve(spread, w3, mode: .full)
let dx6 = pad(reached, top: 0, bottom: 6 - reached.shape[0], left: 0, right: 6 - reached.shape[1])
show(dwAll, "x ⋆ dilate(dy, 2), before the cut")
show(dx6, "dx")
let loops6 = convBackward(asBatch(dy6), asBatch(x6), asBatch(w3), stride2)
let strideDwDiff = checkAgreement("dw: cut correlation vs loops", dw6, plane(loops6.dw))
checkAgreement("dx: extended full convolution vs loops", dx6, plane(loops6.dx))
print("07-stride-padding.md line 204:", "\(dwAll.shape[0]) × \(dwAll.shape[1])")
print("07-stride-padding.md line 206:", strideDwDiff)
print("07-stride-padding.md line 207:", "\(reached.shape[0]) × \(reached.shape[1])")

// MARK: block 9, 07-stride-padding.md line 220
let dx6Numeric = numericalGradient(of: { convForward($0, asBatch(w3), nil, stride2) },
                                   at: asBatch(x6), upstream: asBatch(dy6))
let dw6Numeric = numericalGradient(of: { convForward(asBatch(x6), $0, nil, stride2) },
                                   at: asBatch(w3), upstream: asBatch(dy6))
let check6 = checkGradients(("dx", asBatch(dx6), dx6Numeric), ("dw", asBatch(dw6), dw6Numeric))
show(plane(dx6Numeric), "numerical dx")
print("07-stride-padding.md line 230:", check6["dx"])
print("07-stride-padding.md line 230:", check6["dw"])
print("07-stride-padding.md line 245:", x6.shape[0] + 2 * 1)
print("07-stride-padding.md line 246:", (x6.shape[0] + 2 * 1 - w3.shape[0]) / 3 + 1)
print("07-stride-padding.md line 247:", (x6.shape[0] + 2 * 1 - w3.shape[0]) % 3)

// MARK: block 10, 07-stride-padding.md line 251
let stride3 = ConvParameters(stride: 3, padding: 1)
let dy3 = Tensor(matrix: [[2, -1], [1, 1]])
let loops3 = convBackward(asBatch(dy3), asBatch(x6), asBatch(w3), stride3)
let spread3 = dilate(dy3, by: 3)
let reached3 = convolve(spread3, w3, mode: .full)
let dxPad3 = pad(reached3, top: 0, bottom: 8 - reached3.shape[0], left: 0, right: 8 - reached3.shape[1])
show(dxPad3, "dx_pad for s = 3, p = 1", padding: 1)
checkAgreement("dx: crop of the extended full convolution vs loops", crop(dxPad3, 1), plane(loops3.dx))

// MARK: block 11, 07-stride-padding.md line 264
showWindows(x6, kernel: 3, stride3, limit: 4,
            "s = 3, p = 1: the windows start at rows and columns 0 and 3 of x_pad and end at 5; rows and columns 6 (real pixels of x) and 7 (padding) lie under no window")
print("07-stride-padding.md line 272:", (6 + 2 - 3) % 2)

// MARK: block 12, 07-stride-padding.md line 281
explore(asBatch(x6), asBatch(w3), nil, stride3, dy: asBatch(dy3), label: "stride3-pad1")

// MARK: block 13, 07-stride-padding.md line 293
exploreParameters(input: 6, filter: 3, ConvParameters(stride: 3, padding: 1), label: "stride-padding")

// MARK: block 14, 07-stride-padding.md line 319
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
checkAgreement("scatter (s = 3, p = 1) vs closed form", scatterDxPad(dy3, w3, stride: 3, paddedSize: (8, 8)), dxPad3)
checkAgreement("scatter (s = 2, p = 0) vs closed form", scatterDxPad(dy6, w3, stride: 2, paddedSize: (6, 6)), dx6)

// MARK: block 15, 07-stride-padding.md line 342
for i in 0..<2 {
    for j in 0..<2 {
        show(pad(dy6[i, j] * w3, top: 2 * i, bottom: 6 - 2 * i - 3, left: 2 * j, right: 6 - 2 * j - 3),
             "dy[\(i), \(j)]·w = \(fmt(dy6[i, j]))·w at (\(2 * i), \(2 * j))")
    }
}
show(dx6, "sum of the stamps = dx")

// MARK: block 16, 07-stride-padding.md line 366
let (u, v, s) = (2, 2, 2)
var gathered = 0.0
for a in 0..<3 {
    for bb in 0..<3 where (u - a) % s == 0 && (v - bb) % s == 0 {
        let (i, j) = ((u - a) / s, (v - bb) / s)
        guard i >= 0, i < 2, j >= 0, j < 2 else { continue }
        print("output (\(i), \(j)) through tap (\(a), \(bb)): dy = \(dy6[i, j]), w = \(w3[a, bb])")
        gathered += dy6[i, j] * w3[a, bb]
    }
}
print("sum:", gathered, "  dx[2, 2]:", dx6[2, 2])

// MARK: block 17, 07-stride-padding.md line 387
let xb = Tensor.randomNormal(shape: [2, 3, 7, 6], seed: 11)
let wb = Tensor.randomNormal(shape: [4, 3, 3, 2], seed: 12)
let pb = ConvParameters(stride: 2, padding: 1)
let dyb = Tensor.randomNormal(shape: [2, 4, 4, 4], seed: 13)
let scatterb = convBackward(dyb, xb, wb, pb)
let gatherDiff = checkAgreement("dx: gather vs scatter", convBackwardInputGather(dyb, xb, wb, pb), scatterb.dx)
checkAgreement("dx: building blocks vs scatter", convBackwardByBlocks(dyb, xb, wb, pb).dx, scatterb.dx)
checkAgreement("dw: building blocks vs scatter", convBackwardByBlocks(dyb, xb, wb, pb).dw, scatterb.dw)
print("07-stride-padding.md line 398:", gatherDiff)

// MARK: block 18, 07-stride-padding.md line 414
/// The largest |dx| over the last `rows` rows and last `columns` columns of every image and channel.
func largestAtBottomRight(_ dx: Tensor, rows: Int, columns: Int) -> Double {
    let (N, C, H, W) = (dx.shape[0], dx.shape[1], dx.shape[2], dx.shape[3])
    var largest = 0.0
    for n in 0..<N {
        for c in 0..<C {
            for i in 0..<H {
                for j in 0..<W where i >= H - rows || j >= W - columns {
                    largest = max(largest, abs(dx[n, c, i, j]))
                }
            }
        }
    }
    return largest
}

/// The analytic value at the entry where the relative error of two gradients is largest.
func valueAtWorstEntry(_ analytic: Tensor, _ numeric: Tensor) -> Double {
    let errors = analytic.scalars.indices.map { relError(analytic.scalars[$0], numeric.scalars[$0]) }
    return analytic.scalars[errors.indices.max { errors[$0] < errors[$1] }!]
}

var gridRows = [[Any]]()
var worstGrid = (error: 0.0, s: 0, p: 0, value: 0.0)
for s in 1...3 {
    for p in 0...2 {
        let params = ConvParameters(stride: HW(s), padding: HW(p))
        let seed = UInt64(10 * s + p)
        let x = Tensor.randomNormal(shape: [2, 2, 7, 5], seed: 100 + seed)
        let w = Tensor.randomNormal(shape: [3, 2, 3, 2], seed: 200 + seed)
        let b = Tensor.randomNormal(shape: [3], seed: 300 + seed)
        let outH = outputLength(input: 7, kernel: 3, stride: s, padding: p)!
        let outW = outputLength(input: 5, kernel: 2, stride: s, padding: p)!
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
        // Rows and columns of x itself that no window reaches: max(0, r - p).
        let lostRows = max(0, (7 + 2 * p - 3) % s - p)
        let lostColumns = max(0, (5 + 2 * p - 2) % s - p)
        let lostGradient: Any = lostRows + lostColumns == 0
            ? "—" : largestAtBottomRight(loops.dx, rows: lostRows, columns: lostColumns)
        gridRows.append([s, p, "\(outH) × \(outW)", lostRows, lostColumns, lostGradient,
                         check.errors[0], check.errors[1], check.errors[2], blocksDiff])
        if check.worst.value > worstGrid.error {
            let pairs = [(loops.dx, dxNum), (loops.dw, dwNum), (loops.db, dbNum)]
            let (analytic, numeric) = pairs[check.errors.firstIndex(of: check.worst.value)!]
            worstGrid = (check.worst.value, s, p, valueAtWorstEntry(analytic, numeric))
        }
    }
}

// MARK: block 19, 07-stride-padding.md line 478
showTable(["s", "p", "H' × W'", "rows of x not reached", "columns of x not reached", "max |dx| there",
           "rel. error dx", "rel. error dw", "rel. error db", "blocks vs loops"], gridRows)
print("07-stride-padding.md line 485:", worstGrid.error)
print("07-stride-padding.md line 485:", worstGrid.s)
print("07-stride-padding.md line 486:", worstGrid.p)
print("07-stride-padding.md line 487:", worstGrid.value)
