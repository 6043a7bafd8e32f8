// Beyond: dilation, groups, transposed convolution
// The code of 08-beyond.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release 08-beyond.swift -o 08-beyond
//   ./08-beyond
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify 08-beyond

import ConvEngine
import ConvbookRuntime

// MARK: block 1, 08-beyond.md line 23
/// A matrix as a batch of one image with one channel: (1, 1, H, W).
func asBatch(_ m: Tensor) -> Tensor { m.reshaped([1, 1] + m.shape) }
/// The one matrix of a (1, 1, H, W) batch.
func plane(_ t: Tensor) -> Tensor { t.slice(0).slice(0) }

// MARK: block 2, 08-beyond.md line 30
/// "rows × columns" of a matrix (or the last two axes of a batch), for the prose.
func dims(_ t: Tensor) -> String { t.shape.suffix(2).map(String.init).joined(separator: " × ") }
/// Integers as prose: "5", "0 and 2", "0, 2 and 4".
func listed(_ xs: [Int], _ last: String = "and") -> String {
    let words = xs.map(String.init)
    return words.count < 2 ? words.joined() : words.dropLast().joined(separator: ", ") + " \(last) " + words.last!
}

// MARK: block 3, 08-beyond.md line 55
/// The tensor of the given shape that is 1 at flat position k and 0 elsewhere.
func oneHot(_ shape: [Int], _ k: Int) -> Tensor {
    var e = Tensor(zeros: shape)
    e.scalars[k] = 1
    return e
}

/// The matrix of a linear map: column k is the flattened image of the k-th one-hot input.
func matrixOf(_ f: (Tensor) -> Tensor, inputShape: [Int]) -> Tensor {
    let count = inputShape.reduce(1, *)
    let columns = (0..<count).map { f(oneHot(inputShape, $0)).scalars }
    var m = Tensor(zeros: [columns[0].count, count])
    for k in 0..<count {
        for row in 0..<columns[k].count { m[row, k] = columns[k][row] }
    }
    return m
}

func transposed(_ m: Tensor) -> Tensor {
    var t = Tensor(zeros: [m.shape[1], m.shape[0]])
    for i in 0..<m.shape[0] {
        for j in 0..<m.shape[1] { t[j, i] = m[i, j] }
    }
    return t
}

// MARK: block 4, 08-beyond.md line 88
let w3 = Tensor(matrix: [[1, 2, 0], [-1, 1, 3], [2, 0, -2]])
let side4 = 4
let layerMatrix = matrixOf({ convForward($0, asBatch(w3)) }, inputShape: [1, 1, side4, side4])
show(layerMatrix, "M")

// MARK: block 5, 08-beyond.md line 95
let outSide4 = outputLength(input: side4, kernel: w3.shape[0])!
/// Row q of M, as an array.
func rowOfM(_ q: Int) -> [Double] { (0..<layerMatrix.shape[1]).map { layerMatrix[q, $0] } }
/// The row moved k places to the right, zeros entering on the left.
func shifted(_ row: [Double], by k: Int) -> [Double] { Array(repeating: 0, count: k) + row.dropLast(k) }
precondition(rowOfM(1) == shifted(rowOfM(0), by: 1) && rowOfM(outSide4) == shifted(rowOfM(0), by: side4),
             "the second row of M is the first shifted by one pixel, the row for output (1, 0) by one image row")
print("08-beyond.md line 105:", outSide4)
print("08-beyond.md line 105:", outSide4)
print("08-beyond.md line 106:", layerMatrix.shape[0])
print("08-beyond.md line 107:", layerMatrix.shape[1])
print("08-beyond.md line 108:", w3.count)
print("08-beyond.md line 111:", side4)
print("08-beyond.md line 114:", side4 * side4 - 1)

// MARK: block 6, 08-beyond.md line 118
showWindows(Tensor.ramp(shape: [side4, side4]), kernel: 3, limit: layerMatrix.shape[0],
            "Pixel numbers k of the \(side4) × \(side4) input under the window of each output; output (i, j) is row \(outSide4)i + j of M, and it holds the \(w3.count) weights of w in the highlighted columns k")
print("08-beyond.md line 124:", windowTaps(outputRow: 0, outputColumn: 0, kernelHeight: 3, kernelWidth: 3).map { String($0.row * side4 + $0.column) }.joined(separator: ", "))
print("08-beyond.md line 125:", outSide4)
print("08-beyond.md line 126:", windowTaps(outputRow: 1, outputColumn: 0, kernelHeight: 3, kernelWidth: 3).map { String($0.row * side4 + $0.column) }.joined(separator: ", "))
print("08-beyond.md line 127:", side4)

// MARK: block 7, 08-beyond.md line 130
var mFromWindows = Tensor(zeros: layerMatrix.shape)
for q in 0..<layerMatrix.shape[0] {
    let taps = windowTaps(outputRow: q / outSide4, outputColumn: q % outSide4, kernelHeight: 3, kernelWidth: 3)
    for (tap, pixel) in taps.enumerated() {
        mFromWindows[q, pixel.row * side4 + pixel.column] = w3.scalars[tap]
    }
}
checkAgreement("M placed by the windows vs M from one-hot inputs", mFromWindows, layerMatrix)

// MARK: block 8, 08-beyond.md line 153
let x4 = Tensor.randomNormal(shape: [1, 1, side4, side4], seed: 1)   // dx does not depend on x
let backwardMatrix = matrixOf({ convBackward($0, x4, asBatch(w3)).dx }, inputShape: [1, 1, outSide4, outSide4])
show(backwardMatrix, "matrix of the backward pass")
let transposeDiff = checkAgreement("matrix of the backward pass vs Mᵀ", backwardMatrix, transposed(layerMatrix))
print("08-beyond.md line 160:", backwardMatrix.shape[1])
print("08-beyond.md line 161:", layerMatrix.shape[0])
print("08-beyond.md line 164:", transposeDiff)

// MARK: block 9, 08-beyond.md line 179
let xs = Tensor.randomNormal(shape: [1, 2, 5, 4], seed: 2)
let ws = Tensor.randomNormal(shape: [3, 2, 3, 3], seed: 3)
let ps = ConvParameters(stride: 2, padding: 1)
let ys = convForward(xs, ws, nil, ps)
let bigM = matrixOf({ convForward($0, ws, nil, ps) }, inputShape: xs.shape)
let bigB = matrixOf({ convBackward($0, xs, ws, ps).dx }, inputShape: ys.shape)
print("M is", bigM.shape[0], "×", bigM.shape[1], "; the backward matrix is", bigB.shape[0], "×", bigB.shape[1])
checkAgreement("backward matrix vs Mᵀ (2 channels, 3 filters, s = 2, p = 1)", bigB, transposed(bigM))
let rowsLeft = (xs.shape[2] + 2 * ps.padding.height - ws.shape[2]) % ps.stride.height
let columnsLeft = (xs.shape[3] + 2 * ps.padding.width - ws.shape[3]) % ps.stride.width
precondition(rowsLeft == 0 && columnsLeft == 1 && columnsLeft <= ps.padding.width,
             "one column of x_pad lies right of the last window, and it is padding")
// Pixels of x whose gradient is exactly zero for a dense random dy: none are lost.
let dxs = convBackward(Tensor.randomNormal(shape: ys.shape, seed: 5), xs, ws, ps).dx
let lostPixels = dxs.scalars.filter { $0 == 0 }.count
print("08-beyond.md line 197:", columnsLeft)
print("08-beyond.md line 198:", rowsLeft)
print("08-beyond.md line 200:", lostPixels)
print("08-beyond.md line 200:", dxs.count)

// MARK: block 10, 08-beyond.md line 208
/// A layer of the sweep: one image of two channels, H × 3, two filters of HH × 2, s, p and d on both axes.
func sweepLayer(_ c: Sweep.Setting) -> (x: Tensor, w: Tensor, parameters: ConvParameters) {
    (Tensor.randomNormal(shape: [1, 2, c.H, 3], seed: 51), Tensor.randomNormal(shape: [2, 2, c.HH, 2], seed: 52),
     ConvParameters(stride: HW(c.s), padding: HW(c.p), dilation: HW(c.d)))
}
/// Stated: Mᵀ, M built from one-hot inputs of the forward pass.
func transposedLayerMatrix(_ c: Sweep.Setting) -> [Double] {
    let layer = sweepLayer(c)
    return transposed(matrixOf({ convForward($0, layer.w, nil, layer.parameters) }, inputShape: layer.x.shape)).scalars
}
/// Measured: the matrix of the engine's backward pass, from one-hot dy's.
func backwardMatrix(_ c: Sweep.Setting) -> [Double] {
    let layer = sweepLayer(c)
    let yShape: [Int] = convForward(layer.x, layer.w, nil, layer.parameters).shape
    return matrixOf({ convBackward($0, layer.x, layer.w, layer.parameters).dx }, inputShape: yShape).scalars
}
let identityRule = checkRule("the backward pass is multiplication by Mᵀ",
                             over: Sweep(["H": 2...5, "HH": 1...3, "s": 1...3, "p": 0...1, "d": 1...2]),
                             where: { $0.H + 2 * $0.p >= $0.d * ($0.HH - 1) + 1 },
                             stated: transposedLayerMatrix, measured: backwardMatrix)
print("08-beyond.md line 231:", identityRule.checked)
print("08-beyond.md line 238:", outputLength(input: 5, kernel: 3, stride: 2, padding: 1)!)
print("08-beyond.md line 239:", outputLength(input: 6, kernel: 3, stride: 2, padding: 1)!)

// MARK: block 11, 08-beyond.md line 264
exploreParameters(input: 6, filter: 3, ConvParameters(stride: 2, padding: 1), label: "transposed-size")

// MARK: block 12, 08-beyond.md line 278
let (sizesH, tapsHH, stridesS, paddingsP, dilationsD) = (5...9, 1...3, 1...3, 0...3, 1...2)
let transposedSweep = Sweep(["H": sizesH, "HH": tapsHH, "s": stridesS, "p": paddingsP, "d": dilationsD])
/// The span d(HH − 1) + 1 of the sweep's filter.
func span(_ c: Sweep.Setting) -> Int { c.d * (c.HH - 1) + 1 }
let fitsT: (Sweep.Setting) -> Bool = { $0.H + 2 * $0.p >= span($0) }
/// Stated: H′ and r by the formulas.
func outRows(_ c: Sweep.Setting) -> Int { (c.H + 2 * c.p - span(c)) / c.s + 1 }
func remainder(_ c: Sweep.Setting) -> Int { (c.H + 2 * c.p - span(c)) % c.s }
/// The engine's dx for a dense random dy, on the sweep's layer down the rows of a (1, 1, rows, 1) batch.
func engineDx(_ c: Sweep.Setting, input: Tensor, padding: Int) -> Tensor {
    let filter = Tensor.randomNormal(shape: [1, 1, c.HH, 1], seed: 42)
    let layer = ConvParameters(stride: HW(height: c.s, width: 1), padding: HW(height: padding, width: 0),
                               dilation: HW(height: c.d, width: 1))
    let dyShape: [Int] = convForward(input, filter, nil, layer).shape
    return convBackward(Tensor.randomNormal(shape: dyShape, seed: 43), input, filter, layer).dx
}
/// Measured: the rows u of x_pad whose gradient is exactly zero.
func unreadPadded(_ c: Sweep.Setting) -> [Int] {
    let xPadded = pad(Tensor.randomNormal(shape: [1, 1, c.H, 1], seed: 41), HW(height: c.p, width: 0))
    let dxPad = engineDx(c, input: xPadded, padding: 0)
    return (0..<xPadded.shape[2]).filter { dxPad[0, 0, $0, 0] == 0 }
}
/// Measured: how many rows of x_pad come after the last one that gets a gradient.
func rowsPastLastWindow(_ c: Sweep.Setting) -> Int {
    let unread = Set(unreadPadded(c))
    var count = 0
    while unread.contains(c.H + 2 * c.p - 1 - count) { count += 1 }
    return count
}
/// Measured: the rows of the engine's dx.
func dxRows(_ c: Sweep.Setting) -> Int {
    engineDx(c, input: Tensor.randomNormal(shape: [1, 1, c.H, 1], seed: 41), padding: c.p).shape[2]
}
let remainderRule = checkRule("r = (H + 2p − span) mod s rows of x_pad past the last window", over: transposedSweep,
                              where: fitsT, stated: remainder, measured: rowsPastLastWindow)
let sizeRule = checkRule("H = s(H′ − 1) + r + span − 2p", over: transposedSweep, where: fitsT,
                         stated: { $0.s * (outRows($0) - 1) + remainder($0) + span($0) - 2 * $0.p }, measured: dxRows)
var sizeRows = [[Any]]()
for c in transposedSweep where c.H >= 7 && c.H <= 8 && c.HH >= 2 && c.s >= 2 && c.p <= 1 && c.d == 1 {
    let unread = unreadPadded(c)
    sizeRows.append([c.H, c.HH, c.s, c.p, outRows(c), rowsPastLastWindow(c), unread.count,
                     c.s * (outRows(c) - 1) + c.HH - 2 * c.p, dxRows(c)])
}
showTable(["H", "HH", "s", "p", "H′", "r: rows past the last window", "rows of x_pad unread", "s(H′−1)+HH−2p",
           "rows of dx"], sizeRows)

// MARK: block 13, 08-beyond.md line 326
/// "5 to 9", for the prose.
func spanned(_ r: ClosedRange<Int>) -> String { "\(r.lowerBound) to \(r.upperBound)" }
/// The first layer of the sweep where the stride leaves rows between windows unread, and r is 0.
let gapExample = transposedSweep.first { fitsT($0) && $0.HH >= 2 && $0.d == 1 && remainder($0) == 0 && unreadPadded($0).count > 0 }!
/// "row 2", "rows 1 and 3", for the prose.
func rowsNamed(_ rows: [Int]) -> String { (rows.count == 1 ? "row " : "rows ") + listed(rows) }
print("08-beyond.md line 335:", sizeRule.checked)
print("08-beyond.md line 336:", spanned(sizesH))
print("08-beyond.md line 336:", spanned(tapsHH))
print("08-beyond.md line 337:", spanned(stridesS))
print("08-beyond.md line 337:", spanned(paddingsP))
print("08-beyond.md line 338:", spanned(dilationsD))
print("08-beyond.md line 342:", gapExample.H)
print("08-beyond.md line 342:", gapExample.HH)
print("08-beyond.md line 343:", gapExample.s)
print("08-beyond.md line 343:", gapExample.p)
print("08-beyond.md line 344:", rowsNamed(unreadPadded(gapExample)))

// MARK: block 14, 08-beyond.md line 359
let (i6, k6, s6, pad6) = (6, 3, 2, 1)
let x6 = Tensor.randomNormal(shape: [1, 1, i6, i6], seed: 4)
let p6 = ConvParameters(stride: HW(s6), padding: HW(pad6))
let dy6 = Tensor(matrix: [[1, -1, 2], [0, 3, 1], [-2, 1, 1]])
let a6 = (i6 + 2 * pad6 - k6) % s6, edge = k6 - pad6 - 1
let stretched = pad(dilate(dy6, by: 2), top: edge, bottom: edge + a6, left: edge, right: edge + a6)
show(stretched, "stretched, padded dy")
let dxDirect = crossCorrelate(stretched, rotate180(w3))
checkAgreement("transposed convolution as a direct convolution vs dx of the loops",
               dxDirect, plane(convBackward(asBatch(dy6), x6, asBatch(w3), p6).dx))
print("08-beyond.md line 372:", i6)
print("08-beyond.md line 372:", k6)
print("08-beyond.md line 372:", s6)
print("08-beyond.md line 373:", pad6)
print("08-beyond.md line 375:", edge)
print("08-beyond.md line 375:", a6)

// MARK: block 15, 08-beyond.md line 378
showStrideDilation(dy6, stride: 2, "dy with s − 1 zeros between its entries: the middle of the stretched input")
showWindows(stretched, kernel: 3, limit: 6, name: "dx",
            "The rotated filter \(fmt(rotate180(w3))) over the stretched, padded dy; the window titled dx[u, v] sums to dx[u, v]")
// How many entries of dy (not inserted or padding zeros) each window holds.
let dyPositions = Set((0..<dy6.shape[0]).flatMap { i in (0..<dy6.shape[1]).map { j in
    (edge + s6 * i) * stretched.shape[1] + edge + s6 * j } })
let entriesPerWindow = (0..<dxDirect.shape[0]).flatMap { u in (0..<dxDirect.shape[1]).map { v in
    (0..<k6).flatMap { a in (0..<k6).map { bb in (u + a) * stretched.shape[1] + v + bb } }
        .filter { dyPositions.contains($0) }.count } }
let entryCounts = Array(Set(entriesPerWindow)).sorted()
print("08-beyond.md line 391:", w3.count)
print("08-beyond.md line 392:", listed(entryCounts, "or"))
print("08-beyond.md line 393:", entriesPerWindow.filter { $0 == 1 }.count)
print("08-beyond.md line 394:", entriesPerWindow.count)
print("08-beyond.md line 401:", "\(stretched.shape[0]) × \(stretched.shape[1])")
print("08-beyond.md line 402:", "\(dxDirect.shape[0]) × \(dxDirect.shape[1])")

// MARK: block 16, 08-beyond.md line 417
/// Pads a vector with `front` and `back` zeros, or crops it where an amount is negative.
func padOrCrop(_ v: [Double], front: Int, back: Int) -> [Double] {
    let grown = Array(repeating: 0.0, count: max(0, front)) + v + Array(repeating: 0.0, count: max(0, back))
    return Array(grown[max(0, -front)..<(grown.count - max(0, -back))])
}
/// Integer dy (of H′ entries) and w (of HH taps) for the sweep's layer.
func integerDy(_ c: Sweep.Setting) -> Tensor { Tensor(vector: (0..<outRows(c)).map { Double($0 % 5 - 2) }) }
func integerW(_ c: Sweep.Setting) -> Tensor { Tensor(vector: (0..<c.HH).map { Double(($0 * 3) % 4 - 1) }) }
/// Stated: the recipe, with the border span − p − 1 cropped where it is negative.
func directTransposed(_ c: Sweep.Setting) -> [Double] {
    let edge = span(c) - c.p - 1
    let input = padOrCrop(dilate(integerDy(c), by: HW(c.s)).scalars, front: edge, back: edge + remainder(c))
    return crossCorrelate(Tensor(vector: input), rotate180(integerW(c)), dilation: HW(c.d)).scalars
}
/// Measured: the engine's dx for the same dy and w.
func engineDxIntegers(_ c: Sweep.Setting) -> [Double] {
    let layer = ConvParameters(stride: HW(height: c.s, width: 1), padding: HW(height: c.p, width: 0),
                               dilation: HW(height: c.d, width: 1))
    let dyBatch = integerDy(c).reshaped([1, 1, outRows(c), 1]), wBatch = integerW(c).reshaped([1, 1, c.HH, 1])
    return convBackward(dyBatch, Tensor(zeros: [1, 1, c.H, 1]), wBatch, layer).dx.scalars
}
let directRule = checkRule("dx = stretched dy, border span − p − 1 (cropped if negative) + r, ⋆ rotated w",
                           over: transposedSweep, where: fitsT, stated: directTransposed, measured: engineDxIntegers)
let croppedLayers = transposedSweep.filter { fitsT($0) && $0.p >= span($0) }.count
print("08-beyond.md line 445:", directRule.checked)
print("08-beyond.md line 445:", croppedLayers)

// MARK: block 17, 08-beyond.md line 474
let wDilated = dilate(w3, by: 2)
show(wDilated, "dilate(w, by: 2)")
let x7 = Tensor.randomNormal(shape: [1, 1, 7, 7], seed: 5)
let dilated2 = ConvParameters(dilation: 2)
let yDilated = convForward(x7, asBatch(w3), nil, dilated2)
checkAgreement("dilation 2 vs the dilated kernel with dilation 1", yDilated, convForward(x7, asBatch(wDilated)))
let side7 = x7.shape[3]
precondition(yDilated.shape[2] == (side7 - dilated2.dilation.height * (w3.shape[0] - 1) - 1) / dilated2.stride.height + 1,
             "the output size of the dilated layer")
/// Measured: the length of dilate(w, by: d) for a filter of HH taps.
func dilatedLength(_ c: Sweep.Setting) -> Int { dilate(Tensor(repeating: 1, shape: [c.HH]), by: HW(c.d)).count }
/// Measured: window positions i = 0, 1, … counted while the last tap s·i + d(HH − 1) is inside x_pad.
func windowsThatFit(_ c: Sweep.Setting) -> Int {
    var count = 0
    while c.s * count + c.d * (c.HH - 1) < c.H + 2 * c.p { count += 1 }
    return count
}
let spanRule = checkRule("dilate(w, by: d) spans d(HH − 1) + 1 rows", over: transposedSweep,
                         stated: span, measured: dilatedLength)
let dilatedSizeRule = checkRule("H′ = ⌊(H + 2p − d(HH − 1) − 1)/s⌋ + 1", over: transposedSweep, where: fitsT,
                                stated: outRows, measured: windowsThatFit)
print("08-beyond.md line 498:", dims(w3))
print("08-beyond.md line 498:", dilated2.dilation.height)
print("08-beyond.md line 499:", dims(x7))
print("08-beyond.md line 500:", dims(wDilated))
print("08-beyond.md line 500:", w3.count)
print("08-beyond.md line 501:", dims(yDilated))
print("08-beyond.md line 503:", spanRule.checked)
print("08-beyond.md line 504:", dilatedSizeRule.checked)
print("08-beyond.md line 507:", side7)
print("08-beyond.md line 507:", w3.count)

// MARK: block 18, 08-beyond.md line 510
showWindows(Tensor.ramp(shape: [side7, side7]), kernel: 3, dilated2, limit: 2,
            "Dilation 2: the \(w3.count) taps of the 3 × 3 filter for y[0, 0] and y[0, 1], a \(dims(wDilated)) span with holes; the next window moves by the stride, \(dilated2.stride.width) pixel, not by the span")

// MARK: block 19, 08-beyond.md line 555
var cutRows = [[Any]]()
var cutDifferences = [Measured]()
for (n, k, s, d) in [(6, 3, 2, 1), (8, 2, 3, 2)] {
    let xCut = Tensor.randomNormal(shape: [n, n], seed: 21)
    let wCut = Tensor.randomNormal(shape: [k, k], seed: 22)
    let layer = ConvParameters(stride: HW(s), dilation: HW(d))
    let out = outputLength(input: n, kernel: k, stride: s, dilation: d)!
    let dyCut = Tensor.randomNormal(shape: [out, out], seed: 23)
    let loopsCut = convBackward(asBatch(dyCut), asBatch(xCut), asBatch(wCut), layer)
    // The formula as written: correlate x_pad with dilate(dy, s), take it with stride d ...
    let uncut = crossCorrelate(xCut, dilate(dyCut, by: HW(s)), stride: HW(d))
    // ... and cut it to its top-left HH × WW block.
    let cut = window(uncut, rowStart: 0, rows: k, columnStart: 0, columns: k)
    cutDifferences.append(checkAgreement("dw (s = \(s), d = \(d)): cut strided correlation vs loops", cut, plane(loopsCut.dw)))
    let setting = Sweep(["H": n...n, "HH": k...k, "s": s...s, "p": 0...0, "d": d...d]).first { _ in true }!
    let r = rowsPastLastWindow(setting)
    precondition(r >= d && r == remainder(setting), "r ≥ d, measured as the formula says")
    cutRows.append([n, k, s, d, r, "\(uncut.shape[0]) × \(uncut.shape[1])", "\(k) × \(k)"])
}
showTable(["H", "HH", "s", "d", "r (measured)", "without the cut", "dw"], cutRows)
/// Measured: the length of x_pad ⋆ dilate(dy, s) taken with stride d, on vectors.
func uncutLength(_ c: Sweep.Setting) -> Int {
    let spread = dilate(Tensor(repeating: 1, shape: [outRows(c)]), by: HW(c.s))
    return crossCorrelate(Tensor(repeating: 1, shape: [c.H + 2 * c.p]), spread, stride: HW(c.d)).count
}
/// Stated: the formula, cut, on integer x and dy.
func cutCorrelation(_ c: Sweep.Setting) -> [Double] {
    let xInts = Tensor(vector: (0..<c.H).map { Double(($0 * 2) % 7 - 3) })
    let spread = dilate(integerDy(c), by: HW(c.s))
    let uncut = crossCorrelate(pad(xInts, HW(c.p)), spread, stride: HW(c.d))
    return Array(uncut.scalars.prefix(c.HH))
}
/// Measured: the engine's dw for the same x and dy.
func engineDw(_ c: Sweep.Setting) -> [Double] {
    let layer = ConvParameters(stride: HW(height: c.s, width: 1), padding: HW(height: c.p, width: 0),
                               dilation: HW(height: c.d, width: 1))
    let xBatch = Tensor(vector: (0..<c.H).map { Double(($0 * 2) % 7 - 3) }).reshaped([1, 1, c.H, 1])
    let dyBatch = integerDy(c).reshaped([1, 1, outRows(c), 1])
    return convBackward(dyBatch, xBatch, Tensor(zeros: [1, 1, c.HH, 1]), layer).dw.scalars
}
let uncutRule = checkRule("the uncut correlation has HH + ⌊r/d⌋ entries", over: transposedSweep, where: fitsT,
                          stated: { $0.HH + remainder($0) / $0.d }, measured: uncutLength)
let cutRule = checkRule("dw = (x_pad ⋆ dilate(dy, s)) with stride d, cut to HH", over: transposedSweep, where: fitsT,
                        stated: cutCorrelation, measured: engineDw)
let tooLong = transposedSweep.filter { fitsT($0) && uncutLength($0) > $0.HH }.count
print("08-beyond.md line 603:", cutRows[0][0])
print("08-beyond.md line 603:", cutRows[0][1])
print("08-beyond.md line 604:", cutRows[0][2])
print("08-beyond.md line 604:", cutRows[0][3])
print("08-beyond.md line 605:", cutRows[1][0])
print("08-beyond.md line 605:", cutRows[1][1])
print("08-beyond.md line 606:", cutRows[1][2])
print("08-beyond.md line 606:", cutRows[1][3])
print("08-beyond.md line 607:", cutRows[0][4])
print("08-beyond.md line 607:", cutRows[1][4])
print("08-beyond.md line 609:", cutRows[0][5])
print("08-beyond.md line 609:", cutRows[0][6])
print("08-beyond.md line 609:", cutRows[1][5])
print("08-beyond.md line 610:", cutRows[1][6])
print("08-beyond.md line 611:", cutDifferences[0])
print("08-beyond.md line 611:", cutDifferences[1])
print("08-beyond.md line 612:", uncutRule.checked)
print("08-beyond.md line 613:", tooLong)
print("08-beyond.md line 614:", cutRule.checked)
print("08-beyond.md line 619:", dims(x7))
print("08-beyond.md line 620:", dilated2.dilation.height)

// MARK: block 20, 08-beyond.md line 622
let dy7 = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 6)
let loops7 = convBackward(dy7, x7, asBatch(w3), dilated2)
// dw_d: the ordinary formula for the dilated kernel, then every second entry.
let dwDilatedKernel = crossCorrelate(plane(x7), plane(dy7))
let dwPicked = crossCorrelate(dwDilatedKernel, Tensor(matrix: [[1]]), stride: 2)
// The same in one step: the correlation taken with stride d.
let dwStrided = crossCorrelate(plane(x7), plane(dy7), stride: 2)
let dxDilated = convolve(plane(dy7), wDilated, mode: .full)
show(dwDilatedKernel, "dw_d (holes included)")
let dilationDwDiff = checkAgreement("dw: every second entry of dw_d vs loops", dwPicked, plane(loops7.dw))
checkAgreement("dw: correlation with stride 2 vs loops", dwStrided, plane(loops7.dw))
checkAgreement("dx: full convolution with the dilated kernel vs loops", dxDilated, plane(loops7.dx))
var holeEntries = [Double]()
for u in 0..<dwDilatedKernel.shape[0] {
    for v in 0..<dwDilatedKernel.shape[1] where u % 2 == 1 || v % 2 == 1 {
        holeEntries.append(dwDilatedKernel[u, v])
    }
}
precondition(holeEntries.allSatisfy { $0 != 0 }, "dw_d is not zero at the holes")
print("08-beyond.md line 644:", holeEntries.count)
print("08-beyond.md line 647:", dilationDwDiff)

// MARK: block 21, 08-beyond.md line 651
showWindows(Tensor.ramp(shape: [side7, side7]), kernel: HW(height: dy7.shape[2], width: dy7.shape[3]),
            ConvParameters(stride: dilated2.dilation), limit: w3.shape[1], name: "dw",
            "dw[a, b] is the sum of dy times the highlighted \(dy7.shape[2]) × \(dy7.shape[3]) block of x; the blocks move by d = \(dilated2.dilation.width), one block per weight")

// MARK: block 22, 08-beyond.md line 657
let x5 = Tensor(matrix: [[1, 0, 2, -1, 1], [0, 3, 1, 0, 2], [2, -1, 0, 1, 1],
                         [1, 2, -2, 0, 3], [0, 1, 1, 2, -1]])
let dy5 = Tensor(matrix: [[1, 0, -1], [2, 1, 0], [0, -1, 1]])
let dilatedPadded = ConvParameters(padding: 1, dilation: 2)
let y5 = plane(convForward(asBatch(x5), asBatch(w3), nil, dilatedPadded))
precondition(dy5.shape == y5.shape, "dy has the shape of y")
print("08-beyond.md line 666:", dims(x5))
print("08-beyond.md line 667:", dims(w3))
print("08-beyond.md line 667:", dilatedPadded.dilation.height)
print("08-beyond.md line 668:", dilatedPadded.padding.height)
print("08-beyond.md line 668:", dims(y5))

// MARK: block 23, 08-beyond.md line 675
explore(asBatch(x5), asBatch(w3), nil, dilatedPadded, dy: asBatch(dy5), label: "dilation2")

// MARK: block 24, 08-beyond.md line 684
let xd = Tensor.randomNormal(shape: [2, 2, 9, 8], seed: 7)
let wd = Tensor.randomNormal(shape: [3, 2, 3, 2], seed: 8)
let bd = Tensor.randomNormal(shape: [3], seed: 9)
let pd = ConvParameters(stride: 2, padding: 1, dilation: HW(height: 2, width: 3))
let dyd = Tensor.randomNormal(shape: convForward(xd, wd, bd, pd).shape, seed: 10)
let gd = convBackward(dyd, xd, wd, pd)
let blocksd = convBackwardByBlocks(dyd, xd, wd, pd)
checkAgreement("dx: building blocks vs loops (dilated)", blocksd.dx, gd.dx)
checkAgreement("dw: building blocks vs loops (dilated)", blocksd.dw, gd.dw)
let checkDilated = checkGradients(
    ("dx", gd.dx, numericalGradient(of: { convForward($0, wd, bd, pd) }, at: xd, upstream: dyd)),
    ("dw", gd.dw, numericalGradient(of: { convForward(xd, $0, bd, pd) }, at: wd, upstream: dyd)),
    ("db", gd.db, numericalGradient(of: { convForward(xd, wd, $0, pd) }, at: bd, upstream: dyd)))
print("08-beyond.md line 700:", pd.dilation.height)
print("08-beyond.md line 701:", pd.dilation.width)
print("08-beyond.md line 703:", checkDilated.worst)

// MARK: block 25, 08-beyond.md line 730
/// Measured: the channels c for which output f of a grouped 1 × 1 layer of ones moves when only channel c is 1.
func channelsSeen(C: Int, F: Int, g: Int) -> [[Int]] {
    let ones = Tensor(repeating: 1, shape: [F, C / g, 1, 1])
    var seen = [[Int]](repeating: [], count: F)
    for c in 0..<C {
        var input = Tensor(zeros: [1, C, 1, 1])
        input[0, c, 0, 0] = 1
        let out = convForward(input, ones, nil, ConvParameters(groups: g))
        for f in 0..<F where out[0, f, 0, 0] != 0 { seen[f].append(c) }
    }
    return seen
}
/// Stated: the channels of filter f's group, for every f.
func channelsOfGroup(C: Int, F: Int, g: Int) -> [[Int]] {
    (0..<F).map { f in (0..<C).filter { $0 / (C / g) == f / (F / g) } }
}
let groupRule = checkRule("filter f sees channel c exactly when their groups agree",
                          over: Sweep(["g": 1...4, "C": 1...8, "F": 1...8]),
                          where: { $0.C % $0.g == 0 && $0.F % $0.g == 0 },
                          stated: { channelsOfGroup(C: $0.C, F: $0.F, g: $0.g) },
                          measured: { channelsSeen(C: $0.C, F: $0.F, g: $0.g) })
checkRule("F·C/g (filter, channel) pairs, g times fewer than dense", over: Sweep(["g": 1...4, "C": 1...8, "F": 1...8]),
          where: { $0.C % $0.g == 0 && $0.F % $0.g == 0 }, stated: { $0.F * $0.C / $0.g },
          measured: { channelsSeen(C: $0.C, F: $0.F, g: $0.g).reduce(0) { $0 + $1.count } })
let channels4 = 4
let groupLayers: [(g: Int, F: Int)] = [(1, 6), (2, 6), (4, 4)]
var groupRows = [[Any]]()
for layer in groupLayers {
    let seen = channelsSeen(C: channels4, F: layer.F, g: layer.g)
    for f in 0..<layer.F {
        groupRows.append(["g = \(layer.g), F = \(layer.F)", f, f / (layer.F / layer.g),
                          seen[f].map(String.init).joined(separator: ", ")])
    }
}
showTable(["layer", "filter f", "group", "channels c it sees (measured)"], groupRows)
print("08-beyond.md line 768:", groupRule.checked)
print("08-beyond.md line 769:", channels4)
print("08-beyond.md line 770:", groupLayers[2].g)
print("08-beyond.md line 771:", groupLayers[2].F)

// MARK: block 26, 08-beyond.md line 784
/// Channels `range` of every image of a rank-4 tensor (or filters' channels).
func channelBlock(_ t: Tensor, _ range: Range<Int>) -> Tensor {
    Tensor.stack((0..<t.shape[0]).map { n in Tensor.stack(range.map { t.slice(n).slice($0) }) })
}
/// Entries `range` of the outermost axis (images, or filters).
func outerBlock(_ t: Tensor, _ range: Range<Int>) -> Tensor {
    Tensor.stack(range.map { t.slice($0) })
}
/// Joins rank-4 tensors along the channel axis.
func joinChannels(_ parts: [Tensor]) -> Tensor {
    Tensor.stack((0..<parts[0].shape[0]).map { n in
        Tensor.stack(parts.flatMap { part in (0..<part.shape[1]).map { part.slice(n).slice($0) } })
    })
}

func groupedBackwardBySlices(_ dy: Tensor, _ x: Tensor, _ w: Tensor, _ p: ConvParameters) -> ConvGradients {
    let g = p.groups
    let (cg, fg) = (x.shape[1] / g, w.shape[0] / g)
    let ordinary = ConvParameters(stride: p.stride, padding: p.padding, dilation: p.dilation)
    var dxParts = [Tensor](), dwParts = [Tensor](), dbParts = [Double]()
    for group in 0..<g {
        let part = convBackward(channelBlock(dy, (group * fg)..<((group + 1) * fg)),
                                channelBlock(x, (group * cg)..<((group + 1) * cg)),
                                outerBlock(w, (group * fg)..<((group + 1) * fg)), ordinary)
        dxParts.append(part.dx)
        dwParts.append(part.dw)
        dbParts += part.db.scalars
    }
    let dw = Tensor.stack(dwParts.flatMap { part in (0..<part.shape[0]).map { part.slice($0) } })
    return ConvGradients(dx: joinChannels(dxParts), dw: dw, db: Tensor(vector: dbParts))
}

// MARK: block 27, 08-beyond.md line 823
let xg = Tensor.randomNormal(shape: [2, 4, 5, 6], seed: 21)
let wg = Tensor.randomNormal(shape: [6, 2, 3, 3], seed: 22)
let bg = Tensor.randomNormal(shape: [6], seed: 23)
let pg = ConvParameters(stride: 2, padding: 1, groups: 2)
let dyg = Tensor.randomNormal(shape: convForward(xg, wg, bg, pg).shape, seed: 24)
let gg = convBackward(dyg, xg, wg, pg)
let bySlices = groupedBackwardBySlices(dyg, xg, wg, pg)
let slicesDiff = checkAgreement("dx: group by group vs grouped loops", bySlices.dx, gg.dx)
checkAgreement("dw: group by group vs grouped loops", bySlices.dw, gg.dw)
checkAgreement("db: group by group vs grouped loops", bySlices.db, gg.db)
checkAgreement("dx: building blocks vs loops (groups = 2)", convBackwardByBlocks(dyg, xg, wg, pg).dx, gg.dx)
checkAgreement("dw: building blocks vs loops (groups = 2)", convBackwardByBlocks(dyg, xg, wg, pg).dw, gg.dw)
let checkGrouped = checkGradients(
    ("dx", gg.dx, numericalGradient(of: { convForward($0, wg, bg, pg) }, at: xg, upstream: dyg)),
    ("dw", gg.dw, numericalGradient(of: { convForward(xg, $0, bg, pg) }, at: wg, upstream: dyg)),
    ("db", gg.db, numericalGradient(of: { convForward(xg, wg, $0, pg) }, at: bg, upstream: dyg)))
print("08-beyond.md line 842:", xg.shape[0])
print("08-beyond.md line 842:", xg.shape[1])
print("08-beyond.md line 843:", pg.groups)
print("08-beyond.md line 843:", wg.shape[0])
print("08-beyond.md line 844:", wg.shape[1])
print("08-beyond.md line 844:", pg.stride.height)
print("08-beyond.md line 845:", pg.padding.height)
print("08-beyond.md line 845:", slicesDiff)
print("08-beyond.md line 847:", checkGrouped.worst)

// MARK: block 28, 08-beyond.md line 861
let xdw = Tensor.randomNormal(shape: [2, 3, 6, 5], seed: 31)
let wdw = Tensor.randomNormal(shape: [6, 1, 3, 3], seed: 32)
let bdw = Tensor.randomNormal(shape: [6], seed: 33)
let pdw = ConvParameters(stride: 2, padding: 1, groups: 3)
let dydw = Tensor.randomNormal(shape: convForward(xdw, wdw, bdw, pdw).shape, seed: 34)
let gdw = convBackward(dydw, xdw, wdw, pdw)
checkAgreement("dx: building blocks vs loops (depthwise)", convBackwardByBlocks(dydw, xdw, wdw, pdw).dx, gdw.dx)
checkAgreement("dx: channel by channel vs loops (depthwise)", groupedBackwardBySlices(dydw, xdw, wdw, pdw).dx, gdw.dx)
let checkDepthwise = checkGradients(
    ("dx", gdw.dx, numericalGradient(of: { convForward($0, wdw, bdw, pdw) }, at: xdw, upstream: dydw)),
    ("dw", gdw.dw, numericalGradient(of: { convForward(xdw, $0, bdw, pdw) }, at: wdw, upstream: dydw)),
    ("db", gdw.db, numericalGradient(of: { convForward(xdw, wdw, $0, pdw) }, at: bdw, upstream: dydw)))
print("08-beyond.md line 877:", pdw.groups)
print("08-beyond.md line 878:", wdw.shape[0] / pdw.groups)
print("08-beyond.md line 879:", checkDepthwise.worst)

// MARK: block 29, 08-beyond.md line 888
// The dense (F, C, HH, WW) weights: filter f's weights on its group's channels, zeros elsewhere.
var wDense = Tensor(zeros: [6, 4, 3, 3])
for f in 0..<6 {
    let first = (f / 3) * 2
    for c in 0..<2 { for a in 0..<3 { for bb in 0..<3 { wDense[f, first + c, a, bb] = wg[f, c, a, bb] } } }
}
let dense = convBackward(dyg, xg, wDense, ConvParameters(stride: 2, padding: 1))
checkAgreement("forward: masked dense vs grouped", convForward(xg, wDense, bg, ConvParameters(stride: 2, padding: 1)),
               convForward(xg, wg, bg, pg))
checkAgreement("dx: masked dense vs grouped", dense.dx, gg.dx)
var inBlock = Tensor(zeros: [6, 2, 3, 3]), offBlockLargest = 0.0
for f in 0..<6 {
    let first = (f / 3) * 2
    for c in 0..<4 {
        for a in 0..<3 {
            for bb in 0..<3 {
                if c >= first && c < first + 2 { inBlock[f, c - first, a, bb] = dense.dw[f, c, a, bb] }
                else { offBlockLargest = max(offBlockLargest, abs(dense.dw[f, c, a, bb])) }
            }
        }
    }
}
checkAgreement("dw: masked dense, inside the blocks, vs grouped", inBlock, gg.dw)
precondition(offBlockLargest > 0, "the dense layer's dw is not zero outside the blocks")
print("08-beyond.md line 915:", offBlockLargest)

// MARK: block 30, 08-beyond.md line 946
let mSmall = matrixOf({ convForward($0, asBatch(Tensor(matrix: [[1, 2], [3, 4]]))) }, inputShape: [1, 1, 3, 3])
print("08-beyond.md line 950:", mSmall.shape[0])
print("08-beyond.md line 951:", mSmall.shape[1])
print("08-beyond.md line 953:", mSmall.scalars.filter { $0 != 0 }.count)
print("08-beyond.md line 955:", (0..<mSmall.shape[0]).filter { mSmall[$0, 4] != 0 }.count)

// MARK: block 31, 08-beyond.md line 966
let (rows7, rows8) = (transposedSweep.first { $0.H == 7 && $0.HH == 3 && $0.s == 2 && $0.p == 1 && $0.d == 1 }!,
                      transposedSweep.first { $0.H == 8 && $0.HH == 3 && $0.s == 2 && $0.p == 1 && $0.d == 1 }!)
print("08-beyond.md line 971:", windowsThatFit(rows7))
print("08-beyond.md line 972:", windowsThatFit(rows8))
print("08-beyond.md line 973:", rowsPastLastWindow(rows7))
print("08-beyond.md line 974:", rowsPastLastWindow(rows8))
print("08-beyond.md line 976:", dxRows(rows8))
print("08-beyond.md line 986:", outputLength(input: 7, kernel: 3)!)
print("08-beyond.md line 987:", yDilated.shape[2])

// MARK: block 32, 08-beyond.md line 990 (traps: kept as a comment)
// _ = convBackward(Tensor(zeros: [1, 1, 5, 5]), x7, asBatch(w3), dilated2)
// 
