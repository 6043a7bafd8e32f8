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

// MARK: block 1, 02-vector.md line 41
func num(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
}
func term(_ v: Double) -> String { v < 0 ? "(" + num(v) + ")" : num(v) }

// MARK: block 2, 02-vector.md line 48
let x = Tensor(vector: [2, -1, 3, 1, 0])
let w = Tensor(vector: [1, 2, -1])
let b = 1.0
let y = vectorConvForward(x, w, bias: b)
for i in 0..<y.count {
    var products: [String] = []
    for a in 0..<w.count { products.append(term(x[i + a]) + "·" + term(w[a])) }
    print("y[\(i)] = " + products.joined(separator: " + ") + " + " + term(b) + " = " + num(y[i]))
}
print("02-vector.md line 60:", x.count)
print("02-vector.md line 60:", w.count)
print("02-vector.md line 61:", y.count)
print("02-vector.md line 61:", y)

// MARK: block 3, 02-vector.md line 63
precondition(y.count == x.count - w.count + 1, "W' = W - WW + 1 should give y's length")
print("02-vector.md line 67:", w.count)

// MARK: block 4, 02-vector.md line 70
showWindows(x.reshaped([1, x.count]), kernel: HW(height: 1, width: w.count), limit: y.count,
            "w = \(fmt(w)) at its \(y.count) stops on x: the highlighted entries times w, plus b₀ = \(fmt(b)), give y = \(fmt(y))")

// MARK: block 5, 02-vector.md line 90
let dy = Tensor(vector: [1, -2, 3])
print("02-vector.md line 94:", dy)
print("02-vector.md line 94:", dy[0])
print("02-vector.md line 95:", -dy[1])

// MARK: block 6, 02-vector.md line 97
precondition(dy.count == 3 && dy[0] > 0 && dy[1] < 0 && dy[2] > 0,
             "the prose reads dy as three entries, the first up, the second down, and writes db's sum out term by term")
print("02-vector.md line 111:", dy[0])
print("02-vector.md line 111:", dy[1])
print("02-vector.md line 111:", dy[2])
print("02-vector.md line 112:", dy.sum())

// MARK: block 7, 02-vector.md line 129
for a in 0..<w.count {
    var products: [String] = []
    for i in 0..<dy.count { products.append(term(dy[i]) + "·" + term(x[i + a])) }
    let total = (0..<dy.count).reduce(0.0) { $0 + dy[$1] * x[$1 + a] }
    print("dw[\(a)] = " + products.joined(separator: " + ") + " = " + num(total))
}
let dwByCorrelation = crossCorrelate(x, dy)
show(dwByCorrelation, "dw = x ⋆ dy")
print("02-vector.md line 141:", dy.count - 1)
print("02-vector.md line 144:", w.count)

// MARK: block 8, 02-vector.md line 148
precondition(dy.count == w.count, "the prose says dy is as long as w here")

// MARK: block 9, 02-vector.md line 152
showWindows(x.reshaped([1, x.count]), kernel: HW(height: 1, width: dy.count), limit: w.count, name: "dw",
            "dy = \(fmt(dy)) at its \(w.count) stops on x: the highlighted entries times dy give dw = \(fmt(dwByCorrelation)); the stop titled dw[0, a] gives dw[a]")

// MARK: block 10, 02-vector.md line 175
var dxGather = Tensor(zeros: [x.count])
for u in 0..<x.count {
    let first = max(0, u - w.count + 1), last = min(u, dy.count - 1)
    var names: [String] = [], values: [String] = []
    for i in first...last {
        dxGather[u] += dy[i] * w[u - i]
        names.append("dy[\(i)]·w[\(u - i)]")
        values.append(term(dy[i]) + "·" + term(w[u - i]))
    }
    print("dx[\(u)] = " + names.joined(separator: " + ") + " = " + values.joined(separator: " + ") + " = " + num(dxGather[u]))
}

// MARK: block 11, 02-vector.md line 203
let dxByConvolution = convolve(dy, w, mode: .full)
show(dxByConvolution, "dx = dy * w (full)")
checkAgreement("our gather loop vs convolve(dy, w, .full)", dxGather, dxByConvolution)

// MARK: block 12, 02-vector.md line 224
let padding = w.count - 1
let dyPadded = pad(dy, HW(padding))
let wReversed = rotate180(w)
show(dyPadded, "dy padded with WW - 1 zeros at each end", padding: HW(padding))
show(wReversed, "w reversed")
checkAgreement("crossCorrelate(pad(dy), reversed w) vs our gather loop",
               crossCorrelate(dyPadded, wReversed), dxGather)
print("02-vector.md line 234:", wReversed)
print("02-vector.md line 235:", dyPadded)
print("02-vector.md line 235:", dyPadded.count - w.count + 1)
print("02-vector.md line 237:", dxGather[0])
print("02-vector.md line 239:", x.count)

// MARK: block 13, 02-vector.md line 242
showWindows(dy.reshaped([1, dy.count]), kernel: HW(height: 1, width: w.count),
            ConvParameters(padding: HW(height: 0, width: padding)), limit: x.count, name: "dx",
            "The reversed filter \(fmt(wReversed)) over dy padded with \(padding) zeros at each end: the highlighted entries times the reversed filter give dx = \(fmt(dxGather)); the stop titled dx[0, u] gives dx[u]")

// MARK: block 14, 02-vector.md line 248
// Which entries of x each output reads, and which entries all outputs read.
let readersOf = (0..<x.count).map { u in min(u, dy.count - 1) - max(0, u - w.count + 1) + 1 }
let readByAll = (0..<x.count).filter { readersOf[$0] == dy.count }
precondition(readersOf.first == 1 && readersOf.last == 1, "the end entries of x should be read by one output each")
precondition(readByAll == [x.count / 2] && x.count % 2 == 1, "the prose says only the middle entry of x is read by every output")
print("02-vector.md line 257:", padding)
print("02-vector.md line 258:", readByAll[0])
print("02-vector.md line 258:", dy.count)
print("02-vector.md line 260:", x.count - 1)
print("02-vector.md line 260:", readByAll[0])

// MARK: block 15, 02-vector.md line 273
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

// MARK: block 16, 02-vector.md line 308
let blocks = vectorConvBackwardByBlocks(dy, x, w)
checkAgreement("dx: building blocks vs loops", blocks.dx, loops.dx)
checkAgreement("dw: building blocks vs loops", blocks.dw, loops.dw)
checkAgreement("dw: crossCorrelate(x, dy) vs loops", dwByCorrelation, loops.dw)

let xr = Tensor.randomNormal(shape: [11], seed: 21)
let wr = Tensor.randomNormal(shape: [4], seed: 22)
let dyr = Tensor.randomNormal(shape: [xr.count - wr.count + 1], seed: 23)   // W' = W - WW + 1
let loopsR = vectorConvBackward(dyr, xr, wr)
let blocksR = vectorConvBackwardByBlocks(dyr, xr, wr)
let dxAgreement = checkAgreement("random, dx: building blocks vs loops", blocksR.dx, loopsR.dx)
let dwAgreement = checkAgreement("random, dw: building blocks vs loops", blocksR.dw, loopsR.dw)
print("02-vector.md line 323:", xr.count)
print("02-vector.md line 323:", wr.count)
print("02-vector.md line 324:", dyr.count)
print("02-vector.md line 325:", max(dxAgreement, dwAgreement))

// MARK: block 17, 02-vector.md line 336
let br = 0.3
let check = checkGradients(
    ("dx", loopsR.dx, numericalGradient(of: { vectorConvForward($0, wr, bias: br) }, at: xr, upstream: dyr)),
    ("dw", loopsR.dw, numericalGradient(of: { vectorConvForward(xr, $0, bias: br) }, at: wr, upstream: dyr)),
    ("db", Tensor(vector: [loopsR.db]),
     numericalGradient(of: { vectorConvForward(xr, wr, bias: $0[0]) }, at: Tensor(vector: [br]), upstream: dyr)))
print("02-vector.md line 345:", check["dx"])
print("02-vector.md line 345:", check["dw"])
print("02-vector.md line 346:", check["db"])

// MARK: block 18, 02-vector.md line 356
let dxWrong = crossCorrelate(pad(dy, HW(w.count - 1)), w)
let dwWrong = convolve(x, dy)
show(dxWrong, "dx without the flip (wrong)")
show(loops.dx, "dx (right)")
show(dwWrong, "dw with a flip (wrong)")
show(loops.dw, "dw (right)")
let dxWrongBy = dxWrong.maxAbsDifference(loops.dx)
let dwWrongBy = dwWrong.maxAbsDifference(loops.dw)
print("02-vector.md line 367:", dxWrongBy)
print("02-vector.md line 368:", dwWrongBy)

// MARK: block 19, 02-vector.md line 383
let wSymmetric = Tensor(vector: [1, 2, 1])
let loopsSymmetric = vectorConvBackward(dy, x, wSymmetric)
let dxSlipSymmetric = checkAgreement("dx without the flip vs dx, symmetric filter",
                                     crossCorrelate(pad(dy, HW(wSymmetric.count - 1)), wSymmetric), loopsSymmetric.dx)
let dwSlipSymmetric = convolve(x, dy).maxAbsDifference(loopsSymmetric.dw)
precondition(dwSlipSymmetric > 0, "the flipped dw should still be wrong with a symmetric filter")

// MARK: block 20, 02-vector.md line 392
precondition(rotate180(wSymmetric).maxAbsDifference(wSymmetric) == 0, "wSymmetric should be symmetric")
// The pitfall's last claim: a symmetric dy would hide the dw slip.
let dySymmetric = Tensor(vector: [1, -2, 1])
precondition(convolve(x, dySymmetric).maxAbsDifference(vectorConvBackward(dySymmetric, x, w).dw) == 0,
             "with a symmetric dy the flipped dw should equal the right one")
print("02-vector.md line 400:", wSymmetric)
print("02-vector.md line 401:", dxSlipSymmetric)
print("02-vector.md line 402:", dwSlipSymmetric)

// MARK: block 21, 02-vector.md line 433
let dyOneHot = Tensor(vector: [0, 1, 0])
let oneHot = vectorConvBackward(dyOneHot, x, w)
print("02-vector.md line 439:", oneHot.db)
print("02-vector.md line 441:", oneHot.dw)
print("02-vector.md line 443:", oneHot.dx)

// MARK: block 22, 02-vector.md line 455
let wLong = Tensor(vector: [1, 2, -1, 3])
let yLong = vectorConvForward(x, wLong, bias: b)
let gradsLong = vectorConvBackward(Tensor(vector: [1, -2]), x, wLong)
// How many outputs read each entry of x: the backward pass with every dy and every tap equal to 1.
let readersLong = vectorConvBackward(Tensor(repeating: 1, shape: [yLong.count]), x,
                                     Tensor(repeating: 1, shape: [wLong.count])).dx
let readByAllLong = (0..<x.count).filter { readersLong[$0] == Double(yLong.count) }.map { "x[\($0)]" }
print("02-vector.md line 465:", yLong.count)
print("02-vector.md line 467:", gradsLong.dw.count)
print("02-vector.md line 468:", gradsLong.dx.count)
print("02-vector.md line 472:", readersLong)
print("02-vector.md line 473:", readByAllLong.joined(separator: ", "))
print("02-vector.md line 474:", 2 * wLong.count - 1)

// MARK: block 23, 02-vector.md line 484
precondition(convolve(dy, w)[0] == loops.dx[readByAll[0]], "the answer says the valid convolution is the middle entry of dx")
print("02-vector.md line 488:", w.count)
print("02-vector.md line 488:", dy.count)
print("02-vector.md line 489:", convolve(dy, w).count)
print("02-vector.md line 490:", x.count)
print("02-vector.md line 491:", convolve(dy, w)[0])
print("02-vector.md line 492:", readByAll[0])

// MARK: block 24, 02-vector.md line 496 (traps: kept as a comment)
// _ = x - 0.1 * convolve(dy, w)
// 
