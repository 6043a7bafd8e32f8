// Fast convolution: im2col and matrix products
// The code of 10-fast.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release 10-fast.swift -o 10-fast
//   ./10-fast
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify 10-fast

import ConvEngine
import ConvbookRuntime

// MARK: block 1, 10-fast.md line 49
/// The matrix product A·B of an m × k and a k × n matrix.
func matmul(_ A: Tensor, _ B: Tensor) -> Tensor {
    let (m, k, n) = (A.shape[0], A.shape[1], B.shape[1])
    precondition(B.shape[0] == k, "matmul: \(A.shape) times \(B.shape)")
    var C = Tensor(zeros: [m, n])
    for i in 0..<m {
        for p in 0..<k {
            let aip = A[i, p]
            for j in 0..<n { C[i, j] += aip * B[p, j] }
        }
    }
    return C
}

/// The transpose of a matrix.
func transposed(_ M: Tensor) -> Tensor {
    var T = Tensor(zeros: [M.shape[1], M.shape[0]])
    for i in 0..<M.shape[0] {
        for j in 0..<M.shape[1] { T[j, i] = M[i, j] }
    }
    return T
}

// MARK: block 2, 10-fast.md line 74
/// Integers as prose: "5", "0 and 2", "0, 2 and 4".
func listed(_ xs: [Int], _ last: String = "and") -> String {
    let words = xs.map(String.init)
    return words.count < 2 ? words.joined() : words.dropLast().joined(separator: ", ") + " \(last) " + words.last!
}
/// The columns of a matrix that hold the value v somewhere.
func columnsHolding(_ m: Tensor, _ v: Double) -> [Int] {
    (0..<m.shape[1]).filter { q in (0..<m.shape[0]).contains { m[$0, q] == v } }
}

// MARK: block 3, 10-fast.md line 106
let x = Tensor.ramp(shape: [2, 2, 3, 3], start: 1)
show(x, "x (N = 2, C = 2, 3 × 3)")
let cols = im2col(x, kernelHeight: 2, kernelWidth: 2)
show(cols, "cols = im2col(x) for a 2 × 2 filter")

// MARK: block 4, 10-fast.md line 113
let outSide = outputLength(input: x.shape[2], kernel: 2)!
let perImage = outSide * outSide           // output positions of one image
let tapsPerChannel = 2 * 2                 // HH·WW
let firstColumn = window(cols, rowStart: 0, rows: cols.shape[0], columnStart: 0, columns: 1)
// Column 0 is the top-left window of channel 0 and then of channel 1, row by row.
let topLeftWindows = [0, 1].flatMap { c in [x[0, c, 0, 0], x[0, c, 0, 1], x[0, c, 1, 0], x[0, c, 1, 1]] }
precondition(firstColumn.scalars == topLeftWindows, "the first column is the receptive field of output (0, 0, 0)")
precondition(cols[0, perImage] == x[1, 0, 0, 0], "column H'·W' starts image 1")
print("10-fast.md line 124:", x.count)
print("10-fast.md line 125:", outSide)
print("10-fast.md line 125:", outSide)
print("10-fast.md line 126:", cols.shape[1])
print("10-fast.md line 127:", cols.shape[0])
print("10-fast.md line 129:", firstColumn.reshaped([1, cols.shape[0]]))
print("10-fast.md line 130:", tapsPerChannel)
print("10-fast.md line 131:", tapsPerChannel)
print("10-fast.md line 133:", perImage)
print("10-fast.md line 138:", tapsPerChannel)
print("10-fast.md line 139:", tapsPerChannel)

// MARK: block 5, 10-fast.md line 141
showWindows(x.slice(0).slice(0), kernel: 2, limit: perImage, name: "column of output",
            "Channel 0 of image 0 under the window of each output position: the pixels of one column of cols")

// MARK: block 6, 10-fast.md line 146
let centrePixel = x[0, 0, 1, 1], cornerPixel = x[0, 0, 0, 0]
let centreColumns = columnsHolding(cols, centrePixel), cornerColumns = columnsHolding(cols, cornerPixel)
precondition(centreColumns == Array(0..<perImage) && cols.scalars.filter { $0 == centrePixel }.count == perImage,
             "the centre pixel is in every column of image 0, once")
print("10-fast.md line 155:", Int(centrePixel))
print("10-fast.md line 155:", perImage)
print("10-fast.md line 156:", cols.scalars.filter { $0 == centrePixel }.count)
print("10-fast.md line 157:", listed(centreColumns))
print("10-fast.md line 158:", Int(cornerPixel))
print("10-fast.md line 159:", listed(cornerColumns))

// MARK: block 7, 10-fast.md line 167
/// im2col by its definition: row (c, a, b), column (n, i, j) holds
/// x_pad[n, first + c, s·i + d·a, s·j + d·b], where `first` is the group's first channel.
func im2colLoop(_ x: Tensor, kernel: HW, group: Int = 0, _ p: ConvParameters = ConvParameters()) -> Tensor {
    let (N, C, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (s, d, Cg) = (p.stride, p.dilation, C / p.groups)
    let outH = outputLength(input: H, kernel: kernel.height, stride: s.height, padding: p.padding.height, dilation: d.height)!
    let outW = outputLength(input: W, kernel: kernel.width, stride: s.width, padding: p.padding.width, dilation: d.width)!
    let xPad = pad(x, p.padding)
    var result = Tensor(zeros: [Cg * kernel.height * kernel.width, N * outH * outW])
    for c in 0..<Cg {
        for a in 0..<kernel.height {
            for bb in 0..<kernel.width {
                let row = (c * kernel.height + a) * kernel.width + bb
                for n in 0..<N {
                    for i in 0..<outH {
                        for j in 0..<outW {
                            result[row, (n * outH + i) * outW + j] =
                                xPad[n, group * Cg + c, s.height * i + d.height * a, s.width * j + d.width * bb]
                        }
                    }
                }
            }
        }
    }
    return result
}
checkAgreement("im2col written out vs the engine's im2col", im2colLoop(x, kernel: 2), cols)

// MARK: block 8, 10-fast.md line 201
let xB = Tensor.ramp(shape: [1, 1, 4, 4], start: 1)
let paramsB = ConvParameters(stride: 2, padding: 1)
let colsB = im2col(xB, kernelHeight: 3, kernelWidth: 3, paramsB)
showWindows(xB.slice(0).slice(0), kernel: 3, paramsB, limit: colsB.shape[1],
            "The \(colsB.shape[1]) windows of a 3 × 3 filter, stride 2, padding 1")
show(colsB, "im2col for stride 2, padding 1")
checkAgreement("im2col written out vs the engine's im2col (stride 2, padding 1)",
               im2colLoop(xB, kernel: 3, paramsB), colsB)
// The pixels are numbered from 1, so a zero in a column is a cell on the padding.
let zerosPerWindowB = (0..<colsB.shape[1]).map { q in (0..<colsB.shape[0]).filter { colsB[$0, q] == 0 }.count }
let outSideB = outputLength(input: xB.shape[2], kernel: 3, stride: 2, padding: 1)!
print("10-fast.md line 215:", outSideB)
print("10-fast.md line 215:", outSideB)
print("10-fast.md line 216:", zerosPerWindowB.filter { $0 > 0 }.count)
print("10-fast.md line 217:", colsB.shape[1])
print("10-fast.md line 219:", zerosPerWindowB[0])
print("10-fast.md line 219:", colsB.shape[0])

// MARK: block 9, 10-fast.md line 240
let w = Tensor(batch: [[[[1, 0], [0, -1]], [[0, 1], [1, 0]]],
                       [[[2, 1], [0, 0]], [[0, 0], [-1, 1]]]])      // (F, C, HH, WW) = (2, 2, 2, 2)
let b = Tensor(vector: [1, -2])
let (F, N) = (w.shape[0], x.shape[0])
let wMat = w.reshaped([F, w.count / F])                              // F × C·HH·WW
var yMat = matmul(wMat, cols)
for f in 0..<F {
    for q in 0..<yMat.shape[1] { yMat[f, q] += b[f] }
}
show(yMat, "Y_mat = W_mat · cols + b 1ᵀ")
print("10-fast.md line 253:", b[0])
print("10-fast.md line 253:", b[1])
print("10-fast.md line 256:", wMat)
print("10-fast.md line 256:", b.reshaped([F, 1]))
print("10-fast.md line 256:", yMat)
print("10-fast.md line 260:", perImage)
print("10-fast.md line 261:", perImage)

// MARK: block 10, 10-fast.md line 268
let y = swapFilterAndChannelAxes(yMat.reshaped([F, N, outSide, outSide]))   // (F, N, H', W') → (N, F, H', W')
let forwardDiff = checkAgreement("W_mat · cols + b, axes swapped, vs convForward", y, convForward(x, w, b))
let plainReshape = yMat.reshaped([N, F, outSide, outSide])
// With one image the two orders agree: (F, 1, H', W') and (1, F, H', W') hold the same numbers in the same order.
let oneImage = matmul(wMat, im2col(x.slice(0).reshaped([1] + x.shape.dropFirst()), kernelHeight: 2, kernelWidth: 2))
precondition(swapFilterAndChannelAxes(oneImage.reshaped([F, 1, outSide, outSide])).scalars
             == oneImage.reshaped([1, F, outSide, outSide]).scalars, "with N = 1 the swap changes nothing")
print("10-fast.md line 278:", forwardDiff)
print("10-fast.md line 286:", plainReshape.maxAbsDifference(y))

// MARK: block 11, 10-fast.md line 334
let dy = Tensor(batch: [[[[1, -1], [0, 2]], [[0, 1], [1, -1]]],
                        [[[2, 0], [-1, 1]], [[1, 1], [0, -2]]]])    // (N, F, H', W') = (2, 2, 2, 2)
let dyMat = swapFilterAndChannelAxes(dy).reshaped([F, dy.count / F])       // (F, N·H'·W')
let dwMat = matmul(dyMat, transposed(cols))
let db = matmul(dyMat, Tensor(repeating: 1, shape: [dyMat.shape[1], 1])).reshaped([F])
let dcols = matmul(transposed(wMat), dyMat)
show(dyMat, "dY_mat")
show(dcols, "dcols = W_matᵀ · dY_mat")
let loops = convBackward(dy, x, w)
checkAgreement("dw: dY_mat · colsᵀ, reshaped, vs loops", dwMat.reshaped(w.shape), loops.dw)
checkAgreement("db: row sums of dY_mat vs loops", db, loops.db)

// MARK: block 12, 10-fast.md line 378
let coverCounts = col2im(Tensor(repeating: 1, shape: cols.shape), inputShape: x.shape,
                         kernelHeight: 2, kernelWidth: 2)
show(coverCounts.slice(0).slice(0), "col2im of all ones: windows covering each pixel (2 × 2 filter)")
let coverCountsB = col2im(Tensor(repeating: 1, shape: colsB.shape), inputShape: xB.shape,
                          kernelHeight: 3, kernelWidth: 3, paramsB)
show(coverCountsB.slice(0).slice(0), "the same for the 3 × 3 filter, stride 2, padding 1")
// Along one axis of the second example: how many windows cover each row of x.
let rowCoverB = (0..<xB.shape[2]).map { u in
    (0..<outSideB).filter { i in 2 * i - 1 <= u && u <= 2 * i - 1 + 2 }.count
}
let overlapRowsB = rowCoverB.indices.filter { rowCoverB[$0] > 1 }
let coverValuesB = Array(Set(coverCountsB.scalars.map { Int($0) })).sorted()
let cornerCounts = [coverCounts[0, 0, 0, 0], coverCounts[0, 0, 0, 2], coverCounts[0, 0, 2, 0], coverCounts[0, 0, 2, 2]]
precondition(Set(cornerCounts).count == 1 && Int(cornerCounts[0]) == cornerColumns.count
             && Int(coverCounts[0, 0, 1, 1]) == centreColumns.count, "the cover counts match the copies counted above")
precondition((0..<xB.shape[2]).allSatisfy { u in (0..<xB.shape[3]).allSatisfy { v in
    coverCountsB[0, 0, u, v] == Double(rowCoverB[u] * rowCoverB[v]) } }, "the counts multiply across the axes")
print("10-fast.md line 399:", Int(coverCounts[0, 0, 1, 1]))
print("10-fast.md line 400:", Int(cornerCounts[0]))
print("10-fast.md line 402:", listed(overlapRowsB))
print("10-fast.md line 402:", listed(overlapRowsB))
print("10-fast.md line 403:", listed(coverValuesB.filter { $0 > 1 }, "or"))
print("10-fast.md line 408:", listed(coverValuesB, "and"))

// MARK: block 13, 10-fast.md line 422
let dx = col2im(dcols, inputShape: x.shape, kernelHeight: 2, kernelWidth: 2)
let dxDiff = checkAgreement("dx: col2im(W_matᵀ · dY_mat) vs loops", dx, loops.dx)
show(dx, "dx")
print("10-fast.md line 429:", dxDiff)

// MARK: block 14, 10-fast.md line 441
let xR = Tensor.randomNormal(shape: [1, 1, 4, 4], seed: 1)
let mR = Tensor.randomNormal(shape: colsB.shape, seed: 2)
let lhs = im2col(xR, kernelHeight: 3, kernelWidth: 3, paramsB).dot(mR)
let rhs = xR.dot(col2im(mR, inputShape: xR.shape, kernelHeight: 3, kernelWidth: 3, paramsB))
let adjointDiff = checkAgreement("⟨im2col(x), V⟩ vs ⟨x, col2im(V)⟩", Tensor(vector: [lhs]), Tensor(vector: [rhs]))
print("10-fast.md line 449:", lhs)
print("10-fast.md line 449:", rhs)
print("10-fast.md line 450:", adjointDiff)

// MARK: block 15, 10-fast.md line 452
/// How many windows of a k × k filter, stride 1, cover the centre pixel of a large image.
func interiorCover(_ k: Int) -> Double {
    let side = 2 * k + 1
    let ones = Tensor(repeating: 1, shape: im2col(Tensor(zeros: [1, 1, side, side]), kernelHeight: k, kernelWidth: k).shape)
    return col2im(ones, inputShape: [1, 1, side, side], kernelHeight: k, kernelWidth: k)[0, 0, k, k]
}
let interiorCover3 = interiorCover(3), interiorCover7 = interiorCover(7)
print("10-fast.md line 466:", Int(interiorCover3))

// MARK: block 16, 10-fast.md line 492
/// Rows `range` of a matrix.
func rows(_ M: Tensor, _ range: Range<Int>) -> Tensor {
    window(M, rowStart: range.lowerBound, rows: range.count, columnStart: 0, columns: M.shape[1])
}
/// Stacks matrices of equal width on top of each other.
func stackRows(_ parts: [Tensor]) -> Tensor {
    Tensor(shape: [parts.map { $0.shape[0] }.reduce(0, +), parts[0].shape[1]], scalars: parts.flatMap { $0.scalars })
}

func forwardByMatrices(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ p: ConvParameters) -> Tensor {
    let (N, F, HH, WW) = (x.shape[0], w.shape[0], w.shape[2], w.shape[3])
    let Fg = F / p.groups
    let wMat = w.reshaped([F, w.count / F])
    var parts = [Tensor]()
    for k in 0..<p.groups {
        parts.append(matmul(rows(wMat, (k * Fg)..<((k + 1) * Fg)),
                            im2col(x, kernelHeight: HH, kernelWidth: WW, group: k, p)))
    }
    var yMat = stackRows(parts)                                   // F × N·H'·W'
    for f in 0..<F {
        for q in 0..<yMat.shape[1] { yMat[f, q] += b[f] }
    }
    let Q = yMat.shape[1] / N                                      // H'·W'
    let outW = outputLength(input: x.shape[3], kernel: WW, stride: p.stride.width,
                            padding: p.padding.width, dilation: p.dilation.width)!
    return swapFilterAndChannelAxes(yMat.reshaped([F, N, Q / outW, outW]))
}

func backwardByMatrices(_ dy: Tensor, _ x: Tensor, _ w: Tensor, _ p: ConvParameters) -> ConvGradients {
    let (F, HH, WW) = (w.shape[0], w.shape[2], w.shape[3])
    let Fg = F / p.groups
    let wMat = w.reshaped([F, w.count / F])
    let dyMat = swapFilterAndChannelAxes(dy).reshaped([F, dy.count / F])
    let db = matmul(dyMat, Tensor(repeating: 1, shape: [dyMat.shape[1], 1])).reshaped([F])
    var dwParts = [Tensor]()
    var dx = Tensor(zeros: x.shape)
    for k in 0..<p.groups {
        let filters = (k * Fg)..<((k + 1) * Fg)
        let colsK = im2col(x, kernelHeight: HH, kernelWidth: WW, group: k, p)
        dwParts.append(matmul(rows(dyMat, filters), transposed(colsK)))
        let dcolsK = matmul(transposed(rows(wMat, filters)), rows(dyMat, filters))
        dx += col2im(dcolsK, inputShape: x.shape, kernelHeight: HH, kernelWidth: WW, group: k, p)
    }
    return ConvGradients(dx: dx, dw: stackRows(dwParts).reshaped(w.shape), db: db)
}

// MARK: block 17, 10-fast.md line 548
let xL = Tensor.randomNormal(shape: [2, 4, 9, 8], seed: 11)
let wL = Tensor.randomNormal(shape: [6, 2, 3, 3], seed: 12)
let bL = Tensor.randomNormal(shape: [6], seed: 13)
let pL = ConvParameters(stride: 2, padding: 1, groups: 2)
let yL = convForward(xL, wL, bL, pL)
let dyL = Tensor.randomNormal(shape: yL.shape, seed: 14)
let loopsL = convBackward(dyL, xL, wL, pL)
let oursL = backwardByMatrices(dyL, xL, wL, pL)
let fastL = convBackwardIm2col(dyL, xL, wL, pL)
print("y has shape", yL.shape, "; per group, cols is", im2col(xL, kernelHeight: 3, kernelWidth: 3, group: 1, pL).shape)
checkAgreement("im2col written out vs im2col, group 1", im2colLoop(xL, kernel: 3, group: 1, pL),
               im2col(xL, kernelHeight: 3, kernelWidth: 3, group: 1, pL))
checkAgreement("forward: our products vs loops", forwardByMatrices(xL, wL, bL, pL), yL)
checkAgreement("dx: our products + col2im vs loops", oursL.dx, loopsL.dx)
checkAgreement("dw: our products vs loops", oursL.dw, loopsL.dw)
checkAgreement("db: our products vs loops", oursL.db, loopsL.db)
let fastForwardDiff = checkAgreement("forward: convForwardIm2col vs convForward", convForwardIm2col(xL, wL, bL, pL), yL)
let fastDx = checkAgreement("dx: convBackwardIm2col vs convBackward", fastL.dx, loopsL.dx)
let fastDw = checkAgreement("dw: convBackwardIm2col vs convBackward", fastL.dw, loopsL.dw)
let fastDb = checkAgreement("db: convBackwardIm2col vs convBackward", fastL.db, loopsL.db)
let widthSpanL = xL.shape[3] + 2 * pL.padding.width - wL.shape[3]
let widthLeftL = widthSpanL % pL.stride.width
precondition(widthLeftL == 1 && widthLeftL <= pL.padding.width, "one unread column of x_pad, and it is padding")
print("10-fast.md line 575:", widthSpanL)
print("10-fast.md line 575:", pL.stride.width)
print("10-fast.md line 576:", widthLeftL)
print("10-fast.md line 578:", max(fastForwardDiff, fastDx, fastDw, fastDb))

// MARK: block 18, 10-fast.md line 585
let pD = ConvParameters(stride: 2, padding: 1, dilation: HW(height: 2, width: 1), groups: 2)
let dyD = Tensor.randomNormal(shape: convForward(xL, wL, bL, pD).shape, seed: 15)
checkAgreement("im2col written out vs im2col, dilation (2, 1)", im2colLoop(xL, kernel: 3, group: 0, pD),
               im2col(xL, kernelHeight: 3, kernelWidth: 3, group: 0, pD))
checkAgreement("forward: convForwardIm2col vs convForward, dilation (2, 1)",
               convForwardIm2col(xL, wL, bL, pD), convForward(xL, wL, bL, pD))
checkAgreement("dx: convBackwardIm2col vs convBackward, dilation (2, 1)",
               convBackwardIm2col(dyD, xL, wL, pD).dx, convBackward(dyD, xL, wL, pD).dx)

// MARK: block 19, 10-fast.md line 603
let xG = Tensor.randomNormal(shape: [2, 2, 5, 6], seed: 21)
let wG = Tensor.randomNormal(shape: [4, 1, 3, 3], seed: 22)
let bG = Tensor.randomNormal(shape: [4], seed: 23)
let pG = ConvParameters(stride: 2, padding: 1, groups: 2)
let dyG = Tensor.randomNormal(shape: convForwardIm2col(xG, wG, bG, pG).shape, seed: 24)
let fastG = convBackwardIm2col(dyG, xG, wG, pG)
let fastCheck = checkGradients(
    ("dx", fastG.dx, numericalGradient(of: { convForwardIm2col($0, wG, bG, pG) }, at: xG, upstream: dyG)),
    ("dw", fastG.dw, numericalGradient(of: { convForwardIm2col(xG, $0, bG, pG) }, at: wG, upstream: dyG)),
    ("db", fastG.db, numericalGradient(of: { convForwardIm2col(xG, wG, $0, pG) }, at: bG, upstream: dyG)))
print("10-fast.md line 616:", fastCheck.worst)

// MARK: block 20, 10-fast.md line 646
let (Nb, Cb, Hb, Wb, Fb, HHb, WWb) = (8, 16, 32, 32, 32, 3, 3)
let pBench = ConvParameters(stride: 1, padding: 1)
let benchCols = im2col(Tensor(zeros: [Nb, Cb, Hb, Wb]), kernelHeight: HHb, kernelWidth: WWb, pBench)
let outHb = outputLength(input: Hb, kernel: HHb, stride: 1, padding: 1)!
let outWb = outputLength(input: Wb, kernel: WWb, stride: 1, padding: 1)!
let forwardFlops = 2 * Nb * Fb * Cb * HHb * WWb * outHb * outWb
let productFlops = 2 * benchCols.shape[0] * benchCols.shape[1] * Fb      // 2 · (C·HH·WW) · (N·H'·W') · F
let megabytes = { (count: Int) in Double(count * 8) / 1_000_000 }
let counts: [(String, [Int])] = [
    ("x", [Nb, Cb, Hb, Wb]), ("w", [Fb, Cb, HHb, WWb]), ("y", [Nb, Fb, outHb, outWb]),
    ("cols (whole batch)", benchCols.shape), ("cols (one image)", [benchCols.shape[0], outHb * outWb]),
]
showTable(["array", "shape", "numbers", "MB as float64"],
          counts.map { name, shape in [name, shape.map(String.init).joined(separator: " × "),
                                       shape.reduce(1, *), megabytes(shape.reduce(1, *))] },
          "memory of the benchmark layer")
showTable(["computation", "matrix product", "FLOPs"],
          [["forward", "W_mat (F × C·HH·WW) · cols (C·HH·WW × N·H'·W')", forwardFlops],
           ["backward, dw", "dY_mat (F × N·H'·W') · colsᵀ (N·H'·W' × C·HH·WW)", productFlops],
           ["backward, dcols", "W_matᵀ (C·HH·WW × F) · dY_mat (F × N·H'·W')", productFlops],
           ["backward, total", "", 2 * productFlops]],
          "floating-point operations of the benchmark layer")
let colsToInput = Double(benchCols.count) / Double(Nb * Cb * Hb * Wb)
precondition(productFlops == forwardFlops, "the product's count is the loops' count")
precondition(benchCols.count > Nb * Cb * Hb * Wb + Fb * Cb * HHb * WWb + Nb * Fb * outHb * outWb,
             "the im2col matrix is larger than x, w and y together")
print("10-fast.md line 675:", Nb)
print("10-fast.md line 675:", Cb)
print("10-fast.md line 676:", Hb)
print("10-fast.md line 676:", Wb)
print("10-fast.md line 676:", Fb)
print("10-fast.md line 677:", HHb)
print("10-fast.md line 677:", WWb)
print("10-fast.md line 677:", pBench.stride.height)
print("10-fast.md line 678:", pBench.padding.height)
print("10-fast.md line 678:", Double(forwardFlops) / 1e6)
print("10-fast.md line 680:", benchCols.shape[0])
print("10-fast.md line 680:", benchCols.shape[1])
print("10-fast.md line 680:", Fb)
print("10-fast.md line 682:", Double(2 * productFlops) / 1e6)
print("10-fast.md line 684:", megabytes(Nb * Cb * Hb * Wb))
print("10-fast.md line 685:", megabytes(benchCols.count))
print("10-fast.md line 686:", colsToInput)
print("10-fast.md line 686:", pBench.stride.height)
print("10-fast.md line 687:", HHb)
print("10-fast.md line 687:", WWb)
print("10-fast.md line 688:", HHb * WWb)
print("10-fast.md line 693:", megabytes(benchCols.shape[0] * outHb * outWb))
print("10-fast.md line 708:", Int(interiorCover7))

// MARK: block 21, 10-fast.md line 738
let xE = Tensor.ramp(shape: [1, 3, 5, 5], start: 1)   // every pixel a different number
let colsE = im2col(xE, kernelHeight: 3, kernelWidth: 3, ConvParameters(stride: 2, padding: 1))
let outSideE = outputLength(input: 5, kernel: 3, stride: 2, padding: 1)!
// Windows i = 0, 1, … of 3 rows, one every 2 rows of x_pad, that hold row 1 + p = 2.
let windowsHoldingRow = (0..<outSideE).filter { (2 * $0..<(2 * $0 + 3)).contains(2) }.count
print("10-fast.md line 747:", outSideE)
print("10-fast.md line 747:", outSideE)
print("10-fast.md line 748:", colsE.shape)
print("10-fast.md line 749:", windowsHoldingRow)
print("10-fast.md line 751:", colsE.scalars.filter { $0 == xE[0, 0, 1, 1] }.count)

// MARK: block 22, 10-fast.md line 762
let benchColsStride2 = im2col(Tensor(zeros: [Nb, Cb, Hb, Wb]), kernelHeight: HHb, kernelWidth: WWb,
                              ConvParameters(stride: 2, padding: 1))
let colsToInputStride2 = Double(benchColsStride2.count) / Double(Nb * Cb * Hb * Wb)
print("10-fast.md line 769:", outputLength(input: Hb, kernel: HHb, stride: 2, padding: 1)!)
print("10-fast.md line 770:", outputLength(input: Wb, kernel: WWb, stride: 2, padding: 1)!)
print("10-fast.md line 771:", benchColsStride2.shape[0])
print("10-fast.md line 772:", benchColsStride2.shape[1])
print("10-fast.md line 773:", benchCols.shape[1])
print("10-fast.md line 773:", colsToInputStride2)
print("10-fast.md line 774:", megabytes(benchColsStride2.count))
print("10-fast.md line 775:", colsToInput)
print("10-fast.md line 776:", colsToInput / colsToInputStride2)

// MARK: block 23, 10-fast.md line 791
func col2imStoring(_ dcols: Tensor, inputShape shape: [Int], kernel k: Int) -> Tensor {
    let (N, C, H, W) = (shape[0], shape[1], shape[2], shape[3])
    let (outH, outW) = (H - k + 1, W - k + 1)
    var dx = Tensor(zeros: shape)
    for c in 0..<C { for a in 0..<k { for bb in 0..<k {
        for n in 0..<N { for i in 0..<outH { for j in 0..<outW {
            dx[n, c, i + a, j + bb] = dcols[(c * k + a) * k + bb, (n * outH + i) * outW + j]   // = instead of +=
        } } }
    } } }
    return dx
}
let (wRandom, dyRandom) = (Tensor.randomNormal(shape: w.shape, seed: 5), Tensor.randomNormal(shape: dy.shape, seed: 6))
let dcolsRandom = matmul(transposed(wRandom.reshaped([F, w.count / F])),
                         swapFilterAndChannelAxes(dyRandom).reshaped([F, dyRandom.count / F]))
let dxStored = col2imStoring(dcolsRandom, inputShape: x.shape, kernel: 2)
let dxTrue = convBackward(dyRandom, x, wRandom).dx
let wrongEntries = dxStored.scalars.indices.filter { dxStored.scalars[$0] != dxTrue.scalars[$0] }
precondition(wrongEntries == coverCounts.scalars.indices.filter { coverCounts.scalars[$0] > 1 },
             "the wrong entries are no longer exactly the pixels under more than one window")
let storedFromChaptersDy = col2imStoring(dcols, inputShape: x.shape, kernel: 2)
print("10-fast.md line 814:", wrongEntries.count)
print("10-fast.md line 814:", x.count)
print("10-fast.md line 817:", coverCounts.scalars.filter { $0 > 1 }.count)
print("10-fast.md line 822:", storedFromChaptersDy.scalars.indices.filter { storedFromChaptersDy.scalars[$0] != loops.dx.scalars[$0] }.count)
