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

// MARK: block 1, 04-bias-activation.md line 91
let x = Tensor(matrix: [[1, 2, 0, 1], [0, 1, 3, 1], [2, 0, 1, 2], [1, 1, 0, 1]])
let w = Tensor(matrix: [[1, -1], [2, 0]])
let b = Tensor(vector: [-1])
let xBatch = x.reshaped([1, 1, 4, 4])   // N = 1 image, C = 1 channel
let wBatch = w.reshaped([1, 1, 2, 2])   // F = 1 filter over C = 1 channel
let z = convForward(xBatch, wBatch, b).reshaped([3, 3])
let a = relu(z)
show(z, "z = x ⋆ w + b₀")
show(a, "a = relu(z)")
print("04-bias-activation.md line 105:", window(x, rowStart: 0, rows: 2, columnStart: 0, columns: 2))
print("04-bias-activation.md line 105:", w)
print("04-bias-activation.md line 105:", z[0, 0])
print("04-bias-activation.md line 105:", b[0])
print("04-bias-activation.md line 106:", z.scalars.filter { $0 < 0 }.count)
print("04-bias-activation.md line 107:", z[2, 1])

// MARK: block 2, 04-bias-activation.md line 115
let t = Tensor(matrix: [[1, 2, 2], [1, 1, 2], [2, 1, 1]])
let loss = squaredErrorLoss(a, target: t)
let da = loss.gradient
let dz = reluBackward(da, z)
let reluSlope = z.map { $0 > 0 ? 1 : 0 }   // g'(z) for ReLU, 0 at the kink
print("L =", loss.loss)
print("04-bias-activation.md line 124:", loss.loss)
print("04-bias-activation.md line 127:", da)
print("04-bias-activation.md line 127:", reluSlope)
print("04-bias-activation.md line 127:", dz)
print("04-bias-activation.md line 129:", z.scalars.filter { $0 < 0 }.count)

// MARK: block 3, 04-bias-activation.md line 136
let blocked = z.scalars.indices.filter { z.scalars[$0] <= 0 }.map { "(\($0 / 3), \($0 % 3))" }
show(z, "z")
show(da, "da = a − t")
show(dz, "dz = da ⊙ g′(z)")
print("z ≤ 0, so ReLU blocks the gradient, at", blocked.joined(separator: ", "))

// MARK: block 4, 04-bias-activation.md line 148
let grads = convBackward(dz.reshaped([1, 1, 3, 3]), xBatch, wBatch)
print("sum of dz =", dz.sum(), "   db from convBackward =", grads.db[0])
show(grads.dw.reshaped([2, 2]), "dw")
show(grads.dx.reshaped([4, 4]), "dx")
print("04-bias-activation.md line 155:", grads.db[0])
print("04-bias-activation.md line 155:", dz.scalars.filter { $0 != 0 }.count)
print("04-bias-activation.md line 157:", grads.dw.reshaped([2, 2]))
print("04-bias-activation.md line 159:", grads.dw[0, 0, 0, 0])
print("04-bias-activation.md line 164:", grads.dx[0, 0, 3, 2])

// MARK: block 5, 04-bias-activation.md line 169
let kinkSlope = numericalGradient(of: relu, at: Tensor(vector: [0]), upstream: Tensor(vector: [1]))
print("numerical slope of relu at 0:", kinkSlope[0])
print("reluBackward's slope at 0:   ", reluBackward(Tensor(vector: [1]), Tensor(vector: [0]))[0])
print("04-bias-activation.md line 178:", dz[2, 1])
print("04-bias-activation.md line 179:", da[2, 1])
print("04-bias-activation.md line 180:", dz.sum() + da[2, 1])
print("04-bias-activation.md line 180:", dz.sum())
print("04-bias-activation.md line 184:", kinkSlope[0])

// MARK: block 6, 04-bias-activation.md line 196
let p = ConvParameters(padding: 1)
let xr = Tensor.randomNormal(shape: [1, 1, 6, 6], seed: 401)
let wr = Tensor.randomNormal(shape: [1, 1, 3, 3], seed: 402)
let br = Tensor.randomNormal(shape: [1], seed: 403)
let tr = Tensor.randomNormal(shape: [1, 1, 6, 6], seed: 404)
let zr = convForward(xr, wr, br, p)
let dar = squaredErrorLoss(relu(zr), target: tr).gradient
let dzr = reluBackward(dar, zr)
let gr = convBackward(dzr, xr, wr, p)

// MARK: block 7, 04-bias-activation.md line 214
let chainCheck = checkGradients(
    ("dx", gr.dx, numericalGradient(of: { relu(convForward($0, wr, br, p)) }, at: xr, upstream: dar)),
    ("dw", gr.dw, numericalGradient(of: { relu(convForward(xr, $0, br, p)) }, at: wr, upstream: dar)),
    ("db", gr.db, numericalGradient(of: { relu(convForward(xr, wr, $0, p)) }, at: br, upstream: dar)))
let closestToKink = zr.scalars.map { abs($0) }.min()!
print("04-bias-activation.md line 222:", chainCheck.worst)
print("04-bias-activation.md line 225:", closestToKink)
print("04-bias-activation.md line 230:", squaredErrorLoss(relu(zr), target: tr).loss)

// MARK: block 8, 04-bias-activation.md line 236
let scalarLoss = { (zz: Tensor) in squaredErrorLoss(relu(zz), target: tr).loss }
let dxScalar = numericalGradient(ofScalar: { scalarLoss(convForward($0, wr, br, p)) }, at: xr)
let dwScalar = numericalGradient(ofScalar: { scalarLoss(convForward(xr, $0, br, p)) }, at: wr)
showTable(["gradient", "array form (upstream da)", "scalar loss"],
          [["dx", chainCheck["dx"], relError(gr.dx, dxScalar)],
           ["dw", chainCheck["dw"], relError(gr.dw, dwScalar)]],
          "relative error against the analytic gradient")
let roundingEstimate = Double.ulpOfOne * scalarLoss(zr) / (2 * 1e-5)   // machine epsilon · L / 2h
print("04-bias-activation.md line 248:", Int((relError(gr.dx, dxScalar) / chainCheck["dx"].value).rounded()))
print("04-bias-activation.md line 250:", (gr.dx - dxScalar).maxAbs())
print("04-bias-activation.md line 250:", (gr.dw - dwScalar).maxAbs())
print("04-bias-activation.md line 251:", roundingEstimate)
print("04-bias-activation.md line 253:", gr.dx.scalars.map { abs($0) }.min()!)
print("04-bias-activation.md line 255:", gr.dw.scalars.map { abs($0) }.min()!)

// MARK: block 9, 04-bias-activation.md line 265
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
print("04-bias-activation.md line 279:", dbDifference)
