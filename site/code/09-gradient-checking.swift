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

// MARK: block 1, 09-gradient-checking.md line 17
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// MARK: block 2, 09-gradient-checking.md line 52
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

// MARK: block 3, 09-gradient-checking.md line 69
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
print("09-gradient-checking.md line 83:", writtenOutDiff)
print("09-gradient-checking.md line 84:", firstCheck["dx"])
print("09-gradient-checking.md line 86:", 2 * x.count)
print("09-gradient-checking.md line 86:", x.count)
print("09-gradient-checking.md line 109:", 1e-5 * 1e-5)
print("09-gradient-checking.md line 119:", Double.ulpOfOne)
print("09-gradient-checking.md line 137:", cbrt(Double.ulpOfOne))
print("09-gradient-checking.md line 138:", Double.ulpOfOne.squareRoot())
print("09-gradient-checking.md line 139:", pow(Double.ulpOfOne, 2.0 / 3))

// MARK: block 4, 09-gradient-checking.md line 148
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
let stepsTried = (1...12).map { pow(10, -Double($0)) }
for h in stepsTried {
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
print("09-gradient-checking.md line 191:", xs.shape[0])
print("09-gradient-checking.md line 191:", xs.shape[1])
print("09-gradient-checking.md line 192:", ws.shape[0])
print("09-gradient-checking.md line 192:", ws.shape[2])
print("09-gradient-checking.md line 193:", ws.shape[3])
print("09-gradient-checking.md line 193:", stepsTried.first!)
print("09-gradient-checking.md line 194:", stepsTried.last!)

// MARK: block 5, 09-gradient-checking.md line 197
let stepSizes = sweepRows.map { $0[0] as! Double }
showPlot(x: stepSizes,
         series: [("centred", sweepRows.map { $0[1] as! Double }),
                  ("forward (one-sided)", sweepRows.map { $0[3] as! Double })],
         xLabel: "step h", yLabel: "max |error| of the numerical dw", logX: true, logY: true,
         "Error of the two difference quotients against h. The estimates put the best steps near ε^(1/3) ≈ \(fmt(cbrt(Double.ulpOfOne))) (centred) and ε^(1/2) ≈ \(fmt(Double.ulpOfOne.squareRoot())) (forward); measured: h = \(fmt(bestCentred.h)) and h = \(fmt(bestForward.h))")

// MARK: block 6, 09-gradient-checking.md line 209
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

// MARK: block 7, 09-gradient-checking.md line 251
/// The h sweep on draw `draw` of the layer: for h = 1e-1 ... 1e-12, the max |error| of the centred and the
/// forward quotient, and the relative error of the centred one.
func stepSweep(draw: UInt64) -> (centred: [Double], forward: [Double], centredRelative: [Double]) {
    let seed = 11 + 100 * draw
    let xd = Tensor.randomNormal(shape: xs.shape, seed: seed)
    let wd = Tensor.randomNormal(shape: ws.shape, seed: seed + 1, standardDeviation: 0.5)
    let bd = Tensor.randomNormal(shape: bs.shape, seed: seed + 2)
    func loss(_ w: Tensor) -> Double {
        softmaxCrossEntropyLoss(convForward(xd, w, bd).reshaped([images, scoresPerImage]), labels: labels).loss
    }
    let yd = convForward(xd, wd, bd)
    let upstream = softmaxCrossEntropyLoss(yd.reshaped([images, scoresPerImage]), labels: labels).gradient
    let exact = convBackward(upstream.reshaped(yd.shape), xd, wd).dw
    var result = (centred: [Double](), forward: [Double](), centredRelative: [Double]())
    for step in stepSizes {
        let centred = numericalGradient(ofScalar: loss, at: wd, h: step)
        let forward = forwardDifference(ofScalar: loss, at: wd, h: step)
        result.centred.append(centred.maxAbsDifference(exact))
        result.forward.append(forward.maxAbsDifference(exact))
        result.centredRelative.append(relError(centred, exact))
    }
    return result
}
/// The median of a list (the mean of the middle two for an even count).
func median(_ v: [Double]) -> Double {
    let sorted = v.sorted(), middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
let stepDraws: UInt64 = 10
let slopeTolerance = 0.3
var drawRoundingRatios = [Double](), drawBestRatios = [Double]()
var drawsBestAtTable = 0, drawsWithPassingStep = 0
for draw in 0..<stepDraws {
    let sweep = stepSweep(draw: draw)
    let bestC = sweep.centred.indices.min { sweep.centred[$0] < sweep.centred[$1] }!
    let bestF = sweep.forward.indices.min { sweep.forward[$0] < sweep.forward[$1] }!
    drawRoundingRatios.append(sweep.forward.last! / sweep.centred.last!)
    drawBestRatios.append(sweep.forward[bestF] / sweep.centred[bestC])
    if stepSizes[bestC] == bestCentred.h { drawsBestAtTable += 1 }
    if sweep.centredRelative.contains(where: { $0 < 1e-7 }) { drawsWithPassingStep += 1 }
    let (c, f) = (regimeSlopes(sweep.centred), regimeSlopes(sweep.forward))
    precondition(abs(c.truncation - 2) < slopeTolerance && abs(f.truncation - 1) < slopeTolerance
                 && abs(c.rounding + 1) < slopeTolerance && abs(f.rounding + 1) < slopeTolerance, "on draw \(draw) the fitted slopes no longer match 2, 1 and -1")
}
precondition(drawRoundingRatios[0] == roundingRatio, "draw 0 is no longer the table's draw")
precondition(abs(median(drawRoundingRatios) - 2) < 0.5, "over the draws the ratio at the smallest step is no longer about 2")
precondition(drawRoundingRatios.min()! > 1, "on some draw the forward quotient is no longer worse at the smallest step")
precondition(drawBestRatios.min()! > 100, "on some draw the forward quotient at its best is no longer 100 times worse")
print("09-gradient-checking.md line 304:", measured(centredSlopes.truncation, .relative(1e-9)))
print("09-gradient-checking.md line 306:", measured(pow(10, centredSlopes.truncation), .relative(1e-9)))
print("09-gradient-checking.md line 308:", measured(forwardSlopes.truncation, .relative(1e-9)))
print("09-gradient-checking.md line 309:", measured(pow(10, forwardSlopes.truncation), .relative(1e-9)))
print("09-gradient-checking.md line 312:", measured(centredSlopes.rounding, .relative(1e-9)))
print("09-gradient-checking.md line 313:", measured(forwardSlopes.rounding, .relative(1e-9)))
print("09-gradient-checking.md line 315:", bestCentred.h)
print("09-gradient-checking.md line 315:", bestCentred.error)
print("09-gradient-checking.md line 316:", bestForward.h)
print("09-gradient-checking.md line 316:", bestForward.error)
print("09-gradient-checking.md line 317:", smallestStep[0] as! Double)
print("09-gradient-checking.md line 318:", roundingRatio)
print("09-gradient-checking.md line 320:", stepDraws)
print("09-gradient-checking.md line 321:", drawRoundingRatios.min()!)
print("09-gradient-checking.md line 322:", drawRoundingRatios.max()!)
print("09-gradient-checking.md line 323:", median(drawRoundingRatios))
print("09-gradient-checking.md line 325:", slopeTolerance)
print("09-gradient-checking.md line 326:", bestCentred.h)
print("09-gradient-checking.md line 327:", drawsBestAtTable)
print("09-gradient-checking.md line 327:", stepDraws)
print("09-gradient-checking.md line 328:", smallestStep[0] as! Double)
print("09-gradient-checking.md line 329:", roundingMeasured)
print("09-gradient-checking.md line 330:", lossHere)
print("09-gradient-checking.md line 330:", roundingEstimate)
print("09-gradient-checking.md line 332:", bestCentred.h)
print("09-gradient-checking.md line 334:", centredSafe.first!)
print("09-gradient-checking.md line 334:", centredSafe.last!)
print("09-gradient-checking.md line 336:", sweepRows.map { $0[4] as! Double }.min()!)
print("09-gradient-checking.md line 337:", bestForward.h)
print("09-gradient-checking.md line 338:", Int((bestForward.error / bestCentred.error).rounded()))
print("09-gradient-checking.md line 339:", bestCentred.h)
print("09-gradient-checking.md line 340:", stepDraws)
print("09-gradient-checking.md line 341:", Int(drawBestRatios.min()!.rounded()))
print("09-gradient-checking.md line 342:", Int(drawBestRatios.max()!.rounded()))
print("09-gradient-checking.md line 343:", Int(median(drawBestRatios).rounded()))
print("09-gradient-checking.md line 344:", drawsWithPassingStep)
print("09-gradient-checking.md line 348:", Double(Float.ulpOfOne))
print("09-gradient-checking.md line 349:", cbrt(Double(Float.ulpOfOne)))
print("09-gradient-checking.md line 350:", pow(Double(Float.ulpOfOne), 2.0 / 3))

// MARK: block 8, 09-gradient-checking.md line 358
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
print("09-gradient-checking.md line 378:", firstCheck["dx"])
print("09-gradient-checking.md line 379:", singlePrecisionError)
print("09-gradient-checking.md line 380:", dxInFloat.maxAbsDifference(grads.dx))
print("09-gradient-checking.md line 381:", ours.maxAbsDifference(grads.dx))
print("09-gradient-checking.md line 382:", grads.dx.maxAbs())

// MARK: block 9, 09-gradient-checking.md line 394
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
print("09-gradient-checking.md line 412:", measured(linearSlope, .relative(1e-9)))
print("09-gradient-checking.md line 413:", linearSteps[0])
print("09-gradient-checking.md line 413:", largeStepGain)
print("09-gradient-checking.md line 414:", linearSteps[4])
print("09-gradient-checking.md line 423:", linearErrors[4])

// MARK: block 10, 09-gradient-checking.md line 458
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
print("09-gradient-checking.md line 483:", 2 - formRatios.min()!)
print("09-gradient-checking.md line 486:", 1e-7 / 2)

// MARK: block 11, 09-gradient-checking.md line 533
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
let checkNoiseNotes = relErrorNotes(dwCorrect, dwNumeric1)    // the same, in the notes' form
/// The notes' reading of a relative error in their own form (smooth function). A value equal to a bar to one
/// significant digit is read as that bar. Between 1e-7 and 1e-4 the notes give no reading.
func reading(_ e: Double) -> String {
    let about = { (bar: Double) in abs(e / bar - 1) < 0.05 }
    if about(1e-2) { return "about 1e-2: between uncomfortable and probably wrong" }
    if e > 1e-2 { return "probably wrong" }
    if about(1e-4) { return "about 1e-4: too high without kinks" }
    if e > 1e-4 { return "uncomfortable" }
    if e > 1e-7 && !about(1e-7) { return "no verdict" }
    return "happy"
}
let factorOffsets = [1.0, 0.1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7]   // λ − 1
var factorRows = [[Any]]()
var factorErrors = [Double](), factorErrorsNotes = [Double]()
for offset in factorOffsets {
    let lambda = 1 + offset
    let predicted = abs(lambda - 1) / (abs(lambda) + 1)
    let predictedNotes = abs(lambda - 1) / max(abs(lambda), 1)
    let measuredError = relError(lambda * dwCorrect, dwNumeric1)
    let measuredNotes = relErrorNotes(lambda * dwCorrect, dwNumeric1)
    precondition(abs(measuredError - predicted) <= 2 * checkNoise + 1e-15,
                 "dw off by a factor λ no longer has the error |λ − 1|/(|λ| + 1), up to the check's own error")
    precondition(abs(measuredNotes - predictedNotes) <= 2 * checkNoiseNotes + 1e-15,
                 "dw off by a factor λ no longer has the notes' error |λ − 1|/max(|λ|, 1), up to the check's own error")
    factorErrors.append(measuredError)
    factorErrorsNotes.append(measuredNotes)
    factorRows.append([offset, measuredError, measuredError > 1e-7 ? "fails" : "passes", measuredNotes, reading(measuredNotes)])
}
showTable(["λ − 1", "rel. error (book's, sum)", "the book's 1e-7 bar", "rel. error (notes', max)", "the notes' reading"],
          factorRows)
// A negative factor: the general form |λ − 1|/(|λ| + 1) is exactly 1 for every λ ≤ 0; |λ − 1|/(λ + 1) is not.
let negativeFactor = -0.5
let negativeError = relError(negativeFactor * dwCorrect, dwNumeric1)
precondition(abs(negativeError - abs(negativeFactor - 1) / (abs(negativeFactor) + 1)) <= 2 * checkNoise + 1e-15,
             "a negative factor no longer has the error |λ − 1|/(|λ| + 1)")
precondition(abs(negativeFactor - 1) / (negativeFactor + 1) > 1, "|λ − 1|/(λ + 1) no longer exceeds 1 at this λ")
// A wrong sign: 1 in the book's form, 2 in the notes' form, up to the check's own error.
let wrongSignBook = relError(-1.0 * dwCorrect, dwNumeric1)
let wrongSignNotes = relErrorNotes(-1.0 * dwCorrect, dwNumeric1)
precondition(abs(wrongSignBook - 1) <= 2 * checkNoise + 1e-15 && abs(wrongSignNotes - 2) <= 2 * checkNoiseNotes + 1e-15,
             "a wrong sign no longer has the error 1 (book's form) and 2 (notes' form)")
// The smallest factor λ > 1 each bar catches. Book (sum): (λ − 1)/(λ + 1) > T ⟺ λ − 1 > 2T/(1 − T).
// Notes (max): (λ − 1)/λ > T ⟺ λ − 1 > T/(1 − T).
let caughtByBook = 2 * 1e-7 / (1 - 1e-7)
let caughtByNotes = [1e-4, 1e-2].map { $0 / (1 - $0) }
let offsetAt = { (o: Double) in factorErrors[factorOffsets.firstIndex(of: o)!] }
let notesAt = { (o: Double) in factorErrorsNotes[factorOffsets.firstIndex(of: o)!] }
precondition(notesAt(1e-3) > 1e-4 && notesAt(1e-3) < 1e-2, "a gradient 0.1 % too large is no longer 'uncomfortable'")
precondition(offsetAt(1e-3) > 1e-4 && offsetAt(1e-3) < 1e-2, "a gradient 0.1 % too large no longer lands between 1e-4 and 1e-2")
precondition(offsetAt(1e-7) < 1e-7, "a gradient off by 1 + 1e-7 no longer passes the 1e-7 bar")
precondition(offsetAt(1e-6) > 1e-7, "a gradient off by 1 + 1e-6 no longer fails the 1e-7 bar")
precondition([1e-5, 1e-6].allSatisfy { reading(notesAt($0)) == "no verdict" },
             "the rows 1 + 1e-5 and 1 + 1e-6 no longer fall where the notes give no verdict")
// Each bar's λ − 1 against the table: just below it the error passes the bar, just above it fails.
for (bar, caught) in [(1e-4, caughtByNotes[0]), (1e-2, caughtByNotes[1])] {
    precondition(relErrorNotes((1 + 0.9 * caught) * dwCorrect, dwNumeric1) < bar
                 && relErrorNotes((1 + 1.1 * caught) * dwCorrect, dwNumeric1) > bar, "the notes' bar \(bar) no longer sits at λ − 1 = \(caught)")
}
precondition(relError((1 + 0.5 * caughtByBook) * dwCorrect, dwNumeric1) < 1e-7
             && relError((1 + 2 * caughtByBook) * dwCorrect, dwNumeric1) > 1e-7, "the book's bar no longer sits near λ − 1 = \(caughtByBook)")
print("09-gradient-checking.md line 609:", unturnedError)
print("09-gradient-checking.md line 613:", checkNoise)
print("09-gradient-checking.md line 614:", checkNoiseNotes)
print("09-gradient-checking.md line 616:", negativeFactor)
print("09-gradient-checking.md line 617:", abs(negativeFactor - 1) / (negativeFactor + 1))
print("09-gradient-checking.md line 618:", negativeError)
print("09-gradient-checking.md line 626:", caughtByBook)
print("09-gradient-checking.md line 628:", caughtByNotes[0])
print("09-gradient-checking.md line 629:", caughtByNotes[1])
print("09-gradient-checking.md line 630:", Int((100 * caughtByNotes[1]).rounded()))
print("09-gradient-checking.md line 631:", notesAt(1e-3))
print("09-gradient-checking.md line 632:", offsetAt(1e-3))
print("09-gradient-checking.md line 637:", wrongSignNotes)

// MARK: block 12, 09-gradient-checking.md line 658
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
let sides = [8, 16, 32, 64, 128, 256, 512]      // the sizes of the table below
precondition(dxByNearbyOutputs(small.x, small.w, small.b, upstream: small.dy, h: 1e-5)
             == numericalGradient(of: { convForward($0, small.w, small.b) }, at: small.x, upstream: small.dy),
             "the nearby-outputs difference no longer equals the engine's numericalGradient")
print("09-gradient-checking.md line 704:", small.x.shape[2])
print("09-gradient-checking.md line 704:", small.x.shape[3])
print("09-gradient-checking.md line 705:", small.w.shape[2])
print("09-gradient-checking.md line 705:", small.w.shape[3])
print("09-gradient-checking.md line 707:", sides.last!)
print("09-gradient-checking.md line 707:", sides.last!)

// MARK: block 13, 09-gradient-checking.md line 714
/// ‖G − G̃‖ / (‖G‖ + ‖G̃‖), the relative error of the whole tensor (Euclidean norms).
func normRelError(_ g: Tensor, _ gNumeric: Tensor) -> Double {
    let norm = { (t: Tensor) in t.dot(t).squareRoot() }
    return norm(g - gNumeric) / max(1e-8, norm(g) + norm(gNumeric))
}
let drawsPerSize: UInt64 = 7
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
precondition(passingDraws.suffix(2).allSatisfy { 2 * $0 < Int(drawsPerSize) },
             "an exact dx no longer fails 1e-7 in most draws of the two largest layers")
precondition(medianWorst.first! < 1e-8 && medianWorst.last! > 1e-7,
             "the median worst entry no longer passes 1e-7 on the smallest layers and fails it on the largest")
precondition(normBySize.allSatisfy { $0 < 1e-10 }, "the norm-based error is no longer tiny at every size")
precondition(absoluteBySize.max()! < 10 * absoluteBySize.min()!, "the absolute error no longer stays within a decade")
print("09-gradient-checking.md line 755:", drawsPerSize)
print("09-gradient-checking.md line 756:", medianWorst.first!)
print("09-gradient-checking.md line 757:", sides.first! * sides.first!)
print("09-gradient-checking.md line 757:", medianWorst.last!)
print("09-gradient-checking.md line 758:", sides.last! * sides.last!)
print("09-gradient-checking.md line 759:", passingDraws.first!)
print("09-gradient-checking.md line 759:", drawsPerSize)
print("09-gradient-checking.md line 760:", passingDraws.last!)
print("09-gradient-checking.md line 763:", absoluteBySize.min()!)
print("09-gradient-checking.md line 763:", absoluteBySize.max()!)
print("09-gradient-checking.md line 764:", normBySize.max()!)
print("09-gradient-checking.md line 767:", small.w.count)

// MARK: block 14, 09-gradient-checking.md line 773
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
print("09-gradient-checking.md line 799:", bigExact.count)
print("09-gradient-checking.md line 799:", aboveBar)
print("09-gradient-checking.md line 800:", worstEntry)
print("09-gradient-checking.md line 801:", worstEntry / sides.last!)
print("09-gradient-checking.md line 801:", worstEntry % sides.last!)
print("09-gradient-checking.md line 802:", sizes[worstEntry])
print("09-gradient-checking.md line 803:", medianSize)
print("09-gradient-checking.md line 803:", worstAbsolute)
print("09-gradient-checking.md line 804:", medianAbsolute)
print("09-gradient-checking.md line 805:", absoluteErrors.max()!)

// MARK: block 15, 09-gradient-checking.md line 846
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
let pixelsChecked = 10, largeBias = 10.0, formDraws: UInt64 = 10
print("09-gradient-checking.md line 864:", pixelsChecked)
print("09-gradient-checking.md line 865:", largeBias)
print("09-gradient-checking.md line 868:", formDraws)

// MARK: block 16, 09-gradient-checking.md line 871
let formSides = [8, 16, 32, 64]
/// Draw `draw` at each size: the largest |error| of each form at the checked pixels, per size
/// [array (b = 0), scalar (b = 0), array (b = large), scalar (b = large)], and the largest relative errors.
func formErrors(draw: UInt64) -> (perSize: [[Double]], relative: (array: Double, scalar: Double)) {
    let seed = 31 + 100 * draw
    var perSize = [[Double]](), relative = (array: 0.0, scalar: 0.0)
    for n in formSides {
        let xn = Tensor.randomNormal(shape: [1, 1, n, n], seed: seed)
        let wn = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: seed + 1)
        let dyn = Tensor.randomNormal(shape: [1, 1, n - 2, n - 2], seed: seed + 2)
        let exact = convBackward(dyn, xn, wn).dx
        let entries = (0..<pixelsChecked).map { (n / 2) * n + 1 + $0 * (n - 2) / pixelsChecked }
        var row = [Double]()
        for bias in [0.0, largeBias] {
            let forms = bothForms({ convForward($0, wn, Tensor(vector: [bias])) }, at: xn, upstream: dyn,
                                  entries: entries, h: 1e-5)
            row.append(zip(forms.array, entries).map { abs($0 - exact.scalars[$1]) }.max()!)
            row.append(zip(forms.scalar, entries).map { abs($0 - exact.scalars[$1]) }.max()!)
            for (m, k) in entries.enumerated() {
                relative = (max(relative.array, relError(forms.array[m], exact.scalars[k])),
                            max(relative.scalar, relError(forms.scalar[m], exact.scalars[k])))
            }
        }
        perSize.append(row)
    }
    return (perSize, relative)
}
var formDrawResults = [[[Double]]](), relativeRatios = [Double]()
var drawsLargeBiasWorse = 0
for draw in 0..<formDraws {
    let result = formErrors(draw: draw)
    formDrawResults.append(result.perSize)
    relativeRatios.append(result.relative.scalar / result.relative.array)
    if result.perSize.allSatisfy({ $0[3] > $0[1] }) { drawsLargeBiasWorse += 1 }
}
// The median over the draws of each cell: formMedian[size][column].
let formMedian = formSides.indices.map { i in (0..<4).map { c in median(formDrawResults.map { $0[i][c] }) } }
var formRows = [[Any]]()
for (i, n) in formSides.enumerated() {
    formRows.append(["\(n) × \(n)", (n - 2) * (n - 2)] + formMedian[i].map { $0 as Any })
}
showTable(["input", "outputs", "array form (b = 0)", "scalar form (b = 0)",
           "array form (b = \(fmt(largeBias)))", "scalar form (b = \(fmt(largeBias)))"], formRows,
          "largest |error| of dx at \(pixelsChecked) pixels, median over \(formDraws) draws")
let formColumn = { (c: Int) in formMedian.map { $0[c] } }
precondition(relativeRatios.allSatisfy { $0 > 1 }, "on some draw the scalar form is no longer less accurate")
precondition(median(relativeRatios) > 10, "the scalar form is no longer typically ten times less accurate")
precondition(formColumn(1).last! > 5 * formColumn(1).first! && formColumn(3).last! > 5 * formColumn(3).first!,
             "the scalar form's median error no longer grows with the number of outputs")
precondition(zip(formColumn(3), formColumn(1)).allSatisfy { $0 > $1 }, "the scalar form's median is no longer worse with the large bias")
precondition([0, 2].allSatisfy { formColumn($0).max()! < 10 * formColumn($0).min()! },
             "the array form's median error no longer stays within a decade as the layer grows")
let arrayLargest = formDrawResults.flatMap { d in d.flatMap { [$0[0], $0[2]] } }.max()!
let scalarOfLargest = formColumn(3).last!

// MARK: block 17, 09-gradient-checking.md line 930
let outputCounts = formSides.map { Double(($0 - 2) * ($0 - 2)) }
showPlot(x: outputCounts,
         series: [("array form, b = 0", formColumn(0)),
                  ("scalar form, b = 0", formColumn(1)),
                  ("array form, b = \(fmt(largeBias))", formColumn(2)),
                  ("scalar form, b = \(fmt(largeBias))", formColumn(3))],
         xLabel: "number of outputs summed into L", yLabel: "largest |error| of dx at \(pixelsChecked) pixels (median of \(formDraws) draws)",
         logX: true, logY: true,
         "The array form's error stays roughly level at every size; the scalar form's grows with the number of outputs, and is larger still when the outputs are large (b = \(fmt(largeBias)))")
print("09-gradient-checking.md line 944:", arrayLargest)
print("09-gradient-checking.md line 946:", scalarOfLargest)
print("09-gradient-checking.md line 946:", largeBias)
print("09-gradient-checking.md line 948:", drawsLargeBiasWorse)
print("09-gradient-checking.md line 948:", formDraws)
print("09-gradient-checking.md line 951:", Int(relativeRatios.min()!.rounded()))
print("09-gradient-checking.md line 952:", Int(relativeRatios.max()!.rounded()))
print("09-gradient-checking.md line 953:", Int(median(relativeRatios).rounded()))
print("09-gradient-checking.md line 954:", outputCounts.map { Int($0) }.max()!)

// MARK: block 18, 09-gradient-checking.md line 975
let h = 1e-5
let kinkFraction = 0.4                       // the pre-activation at (1, 1) is kinkFraction · h
let xk = Tensor.randomNormal(shape: [1, 1, 5, 5], seed: 41)
let wk = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 42)
let dyk = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 43)
let zNoBias = convForward(xk, wk)
let bKink = Tensor(vector: [kinkFraction * h - zNoBias[0, 0, 1, 1]])
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
print("09-gradient-checking.md line 1001:", kinkErrorDx)
print("09-gradient-checking.md line 1001:", kinkErrorDw)
print("09-gradient-checking.md line 1003:", kinkFraction)
print("09-gradient-checking.md line 1003:", zk[0, 0, 1, 1])

// MARK: block 19, 09-gradient-checking.md line 1012
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
precondition(wk.scalars.allSatisfy { abs($0) > kinkFraction }, "some tap is no longer large enough to carry z past zero")
print("09-gradient-checking.md line 1036:", crossed.count)
print("09-gradient-checking.md line 1037:", windowRows.first!)
print("09-gradient-checking.md line 1037:", windowRows.last!)
print("09-gradient-checking.md line 1038:", windowColumns.first!)
print("09-gradient-checking.md line 1038:", windowColumns.last!)
print("09-gradient-checking.md line 1039:", xk.shape[2])
print("09-gradient-checking.md line 1039:", xk.shape[3])
print("09-gradient-checking.md line 1041:", kinkFraction)
print("09-gradient-checking.md line 1042:", wk.scalars.map { abs($0) }.min()!)
print("09-gradient-checking.md line 1042:", kinkFraction)

// MARK: block 20, 09-gradient-checking.md line 1061
let safeZ = 0.1                              // the pre-activation at (1, 1), now
let bSafe = Tensor(vector: [safeZ - zNoBias[0, 0, 1, 1]])
let awayFromKink = reluLayerGradients(xk, wk, bSafe, dyk)
print("entries crossing a kink now:", kinkCrossings(xk, wk, bSafe, h: h).count)
let safeCheck = checkGradients(
    ("dx", awayFromKink.dx, numericalGradient(of: { relu(convForward($0, wk, bSafe)) }, at: xk, upstream: dyk, h: h)),
    ("dw", awayFromKink.dw, numericalGradient(of: { relu(convForward(xk, $0, bSafe)) }, at: wk, upstream: dyk, h: h)),
    ("db", awayFromKink.db, numericalGradient(of: { relu(convForward(xk, wk, $0)) }, at: bSafe, upstream: dyk, h: h)))
print("09-gradient-checking.md line 1072:", safeZ)
print("09-gradient-checking.md line 1073:", kinkFraction)
print("09-gradient-checking.md line 1073:", safeCheck.worst)
print("09-gradient-checking.md line 1080:", Int(drawBestRatios.min()!.rounded()))
print("09-gradient-checking.md line 1081:", Int(drawBestRatios.max()!.rounded()))
print("09-gradient-checking.md line 1082:", stepDraws)
print("09-gradient-checking.md line 1084:", linearSteps[0])
print("09-gradient-checking.md line 1084:", linearSteps[4])
print("09-gradient-checking.md line 1085:", largeStepGain)
print("09-gradient-checking.md line 1095:", 2 * Int(drawsPerSize) - passingDraws.suffix(2).reduce(0, +))
print("09-gradient-checking.md line 1096:", 2 * drawsPerSize)
print("09-gradient-checking.md line 1096:", sides[sides.count - 2])
print("09-gradient-checking.md line 1097:", sides[sides.count - 2])
print("09-gradient-checking.md line 1097:", sides.last!)
print("09-gradient-checking.md line 1098:", sides.last!)

// MARK: block 21, 09-gradient-checking.md line 1116
let cubeLoss = { (t: Tensor) in t[0] * t[0] * t[0] }
let atOne = Tensor(vector: [1])
let cubeForward = forwardDifference(ofScalar: cubeLoss, at: atOne, h: 0.1)[0]
let cubeCentred = numericalGradient(ofScalar: cubeLoss, at: atOne, h: 0.1)[0]
print("09-gradient-checking.md line 1123:", cubeLoss(Tensor(vector: [1.1])))
print("09-gradient-checking.md line 1124:", cubeLoss(Tensor(vector: [0.9])))
print("09-gradient-checking.md line 1125:", cubeForward)
print("09-gradient-checking.md line 1126:", cubeForward - 3)
print("09-gradient-checking.md line 1127:", cubeCentred)
print("09-gradient-checking.md line 1128:", cubeCentred - 3)
print("09-gradient-checking.md line 1129:", Int(((cubeForward - 3) / (cubeCentred - 3)).rounded()))
print("09-gradient-checking.md line 1134:", cubeForward - cubeCentred)
print("09-gradient-checking.md line 1135:", (cubeLoss(Tensor(vector: [1.1])) - 2 * cubeLoss(atOne) + cubeLoss(Tensor(vector: [0.9]))) / (0.1 * 0.1))

// MARK: block 22, 09-gradient-checking.md line 1147
let bAtH = Tensor(vector: [h - zNoBias[0, 0, 1, 1]])
let crossedAtH = kinkCrossings(xk, wk, bAtH, h: h)
let tapsAboveOne = wk.scalars.filter { abs($0) > 1 }.count
// underTheWindow lists the pixels in the order of the taps that read them.
precondition(crossedAtH == underTheWindow.indices.filter { abs(wk.scalars[$0]) > 1 }.map { underTheWindow[$0] },
             "the crossing pixels are no longer exactly those under the taps larger than 1")
let errorAtH = relError(reluLayerGradients(xk, wk, bAtH, dyk).dx,
                           numericalGradient(of: { relu(convForward($0, wk, bAtH)) }, at: xk, upstream: dyk, h: h))
print("09-gradient-checking.md line 1159:", wk.count)
print("09-gradient-checking.md line 1160:", tapsAboveOne)
print("09-gradient-checking.md line 1161:", crossedAtH.count)
print("09-gradient-checking.md line 1164:", errorAtH)

// MARK: block 23, 09-gradient-checking.md line 1176
let xOdd = Tensor.randomNormal(shape: [1, 1, 6, 6], seed: 61)
let wOdd = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 62)
let oddParameters = ConvParameters(stride: 2)
let dyOdd = Tensor.randomNormal(shape: convForward(xOdd, wOdd, nil, oddParameters).shape, seed: 63)
let dxOddWrong = 2 * convBackward(dyOdd, xOdd, wOdd, oddParameters).dx
let dxOddNumeric = numericalGradient(of: { convForward($0, wOdd, nil, oddParameters) }, at: xOdd, upstream: dyOdd)
let ratiosWithoutFloor = dxOddWrong.scalars.indices.map {
    abs(dxOddWrong.scalars[$0] - dxOddNumeric.scalars[$0]) / (abs(dxOddWrong.scalars[$0]) + abs(dxOddNumeric.scalars[$0]))
}
// NumPy's max: NaN as soon as one entry is NaN.
let numpyStyleError = ratiosWithoutFloor.contains { $0.isNaN } ? Double.nan : ratiosWithoutFloor.max()!
print("09-gradient-checking.md line 1191:", (0..<6).last { u in (0..<6).contains { dxOddWrong[0, 0, u, $0] != 0 } }!)
print("09-gradient-checking.md line 1193:", ratiosWithoutFloor.filter { $0.isNaN }.count)
print("09-gradient-checking.md line 1197:", numpyStyleError > 1e-7)
print("09-gradient-checking.md line 1199:", relError(dxOddWrong, dxOddNumeric))
