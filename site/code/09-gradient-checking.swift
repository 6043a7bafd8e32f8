// Gradient checking, done right
// The code of 09-gradient-checking.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release 09-gradient-checking.swift -o 09-gradient-checking
//   ./09-gradient-checking
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify 09-gradient-checking

import ConvEngine
import ConvbookRuntime

// MARK: block 1, 09-gradient-checking.md line 15
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// MARK: block 2, 09-gradient-checking.md line 50
func centredDifference(of f: (Tensor) -> Tensor, at x: Tensor, upstream dy: Tensor, h: Double) -> Tensor {
    var gradient = Tensor(zeros: x.shape)
    for k in x.scalars.indices {
        var plus = x, minus = x
        plus.scalars[k] += h
        minus.scalars[k] -= h
        let difference = f(plus) - f(minus)
        gradient.scalars[k] = difference.dot(dy) / (2 * h)
    }
    return gradient
}

// MARK: block 3, 09-gradient-checking.md line 67
let x = Tensor.randomNormal(shape: [2, 3, 5, 5], seed: 1)
let w = Tensor.randomNormal(shape: [4, 3, 3, 3], seed: 2)
let b = Tensor.randomNormal(shape: [4], seed: 3)
let params = ConvParameters(stride: 2, padding: 1)
let dy = Tensor.randomNormal(shape: [2, 4, 3, 3], seed: 4)
let layerOfX = { (input: Tensor) in convForward(input, w, b, params) }
let ours = centredDifference(of: layerOfX, at: x, upstream: dy, h: 1e-5)
let engines = numericalGradient(of: layerOfX, at: x, upstream: dy)
let writtenOutDiff = checkAgreement("centred difference written out vs the engine's numericalGradient", ours, engines)
let grads = convBackward(dy, x, w, params)
let firstCheck = checkGradients(("dx", grads.dx, ours))
print("09-gradient-checking.md line 81:", writtenOutDiff)
print("09-gradient-checking.md line 82:", firstCheck["dx"])
print("09-gradient-checking.md line 84:", 2 * x.count)
print("09-gradient-checking.md line 84:", x.count)
print("09-gradient-checking.md line 107:", 1e-5 * 1e-5)
print("09-gradient-checking.md line 117:", Double.ulpOfOne)
print("09-gradient-checking.md line 129:", cbrt(Double.ulpOfOne))
print("09-gradient-checking.md line 130:", Double.ulpOfOne.squareRoot())
print("09-gradient-checking.md line 131:", pow(Double.ulpOfOne, 2.0 / 3))

// MARK: block 4, 09-gradient-checking.md line 139
let xs = Tensor.randomNormal(shape: [2, 2, 5, 5], seed: 11)
let ws = Tensor.randomNormal(shape: [3, 2, 3, 3], seed: 12, standardDeviation: 0.5)
let bs = Tensor.randomNormal(shape: [3], seed: 13)
let ys = convForward(xs, ws, bs)
let images = ys.shape[0]
let scoresPerImage = ys.count / images          // F · H' · W' outputs per image, one score each
let labels = [4, 17]
precondition(labels.count == images && labels.allSatisfy { $0 < scoresPerImage }, "a label is not a class")
func lossOfW(_ w: Tensor) -> Double {
    softmaxCrossEntropyLoss(convForward(xs, w, bs).reshaped([images, scoresPerImage]), labels: labels).loss
}
// The analytic dw: the loss's gradient is the layer's dy.
let scores = softmaxCrossEntropyLoss(ys.reshaped([images, scoresPerImage]), labels: labels)
let dwAnalytic = convBackward(scores.gradient.reshaped(ys.shape), xs, ws).dw

func forwardDifference(ofScalar f: (Tensor) -> Double, at x: Tensor, h: Double) -> Tensor {
    let here = f(x)
    var gradient = Tensor(zeros: x.shape)
    for k in x.scalars.indices {
        var plus = x
        plus.scalars[k] += h
        gradient.scalars[k] = (f(plus) - here) / h
    }
    return gradient
}

var sweepRows = [[Any]]()
var bestCentred = (h: 0.0, error: Double.infinity), bestForward = (h: 0.0, error: Double.infinity)
for exponent in 1...12 {
    let h = pow(10, -Double(exponent))
    let centred = numericalGradient(ofScalar: lossOfW, at: ws, h: h)
    let forward = forwardDifference(ofScalar: lossOfW, at: ws, h: h)
    let (centredError, forwardError) = (centred.maxAbsDifference(dwAnalytic), forward.maxAbsDifference(dwAnalytic))
    sweepRows.append([h, centredError, relError(centred, dwAnalytic), forwardError, relError(forward, dwAnalytic)])
    if centredError < bestCentred.error { bestCentred = (h, centredError) }
    if forwardError < bestForward.error { bestForward = (h, forwardError) }
}
showTable(["h", "centred: max |error|", "centred: rel. error", "forward: max |error|", "forward: rel. error"], sweepRows)
// The steps at which the centred quotient passes the 1e-7 bar.
let centredSafe = sweepRows.filter { ($0[2] as! Double) < 1e-7 }.map { $0[0] as! Double }

// MARK: block 5, 09-gradient-checking.md line 185
let stepSizes = sweepRows.map { $0[0] as! Double }
showPlot(x: stepSizes,
         series: [("centred", sweepRows.map { $0[1] as! Double }),
                  ("forward (one-sided)", sweepRows.map { $0[3] as! Double })],
         xLabel: "step h", yLabel: "max |error| of the numerical dw", logX: true, logY: true,
         "Error of the two difference quotients against h. The estimates put the best steps near ε^(1/3) ≈ \(fmt(cbrt(Double.ulpOfOne))) (centred) and ε^(1/2) ≈ \(fmt(Double.ulpOfOne.squareRoot())) (forward); measured: h = \(fmt(bestCentred.h)) and h = \(fmt(bestForward.h))")

// MARK: block 6, 09-gradient-checking.md line 197
/// The least-squares slope of log10(error) against log10(h).
func fittedSlope(_ h: [Double], _ errors: [Double]) -> Double {
    let (u, v) = (h.map { log10($0) }, errors.map { log10($0) })
    let (meanU, meanV) = (u.reduce(0, +) / Double(u.count), v.reduce(0, +) / Double(v.count))
    let covariance = zip(u, v).map { ($0 - meanU) * ($1 - meanV) }.reduce(0, +)
    return covariance / u.map { ($0 - meanU) * ($0 - meanU) }.reduce(0, +)
}
/// The slope above the best step (truncation) and below it (rounding).
func regimeSlopes(_ errors: [Double]) -> (truncation: Double, rounding: Double) {
    let best = errors.indices.min { errors[$0] < errors[$1] }!
    return (fittedSlope(Array(stepSizes[..<best]), Array(errors[..<best])),
            fittedSlope(Array(stepSizes[(best + 1)...]), Array(errors[(best + 1)...])))
}
let centredSlopes = regimeSlopes(sweepRows.map { $0[1] as! Double })
let forwardSlopes = regimeSlopes(sweepRows.map { $0[3] as! Double })
let smallestStep = sweepRows.last!
let roundingRatio = (smallestStep[3] as! Double) / (smallestStep[1] as! Double)
precondition(abs(centredSlopes.truncation - 2) < 0.3 && abs(forwardSlopes.truncation - 1) < 0.3
             && abs(centredSlopes.rounding + 1) < 0.3 && abs(forwardSlopes.rounding + 1) < 0.3,
             "the fitted slopes no longer match the estimates' 2, 1 and -1")
precondition(abs(roundingRatio - 2) < 0.5, "at the smallest step the forward error is no longer about twice the centred one")
print("09-gradient-checking.md line 223:", measured(centredSlopes.truncation, .relative(1e-9)))
print("09-gradient-checking.md line 225:", measured(pow(10, centredSlopes.truncation), .relative(1e-9)))
print("09-gradient-checking.md line 227:", measured(forwardSlopes.truncation, .relative(1e-9)))
print("09-gradient-checking.md line 228:", measured(pow(10, forwardSlopes.truncation), .relative(1e-9)))
print("09-gradient-checking.md line 231:", measured(centredSlopes.rounding, .relative(1e-9)))
print("09-gradient-checking.md line 232:", measured(forwardSlopes.rounding, .relative(1e-9)))
print("09-gradient-checking.md line 234:", bestCentred.h)
print("09-gradient-checking.md line 234:", bestCentred.error)
print("09-gradient-checking.md line 235:", bestForward.h)
print("09-gradient-checking.md line 235:", bestForward.error)
print("09-gradient-checking.md line 236:", smallestStep[0] as! Double)
print("09-gradient-checking.md line 237:", roundingRatio)
print("09-gradient-checking.md line 242:", centredSafe.first!)
print("09-gradient-checking.md line 242:", centredSafe.last!)
print("09-gradient-checking.md line 243:", sweepRows.map { $0[4] as! Double }.min()!)
print("09-gradient-checking.md line 245:", Int((bestForward.error / bestCentred.error).rounded()))
print("09-gradient-checking.md line 250:", Double(Float.ulpOfOne))
print("09-gradient-checking.md line 251:", cbrt(Double(Float.ulpOfOne)))
print("09-gradient-checking.md line 252:", pow(Double(Float.ulpOfOne), 2.0 / 3))

// MARK: block 7, 09-gradient-checking.md line 260
/// The layer of the first example, its forward pass computed in Float.
func layerInFloat(_ input: Tensor) -> Tensor {
    let xPad = pad(input, params.padding)
    let s = params.stride
    var y = Tensor(zeros: convForward(input, w, b, params).shape)
    for n in 0..<y.shape[0] { for f in 0..<y.shape[1] { for i in 0..<y.shape[2] { for j in 0..<y.shape[3] {
        var total = Float(b[f])
        for c in 0..<w.shape[1] { for a in 0..<w.shape[2] { for bb in 0..<w.shape[3] {
            total += Float(xPad[n, c, s.height * i + a, s.width * j + bb]) * Float(w[f, c, a, bb])
        } } }
        y[n, f, i, j] = Double(total)
    } } } }
    return y
}
let dxInFloat = numericalGradient(of: layerInFloat, at: x, upstream: dy)
let singlePrecisionError = relError(grads.dx, dxInFloat)
precondition(singlePrecisionError > 1e-2, "the single-precision check no longer fails by far")
print("09-gradient-checking.md line 280:", firstCheck["dx"])
print("09-gradient-checking.md line 281:", singlePrecisionError)
print("09-gradient-checking.md line 282:", dxInFloat.maxAbsDifference(grads.dx))
print("09-gradient-checking.md line 283:", ours.maxAbsDifference(grads.dx))
print("09-gradient-checking.md line 284:", grads.dx.maxAbs())

// MARK: block 8, 09-gradient-checking.md line 312
var scaleRows = [[Any]]()
for scale in [1.0, 1e3, 1e6] {
    let scaled = scale * x
    let dwExact = convBackward(dy, scaled, w, params).dw
    let dwNumeric = numericalGradient(of: { convForward(scaled, $0, b, params) }, at: w, upstream: dy)
    scaleRows.append([scale, dwExact.maxAbs(), dwNumeric.maxAbsDifference(dwExact), relError(dwNumeric, dwExact)])
}
showTable(["scale of x", "max |dw|", "max |error|", "rel. error"], scaleRows)

// MARK: block 9, 09-gradient-checking.md line 356
let dy1 = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 21)
let x1 = Tensor.randomNormal(shape: [1, 1, 5, 5], seed: 22)
let w1 = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 23)
let dxUnturned = crossCorrelate(dy1.slice(0).slice(0), w1.slice(0).slice(0), mode: .full).reshaped(x1.shape)
let dxNumeric1 = numericalGradient(of: { convForward($0, w1) }, at: x1, upstream: dy1)
let dwNumeric1 = numericalGradient(of: { convForward(x1, $0) }, at: w1, upstream: dy1)
let unturnedError = relError(dxUnturned, dxNumeric1)
let doubledError = relError(2 * convBackward(dy1, x1, w1).dw, dwNumeric1)
print("dx with the filter not turned: relative error", unturnedError)
print("dw twice too large:            relative error", doubledError)
precondition(unturnedError > 1e-2 && doubledError > 1e-2, "the two mistakes no longer land above 1e-2")
precondition(abs(doubledError - 1.0 / 3) < 1e-6, "dw twice too large no longer has the error |k - 1|/(k + 1)")
print("09-gradient-checking.md line 371:", unturnedError)
print("09-gradient-checking.md line 371:", doubledError)
print("09-gradient-checking.md line 373:", (2.0 - 1) / (2 + 1))

// MARK: block 10, 09-gradient-checking.md line 405
func bothForms(_ f: (Tensor) -> Tensor, at x: Tensor, upstream dy: Tensor, entries: [Int],
               h: Double) -> (array: [Double], scalar: [Double]) {
    var arrayForm = [Double](), scalarForm = [Double]()
    for k in entries {
        var plus = x, minus = x
        plus.scalars[k] += h
        minus.scalars[k] -= h
        let (yPlus, yMinus) = (f(plus), f(minus))
        arrayForm.append((yPlus - yMinus).dot(dy) / (2 * h))          // difference, then sum
        scalarForm.append((yPlus.dot(dy) - yMinus.dot(dy)) / (2 * h))  // sum, then difference
    }
    return (arrayForm, scalarForm)
}

// MARK: block 11, 09-gradient-checking.md line 426
var formRows = [[Any]]()
var largestErrors = (array: 0.0, scalar: 0.0)
for n in [8, 16, 32, 64] {
    let xn = Tensor.randomNormal(shape: [1, 1, n, n], seed: 31)
    let wn = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 32)
    let dyn = Tensor.randomNormal(shape: [1, 1, n - 2, n - 2], seed: 33)
    let exact = convBackward(dyn, xn, wn).dx
    let entries = (0..<10).map { (n / 2) * n + 1 + $0 * (n - 2) / 10 }
    var row: [Any] = ["\(n) × \(n)", (n - 2) * (n - 2)]
    for bias in [0.0, 10.0] {
        let forms = bothForms({ convForward($0, wn, Tensor(vector: [bias])) }, at: xn, upstream: dyn,
                              entries: entries, h: 1e-5)
        let arrayError = zip(forms.array, entries).map { abs($0 - exact.scalars[$1]) }.max()!
        let scalarError = zip(forms.scalar, entries).map { abs($0 - exact.scalars[$1]) }.max()!
        row += [arrayError, scalarError]
        largestErrors = (max(largestErrors.array, arrayError), max(largestErrors.scalar, scalarError))
    }
    formRows.append(row)
}
showTable(["input", "outputs", "array form (b = 0)", "scalar form (b = 0)",
           "array form (b = 10)", "scalar form (b = 10)"], formRows, "largest |error| of dx at ten pixels")

// MARK: block 12, 09-gradient-checking.md line 452
let outputCounts = formRows.map { Double($0[1] as! Int) }
showPlot(x: outputCounts,
         series: [("array form, b = 0", formRows.map { $0[2] as! Double }),
                  ("scalar form, b = 0", formRows.map { $0[3] as! Double }),
                  ("array form, b = 10", formRows.map { $0[4] as! Double }),
                  ("scalar form, b = 10", formRows.map { $0[5] as! Double })],
         xLabel: "number of outputs summed into L", yLabel: "largest |error| of dx at ten pixels",
         logX: true, logY: true,
         "The array form's error stays roughly level at every size; the scalar form's grows with the number of outputs, and is larger still when the outputs are large (b = 10)")
print("09-gradient-checking.md line 465:", largestErrors.array)
print("09-gradient-checking.md line 467:", largestErrors.scalar)

// MARK: block 13, 09-gradient-checking.md line 486
let h = 1e-5
let xk = Tensor.randomNormal(shape: [1, 1, 5, 5], seed: 41)
let wk = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 42)
let dyk = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 43)
let zNoBias = convForward(xk, wk)
let bKink = Tensor(vector: [0.4 * h - zNoBias[0, 0, 1, 1]])
let zk = convForward(xk, wk, bKink)
let othersNearest = zk.scalars.enumerated().filter { $0.offset != 4 }.map { abs($0.element) }.min()!
print("pre-activation at output (1, 1):", zk[0, 0, 1, 1])
print("smallest |pre-activation| elsewhere:", othersNearest)

/// The analytic gradients of relu(conv(x)), through reluBackward and convBackward.
func reluLayerGradients(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ dy: Tensor) -> ConvGradients {
    convBackward(reluBackward(dy, convForward(x, w, b)), x, w)
}
let atKink = reluLayerGradients(xk, wk, bKink, dyk)
let dxAtKink = numericalGradient(of: { relu(convForward($0, wk, bKink)) }, at: xk, upstream: dyk, h: h)
let dwAtKink = numericalGradient(of: { relu(convForward(xk, $0, bKink)) }, at: wk, upstream: dyk, h: h)
let kinkErrorDx = relError(atKink.dx, dxAtKink), kinkErrorDw = relError(atKink.dw, dwAtKink)
print("relative error of dx:", kinkErrorDx)
print("relative error of dw:", kinkErrorDw)
precondition(kinkErrorDx > 1e-2 && kinkErrorDw > 1e-2, "the kink no longer pushes the errors above 1e-2")
print("09-gradient-checking.md line 511:", kinkErrorDx)
print("09-gradient-checking.md line 511:", kinkErrorDw)

// MARK: block 14, 09-gradient-checking.md line 522
/// The entries of x whose ±h nudge moves some pre-activation across zero.
func kinkCrossings(_ x: Tensor, _ w: Tensor, _ b: Tensor, h: Double) -> [Int] {
    var crossing = [Int]()
    for k in x.scalars.indices {
        var plus = x, minus = x
        plus.scalars[k] += h
        minus.scalars[k] -= h
        let (zPlus, zMinus) = (convForward(plus, w, b), convForward(minus, w, b))
        if zPlus.scalars.indices.contains(where: { (zPlus.scalars[$0] > 0) != (zMinus.scalars[$0] > 0) }) {
            crossing.append(k)
        }
    }
    return crossing
}
let crossed = kinkCrossings(xk, wk, bKink, h: h)
print("entries of x whose nudge crosses the kink:", crossed)
// The window of output (1, 1): stride 1, no padding, so rows 1 ..< 1 + HH and columns 1 ..< 1 + WW.
let (windowRows, windowColumns) = (1..<(1 + wk.shape[2]), 1..<(1 + wk.shape[3]))
let underTheWindow = windowRows.flatMap { r in windowColumns.map { c in r * xk.shape[3] + c } }
precondition(crossed == underTheWindow, "the crossing entries are no longer exactly the window of output (1, 1)")
print("09-gradient-checking.md line 545:", crossed.count)
print("09-gradient-checking.md line 546:", windowRows.first!)
print("09-gradient-checking.md line 546:", windowRows.last!)
print("09-gradient-checking.md line 547:", windowColumns.first!)
print("09-gradient-checking.md line 547:", windowColumns.last!)
print("09-gradient-checking.md line 548:", xk.shape[2])
print("09-gradient-checking.md line 548:", xk.shape[3])

// MARK: block 15, 09-gradient-checking.md line 566
let bSafe = Tensor(vector: [0.1 - zNoBias[0, 0, 1, 1]])
let awayFromKink = reluLayerGradients(xk, wk, bSafe, dyk)
print("entries crossing a kink now:", kinkCrossings(xk, wk, bSafe, h: h).count)
let safeCheck = checkGradients(
    ("dx", awayFromKink.dx, numericalGradient(of: { relu(convForward($0, wk, bSafe)) }, at: xk, upstream: dyk, h: h)),
    ("dw", awayFromKink.dw, numericalGradient(of: { relu(convForward(xk, $0, bSafe)) }, at: wk, upstream: dyk, h: h)),
    ("db", awayFromKink.db, numericalGradient(of: { relu(convForward(xk, wk, $0)) }, at: bSafe, upstream: dyk, h: h)))
print("09-gradient-checking.md line 576:", safeCheck.worst)
print("09-gradient-checking.md line 582:", Int((bestForward.error / bestCentred.error).rounded()))
