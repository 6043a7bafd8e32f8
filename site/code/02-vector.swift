// The 1-D case
// The code of 02-vector.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release 02-vector.swift -o 02-vector
//   ./02-vector
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify 02-vector

import ConvEngine
import ConvbookRuntime

// MARK: block 1, 02-vector.md line 29
func num(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
}
func term(_ v: Double) -> String { v < 0 ? "(" + num(v) + ")" : num(v) }

// MARK: block 2, 02-vector.md line 36
let x = Tensor(vector: [2, -1, 3, 1, 0])
let w = Tensor(vector: [1, 2, -1])
let b = 1.0
let y = vectorConvForward(x, w, bias: b)
for i in 0..<y.count {
    var products: [String] = []
    for a in 0..<w.count { products.append(term(x[i + a]) + "·" + term(w[a])) }
    print("y[\(i)] = " + products.joined(separator: " + ") + " + " + term(b) + " = " + num(y[i]))
}
print("02-vector.md line 48:", y)
print("02-vector.md line 50:", w.count)

// MARK: block 3, 02-vector.md line 53
showWindows(x.reshaped([1, x.count]), kernel: HW(height: 1, width: w.count), limit: y.count,
            "w = \(fmt(w)) at its \(y.count) stops on x: the highlighted entries times w, plus b = \(fmt(b)), give y = \(fmt(y))")

// MARK: block 4, 02-vector.md line 73
let dy = Tensor(vector: [1, -2, 3])
print("02-vector.md line 77:", dy)
print("02-vector.md line 89:", dy[0])
print("02-vector.md line 89:", dy[1])
print("02-vector.md line 89:", dy[2])
print("02-vector.md line 90:", dy.sum())

// MARK: block 5, 02-vector.md line 107
for a in 0..<w.count {
    var products: [String] = []
    for i in 0..<dy.count { products.append(term(dy[i]) + "·" + term(x[i + a])) }
    let total = (0..<dy.count).reduce(0.0) { $0 + dy[$1] * x[$1 + a] }
    print("dw[\(a)] = " + products.joined(separator: " + ") + " = " + num(total))
}
let dwByCorrelation = crossCorrelate(x, dy)
show(dwByCorrelation, "dw = x ⋆ dy")
print("02-vector.md line 122:", w.count)

// MARK: block 6, 02-vector.md line 126
showWindows(x.reshaped([1, x.count]), kernel: HW(height: 1, width: dy.count), limit: w.count,
            "dy = \(fmt(dy)) at its \(w.count) stops on x: the highlighted entries times dy give dw = \(fmt(dwByCorrelation)); the stop titled y[0, a] gives dw[a]")

// MARK: block 7, 02-vector.md line 148
var dxGather = Tensor(zeros: [x.count])
for k in 0..<x.count {
    let first = max(0, k - w.count + 1), last = min(k, dy.count - 1)
    var names: [String] = [], values: [String] = []
    for i in first...last {
        dxGather[k] += dy[i] * w[k - i]
        names.append("dy[\(i)]·w[\(k - i)]")
        values.append(term(dy[i]) + "·" + term(w[k - i]))
    }
    print("dx[\(k)] = " + names.joined(separator: " + ") + " = " + values.joined(separator: " + ") + " = " + num(dxGather[k]))
}

// MARK: block 8, 02-vector.md line 176
let dxByConvolution = convolve(dy, w, mode: .full)
show(dxByConvolution, "dx = dy * w (full)")
checkAgreement("our gather loop vs convolve(dy, w, .full)", dxGather, dxByConvolution)

// MARK: block 9, 02-vector.md line 197
let padding = w.count - 1
let dyPadded = pad(dy, HW(padding))
let wReversed = rotate180(w)
show(dyPadded, "dy padded with WW - 1 zeros at each end", padding: HW(padding))
show(wReversed, "w reversed")
checkAgreement("crossCorrelate(pad(dy), reversed w) vs our gather loop",
               crossCorrelate(dyPadded, wReversed), dxGather)
print("02-vector.md line 207:", wReversed)
print("02-vector.md line 208:", dyPadded)
print("02-vector.md line 208:", dyPadded.count - w.count + 1)
print("02-vector.md line 210:", dxGather[0])
print("02-vector.md line 212:", x.count)

// MARK: block 10, 02-vector.md line 215
showWindows(dy.reshaped([1, dy.count]), kernel: HW(height: 1, width: w.count),
            ConvParameters(padding: HW(height: 0, width: padding)), limit: x.count,
            "The reversed filter \(fmt(wReversed)) over dy padded with \(padding) zeros at each end: the highlighted entries times the reversed filter give dx = \(fmt(dxGather))")
print("02-vector.md line 222:", padding)
print("02-vector.md line 223:", dy.count)
print("02-vector.md line 224:", x.count - 1)

// MARK: block 11, 02-vector.md line 237
var dxScatter = Tensor(zeros: [x.count])
var dwScatter = Tensor(zeros: [w.count])
var dbScatter = 0.0
for i in 0..<dy.count {
    dbScatter += dy[i]
    for a in 0..<w.count {
        dxScatter[i + a] += dy[i] * w[a]
        dwScatter[a] += dy[i] * x[i + a]
    }
}
let loops = vectorConvBackward(dy, x, w)
checkAgreement("dx: our scatter loop vs vectorConvBackward", dxScatter, loops.dx)
checkAgreement("dw: our scatter loop vs vectorConvBackward", dwScatter, loops.dw)
print("db: scatter loop", num(dbScatter), "| vectorConvBackward", num(loops.db))

// MARK: block 12, 02-vector.md line 269
let blocks = vectorConvBackwardByBlocks(dy, x, w)
checkAgreement("dx: building blocks vs loops", blocks.dx, loops.dx)
checkAgreement("dw: building blocks vs loops", blocks.dw, loops.dw)
checkAgreement("dw: crossCorrelate(x, dy) vs loops", dwByCorrelation, loops.dw)

let xr = Tensor.randomNormal(shape: [11], seed: 21)
let wr = Tensor.randomNormal(shape: [4], seed: 22)
let dyr = Tensor.randomNormal(shape: [8], seed: 23)
let loopsR = vectorConvBackward(dyr, xr, wr)
let blocksR = vectorConvBackwardByBlocks(dyr, xr, wr)
let dxAgreement = checkAgreement("random, dx: building blocks vs loops", blocksR.dx, loopsR.dx)
let dwAgreement = checkAgreement("random, dw: building blocks vs loops", blocksR.dw, loopsR.dw)
print("02-vector.md line 285:", max(dxAgreement, dwAgreement))

// MARK: block 13, 02-vector.md line 296
let br = 0.3
let check = checkGradients(
    ("dx", loopsR.dx, numericalGradient(of: { vectorConvForward($0, wr, bias: br) }, at: xr, upstream: dyr)),
    ("dw", loopsR.dw, numericalGradient(of: { vectorConvForward(xr, $0, bias: br) }, at: wr, upstream: dyr)),
    ("db", Tensor(vector: [loopsR.db]),
     numericalGradient(of: { vectorConvForward(xr, wr, bias: $0[0]) }, at: Tensor(vector: [br]), upstream: dyr)))
print("02-vector.md line 305:", check["dx"])
print("02-vector.md line 305:", check["dw"])
print("02-vector.md line 306:", check["db"])

// MARK: block 14, 02-vector.md line 316
let dxWrong = crossCorrelate(pad(dy, HW(w.count - 1)), w)
let dwWrong = convolve(x, dy)
show(dxWrong, "dx without the flip (wrong)")
show(loops.dx, "dx (right)")
show(dwWrong, "dw with a flip (wrong)")
show(loops.dw, "dw (right)")
let dxWrongBy = dxWrong.maxAbsDifference(loops.dx)
let dwWrongBy = dwWrong.maxAbsDifference(loops.dw)
print("02-vector.md line 327:", dxWrongBy)
print("02-vector.md line 328:", dwWrongBy)

// MARK: block 15, 02-vector.md line 342
let wSymmetric = Tensor(vector: [1, 2, 1])
let loopsSymmetric = vectorConvBackward(dy, x, wSymmetric)
let dxSlipSymmetric = checkAgreement("dx without the flip vs dx, symmetric filter",
                                     crossCorrelate(pad(dy, HW(wSymmetric.count - 1)), wSymmetric), loopsSymmetric.dx)
let dwSlipSymmetric = convolve(x, dy).maxAbsDifference(loopsSymmetric.dw)
precondition(dwSlipSymmetric > 0, "the flipped dw should still be wrong with a symmetric filter")
print("02-vector.md line 352:", dxSlipSymmetric)
print("02-vector.md line 353:", dwSlipSymmetric)
