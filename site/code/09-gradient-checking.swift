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

// MARK: block 1, 09-gradient-checking.md line 16
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// MARK: block 2, 09-gradient-checking.md line 51
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

// MARK: block 3, 09-gradient-checking.md line 68
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
print("09-gradient-checking.md line 82:", writtenOutDiff)
print("09-gradient-checking.md line 83:", firstCheck["dx"])
print("09-gradient-checking.md line 85:", 2 * x.count)
print("09-gradient-checking.md line 85:", x.count)
print("09-gradient-checking.md line 108:", 1e-5 * 1e-5)
print("09-gradient-checking.md line 118:", Double.ulpOfOne)
print("09-gradient-checking.md line 136:", cbrt(Double.ulpOfOne))
print("09-gradient-checking.md line 137:", Double.ulpOfOne.squareRoot())
print("09-gradient-checking.md line 138:", pow(Double.ulpOfOne, 2.0 / 3))

// MARK: block 4, 09-gradient-checking.md line 146
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

// MARK: block 5, 09-gradient-checking.md line 192
let stepSizes = sweepRows.map { $0[0] as! Double }
showPlot(x: stepSizes,
         series: [("centred", sweepRows.map { $0[1] as! Double }),
                  ("forward (one-sided)", sweepRows.map { $0[3] as! Double })],
         xLabel: "step h", yLabel: "max |error| of the numerical dw", logX: true, logY: true,
         "Error of the two difference quotients against h. The estimates put the best steps near ε^(1/3) ≈ \(fmt(cbrt(Double.ulpOfOne))) (centred) and ε^(1/2) ≈ \(fmt(Double.ulpOfOne.squareRoot())) (forward); measured: h = \(fmt(bestCentred.h)) and h = \(fmt(bestForward.h))")

// MARK: block 6, 09-gradient-checking.md line 204
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
// The rounding estimate ε|L|/(2h) of the centred quotient at the smallest step, against what was measured there.
let lossHere = lossOfW(ws)
let roundingEstimate = Double.ulpOfOne * abs(lossHere) / (2 * (smallestStep[0] as! Double))
let roundingMeasured = smallestStep[1] as! Double
precondition(roundingMeasured > roundingEstimate / 10 && roundingMeasured < roundingEstimate * 10,
             "the centred error at the smallest step is no longer the size of the estimate ε|L|/(2h)")
// The best steps within a decade of the estimates ε^(1/3) and ε^(1/2).
precondition(abs(log10(bestCentred.h / cbrt(Double.ulpOfOne))) <= 1
             && abs(log10(bestForward.h / Double.ulpOfOne.squareRoot())) <= 1,
             "a measured best step is no longer within a decade of its estimate")
// What the next paragraph says of h = 1e-5.
precondition(bestCentred.h == 1e-5, "the best centred step is no longer h = 1e-5")
precondition(centredSafe.contains { $0 > 1e-5 } && centredSafe.contains { $0 < 1e-5 },
             "the steps that pass 1e-7 no longer lie on both sides of h = 1e-5")
print("09-gradient-checking.md line 244:", measured(centredSlopes.truncation, .relative(1e-9)))
print("09-gradient-checking.md line 246:", measured(pow(10, centredSlopes.truncation), .relative(1e-9)))
print("09-gradient-checking.md line 248:", measured(forwardSlopes.truncation, .relative(1e-9)))
print("09-gradient-checking.md line 249:", measured(pow(10, forwardSlopes.truncation), .relative(1e-9)))
print("09-gradient-checking.md line 252:", measured(centredSlopes.rounding, .relative(1e-9)))
print("09-gradient-checking.md line 253:", measured(forwardSlopes.rounding, .relative(1e-9)))
print("09-gradient-checking.md line 255:", bestCentred.h)
print("09-gradient-checking.md line 255:", bestCentred.error)
print("09-gradient-checking.md line 256:", bestForward.h)
print("09-gradient-checking.md line 256:", bestForward.error)
print("09-gradient-checking.md line 257:", smallestStep[0] as! Double)
print("09-gradient-checking.md line 258:", roundingRatio)
print("09-gradient-checking.md line 260:", roundingMeasured)
print("09-gradient-checking.md line 261:", lossHere)
print("09-gradient-checking.md line 262:", roundingEstimate)
print("09-gradient-checking.md line 264:", bestCentred.h)
print("09-gradient-checking.md line 266:", centredSafe.first!)
print("09-gradient-checking.md line 266:", centredSafe.last!)
print("09-gradient-checking.md line 268:", sweepRows.map { $0[4] as! Double }.min()!)
print("09-gradient-checking.md line 269:", bestForward.h)
print("09-gradient-checking.md line 270:", Int((bestForward.error / bestCentred.error).rounded()))
print("09-gradient-checking.md line 271:", bestCentred.h)
print("09-gradient-checking.md line 276:", Double(Float.ulpOfOne))
print("09-gradient-checking.md line 277:", cbrt(Double(Float.ulpOfOne)))
print("09-gradient-checking.md line 278:", pow(Double(Float.ulpOfOne), 2.0 / 3))

// MARK: block 7, 09-gradient-checking.md line 286
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
print("09-gradient-checking.md line 306:", firstCheck["dx"])
print("09-gradient-checking.md line 307:", singlePrecisionError)
print("09-gradient-checking.md line 308:", dxInFloat.maxAbsDifference(grads.dx))
print("09-gradient-checking.md line 309:", ours.maxAbsDifference(grads.dx))
print("09-gradient-checking.md line 310:", grads.dx.maxAbs())

// MARK: block 8, 09-gradient-checking.md line 322
var linearRows = [[Any]]()
for exponent in 1...8 {
    let step = pow(10, -Double(exponent))
    let numeric = numericalGradient(of: layerOfX, at: x, upstream: dy, h: step)
    linearRows.append([step, numeric.maxAbsDifference(grads.dx), relError(grads.dx, numeric)])
}
showTable(["h", "max |error| of dx", "rel. error of dx"], linearRows)
let linearSteps = linearRows.map { $0[0] as! Double }
let linearErrors = linearRows.map { $0[2] as! Double }
let linearSlope = fittedSlope(linearSteps, linearErrors)
precondition(linearSteps[0] == 1e-1 && linearSteps[4] == 1e-5, "the rows are no longer h = 1e-1, ..., 1e-5, ...")
let largeStepGain = linearErrors[4] / linearErrors[0]       // h = 1e-5 against h = 1e-1
precondition(abs(linearSlope + 1) < 0.3, "the linear layer's error no longer falls like 1/h")
precondition(largeStepGain > 100, "h = 0.1 no longer beats h = 1e-5 by far on the linear layer")
print("09-gradient-checking.md line 340:", measured(linearSlope, .relative(1e-9)))
print("09-gradient-checking.md line 341:", linearSteps[0])
print("09-gradient-checking.md line 341:", largeStepGain)
print("09-gradient-checking.md line 342:", linearSteps[4])
print("09-gradient-checking.md line 351:", linearErrors[4])

// MARK: block 9, 09-gradient-checking.md line 385
/// The relative error with the course notes' denominator max(|G_k|, |G̃_k|), floored like relError.
func relErrorNotes(_ g: Tensor, _ gNumeric: Tensor) -> Double {
    var largest = 0.0
    for k in g.scalars.indices {
        let (a, b) = (g.scalars[k], gNumeric.scalars[k])
        largest = max(largest, abs(a - b) / max(1e-8, max(abs(a), abs(b))))
    }
    return largest
}
var scaleRows = [[Any]]()
var formRatios = [relErrorNotes(grads.dx, ours) / relError(grads.dx, ours)]
for scale in [1.0, 1e3, 1e6] {
    let scaled = scale * x
    let dwExact = convBackward(dy, scaled, w, params).dw
    let dwNumeric = numericalGradient(of: { convForward(scaled, $0, b, params) }, at: w, upstream: dy)
    scaleRows.append([scale, dwExact.maxAbs(), dwNumeric.maxAbsDifference(dwExact), relError(dwNumeric, dwExact),
                      relErrorNotes(dwExact, dwNumeric)])
    formRatios.append(relErrorNotes(dwExact, dwNumeric) / relError(dwNumeric, dwExact))
}
showTable(["scale of x", "max |dw|", "max |error|", "rel. error", "rel. error, notes' form"], scaleRows)
precondition(formRatios.allSatisfy { $0 >= 1 && $0 <= 2 }, "the notes' form is no longer between one and two times relError")
print("09-gradient-checking.md line 410:", 2 - formRatios.min()!)
print("09-gradient-checking.md line 413:", 1e-7 / 2)

// MARK: block 10, 09-gradient-checking.md line 458
let dy1 = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 21)
let x1 = Tensor.randomNormal(shape: [1, 1, 5, 5], seed: 22)
let w1 = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 23)
let dxUnturned = crossCorrelate(dy1.slice(0).slice(0), w1.slice(0).slice(0), mode: .full).reshaped(x1.shape)
let dxNumeric1 = numericalGradient(of: { convForward($0, w1) }, at: x1, upstream: dy1)
let dwNumeric1 = numericalGradient(of: { convForward(x1, $0) }, at: w1, upstream: dy1)
let unturnedError = relError(dxUnturned, dxNumeric1)
print("dx with the filter not turned: relative error", unturnedError)
precondition(unturnedError > 1e-2, "the unturned filter no longer lands above 1e-2")

let dwCorrect = convBackward(dy1, x1, w1).dw
let checkNoise = relError(dwCorrect, dwNumeric1)              // the check's own error on the correct dw
/// The notes' reading of a relative error (smooth function).
func reading(_ e: Double) -> String {
    e > 1e-2 ? "probably wrong" : e > 1e-4 ? "uncomfortable" : e > 1e-7 ? "too high without kinks" : "happy"
}
let factorOffsets = [1.0, 0.1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7]   // λ − 1
var factorRows = [[Any]]()
var factorErrors = [Double]()
for offset in factorOffsets {
    let lambda = 1 + offset
    let predicted = abs(lambda - 1) / (lambda + 1)
    let measuredError = relError(lambda * dwCorrect, dwNumeric1)
    precondition(abs(measuredError - predicted) <= 2 * checkNoise + 1e-15,
                 "dw off by a factor λ no longer has the error |λ − 1|/(λ + 1), up to the check's own error")
    factorErrors.append(measuredError)
    factorRows.append([offset, predicted, measuredError, measuredError > 1e-7 ? "fails" : "passes", reading(measuredError)])
}
showTable(["λ − 1", "|λ − 1|/(λ + 1)", "rel. error, measured", "the 1e-7 bar", "the notes' reading"], factorRows)
// The smallest factor each bar catches: |λ − 1|/(λ + 1) > T  ⟺  λ − 1 > 2T/(1 − T).
func smallestCaught(_ bar: Double) -> Double { 2 * bar / (1 - bar) }
let caughtAt = [1e-7, 1e-4, 1e-2].map(smallestCaught)
let offsetAt = { (o: Double) in factorErrors[factorOffsets.firstIndex(of: o)!] }
precondition(offsetAt(1e-3) > 1e-4 && offsetAt(1e-3) < 1e-2, "a gradient 0.1 % too large is no longer 'uncomfortable'")
precondition(offsetAt(1e-7) < 1e-7, "a gradient off by 1 + 1e-7 no longer passes the 1e-7 bar")
precondition(offsetAt(1e-6) > 1e-7, "a gradient off by 1 + 1e-6 no longer fails the 1e-7 bar")
print("09-gradient-checking.md line 497:", unturnedError)
print("09-gradient-checking.md line 499:", checkNoise)
print("09-gradient-checking.md line 502:", caughtAt[0])
print("09-gradient-checking.md line 504:", caughtAt[1])
print("09-gradient-checking.md line 505:", caughtAt[2])
print("09-gradient-checking.md line 506:", offsetAt(1e-3))

// MARK: block 11, 09-gradient-checking.md line 525
/// The centred array-form difference of dx for a layer with one image, one channel and one filter
/// (stride 1, no padding), visiting for each nudged pixel only the outputs it reaches, each summed in
/// the engine's order (bias first, then the taps row by row), and adding them in the engine's order.
func dxByNearbyOutputs(_ x: Tensor, _ w: Tensor, _ b: Tensor, upstream dy: Tensor, h: Double) -> Tensor {
    let (width, HH, WW) = (x.shape[3], w.shape[2], w.shape[3])
    let (outHeight, outWidth) = (dy.shape[2], dy.shape[3])
    let (xs, ws, dys, bias) = (x.scalars, w.scalars, dy.scalars, b[0])
    var gradient = [Double](repeating: 0, count: x.count)
    for u in 0..<x.shape[2] {
        for v in 0..<width {
            var total = 0.0
            for i in max(0, u - HH + 1)...min(u, outHeight - 1) {
                for j in max(0, v - WW + 1)...min(v, outWidth - 1) {
                    var up = bias, down = bias
                    for a in 0..<HH {
                        for bb in 0..<WW {
                            let pixel = xs[(i + a) * width + j + bb], tap = ws[a * WW + bb]
                            let nudged = i + a == u && j + bb == v
                            up += (nudged ? pixel + h : pixel) * tap
                            down += (nudged ? pixel - h : pixel) * tap
                        }
                    }
                    total += (up - down) * dys[i * outWidth + j]
                }
            }
            gradient[u * width + v] = total / (2 * h)
        }
    }
    return Tensor(shape: x.shape, scalars: gradient)
}
/// Draw number `draw` of the layer of side n: x (1, 1, n, n), a 3 × 3 filter, a bias, and dy.
func sizedLayer(_ n: Int, draw: UInt64 = 0) -> (x: Tensor, w: Tensor, b: Tensor, dy: Tensor) {
    let seed = 51 + 10 * draw
    return (Tensor.randomNormal(shape: [1, 1, n, n], seed: seed), Tensor.randomNormal(shape: [1, 1, 3, 3], seed: seed + 1),
            Tensor.randomNormal(shape: [1], seed: seed + 2), Tensor.randomNormal(shape: [1, 1, n - 2, n - 2], seed: seed + 3))
}
// The shortcut reproduces the engine's check bit for bit, on a size the engine can afford.
let small = sizedLayer(24)
precondition(dxByNearbyOutputs(small.x, small.w, small.b, upstream: small.dy, h: 1e-5)
             == numericalGradient(of: { convForward($0, small.w, small.b) }, at: small.x, upstream: small.dy),
             "the nearby-outputs difference no longer equals the engine's numericalGradient")

// MARK: block 12, 09-gradient-checking.md line 577
/// ‖G − G̃‖ / (‖G‖ + ‖G̃‖), the relative error of the whole tensor (Euclidean norms).
func normRelError(_ g: Tensor, _ gNumeric: Tensor) -> Double {
    let norm = { (t: Tensor) in t.dot(t).squareRoot() }
    return norm(g - gNumeric) / max(1e-8, norm(g) + norm(gNumeric))
}
let drawsPerSize: UInt64 = 7
let sides = [8, 16, 32, 64, 128, 256, 512]
var sizeRows = [[Any]]()
var medianWorst = [Double](), passingDraws = [Int](), normBySize = [Double](), absoluteBySize = [Double]()
var largestLayer: (exact: Tensor, numeric: Tensor)? = nil
for n in sides {
    var worst = [Double](), norms = [Double](), absolutes = [Double]()
    for draw in 0..<drawsPerSize {
        let layer = sizedLayer(n, draw: draw)
        let exact = convBackward(layer.dy, layer.x, layer.w).dx
        let numeric = dxByNearbyOutputs(layer.x, layer.w, layer.b, upstream: layer.dy, h: 1e-5)
        worst.append(relError(exact, numeric))
        norms.append(normRelError(exact, numeric))
        absolutes.append(exact.maxAbsDifference(numeric))
        if n == sides.last! && draw == 0 { largestLayer = (exact, numeric) }
    }
    worst.sort()
    medianWorst.append(worst[worst.count / 2])
    passingDraws.append(worst.filter { $0 < 1e-7 }.count)
    normBySize.append(norms.max()!)
    absoluteBySize.append(absolutes.max()!)
    sizeRows.append(["\(n) × \(n)", n * n, medianWorst.last!, worst.first!, worst.last!, passingDraws.last!,
                     absoluteBySize.last!, normBySize.last!])
}
showTable(["input", "entries of dx", "worst entry: median", "lowest", "highest", "draws below 1e-7",
           "max |error|", "norm-based rel. error"], sizeRows,
          "an exact dx against centred differences, h = 1e-5, \(drawsPerSize) draws per size")
precondition(medianWorst.last! > 100 * medianWorst.first!, "the worst entry's error no longer grows with the size")
precondition(medianWorst.first! < 1e-8 && medianWorst.last! > 1e-7,
             "the median worst entry no longer passes 1e-7 on the smallest layers and fails it on the largest")
precondition(normBySize.allSatisfy { $0 < 1e-10 }, "the norm-based error is no longer tiny at every size")
precondition(absoluteBySize.max()! < 10 * absoluteBySize.min()!, "the absolute error no longer stays within a decade")
print("09-gradient-checking.md line 617:", drawsPerSize)
print("09-gradient-checking.md line 618:", medianWorst.first!)
print("09-gradient-checking.md line 619:", sides.first! * sides.first!)
print("09-gradient-checking.md line 619:", medianWorst.last!)
print("09-gradient-checking.md line 620:", sides.last! * sides.last!)
print("09-gradient-checking.md line 621:", passingDraws.first!)
print("09-gradient-checking.md line 621:", drawsPerSize)
print("09-gradient-checking.md line 622:", passingDraws.last!)
print("09-gradient-checking.md line 625:", absoluteBySize.min()!)
print("09-gradient-checking.md line 625:", absoluteBySize.max()!)
print("09-gradient-checking.md line 626:", normBySize.max()!)

// MARK: block 13, 09-gradient-checking.md line 635
let (bigExact, bigNumeric) = largestLayer!
var perEntry = [Double](), sizes = [Double]()
for k in bigExact.scalars.indices {
    perEntry.append(relError(bigExact.scalars[k], bigNumeric.scalars[k]))
    sizes.append(abs(bigExact.scalars[k]))
}
let decadeEdges = [0.0, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1]
var decadeRows = [[Any]]()
for d in 0..<(decadeEdges.count - 1) {
    let inDecade = perEntry.filter { $0 >= decadeEdges[d] && $0 < decadeEdges[d + 1] }.count
    if inDecade > 0 { decadeRows.append(["\(fmt(decadeEdges[d])) to \(fmt(decadeEdges[d + 1]))", inDecade]) }
}
showTable(["relative error", "entries"], decadeRows, "the \(bigExact.count) entries of the largest dx")
let worstEntry = perEntry.indices.max { perEntry[$0] < perEntry[$1] }!
let medianSize = sizes.sorted()[sizes.count / 2]
let aboveBar = perEntry.filter { $0 > 1e-7 }.count
let absoluteErrors = bigExact.scalars.indices.map { abs(bigExact.scalars[$0] - bigNumeric.scalars[$0]) }
let worstAbsolute = absoluteErrors[worstEntry]
let medianAbsolute = absoluteErrors.sorted()[absoluteErrors.count / 2]
precondition(sizes[worstEntry] < medianSize / 100, "the worst entry is no longer a tiny one")
precondition(worstAbsolute < 10 * medianAbsolute, "the worst entry's absolute error is no longer an ordinary one")
precondition(perEntry.reduce(0, +).isFinite && decadeRows.map { $0[1] as! Int }.reduce(0, +) == bigExact.count,
             "the decades no longer hold every entry")
print("09-gradient-checking.md line 661:", bigExact.count)
print("09-gradient-checking.md line 661:", aboveBar)
print("09-gradient-checking.md line 662:", worstEntry)
print("09-gradient-checking.md line 663:", worstEntry / sides.last!)
print("09-gradient-checking.md line 663:", worstEntry % sides.last!)
print("09-gradient-checking.md line 664:", sizes[worstEntry])
print("09-gradient-checking.md line 665:", medianSize)
print("09-gradient-checking.md line 665:", worstAbsolute)
print("09-gradient-checking.md line 666:", medianAbsolute)
print("09-gradient-checking.md line 667:", absoluteErrors.max()!)

// MARK: block 14, 09-gradient-checking.md line 708
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

// MARK: block 15, 09-gradient-checking.md line 729
var formRows = [[Any]]()
var largestErrors = (array: 0.0, scalar: 0.0)
var largestRelative = (array: 0.0, scalar: 0.0)       // the same, as relative errors of those entries
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
        for (m, k) in entries.enumerated() {
            largestRelative = (max(largestRelative.array, relError(forms.array[m], exact.scalars[k])),
                               max(largestRelative.scalar, relError(forms.scalar[m], exact.scalars[k])))
        }
    }
    formRows.append(row)
}
precondition(largestRelative.scalar > 10 * largestRelative.array, "the scalar form is no longer far less accurate")
// What the next paragraph says of the table: the scalar form grows with the size, more with b = 10; the array form stays level.
let formColumn = { (c: Int) in formRows.map { $0[c] as! Double } }
precondition(formColumn(3).last! > 5 * formColumn(3).first! && formColumn(5).last! > 5 * formColumn(5).first!,
             "the scalar form's error no longer grows with the number of outputs")
precondition(zip(formColumn(5), formColumn(3)).allSatisfy { $0 > $1 }, "the scalar form is no longer worse with b = 10")
precondition([2, 4].allSatisfy { formColumn($0).max()! < 10 * formColumn($0).min()! },
             "the array form's error no longer stays within a decade as the layer grows")
showTable(["input", "outputs", "array form (b = 0)", "scalar form (b = 0)",
           "array form (b = 10)", "scalar form (b = 10)"], formRows, "largest |error| of dx at ten pixels")

// MARK: block 16, 09-gradient-checking.md line 768
let outputCounts = formRows.map { Double($0[1] as! Int) }
showPlot(x: outputCounts,
         series: [("array form, b = 0", formRows.map { $0[2] as! Double }),
                  ("scalar form, b = 0", formRows.map { $0[3] as! Double }),
                  ("array form, b = 10", formRows.map { $0[4] as! Double }),
                  ("scalar form, b = 10", formRows.map { $0[5] as! Double })],
         xLabel: "number of outputs summed into L", yLabel: "largest |error| of dx at ten pixels",
         logX: true, logY: true,
         "The array form's error stays roughly level at every size; the scalar form's grows with the number of outputs, and is larger still when the outputs are large (b = 10)")
print("09-gradient-checking.md line 781:", largestErrors.array)
print("09-gradient-checking.md line 783:", largestErrors.scalar)
print("09-gradient-checking.md line 785:", largestRelative.array)
print("09-gradient-checking.md line 786:", largestRelative.scalar)
print("09-gradient-checking.md line 786:", Int((largestRelative.scalar / largestRelative.array).rounded()))
print("09-gradient-checking.md line 787:", formRows.map { $0[1] as! Int }.max()!)

// MARK: block 17, 09-gradient-checking.md line 807
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
print("09-gradient-checking.md line 832:", kinkErrorDx)
print("09-gradient-checking.md line 832:", kinkErrorDw)

// MARK: block 18, 09-gradient-checking.md line 843
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
print("09-gradient-checking.md line 866:", crossed.count)
print("09-gradient-checking.md line 867:", windowRows.first!)
print("09-gradient-checking.md line 867:", windowRows.last!)
print("09-gradient-checking.md line 868:", windowColumns.first!)
print("09-gradient-checking.md line 868:", windowColumns.last!)
print("09-gradient-checking.md line 869:", xk.shape[2])
print("09-gradient-checking.md line 869:", xk.shape[3])
print("09-gradient-checking.md line 871:", wk.scalars.map { abs($0) }.min()!)

// MARK: block 19, 09-gradient-checking.md line 888
let bSafe = Tensor(vector: [0.1 - zNoBias[0, 0, 1, 1]])
let awayFromKink = reluLayerGradients(xk, wk, bSafe, dyk)
print("entries crossing a kink now:", kinkCrossings(xk, wk, bSafe, h: h).count)
let safeCheck = checkGradients(
    ("dx", awayFromKink.dx, numericalGradient(of: { relu(convForward($0, wk, bSafe)) }, at: xk, upstream: dyk, h: h)),
    ("dw", awayFromKink.dw, numericalGradient(of: { relu(convForward(xk, $0, bSafe)) }, at: wk, upstream: dyk, h: h)),
    ("db", awayFromKink.db, numericalGradient(of: { relu(convForward(xk, wk, $0)) }, at: bSafe, upstream: dyk, h: h)))
print("09-gradient-checking.md line 898:", safeCheck.worst)
print("09-gradient-checking.md line 905:", Int((bestForward.error / bestCentred.error).rounded()))
print("09-gradient-checking.md line 908:", linearSteps[0])
print("09-gradient-checking.md line 908:", linearSteps[4])
print("09-gradient-checking.md line 909:", largeStepGain)
