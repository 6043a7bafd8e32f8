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

// MARK: block 1, 04-bias-activation.md line 98
let x = Tensor(matrix: [[1, 2, 0, 1], [0, 1, 3, 1], [2, 0, 1, 2], [1, 1, 0, 1]])
let w = Tensor(matrix: [[1, -1], [2, 0]])
let b = Tensor(vector: [-1])
let xBatch = x.reshaped([1, 1] + x.shape)   // N = 1 image, C = 1 channel
let wBatch = w.reshaped([1, 1] + w.shape)   // F = 1 filter over C = 1 channel
let zBatch = convForward(xBatch, wBatch, b)
let z = zBatch.reshaped(Array(zBatch.shape.suffix(2)))
let a = relu(z)
show(z, "z = x ⋆ w + b₀")
show(a, "a = relu(z)")

// MARK: block 2, 04-bias-activation.md line 111
let (HH, WW) = (w.shape[0], w.shape[1])
let kinks = z.scalars.indices.filter { z.scalars[$0] == 0 }.map { (row: $0 / z.shape[1], column: $0 % z.shape[1]) }
precondition(kinks.count == 1, "the prose says exactly one entry of z sits on ReLU's kink")
let kink = kinks[0]
print("04-bias-activation.md line 118:", HH)
print("04-bias-activation.md line 118:", WW)
print("04-bias-activation.md line 120:", window(x, rowStart: 0, rows: HH, columnStart: 0, columns: WW))
print("04-bias-activation.md line 120:", w)
print("04-bias-activation.md line 120:", z[0, 0])
print("04-bias-activation.md line 120:", b[0])
print("04-bias-activation.md line 121:", z.scalars.filter { $0 < 0 }.count)
print("04-bias-activation.md line 123:", kink.row)
print("04-bias-activation.md line 123:", kink.column)
print("04-bias-activation.md line 123:", z[kink.row, kink.column])

// MARK: block 3, 04-bias-activation.md line 131
let t = Tensor(matrix: [[1, 2, 2], [1, 1, 2], [2, 1, 1]])
let loss = squaredErrorLoss(a, target: t)
let da = loss.gradient
let dz = reluBackward(da, z)
let reluSlope = z.map { $0 > 0 ? 1 : 0 }   // g'(z) for ReLU, 0 at the kink
print("L =", loss.loss)
print("04-bias-activation.md line 140:", loss.loss)
print("04-bias-activation.md line 143:", da)
print("04-bias-activation.md line 143:", reluSlope)
print("04-bias-activation.md line 143:", dz)
print("04-bias-activation.md line 145:", z.scalars.filter { $0 < 0 }.count)

// MARK: block 4, 04-bias-activation.md line 154
let blocked = z.scalars.indices.filter { z.scalars[$0] <= 0 }.map { "(\($0 / z.shape[1]), \($0 % z.shape[1]))" }
show(z, "z")
show(da, "da = a − t")
show(dz, "dz = da ⊙ g′(z)")
print("z ≤ 0, so ReLU blocks the gradient, at", blocked.joined(separator: ", "))

// MARK: block 5, 04-bias-activation.md line 166
let grads = convBackward(dz.reshaped(zBatch.shape), xBatch, wBatch)
print("sum of dz =", dz.sum(), "   db from convBackward =", grads.db[0])
show(grads.dw.reshaped(w.shape), "dw")
show(grads.dx.reshaped(x.shape), "dx")

// MARK: block 6, 04-bias-activation.md line 173
// The input pixels whose every window was switched off by ReLU (z ≤ 0), found
// from the data; the prose names the one read by the most windows.
func windowsReading(_ r: Int, _ q: Int) -> [(row: Int, column: Int)] {
    (max(0, r - HH + 1)...min(r, z.shape[0] - 1)).flatMap { i in
        (max(0, q - WW + 1)...min(q, z.shape[1] - 1)).map { j in (row: i, column: j) } }
}
let silenced = (0..<x.shape[0]).flatMap { r in (0..<x.shape[1]).map { q in (row: r, column: q) } }
    .filter { p in windowsReading(p.row, p.column).allSatisfy { z[$0.row, $0.column] <= 0 } }
precondition(!silenced.isEmpty, "the prose says some input pixel saw only switched-off outputs")
let quiet = silenced.max { windowsReading($0.row, $0.column).count < windowsReading($1.row, $1.column).count }!
let quietWindows = windowsReading(quiet.row, quiet.column)
precondition(quietWindows.count >= 2 && grads.dx[0, 0, quiet.row, quiet.column] == 0,
             "the prose says the pixel was seen by several windows, all blocked, so its dx is zero")
let quietWindowNames = quietWindows.map { "z[\($0.row), \($0.column)]" }
let quietWindowList = quietWindowNames.dropLast().joined(separator: ", ") + " and " + quietWindowNames.last!
let quietAll = quietWindows.count == 2 ? "both" : "all \(quietWindows.count)"
print("04-bias-activation.md line 192:", grads.db[0])
print("04-bias-activation.md line 192:", dz.scalars.filter { $0 != 0 }.count)
print("04-bias-activation.md line 194:", grads.dw.reshaped(w.shape))
print("04-bias-activation.md line 195:", dz.shape[0])
print("04-bias-activation.md line 195:", dz.shape[1])
print("04-bias-activation.md line 196:", grads.dw[0, 0, 0, 0])
print("04-bias-activation.md line 200:", quiet.row)
print("04-bias-activation.md line 200:", quiet.column)
print("04-bias-activation.md line 201:", quietWindowList)
print("04-bias-activation.md line 201:", quietAll)
print("04-bias-activation.md line 202:", quiet.row)
print("04-bias-activation.md line 202:", quiet.column)
print("04-bias-activation.md line 202:", grads.dx[0, 0, quiet.row, quiet.column])

// MARK: block 7, 04-bias-activation.md line 207
let kinkSlope = numericalGradient(of: relu, at: Tensor(vector: [0]), upstream: Tensor(vector: [1]))
print("numerical slope of relu at 0:", kinkSlope[0])
print("reluBackward's slope at 0:   ", reluBackward(Tensor(vector: [1]), Tensor(vector: [0]))[0])
print("04-bias-activation.md line 218:", kink.row)
print("04-bias-activation.md line 218:", kink.column)
print("04-bias-activation.md line 218:", dz[kink.row, kink.column])
print("04-bias-activation.md line 219:", kink.row)
print("04-bias-activation.md line 219:", kink.column)
print("04-bias-activation.md line 219:", da[kink.row, kink.column])
print("04-bias-activation.md line 220:", dz.sum() + da[kink.row, kink.column])
print("04-bias-activation.md line 220:", dz.sum())
print("04-bias-activation.md line 224:", kinkSlope[0])

// MARK: block 8, 04-bias-activation.md line 237
let p = ConvParameters(padding: 1)
let xr = Tensor.randomNormal(shape: [1, 1, 6, 6], seed: 401)
let wr = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 402)
let br = Tensor.randomNormal(shape: [1], seed: 403)
let zr = convForward(xr, wr, br, p)
let tr = Tensor.randomNormal(shape: zr.shape, seed: 404)          // the target, shaped like the output
let dar = squaredErrorLoss(relu(zr), target: tr).gradient
let dzr = reluBackward(dar, zr)
let gr = convBackward(dzr, xr, wr, p)

// MARK: block 9, 04-bias-activation.md line 255
let h = 1e-5                                                       // the step of the centred differences
let chainCheck = checkGradients(
    ("dx", gr.dx, numericalGradient(of: { relu(convForward($0, wr, br, p)) }, at: xr, upstream: dar, h: h)),
    ("dw", gr.dw, numericalGradient(of: { relu(convForward(xr, $0, br, p)) }, at: wr, upstream: dar, h: h)),
    ("db", gr.db, numericalGradient(of: { relu(convForward(xr, wr, $0, p)) }, at: br, upstream: dar, h: h)))
let closestToKink = zr.scalars.map { abs($0) }.min()!

// MARK: block 10, 04-bias-activation.md line 264
precondition(closestToKink > 100 * h, "the prose says no z comes near the kink (within a hundred steps h)")
print("04-bias-activation.md line 268:", chainCheck.worst)
print("04-bias-activation.md line 269:", h)
print("04-bias-activation.md line 271:", closestToKink)
print("04-bias-activation.md line 277:", squaredErrorLoss(relu(zr), target: tr).loss)

// MARK: block 11, 04-bias-activation.md line 283
let scalarLoss = { (zz: Tensor) in squaredErrorLoss(relu(zz), target: tr).loss }
let dxScalar = numericalGradient(ofScalar: { scalarLoss(convForward($0, wr, br, p)) }, at: xr, h: h)
let dwScalar = numericalGradient(ofScalar: { scalarLoss(convForward(xr, $0, br, p)) }, at: wr, h: h)
showTable(["gradient", "array form (upstream da)", "scalar loss"],
          [["dx", chainCheck["dx"], relError(gr.dx, dxScalar)],
           ["dw", chainCheck["dw"], relError(gr.dw, dwScalar)]],
          "relative error against the analytic gradient")
let roundingEstimate = Double.ulpOfOne * scalarLoss(zr) / (2 * h)   // machine epsilon · L / 2h

// MARK: block 12, 04-bias-activation.md line 294
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
print("04-bias-activation.md line 307:", chainCheck.threshold)
print("04-bias-activation.md line 308:", Int((relError(gr.dx, dxScalar) / chainCheck["dx"].value).rounded()))
print("04-bias-activation.md line 310:", (gr.dx - dxScalar).maxAbs())
print("04-bias-activation.md line 310:", (gr.dw - dwScalar).maxAbs())
print("04-bias-activation.md line 311:", roundingEstimate)
print("04-bias-activation.md line 313:", gr.dx.scalars.map { abs($0) }.min()!)
print("04-bias-activation.md line 315:", gr.dw.scalars.map { abs($0) }.min()!)

// MARK: block 13, 04-bias-activation.md line 325
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
print("04-bias-activation.md line 339:", dbDifference)
