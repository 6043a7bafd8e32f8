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

// MARK: block 1, 06-batch.md line 54
let x = Tensor(batch: [[[[1, 2, 0], [0, 1, 3], [2, 1, 1]]],
                       [[[0, 1, 1], [1, 0, 2], [1, 3, 0]]]])     // (N, C, H, W) = (2, 1, 3, 3)
let w = Tensor(batch: [[[[1, -1], [2, 0]]]])                     // (F, C, HH, WW) = (1, 1, 2, 2)
let dy = Tensor(batch: [[[[1, 0], [-1, 2]]],
                        [[[0, 1], [1, 1]]]])                     // (N, F, H', W') = (2, 1, 2, 2)
let grads = convBackward(dy, x, w)
print("06-batch.md line 66:", crossCorrelate(x.slice(0).slice(0), dy.slice(0).slice(0)))
print("06-batch.md line 66:", crossCorrelate(x.slice(1).slice(0), dy.slice(1).slice(0)))
print("06-batch.md line 66:", grads.dw.slice(0).slice(0))
print("06-batch.md line 69:", dy.slice(0).sum())
print("06-batch.md line 69:", dy.slice(1).sum())
print("06-batch.md line 69:", grads.db[0])
print("06-batch.md line 73:", grads.dx.slice(0).slice(0))
print("06-batch.md line 73:", grads.dx.slice(1).slice(0))

// MARK: block 2, 06-batch.md line 81
explore(x, w, dy: dy, label: "batch-of-two")

// MARK: block 3, 06-batch.md line 91
let p = ConvParameters(stride: 1, padding: 1)
let xb = Tensor.randomNormal(shape: [4, 3, 5, 5], seed: 601)
let wb = Tensor.randomNormal(shape: [2, 3, 3, 3], seed: 602)
let bb = Tensor.randomNormal(shape: [2], seed: 603)
let yb = convForward(xb, wb, bb, p)
let dyb = Tensor.randomNormal(shape: yb.shape, seed: 604)          // (4, 2, 5, 5)
let gb = convBackward(dyb, xb, wb, p)

// MARK: block 4, 06-batch.md line 105
func oneImage(_ t: Tensor, _ n: Int) -> Tensor {
    let item = t.slice(n)                       // (C, H, W)
    return item.reshaped([1] + item.shape)      // (1, C, H, W)
}

var dwSum = Tensor(zeros: wb.shape)
var dbSum = Tensor(zeros: bb.shape)
var dxPerImage: [Tensor] = []
for n in 0..<xb.shape[0] {
    let g = convBackward(oneImage(dyb, n), oneImage(xb, n), wb, p)
    dwSum += g.dw
    dbSum += g.db
    dxPerImage.append(g.dx.slice(0))
}
let dwGap = checkAgreement("dw: whole batch vs sum of per-image dw", gb.dw, dwSum)
let dbGap = checkAgreement("db: whole batch vs sum of per-image db", gb.db, dbSum)
let dxGap = checkAgreement("dx: whole batch vs per-image dx, stacked", gb.dx, Tensor.stack(dxPerImage))
print("06-batch.md line 126:", dwGap)
print("06-batch.md line 126:", dbGap)
print("06-batch.md line 128:", dxGap)

// MARK: block 5, 06-batch.md line 133
var dyOthersChanged = dyb
let fresh = Tensor.randomNormal(shape: dyb.shape, seed: 605)
let perImage = dyb.count / dyb.shape[0]
for k in perImage..<dyb.count {          // every entry of images 1, 2, 3
    dyOthersChanged.scalars[k] = fresh.scalars[k]
}
let gChanged = convBackward(dyOthersChanged, xb, wb, p)
let dx0Gap = checkAgreement("dx[0] after changing dy of images 1-3", gChanged.dx.slice(0), gb.dx.slice(0))
print("largest change of dx[1]:", (gChanged.dx.slice(1) - gb.dx.slice(1)).maxAbs())
print("largest change of dw:   ", (gChanged.dw - gb.dw).maxAbs())
print("06-batch.md line 146:", dx0Gap)
print("06-batch.md line 148:", (gChanged.dx.slice(1) - gb.dx.slice(1)).maxAbs())
print("06-batch.md line 149:", (gChanged.dw - gb.dw).maxAbs())

// MARK: block 6, 06-batch.md line 170
let dxNumeric = numericalGradient(of: { convForward($0, wb, bb, p) }, at: xb, upstream: dyb)
let dwNumeric = numericalGradient(of: { convForward(xb, $0, bb, p) }, at: wb, upstream: dyb)
let dbNumeric = numericalGradient(of: { convForward(xb, wb, $0, p) }, at: bb, upstream: dyb)
let batchCheck = checkGradients(("dx", gb.dx, dxNumeric), ("dw", gb.dw, dwNumeric), ("db", gb.db, dbNumeric))

// MARK: block 7, 06-batch.md line 179
showTable(["gradient", "CS231n notebook (quoted)", "a write-up's run (quoted)", "this book's engine"],
          [["dx", 1.1598e-08, 7.489787768926947e-09, batchCheck["dx"]],
           ["dw", 2.2471e-10, 1.381022780971562e-10, batchCheck["dw"]],
           ["db", 3.3726e-11, 1.1299800330640326e-10, batchCheck["db"]]],
          "relative error of the analytic gradient, x 4×3×5×5, w 2×3×3×3, stride 1, pad 1")

// MARK: block 8, 06-batch.md line 202
var worstIndex = 0
var worstError = 0.0
for k in gb.dx.scalars.indices {
    let (g, gNumeric) = (gb.dx.scalars[k], dxNumeric.scalars[k])
    let e = abs(g - gNumeric) / max(1e-8, abs(g) + abs(gNumeric))
    if e > worstError { (worstIndex, worstError) = (k, e) }
}
let typicalDx = gb.dx.scalars.map { abs($0) }.reduce(0, +) / Double(gb.dx.count)
print("06-batch.md line 213:", gb.dx.count)
print("06-batch.md line 214:", worstError)
print("06-batch.md line 215:", gb.dx.scalars[worstIndex])
print("06-batch.md line 216:", typicalDx)
print("06-batch.md line 217:", abs(gb.dx.scalars[worstIndex] - dxNumeric.scalars[worstIndex]))
print("06-batch.md line 219:", (gb.dx - dxNumeric).maxAbs())

// MARK: block 9, 06-batch.md line 228
func stepErrors(_ h: Double) -> (dw: Double, db: Double) {
    let dwH = numericalGradient(of: { convForward(xb, $0, bb, p) }, at: wb, upstream: dyb, h: h)
    let dbH = numericalGradient(of: { convForward(xb, wb, $0, p) }, at: bb, upstream: dyb, h: h)
    return (relError(gb.dw, dwH), relError(gb.db, dbH))
}
let steps = ["1e-3", "1e-5", "1e-7"]
let large = stepErrors(1e-3), small = stepErrors(1e-7)
let dwErrors = [large.dw, batchCheck["dw"].value, small.dw]     // h = 1e-5 was the check above
let dbErrors = [large.db, batchCheck["db"].value, small.db]
showTable(["step h", "dw relative error", "db relative error"],
          steps.indices.map { [steps[$0], dwErrors[$0], dbErrors[$0]] })
print("06-batch.md line 244:", dwErrors[2])
print("06-batch.md line 246:", dwErrors[0])
print("06-batch.md line 250:", batchCheck.worst)
