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

// MARK: block 3, 07-stride-padding.md line 84
let x4 = Tensor(matrix: [[1, -1, 2, 0], [0, 3, 1, -2], [2, 1, 0, 1], [-1, 0, 2, 3]])
let w3 = Tensor(matrix: [[1, 0, -1], [2, 1, 0], [0, -1, 1]])
let dy4 = Tensor(matrix: [[1, 0, -1, 2], [0, 2, 1, 0], [-1, 1, 0, 1], [2, 0, 1, -1]])
let samePadding = ConvParameters(padding: 1)
let xPad4 = pad(x4, 1)
let y4 = plane(convForward(asBatch(x4), asBatch(w3), nil, samePadding))
show(xPad4, "x_pad", padding: 1)
print("07-stride-padding.md line 94:", dims(y4))

// MARK: block 4, 07-stride-padding.md line 99
let firstTaps = windowTaps(outputRow: 0, outputColumn: 0, kernelHeight: 3, kernelWidth: 3, samePadding)
let lastPadRow = xPad4.shape[0] - 1, lastPadColumn = xPad4.shape[1] - 1
let onPadding = firstTaps.filter { $0.row == 0 || $0.column == 0 || $0.row == lastPadRow || $0.column == lastPadColumn }.count
showWindows(x4, kernel: 3, samePadding, limit: y4.shape[1],
            "The 3 × 3 window over x_pad (padding dashed) for y[0, 0] to y[0, \(y4.shape[1] - 1)]: at the corner \(onPadding) of its \(firstTaps.count) cells are padding")
print("07-stride-padding.md line 107:", w3.count)
print("07-stride-padding.md line 108:", w3.count)

// MARK: block 5, 07-stride-padding.md line 113
let dxPad4 = convolve(dy4, w3, mode: .full)
show(dxPad4, "dx_pad = dy full-convolved with w", padding: 1)
let dx4 = crop(dxPad4, 1)
let dw4 = crossCorrelate(pad(x4, 1), dy4)
let loops4 = convBackward(asBatch(dy4), asBatch(x4), asBatch(w3), samePadding)
let padDxDiff = checkAgreement("dx = crop(dx_pad, p) vs loops", dx4, plane(loops4.dx))
checkAgreement("dw = x_pad ⋆ dy vs loops", dw4, plane(loops4.dw))
precondition(dxPad4.shape == xPad4.shape && dx4.shape == x4.shape, "dx_pad has x_pad's shape, dx has x's")
print("07-stride-padding.md line 124:", dims(dxPad4))
print("07-stride-padding.md line 125:", dims(dx4))
print("07-stride-padding.md line 126:", padDxDiff)
print("07-stride-padding.md line 128:", dxPad4[0, 0])

// MARK: block 6, 07-stride-padding.md line 155
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
print("07-stride-padding.md line 168:", dims(yStride1))
print("07-stride-padding.md line 169:", listed(keptRows))
print("07-stride-padding.md line 169:", dims(y6))

// MARK: block 7, 07-stride-padding.md line 178
let dy6 = Tensor(matrix: [[1, -2], [3, 1]])
let spread = dilate(dy6, by: 2)
showStrideDilation(dy6, stride: 2,
                   "entry (i, j) of dy keeps its colour and lands at (2i, 2j); the inserted zeros are grey")

// MARK: block 8, 07-stride-padding.md line 190
let extra = yStride1.shape[0] - spread.shape[0]
let dyStride1 = pad(spread, top: 0, bottom: extra, left: 0, right: extra)
show(dyStride1, "dy⁽¹⁾, the gradient of the stride-1 output")
let viaStride1 = convBackward(asBatch(dyStride1), asBatch(x6), asBatch(w3))
let strided = convBackward(asBatch(dy6), asBatch(x6), asBatch(w3), stride2)
checkAgreement("dx: stride-1 layer with dy⁽¹⁾ vs stride-2 loops", viaStride1.dx, strided.dx)
checkAgreement("dw: stride-1 layer with dy⁽¹⁾ vs stride-2 loops", viaStride1.dw, strided.dw)
let r6 = (x6.shape[0] + 2 * stride2.padding.height - w3.shape[0]) % stride2.stride.height
precondition(extra == r6 && extra == 1, "the stride-1 output is r = 1 row longer than dilate(dy, by: s)")
print("07-stride-padding.md line 211:", dims(yStride1))
print("07-stride-padding.md line 212:", dims(spread))
print("07-stride-padding.md line 212:", extra)
print("07-stride-padding.md line 213:", yStride1.shape[0] - 1)
print("07-stride-padding.md line 217:", r6)

// MARK: block 9, 07-stride-padding.md line 246
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
print("07-stride-padding.md line 263:", dims(dwAll))
print("07-stride-padding.md line 263:", dims(w3))
print("07-stride-padding.md line 264:", strideDwDiff)
print("07-stride-padding.md line 266:", dims(reached))

// MARK: block 10, 07-stride-padding.md line 271
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
print("07-stride-padding.md line 285:", y6.shape[0])
print("07-stride-padding.md line 286:", windowRows6[0])
print("07-stride-padding.md line 287:", windowRows6[1])
print("07-stride-padding.md line 287:", lastRowOfX6)
print("07-stride-padding.md line 288:", nextStart6)
print("07-stride-padding.md line 289:", nextStart6)
print("07-stride-padding.md line 289:", nextEnd6)
print("07-stride-padding.md line 290:", nextEnd6)
print("07-stride-padding.md line 290:", lastRowOfX6)

// MARK: block 11, 07-stride-padding.md line 295
let dx6Numeric = numericalGradient(of: { convForward($0, asBatch(w3), nil, stride2) },
                                   at: asBatch(x6), upstream: asBatch(dy6))
let dw6Numeric = numericalGradient(of: { convForward(asBatch(x6), $0, nil, stride2) },
                                   at: asBatch(w3), upstream: asBatch(dy6))
let check6 = checkGradients(("dx", asBatch(dx6), dx6Numeric), ("dw", asBatch(dw6), dw6Numeric))
show(plane(dx6Numeric), "numerical dx")
print("07-stride-padding.md line 305:", check6["dx"])
print("07-stride-padding.md line 305:", check6["dw"])
print("07-stride-padding.md line 327:", x6.shape[0] + 2 * 1)
print("07-stride-padding.md line 328:", (x6.shape[0] + 2 * 1 - w3.shape[0]) / 3 + 1)
print("07-stride-padding.md line 329:", (x6.shape[0] + 2 * 1 - w3.shape[0]) % 3)

// MARK: block 12, 07-stride-padding.md line 332
let stride3 = ConvParameters(stride: 3, padding: 1)
let dy3 = Tensor(matrix: [[2, -1], [1, 1]])
let loops3 = convBackward(asBatch(dy3), asBatch(x6), asBatch(w3), stride3)
let spread3 = dilate(dy3, by: 3)
let reached3 = convolve(spread3, w3, mode: .full)
let paddedSide3 = x6.shape[0] + 2 * stride3.padding.height
let dxPad3 = pad(reached3, top: 0, bottom: paddedSide3 - reached3.shape[0], left: 0, right: paddedSide3 - reached3.shape[1])
show(dxPad3, "dx_pad for s = 3, p = 1", padding: 1)
checkAgreement("dx: crop of the extended full convolution vs loops", crop(dxPad3, 1), plane(loops3.dx))

// MARK: block 13, 07-stride-padding.md line 344
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
let r21 = (x6.shape[0] + 2 * 1 - w3.shape[0]) % 2
precondition(r21 == 1 && max(0, r21 - 1) == 0, "with s = 2, p = 1 the one row left over is padding")
print("07-stride-padding.md line 361:", dy3.count)

// MARK: block 14, 07-stride-padding.md line 363
showWindows(x6, kernel: 3, stride3, limit: dy3.count,
            "s = 3, p = 1: the windows start at rows and columns \(listed(starts3)) of x_pad and end at \(lastRead3); rows and columns \(listed(unreadReal3)) (real pixels of x) and \(listed(unreadPadding3)) (padding) lie under no window")
print("07-stride-padding.md line 368:", listed(starts3))
print("07-stride-padding.md line 369:", lastRead3)
print("07-stride-padding.md line 369:", listed(unread3))
print("07-stride-padding.md line 370:", listed(unreadPadding3))
print("07-stride-padding.md line 371:", listed(unreadReal3))
print("07-stride-padding.md line 373:", r21)

// MARK: block 15, 07-stride-padding.md line 384
explore(asBatch(x6), asBatch(w3), nil, stride3, dy: asBatch(dy3), label: "stride3-pad1")

// MARK: block 16, 07-stride-padding.md line 396
exploreParameters(input: 6, filter: 3, ConvParameters(stride: 3, padding: 1), label: "stride-padding")

// MARK: block 17, 07-stride-padding.md line 425
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
print("07-stride-padding.md line 448:", w3)
print("07-stride-padding.md line 448:", dy6)

// MARK: block 18, 07-stride-padding.md line 453
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
print("07-stride-padding.md line 471:", stampsDiff)

// MARK: block 19, 07-stride-padding.md line 475
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
print("07-stride-padding.md line 491:", listed(overlapRows6))
print("07-stride-padding.md line 493:", listed(unreachedRows6))
print("07-stride-padding.md line 494:", countWords6)
print("07-stride-padding.md line 512:", overlapRows6[0])
print("07-stride-padding.md line 512:", overlapRows6[0])

// MARK: block 20, 07-stride-padding.md line 516
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
print("07-stride-padding.md line 532:", terms)

// MARK: block 21, 07-stride-padding.md line 542
let xb = Tensor.randomNormal(shape: [2, 3, 7, 6], seed: 11)
let wb = Tensor.randomNormal(shape: [4, 3, 3, 2], seed: 12)
let pb = ConvParameters(stride: 2, padding: 1)
let dyb = Tensor.randomNormal(shape: convForward(xb, wb, nil, pb).shape, seed: 13)
let scatterb = convBackward(dyb, xb, wb, pb)
let gatherDiff = checkAgreement("dx: gather vs scatter", convBackwardInputGather(dyb, xb, wb, pb), scatterb.dx)
checkAgreement("dx: building blocks vs scatter", convBackwardByBlocks(dyb, xb, wb, pb).dx, scatterb.dx)
checkAgreement("dw: building blocks vs scatter", convBackwardByBlocks(dyb, xb, wb, pb).dw, scatterb.dw)
print("07-stride-padding.md line 553:", gatherDiff)

// MARK: block 22, 07-stride-padding.md line 569
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
var gridErrors = [Double]()
var lostRemainders = [(s: Int, p: Int, r: Int, lostRows: Int)]()
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
        if lostRows + lostColumns > 0 {
            precondition(largestAtBottomRight(loops.dx, rows: lostRows, columns: lostColumns) == 0,
                         "dx is exactly zero on the rows and columns no window reaches \(tag)")
        }
        gridErrors += check.errors
        lostRemainders.append((s, p, (7 + 2 * p - 3) % s, lostRows))
        gridRows.append([s, p, "\(outH) × \(outW)", lostRows, lostColumns, lostGradient,
                         check.errors[0], check.errors[1], check.errors[2], blocksDiff])
        if check.worst.value > worstGrid.error {
            let pairs = [(loops.dx, dxNum), (loops.dw, dwNum), (loops.db, dbNum)]
            let (analytic, numeric) = pairs[check.errors.firstIndex(of: check.worst.value)!]
            worstGrid = (check.worst.value, s, p, valueAtWorstEntry(analytic, numeric))
        }
    }
}

// MARK: block 23, 07-stride-padding.md line 641
showTable(["s", "p", "H' × W'", "rows of x not reached", "columns of x not reached", "max |dx| there",
           "rel. error dx", "rel. error dw", "rel. error db", "blocks vs loops"], gridRows)

// MARK: block 24, 07-stride-padding.md line 646
let gridFarBelow = gridErrors.filter { $0 <= 1e-9 }.count
precondition(2 * gridFarBelow > gridErrors.count, "most relative errors are at least 100 times below the threshold")
let remainders3 = lostRemainders.filter { $0.s == 3 }
precondition(remainders3.map(\.p) == [0, 1, 2], "the s = 3 rows, in order of p")
precondition(remainders3[0].lostRows == 1 && remainders3[1].r == 0
             && remainders3[2].r > 0 && remainders3[2].lostRows == 0, "how padding moves the left-over rows")
print("07-stride-padding.md line 655:", gridFarBelow)
print("07-stride-padding.md line 656:", gridErrors.count)
print("07-stride-padding.md line 658:", worstGrid.error)
print("07-stride-padding.md line 658:", worstGrid.s)
print("07-stride-padding.md line 659:", worstGrid.p)
print("07-stride-padding.md line 660:", worstGrid.value)
print("07-stride-padding.md line 666:", remainders3[0].r)
print("07-stride-padding.md line 667:", remainders3[0].lostRows)
print("07-stride-padding.md line 667:", remainders3[1].r)
print("07-stride-padding.md line 668:", remainders3[2].r)
