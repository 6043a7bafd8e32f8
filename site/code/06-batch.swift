// The batch
// The code of 06-batch.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release 06-batch.swift -o 06-batch
//   ./06-batch
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify 06-batch

import ConvEngine
import ConvbookRuntime

// MARK: block 1, 06-batch.md line 8
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// MARK: block 2, 06-batch.md line 69
let x = Tensor(batch: [[[[1, 2, 0], [0, 1, 3], [2, 1, 1]]],
                       [[[0, 1, 1], [1, 0, 2], [1, 3, 0]]]])     // (N, C, H, W) = (2, 1, 3, 3)
let w = Tensor(batch: [[[[1, -1], [2, 0]]]])                     // (F, C, HH, WW) = (1, 1, 2, 2)
let dy = Tensor(batch: [[[[1, 0], [-1, 2]]],
                        [[[0, 1], [1, 1]]]])                     // (N, F, H', W') = (2, 1, 2, 2)
let grads = convBackward(dy, x, w)
print("06-batch.md line 81:", crossCorrelate(x.slice(0).slice(0), dy.slice(0).slice(0)))
print("06-batch.md line 81:", crossCorrelate(x.slice(1).slice(0), dy.slice(1).slice(0)))
print("06-batch.md line 81:", grads.dw.slice(0).slice(0))
print("06-batch.md line 84:", dy.slice(0).sum())
print("06-batch.md line 84:", dy.slice(1).sum())
print("06-batch.md line 84:", grads.db[0])
print("06-batch.md line 88:", grads.dx.slice(0).slice(0))
print("06-batch.md line 88:", grads.dx.slice(1).slice(0))

// MARK: block 3, 06-batch.md line 96
explore(x, w, dy: dy, label: "batch-of-two")

// MARK: block 4, 06-batch.md line 111
let p = ConvParameters(stride: 1, padding: 1)
let xb = loadNPY("cs231n/x.npy")         // (N, C, H, W)
let wb = loadNPY("cs231n/w.npy")         // (F, C, HH, WW)
let bb = loadNPY("cs231n/b.npy")         // (F)
let dyb = loadNPY("cs231n/dout.npy")     // (N, F, H', W')
let yb = convForward(xb, wb, bb, p)
precondition(dyb.shape == yb.shape, "dout does not have the shape of the layer's output")
let gb = convBackward(dyb, xb, wb, p)
print("06-batch.md line 122:", xb.shape[0])
print("06-batch.md line 122:", xb.shape[1])
print("06-batch.md line 123:", xb.shape[2])
print("06-batch.md line 123:", xb.shape[3])
print("06-batch.md line 124:", wb.shape[0])
print("06-batch.md line 124:", wb.shape[1])
print("06-batch.md line 124:", wb.shape[2])
print("06-batch.md line 124:", wb.shape[3])

// MARK: block 5, 06-batch.md line 130
func oneImage(_ t: Tensor, _ n: Int) -> Tensor {
    let item = t.slice(n)                       // (C, H, W)
    return item.reshaped([1] + item.shape)      // (1, C, H, W)
}

var dwPerImage: [Tensor] = []
var dbSum = Tensor(zeros: bb.shape)
var dxPerImage: [Tensor] = []
for n in 0..<xb.shape[0] {
    let g = convBackward(oneImage(dyb, n), oneImage(xb, n), wb, p)
    dwPerImage.append(g.dw)
    dbSum += g.db
    dxPerImage.append(g.dx.slice(0))
}
let dwSum = dwPerImage.dropFirst().reduce(dwPerImage[0], +)
let dwGap = checkAgreement("dw: whole batch vs sum of per-image dw", gb.dw, dwSum)
let dbGap = checkAgreement("db: whole batch vs sum of per-image db", gb.db, dbSum)
let dxGap = checkAgreement("dx: whole batch vs per-image dx, stacked", gb.dx, Tensor.stack(dxPerImage))
print("06-batch.md line 152:", dwGap)
print("06-batch.md line 152:", dbGap)
print("06-batch.md line 154:", dxGap)

// MARK: block 6, 06-batch.md line 159
var dyOthersChanged = dyb
let fresh = Tensor.randomNormal(shape: dyb.shape, seed: 605)
let perImage = dyb.count / dyb.shape[0]
for k in perImage..<dyb.count {          // every entry of images 1, 2, 3
    dyOthersChanged.scalars[k] = fresh.scalars[k]
}
let gChanged = convBackward(dyOthersChanged, xb, wb, p)
let dx0Gap = checkAgreement("dx[0] after changing dy of images 1-3", gChanged.dx.slice(0), gb.dx.slice(0))
let dx1Change = (gChanged.dx.slice(1) - gb.dx.slice(1)).maxAbs()
let dwChange = (gChanged.dw - gb.dw).maxAbs()
precondition(dx1Change > 0 && dwChange > 0, "changing dy of images 1-3 no longer moves dx[1] and dw")
print("06-batch.md line 173:", dx0Gap)
print("06-batch.md line 174:", dx1Change)
print("06-batch.md line 175:", dwChange)

// MARK: block 7, 06-batch.md line 185
let dwNumeric = numericalGradient(of: { convForward(xb, $0, bb, p) }, at: wb, upstream: dyb)
let (x0, dy0) = (oneImage(xb, 0), oneImage(dyb, 0))
let dw0Numeric = numericalGradient(of: { convForward(x0, $0, bb, p) }, at: wb, upstream: dy0)
let slipErrors = [relError(gb.dw / Double(xb.shape[0]), dwNumeric),   // dw divided by N
                  relError(dwPerImage.last!, dwNumeric),              // only the last image's dw
                  relError(dwPerImage[0], dw0Numeric)]                // N = 1: dw / N and the last dw are this dw
precondition(slipErrors[0] > 1e-2 && slipErrors[1] > 1e-2 && slipErrors[2] < 1e-7,
             "the batch slips are no longer caught with N > 1, or no longer pass with N = 1")
print("06-batch.md line 197:", slipErrors[0])
print("06-batch.md line 198:", slipErrors[1])
print("06-batch.md line 199:", slipErrors[2])

// MARK: block 8, 06-batch.md line 219
/// CS231n's rel_error: np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))).
func relErrorCS231n(_ x: Tensor, _ y: Tensor) -> Double {
    var largest = 0.0
    for k in x.scalars.indices {
        let (a, b) = (x.scalars[k], y.scalars[k])
        largest = max(largest, abs(a - b) / max(1e-8, abs(a) + abs(b)))
    }
    return largest
}

let dxNumeric = numericalGradient(of: { convForward($0, wb, bb, p) }, at: xb, upstream: dyb)
let dbNumeric = numericalGradient(of: { convForward(xb, wb, $0, p) }, at: bb, upstream: dyb)
let batchCheck = checkGradients(("dx", gb.dx, dxNumeric), ("dw", gb.dw, dwNumeric), ("db", gb.db, dbNumeric))
let ours = [relErrorCS231n(gb.dx, dxNumeric), relErrorCS231n(gb.dw, dwNumeric), relErrorCS231n(gb.db, dbNumeric)]
precondition(ours == ["dx", "dw", "db"].map { batchCheck[$0].value },
             "CS231n's rel_error and the engine's relError no longer give the same numbers")

// MARK: block 9, 06-batch.md line 241
let notebookRun = ["1.159803161159293e-08", "2.2471264748452487e-10", "3.37264006649648e-11"]   // quoted
let writeUpRun = ["7.489787768926947e-09", "1.381022780971562e-10", "1.1299800330640326e-10"]  // quoted
print("06-batch.md line 249:", notebookRun[0])
print("06-batch.md line 250:", notebookRun[1])
print("06-batch.md line 250:", notebookRun[2])
print("06-batch.md line 262:", writeUpRun[0])
print("06-batch.md line 263:", writeUpRun[1])
print("06-batch.md line 263:", writeUpRun[2])

// MARK: block 10, 06-batch.md line 266
let gradientNames = ["dx", "dw", "db"]
showTable(["gradient", "notebook run, seed 231 (quoted)", "write-up's run (quoted)", "this book's engine, seed-231 inputs"],
          gradientNames.indices.map { (g: Int) -> [Any] in [gradientNames[g], notebookRun[g], writeUpRun[g], batchCheck[gradientNames[g]]] })
let columns: [[Double]] = [notebookRun.map { Double($0)! }, writeUpRun.map { Double($0)! }, ours]
precondition(columns.allSatisfy { $0.allSatisfy { $0 < 1e-7 } }, "a figure of the table is no longer below 1e-7")
precondition((0..<3).allSatisfy { g in Set(columns.map { $0[g] }).count == 3 }, "two columns of the table now agree")

// MARK: block 11, 06-batch.md line 314
/// np.sum of a contiguous array of doubles, in NumPy's pairwise order.
func numpySum(_ a: ArraySlice<Double>) -> Double {
    let n = a.count, start = a.startIndex
    if n < 8 { return a.reduce(0, +) }
    if n > 128 {
        let half = n / 2 - (n / 2) % 8
        return numpySum(a.prefix(half)) + numpySum(a.dropFirst(half))
    }
    var r = Array(a.prefix(8))
    var k = 8
    while k < n - n % 8 {
        for lane in 0..<8 { r[lane] += a[start + k + lane] }
        k += 8
    }
    var total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    while k < n { total += a[start + k]; k += 1 }
    return total
}

/// Adds one by one, from zero: the engine's order.
func inOrder(_ a: ArraySlice<Double>) -> Double { a.reduce(0, +) }

/// The forward pass as out[n, f, i, j] = sum(x_pad window * w[f]) + b[f], with the
/// window's products (in c, a, b order) added by `sum`; `biasFirst` starts the
/// sum from b[f] instead of adding it last.
func forwardWindowSum(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ p: ConvParameters,
                      sum: (ArraySlice<Double>) -> Double, biasFirst: Bool = false) -> Tensor {
    let xPad = pad(x, p.padding)
    let (s, HH, WW) = (p.stride, w.shape[2], w.shape[3])
    let outHeight = (xPad.shape[2] - HH) / s.height + 1, outWidth = (xPad.shape[3] - WW) / s.width + 1
    var y = Tensor(zeros: [x.shape[0], w.shape[0], outHeight, outWidth])
    var products = [Double](repeating: 0, count: 1 + w.shape[1] * HH * WW)
    for n in 0..<y.shape[0] { for f in 0..<y.shape[1] { for i in 0..<y.shape[2] { for j in 0..<y.shape[3] {
        var count = 0
        if biasFirst { products[0] = b[f]; count = 1 }
        for c in 0..<w.shape[1] { for a in 0..<HH { for bb in 0..<WW {
            products[count] = xPad[n, c, s.height * i + a, s.width * j + bb] * w[f, c, a, bb]
            count += 1
        } } }
        y[n, f, i, j] = biasFirst ? sum(products[..<count]) : sum(products[..<count]) + b[f]
    } } } }
    return y
}
func forwardNumPyOrder(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ p: ConvParameters) -> Tensor {
    forwardWindowSum(x, w, b, p, sum: numpySum)
}

/// CS231n's eval_numerical_gradient_array: nudge each entry by ±h, weight the change
/// of the whole output by dy, add up with `sum`, divide by 2h (one-sided: +h only, by h).
func evalNumericalGradientArray(_ f: (Tensor) -> Tensor, _ x: Tensor, _ dy: Tensor, h: Double = 1e-5,
                                centred: Bool = true, sum: (ArraySlice<Double>) -> Double) -> Tensor {
    let here = f(x)
    var gradient = Tensor(zeros: x.shape)
    for k in x.scalars.indices {
        var plus = x, minus = x
        plus.scalars[k] += h
        minus.scalars[k] -= h
        let (pos, neg) = (f(plus), centred ? f(minus) : here)
        let weighted = pos.scalars.indices.map { (pos.scalars[$0] - neg.scalars[$0]) * dy.scalars[$0] }
        gradient.scalars[k] = sum(weighted[...]) / (centred ? 2 * h : h)
    }
    return gradient
}

typealias Forward = (Tensor, Tensor, Tensor, ConvParameters) -> Tensor
typealias Inputs = (x: Tensor, w: Tensor, b: Tensor, dy: Tensor)
/// The relative errors of dx, dw and db in CS231n's check, with every choice a parameter.
func cs231nErrors(_ forward: @escaping Forward, sum: @escaping (ArraySlice<Double>) -> Double = inOrder,
                  h: Double = 1e-5, centred: Bool = true, inputs: Inputs, analytic: ConvGradients? = nil,
                  relative: (Tensor, Tensor) -> Double = relErrorCS231n) -> [Double] {
    let (x, w, b, dy) = inputs
    let g = analytic ?? convBackward(dy, x, w, p)
    func numeric(_ layer: (Tensor) -> Tensor, at t: Tensor) -> Tensor {
        evalNumericalGradientArray(layer, t, dy, h: h, centred: centred, sum: sum)
    }
    return [relative(g.dx, numeric({ forward($0, w, b, p) }, at: x)),
            relative(g.dw, numeric({ forward(x, $0, b, p) }, at: w)),
            relative(g.db, numeric({ forward(x, w, $0, p) }, at: b))]
}

// The engine's check, rebuilt from these parts, is the check above, bit for bit.
precondition(evalNumericalGradientArray({ convForward($0, wb, bb, p) }, xb, dyb, sum: inOrder) == dxNumeric,
             "the written-out check no longer reproduces the engine's numericalGradient")

// MARK: block 12, 06-batch.md line 403
let engineForward: Forward = { convForward($0, $1, $2, $3) }
let cs231nInputs: Inputs = (xb, wb, bb, dyb)
let ownInputs: Inputs = (Tensor.randomNormal(shape: xb.shape, seed: 601), Tensor.randomNormal(shape: wb.shape, seed: 602),
                         Tensor.randomNormal(shape: bb.shape, seed: 603), Tensor.randomNormal(shape: dyb.shape, seed: 604))
var experiment: [(change: String, errors: [Double])] = []
experiment.append(("none (this book's check)", cs231nErrors(engineForward, inputs: cs231nInputs)))
experiment.append(("the engine's relError for CS231n's rel_error",
                   cs231nErrors(engineForward, inputs: cs231nInputs, relative: relError)))
experiment.append(("analytic gradients by the building blocks",
                   cs231nErrors(engineForward, inputs: cs231nInputs, analytic: convBackwardByBlocks(dyb, xb, wb, p))))
experiment.append(("h = 1e-4", cs231nErrors(engineForward, h: 1e-4, inputs: cs231nInputs)))
experiment.append(("h = 1e-6", cs231nErrors(engineForward, h: 1e-6, inputs: cs231nInputs)))
experiment.append(("one-sided differences", cs231nErrors(engineForward, centred: false, inputs: cs231nInputs)))
experiment.append(("forward pass adds in NumPy's order", cs231nErrors(forwardNumPyOrder, inputs: cs231nInputs)))
experiment.append(("check adds in NumPy's order", cs231nErrors(engineForward, sum: numpySum, inputs: cs231nInputs)))
experiment.append(("both in NumPy's order", cs231nErrors(forwardNumPyOrder, sum: numpySum, inputs: cs231nInputs)))
experiment.append(("both in NumPy's order, our own seeded inputs",
                   cs231nErrors(forwardNumPyOrder, sum: numpySum, inputs: ownInputs)))
func reproducesNotebook(_ errors: [Double]) -> Bool { errors.map { "\($0)" } == notebookRun }
showTable(["what changes", "dx", "dw", "db", "= notebook run?"], experiment.map { (row) -> [Any] in
    [row.change, row.errors[0], row.errors[1], row.errors[2], reproducesNotebook(row.errors) ? "yes" : "no"]
})
let reproducing = experiment.filter { reproducesNotebook($0.errors) }.map(\.change)
precondition(reproducing == ["both in NumPy's order"], "the experiment's verdict changed: \(reproducing) reproduce the notebook run")
precondition(experiment[1].errors == experiment[0].errors, "the two relative-error functions no longer agree")
let numpyBoth = experiment[8].errors, numpyForwardOnly = experiment[6].errors
let trailing = zip(numpyForwardOnly, numpyBoth).map { abs($0 - $1) / $1 }.max()!
let blocksChange = zip(experiment[2].errors, experiment[0].errors).map { abs($0 - $1) / $1 }.max()!
precondition(trailing < 1e-4 && blocksChange < 1e-3, "a change no longer moves only the trailing digits")
precondition(zip(experiment[3].errors, experiment[0].errors).allSatisfy(<)
             && zip(experiment[4].errors, experiment[0].errors).allSatisfy(>),
             "h = 1e-4 no longer lowers every figure, or h = 1e-6 no longer raises every one")
print("06-batch.md line 440:", "\(numpyBoth[0])")
print("06-batch.md line 440:", "\(numpyBoth[1])")
print("06-batch.md line 441:", "\(numpyBoth[2])")
print("06-batch.md line 444:", "\(numpyForwardOnly[0])")
print("06-batch.md line 445:", trailing)
print("06-batch.md line 449:", (convBackwardByBlocks(dyb, xb, wb, p).dx - gb.dx).maxAbs())
print("06-batch.md line 450:", blocksChange)
print("06-batch.md line 458:", wb.shape[1] * wb.shape[2] * wb.shape[3] + 1)

// MARK: block 13, 06-batch.md line 464
/// A window's products added channel by channel (np.sum of each channel's HH·WW products).
func perChannelSum(_ channelSize: Int) -> (ArraySlice<Double>) -> Double {
    return { (products: ArraySlice<Double>) -> Double in
        var total = 0.0
        for start in stride(from: products.startIndex, to: products.endIndex, by: channelSize) {
            total += numpySum(products[start..<(start + channelSize)])
        }
        return total
    }
}
let channelSize = wb.shape[2] * wb.shape[3]
let orderNames = ["np.sum of the window's products, then + b[f]",
                  "b[f] first, then the products one by one (this book's engine)",
                  "the products one by one, then + b[f]",
                  "one np.sum per channel, the channels in turn, then + b[f]"]
let orderErrors: [[Double]] = [
    experiment[8].errors,                                 // computed above
    experiment[7].errors,                                 // computed above
    cs231nErrors({ forwardWindowSum($0, $1, $2, $3, sum: inOrder) }, sum: numpySum, inputs: cs231nInputs),
    cs231nErrors({ forwardWindowSum($0, $1, $2, $3, sum: perChannelSum(channelSize)) }, sum: numpySum, inputs: cs231nInputs),
]
var orderRows: [[Any]] = orderNames.indices.map { (k: Int) -> [Any] in
    [orderNames[k], orderErrors[k][0], orderErrors[k][1], orderErrors[k][2]]
}
orderRows.append(["the write-up's run (quoted, its inputs and forward pass unknown)", writeUpRun[0], writeUpRun[1], writeUpRun[2]])
showTable(["forward pass", "dx", "dw", "db"], orderRows)
let spread: [(low: Double, high: Double)] = (0..<3).map { (g: Int) -> (low: Double, high: Double) in
    let column = orderErrors.map { $0[g] }
    return (column.min()!, column.max()!)
}
let writeUp = writeUpRun.map { Double($0)! }
func placement(_ g: Int) -> String {
    writeUp[g] < spread[g].low ? "below" : writeUp[g] > spread[g].high ? "above" : "inside"
}
precondition(orderErrors.allSatisfy { errors in !errors.indices.contains { "\(errors[$0])" == writeUpRun[$0] } },
             "one of the four forward passes now reproduces a figure of the write-up")
print("06-batch.md line 504:", spread[0].low)
print("06-batch.md line 504:", spread[0].high)
print("06-batch.md line 505:", spread[0].high / spread[0].low)
print("06-batch.md line 506:", placement(0))
print("06-batch.md line 506:", placement(1))
print("06-batch.md line 507:", placement(2))

// MARK: block 14, 06-batch.md line 520
var worstIndex = 0
var worstError = 0.0
for k in gb.dx.scalars.indices {
    let (g, gNumeric) = (gb.dx.scalars[k], dxNumeric.scalars[k])
    let e = abs(g - gNumeric) / max(1e-8, abs(g) + abs(gNumeric))
    if e > worstError { (worstIndex, worstError) = (k, e) }
}
let typicalDx = gb.dx.scalars.map { abs($0) }.reduce(0, +) / Double(gb.dx.count)
let worstAbsoluteError = abs(gb.dx.scalars[worstIndex] - dxNumeric.scalars[worstIndex])
precondition(abs(gb.dx.scalars[worstIndex]) < typicalDx / 10,
             "the worst dx entry is no longer a small one")
print("06-batch.md line 534:", gb.dx.count)
print("06-batch.md line 535:", worstError)
print("06-batch.md line 536:", gb.dx.scalars[worstIndex])
print("06-batch.md line 537:", typicalDx)
print("06-batch.md line 537:", worstAbsoluteError)
print("06-batch.md line 539:", (gb.dx - dxNumeric).maxAbs())

// MARK: block 15, 06-batch.md line 553
let steps: [Double] = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8]
let known: [Double: [Double]] = [1e-4: experiment[3].errors, 1e-5: ours, 1e-6: experiment[4].errors]
let stepErrors: [[Double]] = steps.map { (h: Double) -> [Double] in
    known[h] ?? cs231nErrors(engineForward, h: h, inputs: cs231nInputs)
}
showTable(["step h", "dx relative error", "dw relative error", "db relative error"], steps.indices.map { (k: Int) -> [Any] in
    [steps[k], stepErrors[k][0], stepErrors[k][1], stepErrors[k][2]]
})

// MARK: block 16, 06-batch.md line 564
let stepSeries: [(name: String, values: [Double])] = gradientNames.indices.map { (g: Int) -> (name: String, values: [Double]) in
    (gradientNames[g], stepErrors.map { $0[g] })
}
showPlot(x: steps, series: stepSeries, xLabel: "step h", yLabel: "relative error", logX: true, logY: true)

// MARK: block 17, 06-batch.md line 571
/// The least-squares slope of log10(error) against log10(h).
func fittedSlope(_ h: [Double], _ errors: [Double]) -> Double {
    let (u, v) = (h.map { log10($0) }, errors.map { log10($0) })
    let (meanU, meanV) = (u.reduce(0, +) / Double(u.count), v.reduce(0, +) / Double(v.count))
    let covariance = zip(u, v).map { ($0 - meanU) * ($1 - meanV) }.reduce(0, +)
    return covariance / u.map { ($0 - meanU) * ($0 - meanU) }.reduce(0, +)
}
let slopes: [Double] = (0..<3).map { (g: Int) -> Double in fittedSlope(steps, stepErrors.map { $0[g] }) }
// Per tenfold decrease of h: by what factor each error grows, decade by decade.
var decadeFactors: [Double] = []
for g in 0..<3 {
    for k in 1..<steps.count { decadeFactors.append(stepErrors[k][g] / stepErrors[k - 1][g]) }
}
let firstFailing = steps.indices.first { stepErrors[$0].contains { $0 > 1e-7 } }!
let firstFailingName = gradientNames[stepErrors[firstFailing].firstIndex { $0 > 1e-7 }!]
precondition(slopes.allSatisfy { abs($0 + 1) < 0.25 }, "a fitted slope is no longer close to -1")
// The steps move each figure by far more than the four orders of summation do.
precondition((0..<3).allSatisfy { g in
    stepErrors.map { $0[g] }.max()! / stepErrors.map { $0[g] }.min()! > 100 * spread[g].high / spread[g].low
}, "the step no longer moves the figures far more than the order of summation")
print("06-batch.md line 596:", measured(slopes[0], .relative(1e-9)))
print("06-batch.md line 597:", measured(slopes[1], .relative(1e-9)))
print("06-batch.md line 598:", measured(slopes[2], .relative(1e-9)))
print("06-batch.md line 600:", measured(pow(10, -slopes.reduce(0, +) / 3), .relative(1e-9)))
print("06-batch.md line 604:", decadeFactors.min()!)
print("06-batch.md line 604:", decadeFactors.max()!)
print("06-batch.md line 605:", steps[firstFailing])
print("06-batch.md line 606:", firstFailingName)
print("06-batch.md line 607:", stepErrors[firstFailing].max()!)
print("06-batch.md line 607:", steps[0])
print("06-batch.md line 608:", stepErrors[0].max()!)
print("06-batch.md line 608:", stepErrors[steps.firstIndex(of: 1e-5)!].max()! / stepErrors[0].max()!)
print("06-batch.md line 616:", batchCheck.worst)

// MARK: block 18, 06-batch.md line 622
let dxUnturned = convBackward(dyb, xb, rotate180(wb), p).dx     // dy cross-correlated with the unturned w
let unturnedError = relError(dxUnturned, dxNumeric)
precondition(unturnedError > 1e-2, "the unturned filter no longer fails by far")
print("06-batch.md line 628:", unturnedError)

// MARK: block 19, 06-batch.md line 639
let xThree = Tensor.stack([x.slice(0), x.slice(1), Tensor(repeating: 1, shape: [1, 3, 3])])
let dyThree = Tensor.stack([dy.slice(0), dy.slice(1), Tensor(batch: [[[[1, 0], [0, 0]]]]).slice(0)])
let gradsThree = convBackward(dyThree, xThree, w)
print("06-batch.md line 647:", crossCorrelate(xThree.slice(2).slice(0), dyThree.slice(2).slice(0)))
print("06-batch.md line 647:", gradsThree.dw.slice(0).slice(0))
print("06-batch.md line 648:", grads.db[0])
print("06-batch.md line 649:", gradsThree.db[0])
print("06-batch.md line 651:", (gradsThree.dx.slice(0) - grads.dx.slice(0)).maxAbs())
print("06-batch.md line 658:", xb.shape[0])

// MARK: block 20, 06-batch.md line 662
let gMean = convBackward(dyb / Double(xb.shape[0]), xb, wb, p)
print("06-batch.md line 668:", gb.dw.maxAbs() / gMean.dw.maxAbs())
print("06-batch.md line 669:", gb.db.maxAbs() / gMean.db.maxAbs())
print("06-batch.md line 670:", gb.dx.maxAbs() / gMean.dx.maxAbs())

// MARK: block 21, 06-batch.md line 684 (traps: kept as a comment)
// _ = convBackward(Tensor.stack((0..<3).map { dyb.slice($0) }), xb, wb, p)
// 
