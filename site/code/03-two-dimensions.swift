// Two dimensions, one channel
// The code of 03-two-dimensions.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release 03-two-dimensions.swift -o 03-two-dimensions
//   ./03-two-dimensions
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify 03-two-dimensions

import ConvEngine
import ConvbookRuntime

// MARK: block 1, 03-two-dimensions.md line 40
func asImage(_ m: Tensor) -> Tensor { m.reshaped([1, 1] + m.shape) }
func asMatrix(_ t: Tensor) -> Tensor { t.reshaped(Array(t.shape.suffix(2))) }

// MARK: block 2, 03-two-dimensions.md line 45
func num(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
}
func term(_ v: Double) -> String { v < 0 ? "(" + num(v) + ")" : num(v) }

// MARK: block 3, 03-two-dimensions.md line 55
let x = Tensor(matrix: [[1,  2,  0, 1],
                        [3, -1,  2, 0],
                        [0,  1,  1, 2],
                        [2,  0, -2, 1]])
let w = Tensor(matrix: [[1,  0, -1],
                        [2,  1,  0],
                        [0, -1,  1]])
let b = Tensor(vector: [1])
let y = crossCorrelate(x, w).map { $0 + b[0] }
show(y, "y = x ⋆ w + b₀")
checkAgreement("x ⋆ w + b₀ vs convForward", y, asMatrix(convForward(asImage(x), asImage(w), b)))
print("03-two-dimensions.md line 69:", y.shape[0])
print("03-two-dimensions.md line 69:", y.shape[1])
print("03-two-dimensions.md line 72:", x)
print("03-two-dimensions.md line 72:", w)
print("03-two-dimensions.md line 72:", b[0])
print("03-two-dimensions.md line 72:", y)
print("03-two-dimensions.md line 76:", y.count)

// MARK: block 4, 03-two-dimensions.md line 78
let dy = Tensor(matrix: [[1, -2],
                         [3,  1]])
let grads = convBackward(asImage(dy), asImage(x), asImage(w))
let (H, W) = (x.shape[0], x.shape[1])
let (HH, WW) = (w.shape[0], w.shape[1])
let (outH, outW) = (dy.shape[0], dy.shape[1])
print("03-two-dimensions.md line 87:", dy)
print("03-two-dimensions.md line 104:", dy.sum())
print("03-two-dimensions.md line 104:", grads.db[0])
print("03-two-dimensions.md line 117:", outH)
print("03-two-dimensions.md line 117:", outW)
print("03-two-dimensions.md line 118:", H)
print("03-two-dimensions.md line 118:", W)
print("03-two-dimensions.md line 120:", outH * outW)

// MARK: block 5, 03-two-dimensions.md line 122
var dwSum = Tensor(zeros: [HH, WW])
for a in 0..<HH {
    for bb in 0..<WW {
        var products: [String] = []
        for i in 0..<outH {
            for j in 0..<outW {
                dwSum[a, bb] += dy[i, j] * x[i + a, j + bb]
                products.append(term(dy[i, j]) + "·" + term(x[i + a, j + bb]))
            }
        }
        print("dw[\(a), \(bb)] = " + products.joined(separator: " + ") + " = " + num(dwSum[a, bb]))
    }
}
show(dwSum, "dw")
checkAgreement("dw: our sum vs crossCorrelate(x, dy)", dwSum, crossCorrelate(x, dy))
checkAgreement("dw: our sum vs convBackward", dwSum, asMatrix(grads.dw))
print("03-two-dimensions.md line 141:", outH)
print("03-two-dimensions.md line 141:", outW)
print("03-two-dimensions.md line 145:", HH * WW)
print("03-two-dimensions.md line 146:", outH)
print("03-two-dimensions.md line 146:", outW)

// MARK: block 6, 03-two-dimensions.md line 149
showWindows(x, kernel: HW(height: outH, width: outW), limit: HH * WW, name: "dw",
            "dy = \(fmt(dy)) slid over x: the highlighted block times dy, summed, is dw[a, b]; dw = \(fmt(dwSum))")
print("03-two-dimensions.md line 155:", HH)
print("03-two-dimensions.md line 155:", WW)
print("03-two-dimensions.md line 155:", outH * outW)
print("03-two-dimensions.md line 156:", outH)
print("03-two-dimensions.md line 156:", outW)
print("03-two-dimensions.md line 156:", HH * WW)
print("03-two-dimensions.md line 182:", H)
print("03-two-dimensions.md line 182:", W)
print("03-two-dimensions.md line 183:", HH)
print("03-two-dimensions.md line 183:", WW)

// MARK: block 7, 03-two-dimensions.md line 186
func outputRows(_ u: Int) -> ClosedRange<Int> { max(0, u - HH + 1)...min(u, outH - 1) }
func outputColumns(_ v: Int) -> ClosedRange<Int> { max(0, v - WW + 1)...min(v, outW - 1) }
showTable(["input row u", "first output row", "last output row", "output rows that read it"],
          (0..<H).map { u in [u, outputRows(u).lowerBound, outputRows(u).upperBound, outputRows(u).count] })
var touched = Tensor(zeros: [H, W])
for u in 0..<H {
    for v in 0..<W { touched[u, v] = Double(outputRows(u).count * outputColumns(v).count) }
}
show(touched, "how many outputs read each pixel")

// MARK: block 8, 03-two-dimensions.md line 198
precondition(H == W && HH == WW, "the prose says the example is square")
precondition([touched[0, 0], touched[0, W - 1], touched[H - 1, 0], touched[H - 1, W - 1]] == [1, 1, 1, 1],
             "the prose says each corner pixel is read by a single output")
let readByAll = touched.scalars.filter { $0 == Double(outH * outW) }.count
precondition(touched[1, 1] == Double(outH * outW), "the prose and the figures take pixel (1, 1) as one that every output reads")
print("03-two-dimensions.md line 206:", readByAll)
print("03-two-dimensions.md line 207:", outH * outW)

// MARK: block 9, 03-two-dimensions.md line 211
let ones = convBackward(Tensor(repeating: 1, shape: [1, 1, outH, outW]), asImage(x),
                        Tensor(repeating: 1, shape: [1, 1, HH, WW]))
checkAgreement("region sizes vs convBackward with dy = 1, w = 1", touched, asMatrix(ones.dx))

// MARK: block 10, 03-two-dimensions.md line 228
var dxGather = Tensor(zeros: [H, W])
for u in 0..<H {
    for v in 0..<W {
        var names: [String] = [], values: [String] = []
        for i in outputRows(u) {
            for j in outputColumns(v) {
                dxGather[u, v] += dy[i, j] * w[u - i, v - j]
                names.append("dy[\(i),\(j)]·w[\(u - i),\(v - j)]")
                values.append(term(dy[i, j]) + "·" + term(w[u - i, v - j]))
            }
        }
        if [[0, 0], [0, 2], [1, 1], [3, 2]].contains([u, v]) {
            print("dx[\(u),\(v)] = " + names.joined(separator: " + "))
            print("        = " + values.joined(separator: " + ") + " = " + num(dxGather[u, v]))
        }
    }
}
show(dxGather, "dx")
checkAgreement("dx: our region sum vs convBackward", dxGather, asMatrix(grads.dx))
print("03-two-dimensions.md line 255:", outH * outW)

// MARK: block 11, 03-two-dimensions.md line 257
let tapsOfMiddle = (0..<outH).flatMap { i in (0..<outW).map { j in "(\(1 - i), \(1 - j)) for y[\(i), \(j)]" } }
showWindows(x, kernel: HW(height: HH, width: WW), limit: outH * outW,
            "The window of each output over x: pixel (1, 1) is in all of them, under the taps " + tapsOfMiddle.joined(separator: ", ") + "; the corner pixel (0, 0) is only in the window of y[0, 0]")
print("03-two-dimensions.md line 264:", outH * outW)

// MARK: block 12, 03-two-dimensions.md line 273
explore(asImage(x), asImage(w), b, dy: asImage(dy), label: "two-dimensions")
print("03-two-dimensions.md line 278:", outH * outW)

// MARK: block 13, 03-two-dimensions.md line 298
let dxByConvolution = convolve(dy, w, mode: .full)
checkAgreement("dx: convolve(dy, w, .full) vs convBackward", dxByConvolution, asMatrix(grads.dx))

// MARK: block 14, 03-two-dimensions.md line 329
let rotated = rotate180(w)
let border = HW(height: HH - 1, width: WW - 1)
let dyPadded = pad(dy, border)
showRotation(w, "w and w rotated by 180 degrees: each entry keeps its colour")
show(dyPadded, "dy padded with HH - 1 rows and WW - 1 columns of zeros", padding: border)
print("03-two-dimensions.md line 337:", rotated)
print("03-two-dimensions.md line 339:", H * W)

// MARK: block 15, 03-two-dimensions.md line 342
for (u, v) in [(0, 0), (1, 1)] {
    let under = window(dyPadded, rowStart: u, rows: HH, columnStart: v, columns: WW)
    show(under, "window of dy_pad for dx[\(u), \(v)]")
    show(under * rotated, "times the rotated filter")
    print("dx[\(u), \(v)] = sum of the products =", num((under * rotated).sum()))
}
let dxBySliding = crossCorrelate(dyPadded, rotated)
show(dxBySliding, "dx = pad(dy) ⋆ rotate180(w)")
checkAgreement("dx: crossCorrelate(pad(dy), rotate180(w)) vs convBackward", dxBySliding, asMatrix(grads.dx))
print("03-two-dimensions.md line 355:", outH * outW)
print("03-two-dimensions.md line 356:", outH * outW)

// MARK: block 16, 03-two-dimensions.md line 362
showWindows(dy, kernel: HW(height: HH, width: WW), ConvParameters(padding: border), limit: 1 * W + 1 + 1, name: "dx",
            "The rotated filter over the padded dy: the highlighted cells times rotate180(w) = \(fmt(rotated)), summed, give dx[u, v]; dx = \(fmt(dxBySliding))")

// MARK: block 17, 03-two-dimensions.md line 386
let xr = Tensor.randomNormal(shape: [1, 1, 6, 5], seed: 31)
let wr = Tensor.randomNormal(shape: [1, 1, 3, 2], seed: 32)
let br = Tensor.randomNormal(shape: [1], seed: 33)
let dyr = Tensor.randomNormal(shape: convForward(xr, wr, br).shape, seed: 34)   // (1, 1, H', W')
let loops = convBackward(dyr, xr, wr)
let (xm, wm, dym) = (asMatrix(xr), asMatrix(wr), asMatrix(dyr))
let agreements = [
    checkAgreement("dw: crossCorrelate(x, dy) vs loops", crossCorrelate(xm, dym), asMatrix(loops.dw)),
    checkAgreement("dx: convolve(dy, w, .full) vs loops", convolve(dym, wm, mode: .full), asMatrix(loops.dx)),
    checkAgreement("dx: crossCorrelate(pad(dy), rotate180(w)) vs loops",
                   crossCorrelate(pad(dym, HW(height: wm.shape[0] - 1, width: wm.shape[1] - 1)), rotate180(wm)),
                   asMatrix(loops.dx)),
    checkAgreement("db: sum of dy vs loops", Tensor(vector: [dym.sum()]), loops.db),
    checkAgreement("dx: convBackwardByBlocks vs loops", convBackwardByBlocks(dyr, xr, wr).dx, loops.dx),
    checkAgreement("dw: convBackwardByBlocks vs loops", convBackwardByBlocks(dyr, xr, wr).dw, loops.dw),
]
print("03-two-dimensions.md line 405:", agreements.count)
print("03-two-dimensions.md line 405:", agreements.max()!)

// MARK: block 18, 03-two-dimensions.md line 411
let check = checkGradients(
    ("dx", loops.dx, numericalGradient(of: { convForward($0, wr, br) }, at: xr, upstream: dyr)),
    ("dw", loops.dw, numericalGradient(of: { convForward(xr, $0, br) }, at: wr, upstream: dyr)),
    ("db", loops.db, numericalGradient(of: { convForward(xr, wr, $0) }, at: br, upstream: dyr)))
print("03-two-dimensions.md line 418:", check["dx"])
print("03-two-dimensions.md line 418:", check["dw"])
print("03-two-dimensions.md line 419:", check["db"])

// MARK: block 19, 03-two-dimensions.md line 427
let notRotated = crossCorrelate(dyPadded, w)
let transposedW = Tensor(matrix: (0..<WW).map { col in (0..<HH).map { row in w[row, col] } })
let transposedInstead = crossCorrelate(dyPadded, transposedW)
show(notRotated, "pad(dy) ⋆ w, no rotation (wrong)")
show(transposedInstead, "pad(dy) ⋆ transpose(w) (wrong)")
show(dxBySliding, "pad(dy) ⋆ rotate180(w) (right)")
let offWithoutRotation = notRotated.maxAbsDifference(dxBySliding)
let offWithTranspose = transposedInstead.maxAbsDifference(dxBySliding)

// MARK: block 20, 03-two-dimensions.md line 438
precondition(min(offWithoutRotation, offWithTranspose) > 1e-12,
             "the prose says both slips would fail the checks of the previous section (tolerance 1e-12)")
print("03-two-dimensions.md line 443:", offWithoutRotation)
print("03-two-dimensions.md line 444:", offWithTranspose)

// MARK: block 21, 03-two-dimensions.md line 487
let wHand = Tensor(matrix: [[1, 2], [3, 4]])
let dyHand = Tensor(matrix: [[1, -1], [2, 0]])
let xHand = Tensor.randomNormal(shape: [3, 3], seed: 35), xOther = Tensor.randomNormal(shape: [3, 3], seed: 36)
let dxHand = asMatrix(convBackward(asImage(dyHand), asImage(xHand), asImage(wHand)).dx)
let dxOther = asMatrix(convBackward(asImage(dyHand), asImage(xOther), asImage(wHand)).dx)
print("03-two-dimensions.md line 495:", rotate180(wHand))
print("03-two-dimensions.md line 496:", wHand.shape[0] - 1)
print("03-two-dimensions.md line 499:", dxHand[0, 0])
print("03-two-dimensions.md line 501:", dxHand[1, 1])
print("03-two-dimensions.md line 502:", dxHand[2, 2])
print("03-two-dimensions.md line 505:", zip(dxHand.scalars, dxOther.scalars).filter { $0 != $1 }.count)

// MARK: block 22, 03-two-dimensions.md line 517
let wSmall = window(w, rowStart: 0, rows: 2, columnStart: 0, columns: 2)
let ySmall = convForward(asImage(x), asImage(wSmall), b)
let gradsSmall = convBackward(Tensor.randomNormal(shape: ySmall.shape, seed: 37), asImage(x), asImage(wSmall))
// How many outputs read each pixel: the backward pass with every dy and every tap equal to 1.
let readersSmall = asMatrix(convBackward(Tensor(repeating: 1, shape: ySmall.shape), asImage(x),
                                         Tensor(repeating: 1, shape: [1, 1, 2, 2])).dx)
let mostRead = readersSmall.scalars.filter { $0 == readersSmall.max() }.count
print("03-two-dimensions.md line 528:", "\(Array(ySmall.shape.suffix(2)))")
print("03-two-dimensions.md line 529:", "\(Array(gradsSmall.dw.shape.suffix(2)))")
print("03-two-dimensions.md line 530:", "\(Array(gradsSmall.dx.shape.suffix(2)))")
print("03-two-dimensions.md line 532:", Int(readersSmall.max()))
print("03-two-dimensions.md line 533:", mostRead)
print("03-two-dimensions.md line 535:", ySmall.count)
print("03-two-dimensions.md line 537:", readersSmall.scalars.filter { $0 == Double(ySmall.count) }.count)

// MARK: block 23, 03-two-dimensions.md line 549
let padTooWide = crossCorrelate(pad(dym, HW(wm.shape[0] - 1)), rotate180(wm))
let extraColumns = [0, padTooWide.shape[1] - 1].flatMap { v in (0..<padTooWide.shape[0]).map { padTooWide[$0, v] } }

// MARK: block 24, 03-two-dimensions.md line 554
precondition(window(padTooWide, rowStart: 0, rows: xm.shape[0], columnStart: 1, columns: xm.shape[1])
                 .maxAbsDifference(asMatrix(loops.dx)) < 1e-12,
             "the answer says the middle columns are the right dx")
print("03-two-dimensions.md line 560:", wm.shape[0] - 1)
print("03-two-dimensions.md line 561:", wm.shape[1] - 1)
print("03-two-dimensions.md line 563:", "\(padTooWide.shape)")
print("03-two-dimensions.md line 564:", "\(xm.shape)")
print("03-two-dimensions.md line 566:", extraColumns.filter { $0 != 0 }.count)

// MARK: block 25, 03-two-dimensions.md line 570 (traps: kept as a comment)
// _ = xm - 0.1 * padTooWide
// 
