// Bias and activation
// The code of 04-bias-activation.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release 04-bias-activation.swift -o 04-bias-activation
//   ./04-bias-activation
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify 04-bias-activation

import ConvEngine
import ConvbookRuntime

// MARK: block 1, 04-bias-activation.md line 99
let x = Tensor(matrix: [[1, 2, 0, 1], [0, 1, 3, 1], [2, 0, 1, 2], [1, 1, 0, 1]])
let w = Tensor(matrix: [[1, -1], [2, 0]])
let b = Tensor(vector: [-1])
let xBatch = x.reshaped([1, 1] + x.shape)   // N = 1 image, C = 1 channel
let wBatch = w.reshaped([1, 1] + w.shape)   // F = 1 filter over C = 1 channel
let zBatch = convForward(xBatch, wBatch, b)
let z = zBatch.reshaped(Array(zBatch.shape.suffix(2)))
let a = relu(z)
show(z, "z = x ⋆ w + b₀")
show(a, "α = relu(z)")

// MARK: block 2, 04-bias-activation.md line 112
let (HH, WW) = (w.shape[0], w.shape[1])
let kinks = z.scalars.indices.filter { z.scalars[$0] == 0 }.map { (row: $0 / z.shape[1], column: $0 % z.shape[1]) }
precondition(kinks.count == 1, "the prose says exactly one entry of z sits on ReLU's kink")
let kink = kinks[0]
print("04-bias-activation.md line 119:", HH)
print("04-bias-activation.md line 119:", WW)
print("04-bias-activation.md line 121:", window(x, rowStart: 0, rows: HH, columnStart: 0, columns: WW))
print("04-bias-activation.md line 121:", w)
print("04-bias-activation.md line 121:", z[0, 0])
print("04-bias-activation.md line 121:", b[0])
print("04-bias-activation.md line 122:", z.scalars.filter { $0 < 0 }.count)
print("04-bias-activation.md line 124:", kink.row)
print("04-bias-activation.md line 124:", kink.column)
print("04-bias-activation.md line 124:", z[kink.row, kink.column])

// MARK: block 3, 04-bias-activation.md line 132
let t = Tensor(matrix: [[1, 2, 2], [1, 1, 2], [2, 1, 1]])
let loss = squaredErrorLoss(a, target: t)
let da = loss.gradient
let dz = reluBackward(da, z)
let reluSlope = z.map { $0 > 0 ? 1 : 0 }   // φ'(z) for ReLU, 0 at the kink
print("L =", loss.loss)
print("04-bias-activation.md line 141:", loss.loss)
print("04-bias-activation.md line 144:", da)
print("04-bias-activation.md line 144:", reluSlope)
print("04-bias-activation.md line 144:", dz)
print("04-bias-activation.md line 146:", z.scalars.filter { $0 < 0 }.count)

// MARK: block 4, 04-bias-activation.md line 155
let blocked = z.scalars.indices.filter { z.scalars[$0] <= 0 }.map { "(\($0 / z.shape[1]), \($0 % z.shape[1]))" }
show(z, "z")
show(da, "dα = α − t")
show(dz, "dz = dα ⊙ φ′(z)")
print("z ≤ 0, so ReLU blocks the gradient, at", blocked.joined(separator: ", "))

// MARK: block 5, 04-bias-activation.md line 167
let grads = convBackward(dz.reshaped(zBatch.shape), xBatch, wBatch)
print("sum of dz =", dz.sum(), "   db from convBackward =", grads.db[0])
show(grads.dw.reshaped(w.shape), "dw")
show(grads.dx.reshaped(x.shape), "dx")

// MARK: block 6, 04-bias-activation.md line 174
// The input pixels whose every window has z < 0 (blocked whatever slope is taken at the kink) and
// whose gradient would not be zero without ReLU's blocking, found from the data; the prose names
// the one read by the most windows.
func windowsReading(_ u: Int, _ v: Int) -> [(row: Int, column: Int)] {
    (max(0, u - HH + 1)...min(u, z.shape[0] - 1)).flatMap { i in
        (max(0, v - WW + 1)...min(v, z.shape[1] - 1)).map { j in (row: i, column: j) } }
}
let dxUnblocked = convBackward(da.reshaped(zBatch.shape), xBatch, wBatch).dx   // as if ReLU let all of da through
let silenced = (0..<x.shape[0]).flatMap { u in (0..<x.shape[1]).map { v in (row: u, column: v) } }
    .filter { p in windowsReading(p.row, p.column).allSatisfy { z[$0.row, $0.column] < 0 } }
    .filter { p in dxUnblocked[0, 0, p.row, p.column] != 0 }
precondition(!silenced.isEmpty, "the prose says some input pixel saw only outputs with z < 0, and ReLU took its gradient")
let quiet = silenced.max { windowsReading($0.row, $0.column).count < windowsReading($1.row, $1.column).count }!
let quietWindows = windowsReading(quiet.row, quiet.column)
precondition(grads.dx[0, 0, quiet.row, quiet.column] == 0, "the prose says the silenced pixel's dx is zero")
let quietWindowNames = quietWindows.map { "z[\($0.row), \($0.column)] = \(fmt(z[$0.row, $0.column]))" }
let quietWindowList = quietWindowNames.count == 1 ? "the window of " + quietWindowNames[0]
    : "the windows of " + quietWindowNames.dropLast().joined(separator: ", ") + " and " + quietWindowNames.last!
let quietAll = quietWindows.count == 1 ? "negative" : quietWindows.count == 2 ? "both negative" : "all negative"
print("04-bias-activation.md line 196:", grads.db[0])
print("04-bias-activation.md line 196:", dz.scalars.filter { $0 != 0 }.count)
print("04-bias-activation.md line 198:", grads.dw.reshaped(w.shape))
print("04-bias-activation.md line 199:", dz.shape[0])
print("04-bias-activation.md line 199:", dz.shape[1])
print("04-bias-activation.md line 200:", grads.dw[0, 0, 0, 0])
print("04-bias-activation.md line 204:", quiet.row)
print("04-bias-activation.md line 204:", quiet.column)
print("04-bias-activation.md line 205:", quietWindowList)
print("04-bias-activation.md line 205:", quietAll)
print("04-bias-activation.md line 208:", dxUnblocked[0, 0, quiet.row, quiet.column])
print("04-bias-activation.md line 209:", quiet.row)
print("04-bias-activation.md line 209:", quiet.column)
print("04-bias-activation.md line 209:", grads.dx[0, 0, quiet.row, quiet.column])

// MARK: block 7, 04-bias-activation.md line 214
let kinkSlope = numericalGradient(of: relu, at: Tensor(vector: [0]), upstream: Tensor(vector: [1]))
print("numerical slope of relu at 0:", kinkSlope[0])
print("reluBackward's slope at 0:   ", reluBackward(Tensor(vector: [1]), Tensor(vector: [0]))[0])
print("04-bias-activation.md line 225:", kink.row)
print("04-bias-activation.md line 225:", kink.column)
print("04-bias-activation.md line 225:", dz[kink.row, kink.column])
print("04-bias-activation.md line 226:", kink.row)
print("04-bias-activation.md line 226:", kink.column)
print("04-bias-activation.md line 226:", da[kink.row, kink.column])
print("04-bias-activation.md line 227:", dz.sum() + da[kink.row, kink.column])
print("04-bias-activation.md line 227:", dz.sum())
print("04-bias-activation.md line 231:", kinkSlope[0])

// MARK: block 8, 04-bias-activation.md line 243
let p = ConvParameters(padding: 1)
let xr = Tensor.randomNormal(shape: [1, 1, 6, 6], seed: 401)
let wr = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 402)
let br = Tensor.randomNormal(shape: [1], seed: 403)
let zr = convForward(xr, wr, br, p)
let tr = Tensor.randomNormal(shape: zr.shape, seed: 404)          // the target, shaped like the output
let dar = squaredErrorLoss(relu(zr), target: tr).gradient
let dzr = reluBackward(dar, zr)
let gr = convBackward(dzr, xr, wr, p)
print("04-bias-activation.md line 255:", xr.shape[2])
print("04-bias-activation.md line 255:", xr.shape[3])
print("04-bias-activation.md line 256:", wr.shape[2])
print("04-bias-activation.md line 256:", wr.shape[3])
print("04-bias-activation.md line 257:", p.padding.height)

// MARK: block 9, 04-bias-activation.md line 265
let h = 1e-5                                                       // the step of the centred differences
let chainCheck = checkGradients(
    ("dx", gr.dx, numericalGradient(of: { relu(convForward($0, wr, br, p)) }, at: xr, upstream: dar, h: h)),
    ("dw", gr.dw, numericalGradient(of: { relu(convForward(xr, $0, br, p)) }, at: wr, upstream: dar, h: h)),
    ("db", gr.db, numericalGradient(of: { relu(convForward(xr, wr, $0, p)) }, at: br, upstream: dar, h: h)))
let closestToKink = zr.scalars.map { abs($0) }.min()!

// MARK: block 10, 04-bias-activation.md line 274
precondition(closestToKink > 100 * h, "the prose says no z comes near the kink (within a hundred steps h)")
print("04-bias-activation.md line 278:", chainCheck.worst)
print("04-bias-activation.md line 279:", h)
print("04-bias-activation.md line 281:", closestToKink)
print("04-bias-activation.md line 288:", squaredErrorLoss(relu(zr), target: tr).loss)

// MARK: block 11, 04-bias-activation.md line 297
let scalarLoss = { (zz: Tensor) in squaredErrorLoss(relu(zz), target: tr).loss }
let dxScalar = numericalGradient(ofScalar: { scalarLoss(convForward($0, wr, br, p)) }, at: xr, h: h)
let dwScalar = numericalGradient(ofScalar: { scalarLoss(convForward(xr, $0, br, p)) }, at: wr, h: h)
showTable(["gradient", "array form (upstream dα)", "scalar loss"],
          [["dx", chainCheck["dx"], relError(gr.dx, dxScalar)],
           ["dw", chainCheck["dw"], relError(gr.dw, dwScalar)]],
          "relative error against the analytic gradient")
let roundingEstimate = Double.ulpOfOne * scalarLoss(zr) / (2 * h)   // machine epsilon · L / 2h

// MARK: block 12, 04-bias-activation.md line 308
// The claims of the next paragraph, guarded.
precondition(relError(gr.dx, dxScalar) < chainCheck.threshold && relError(gr.dw, dwScalar) < chainCheck.threshold,
             "the prose says both forms pass the threshold")
precondition(relError(gr.dx, dxScalar) > 10 * chainCheck["dx"].value, "the prose says the scalar form is less accurate on dx")
for absolute in [(gr.dx - dxScalar).maxAbs(), (gr.dw - dwScalar).maxAbs()] {
    precondition(absolute > roundingEstimate / 10 && absolute < roundingEstimate * 10,
                 "the prose says the absolute errors are the size of the estimate ε L / 2h")
}
precondition(gr.dw.scalars.map { abs($0) }.min()! > 10 * gr.dx.scalars.map { abs($0) }.min()!,
             "the prose says dx has small entries where every entry of dw is large")
print("04-bias-activation.md line 321:", chainCheck.threshold)
print("04-bias-activation.md line 322:", Int((relError(gr.dx, dxScalar) / chainCheck["dx"].value).rounded()))
print("04-bias-activation.md line 324:", (gr.dx - dxScalar).maxAbs())
print("04-bias-activation.md line 324:", (gr.dw - dwScalar).maxAbs())
print("04-bias-activation.md line 325:", roundingEstimate)
print("04-bias-activation.md line 327:", gr.dx.scalars.map { abs($0) }.min()!)
print("04-bias-activation.md line 329:", gr.dw.scalars.map { abs($0) }.min()!)

// MARK: block 13, 04-bias-activation.md line 339
var dbLoop = Tensor(zeros: [dzr.shape[1]])
for n in 0..<dzr.shape[0] {
    for f in 0..<dzr.shape[1] {
        for i in 0..<dzr.shape[2] {
            for j in 0..<dzr.shape[3] {
                dbLoop[f] += dzr[n, f, i, j]
            }
        }
    }
}
let dbDifference = checkAgreement("db: sum of dz by hand vs convBackward", dbLoop, gr.db)
print("04-bias-activation.md line 353:", dbDifference)

// MARK: block 14, 04-bias-activation.md line 366
let dzOnes = reluBackward(Tensor(repeating: 1, shape: z.shape), z)
let gradsOnes = convBackward(dzOnes.reshaped(zBatch.shape), xBatch, wBatch)
print("04-bias-activation.md line 372:", kink.row)
print("04-bias-activation.md line 372:", kink.column)
print("04-bias-activation.md line 373:", dzOnes)
print("04-bias-activation.md line 375:", gradsOnes.db[0])
print("04-bias-activation.md line 377:", gradsOnes.dw[0, 0, 0, 0])

// MARK: block 15, 04-bias-activation.md line 387
let bZero = Tensor(vector: [0])
let zRaised = convForward(xBatch, wBatch, bZero)
let tBatch = t.reshaped(zRaised.shape)
let daRaised = squaredErrorLoss(relu(zRaised), target: tBatch).gradient
let dzRaised = reluBackward(daRaised, zRaised)
let dbRaised = convBackward(dzRaised, xBatch, wBatch).db[0]
// db₀ measured by centred differences of the loss in b₀.
let dbRaisedNumerical = numericalGradient(ofScalar: { squaredErrorLoss(relu(convForward(xBatch, wBatch, $0)), target: tBatch).loss },
                                          at: bZero)[0]
print("04-bias-activation.md line 400:", zRaised[0, 0, kink.row, kink.column])
print("04-bias-activation.md line 401:", zRaised.scalars.filter { $0 > 0 }.count)
print("04-bias-activation.md line 402:", dzRaised.scalars.filter { $0 != 0 }.count)
print("04-bias-activation.md line 404:", daRaised[0, 0, kink.row, kink.column])
print("04-bias-activation.md line 406:", dbRaised)
print("04-bias-activation.md line 407:", zRaised.scalars.map { abs($0) }.min()!)
print("04-bias-activation.md line 409:", dbRaisedNumerical)

// MARK: block 16, 04-bias-activation.md line 418
let gradsSkipped = convBackward(dar, xr, wr, p)
let dwSkippedError = relError(gradsSkipped.dw,
                              numericalGradient(of: { relu(convForward(xr, $0, br, p)) }, at: wr, upstream: dar, h: h))
print("04-bias-activation.md line 425:", zr.scalars.filter { $0 < 0 }.count)
print("04-bias-activation.md line 426:", zr.count)
print("04-bias-activation.md line 428:", da.sum())
print("04-bias-activation.md line 428:", grads.db[0])
print("04-bias-activation.md line 431:", dwSkippedError)
print("04-bias-activation.md line 432:", chainCheck.threshold)
