// Pooling layers, backward
// The code of pooling-backward.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release pooling-backward.swift -o pooling-backward
//   ./pooling-backward
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify pooling-backward

import ConvEngine
import ConvbookRuntime

// MARK: block 1, pooling-backward.md line 23
/// x shown as one plane, for a single-image, single-channel batch.
func plane(_ t: Tensor) -> Tensor { t.slice(0).slice(0) }
/// `listed([1, 2, 3])` reads "1, 2 and 3".
func listed(_ items: [Int], _ last: String = "and") -> String {
    let words = items.map(String.init)
    return words.count < 2 ? words.joined() : words.dropLast().joined(separator: ", ") + " \(last) " + words.last!
}
/// By how much each window's maximum leads the window's next largest element
/// (taps in the padding left out), at the least over all windows of all planes:
/// a gradient check with step h is safe when this is well above 2h.
func winningMargin(_ x: Tensor, _ p: PoolParameters) -> Double {
    let g = try! PoolGeometry(input: x.shape, parameters: p)
    var margin = Double.infinity
    for n in 0..<g.N { for c in 0..<g.C { for i in 0..<g.outHeight { for j in 0..<g.outWidth {
        var values = [Double]()
        for a in 0..<p.window.height { for b in 0..<p.window.width {
            let (r, q) = (p.stride.height * i + a - p.padding.height, p.stride.width * j + b - p.padding.width)
            if (0..<g.H).contains(r) && (0..<g.W).contains(q) { values.append(x[n, c, r, q]) }
        } }
        values.sort(by: >)
        if values.count > 1 { margin = min(margin, values[0] - values[1]) }
    } } } }
    return margin
}

// MARK: block 2, pooling-backward.md line 54
let x = Tensor(batch: [[[[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 1, 1], [6, 1, 3, 7]]]])
let tiles = PoolParameters(window: 2)          // the stride defaults to the window
let y = maxPoolForward(x, tiles)
show(plane(x), "x")
show(plane(y), "y = max pooling of x")
checkAgreement("y: im2col vs loops", maxPoolForwardIm2col(x, tiles), y)

// MARK: block 3, pooling-backward.md line 78
let winners = maxPoolIndices(x, tiles)
let dyTiles = Tensor(batch: [[[[10, 20], [30, 40]]]])
let dx = maxPoolBackward(dyTiles, x, tiles)
show(plane(winners), "where each maximum is, r·W + q")
show(plane(dyTiles), "dy")
show(plane(dx), "dx")
checkAgreement("dx: im2col vs loops", maxPoolBackwardIm2col(dyTiles, x, tiles), dx)
let dxNonzero = dx.scalars.filter { $0 != 0 }.count
print("pooling-backward.md line 89:", dxNonzero)
print("pooling-backward.md line 90:", dx.count - dxNonzero)
print("pooling-backward.md line 92:", winningMargin(x, tiles))

// MARK: block 4, pooling-backward.md line 96
precondition(winningMargin(x, tiles) > 1e-3, "a window's maximum is within 1e-3 of another element: the check would meet a kink")
let tilesCheck = checkGradients(("dx", dx, numericalGradient(of: { maxPoolForward($0, tiles) }, at: x, upstream: dyTiles)))
print("pooling-backward.md line 101:", tilesCheck["dx"])

// MARK: block 5, pooling-backward.md line 108
/// A random plane of small integers: windows often hold equal maxima.
func smallIntegers(_ shape: [Int], seed: UInt64) -> Tensor {
    Tensor.randomNormal(shape: shape, seed: seed).map { Double(Int(abs($0) * 1.5) % 3) }
}
func setting(_ c: Sweep.Setting) -> (x: Tensor, dy: Tensor, p: PoolParameters) {
    let p = PoolParameters(window: HW(c.k), stride: HW(c.s), padding: HW(c.p))
    let g = try! PoolGeometry(input: [1, 1, c.H, c.H], parameters: p)
    return (smallIntegers([1, 1, c.H, c.H], seed: UInt64(c.H * 100 + c.k * 10 + c.s)),
            Tensor.ramp(shape: g.outputShape, start: 1), p)
}
let poolSweep = Sweep(["H": 2...7, "k": 1...4, "s": 1...4, "p": 0...2])
let validPooling = { (c: Sweep.Setting) in 2 * c.p <= c.k && c.H + 2 * c.p >= c.k }
let winnerRule = checkRule("dx[r, q] = Σ dy over the windows whose first maximum is (r, q)",
                           over: poolSweep, where: validPooling,
                           stated: { c -> [Double] in
                               let (x, dy, _) = setting(c)
                               var total = [Double](repeating: 0, count: c.H * c.H)
                               for i in 0..<dy.shape[2] { for j in 0..<dy.shape[3] {
                                   var best: (value: Double, index: Int)?
                                   for a in 0..<c.k { for b in 0..<c.k {
                                       let (r, q) = (c.s * i + a - c.p, c.s * j + b - c.p)
                                       guard (0..<c.H).contains(r), (0..<c.H).contains(q) else { continue }
                                       if best == nil || x[0, 0, r, q] > best!.value { best = (x[0, 0, r, q], r * c.H + q) }
                                   } }
                                   total[best!.index] += dy[0, 0, i, j]
                               } }
                               return total
                           },
                           measured: { c in let (x, dy, p) = setting(c); return maxPoolBackward(dy, x, p).scalars })
let tiedSettings = poolSweep.filter(validPooling).filter { c in let (x, _, p) = setting(c); return winningMargin(x, p) == 0 }.count
print("pooling-backward.md line 141:", winnerRule.checked)
print("pooling-backward.md line 142:", tiedSettings)
print("pooling-backward.md line 143:", winnerRule.excluded)

// MARK: block 6, pooling-backward.md line 158
let xo = Tensor(batch: [[[[0.3, 1.2, 0.1, 0.9, 0.2], [1.1, 0.5, 1.4, 0.6, 0.8], [0.7, 1.3, 1.45, 1.9, 0.4],
                          [1.0, 1.6, 1.8, 1.5, 0.25], [2.1, 0.0, 1.7, 0.95, 1.25]]]])
let overlapping = PoolParameters(window: 3, stride: 2)
let dyo = Tensor(batch: [[[[1, 2], [3, 4]]]])
let dxo = maxPoolBackward(dyo, xo, overlapping)
show(plane(xo), "x")
show(plane(maxPoolForward(xo, overlapping)), "y, windows 3 × 3 with stride 2")
show(plane(dxo), "dx for dy = [[1, 2], [3, 4]]")
checkAgreement("dx: im2col vs loops", maxPoolBackwardIm2col(dyo, xo, overlapping), dxo)
precondition(winningMargin(xo, overlapping) > 1e-3, "a window's maximum is within 1e-3 of another element: the check would meet a kink")
let overlapCheck = checkGradients(("dx", dxo, numericalGradient(of: { maxPoolForward($0, overlapping) }, at: xo, upstream: dyo)))
let sharedWins = maxPoolIndices(xo, overlapping).scalars.filter { $0 == 2 * 5 + 3 }.count
let centreWins = maxPoolIndices(xo, overlapping).scalars.filter { $0 == 2 * 5 + 2 }.count
print("pooling-backward.md line 174:", xo[0, 0, 2, 3])
print("pooling-backward.md line 176:", sharedWins)
print("pooling-backward.md line 176:", dxo[0, 0, 2, 3])
print("pooling-backward.md line 177:", xo[0, 0, 2, 2])
print("pooling-backward.md line 178:", centreWins)
print("pooling-backward.md line 179:", winningMargin(xo, overlapping))
print("pooling-backward.md line 181:", overlapCheck["dx"])

// MARK: block 7, pooling-backward.md line 190
let tie = Tensor(batch: [[[[1, 3], [3, 0]]]])
let one = Tensor(batch: [[[[1]]]])
let dxTie = maxPoolBackward(one, tie, tiles)
show(plane(tie), "x: the 3 at (0, 1) and the 3 at (1, 0) tie")
show(plane(dxTie), "dx for dy = 1: all of it to (0, 1)")
checkAgreement("dx at a tie: im2col vs loops", maxPoolBackwardIm2col(one, tie, tiles), dxTie)

// MARK: block 8, pooling-backward.md line 229
let h = 1e-5
let lossAt = { (t: Tensor) in maxPoolForward(t, tiles).dot(one) }
var fromAbove = Tensor(zeros: tie.shape), fromBelow = Tensor(zeros: tie.shape)
for k in tie.scalars.indices {
    var up = tie, down = tie
    up.scalars[k] += h
    down.scalars[k] -= h
    fromAbove.scalars[k] = (lossAt(up) - lossAt(tie)) / h
    fromBelow.scalars[k] = (lossAt(tie) - lossAt(down)) / h
}
let centred = numericalGradient(of: { maxPoolForward($0, tiles) }, at: tie, upstream: one)
show(plane(fromAbove), "slope from above, (L(x + h) − L(x)) / h")
show(plane(fromBelow), "slope from below, (L(x) − L(x − h)) / h")
show(plane(centred), "centred difference, (L(x + h) − L(x − h)) / 2h")
checkAgreement("centred difference vs the mean of the one-sided slopes", centred, (fromAbove + fromBelow) / 2,
               tolerance: 1e-9)
let tieError = relError(dxTie, centred)
print("pooling-backward.md line 249:", fromAbove[0, 0, 0, 1])
print("pooling-backward.md line 250:", fromBelow[0, 0, 0, 1])
print("pooling-backward.md line 251:", centred[0, 0, 0, 1])
print("pooling-backward.md line 255:", tieError)

// MARK: block 9, pooling-backward.md line 281
let xa = Tensor.ramp(shape: [1, 1, 4, 4], start: 1)
let padded = PoolParameters(window: 3, stride: 2, padding: 1)
let yIncluded = avgPoolForward(xa, padded, countIncludePad: true)
let yExcluded = avgPoolForward(xa, padded, countIncludePad: false)
show(plane(pad(xa, padded.padding)), "x with its padding", padding: padded.padding)
show(plane(yIncluded), "y, padding counted (D = HH·WW)")
show(plane(yExcluded), "y, padding not counted")
checkAgreement("y, padding counted: im2col vs loops", avgPoolForwardIm2col(xa, padded, countIncludePad: true), yIncluded)
checkAgreement("y, padding not counted: im2col vs loops", avgPoolForwardIm2col(xa, padded, countIncludePad: false), yExcluded)
// The elements of x under the top-left window: where a dy of 1 on that window alone lands.
let cornerReach = avgPoolBackward(Tensor(batch: [[[[1, 0], [0, 0]]]]), xa, padded)
let cornerValues = xa.scalars.indices.filter { cornerReach.scalars[$0] != 0 }.map { Int(xa.scalars[$0]) }
print("pooling-backward.md line 296:", cornerValues.count)
print("pooling-backward.md line 297:", listed(cornerValues))
print("pooling-backward.md line 297:", 9 - cornerValues.count)
print("pooling-backward.md line 299:", yIncluded[0, 0, 0, 0])
print("pooling-backward.md line 300:", yExcluded[0, 0, 0, 0])
print("pooling-backward.md line 301:", yIncluded[0, 0, 1, 1])

// MARK: block 10, pooling-backward.md line 312
let dya = Tensor(batch: [[[[1, -2], [3, 4]]]])
let dxIncluded = avgPoolBackward(dya, xa, padded, countIncludePad: true)
let dxExcluded = avgPoolBackward(dya, xa, padded, countIncludePad: false)
show(plane(dxIncluded), "dx, padding counted", heatmap: true)
show(plane(dxExcluded), "dx, padding not counted", heatmap: true)
checkAgreement("dx, padding counted: im2col vs loops", avgPoolBackwardIm2col(dya, xa, padded, countIncludePad: true), dxIncluded)
checkAgreement("dx, padding not counted: im2col vs loops", avgPoolBackwardIm2col(dya, xa, padded, countIncludePad: false), dxExcluded)
let avgCheck = checkGradients(
    ("dx, padding counted", dxIncluded, numericalGradient(of: { avgPoolForward($0, padded, countIncludePad: true) }, at: xa, upstream: dya)),
    ("dx, padding not counted", dxExcluded, numericalGradient(of: { avgPoolForward($0, padded, countIncludePad: false) }, at: xa, upstream: dya)))
print("pooling-backward.md line 326:", avgCheck.worst)
print("pooling-backward.md line 328:", dxExcluded.sum())
print("pooling-backward.md line 329:", dya.sum())
print("pooling-backward.md line 330:", dxIncluded.sum())

// MARK: block 11, pooling-backward.md line 334
let avgSum = checkRule("padding not counted: Σ dx = Σ dy",
                       over: poolSweep, where: validPooling,
                       stated: { c -> Int in Int(setting(c).dy.sum()) },
                       measured: { c -> Int in
                           let (x, dy, p) = setting(c)
                           return Int(avgPoolBackward(dy, x, p, countIncludePad: false).sum().rounded())
                       })
print("pooling-backward.md line 344:", avgSum.checked)

// MARK: block 12, pooling-backward.md line 354
let side = 11
let xc = Tensor(zeros: [1, 1, side, side])
let k3s2 = PoolParameters(window: 3, stride: 2, padding: 1)
let outSide = try! PoolGeometry(input: xc.shape, parameters: k3s2).outHeight
let allOnes = Tensor(repeating: 1, shape: [1, 1, outSide, outSide])
let sameWindows = ConvParameters(stride: 2, padding: 1)
let covers3 = col2im(Tensor(repeating: 1, shape: im2col(xc, kernelHeight: 3, kernelWidth: 3, sameWindows).shape),
                     inputShape: xc.shape, kernelHeight: 3, kernelWidth: 3, sameWindows)
checkAgreement("9 · dx of average pooling with dy = 1 vs col2im's cover counts", 9 * avgPoolBackward(allOnes, xc, k3s2), covers3)
let coverValues = Array(Set(covers3.scalars.map { Int($0) })).sorted()

// MARK: block 13, pooling-backward.md line 367
show(plane(covers3), "windows covering each element, 3 × 3 window, stride 2", heatmap: true)
print("pooling-backward.md line 371:", listed(coverValues))

// MARK: block 14, pooling-backward.md line 390
let k4s2 = PoolParameters(window: 4, stride: 2, padding: 1)
let out4 = try! PoolGeometry(input: xc.shape, parameters: k4s2).outHeight
let covers4 = 16 * avgPoolBackward(Tensor(repeating: 1, shape: [1, 1, out4, out4]), xc, k4s2)
show(plane(covers4), "windows covering each element, 4 × 4 window, stride 2", heatmap: true)

// MARK: block 15, pooling-backward.md line 403
let evenRule = checkRule("the interior is covered evenly ⇔ s divides the window",
                         over: Sweep(["k": 1...6, "s": 1...4]),
                         stated: { c -> Bool in c.k % c.s == 0 },
                         measured: { c -> Bool in
                             let strip = Tensor(zeros: [1, 1, 1, 24])
                             let p = PoolParameters(window: HW(height: 1, width: c.k), stride: HW(height: 1, width: c.s))
                             let outs = try! PoolGeometry(input: strip.shape, parameters: p).outWidth
                             let counts = avgPoolBackward(Tensor(repeating: 1, shape: [1, 1, 1, outs]), strip, p)
                                 .scalars.map { Int(($0 * Double(c.k)).rounded()) }
                             let interior = counts[8..<16]
                             return Set(interior).count == 1
                         })
print("pooling-backward.md line 418:", evenRule.checked)
print("pooling-backward.md line 447:", plane(avgPoolBackward(Tensor(batch: [[[[4, 8], [-4, 0]]]]), x, tiles)))

// MARK: block 16, pooling-backward.md line 458
let strideOne = PoolParameters(window: 3, stride: 1)
let dxStrideOne = maxPoolBackward(Tensor(repeating: 1, shape: maxPoolForward(xo, strideOne).shape), xo, strideOne)
print("pooling-backward.md line 463:", xo[0, 0, 2, 3])
print("pooling-backward.md line 464:", maxPoolIndices(xo, strideOne).scalars.filter { $0 == 2 * 5 + 3 }.count)
print("pooling-backward.md line 466:", dxStrideOne[0, 0, 2, 3])

// MARK: block 17, pooling-backward.md line 475
let allTied = Tensor(batch: [[[[2, 2], [2, 2]]]])
let tiedCentred = numericalGradient(of: { maxPoolForward($0, tiles) }, at: allTied, upstream: one)
print("pooling-backward.md line 482:", plane(tiedCentred))
print("pooling-backward.md line 483:", plane(maxPoolBackward(one, allTied, tiles)))
print("pooling-backward.md line 485:", relError(maxPoolBackward(one, allTied, tiles), tiedCentred))

// MARK: block 18, pooling-backward.md line 497 (traps: kept as a comment)
// _ = maxPoolForward(xo, PoolParameters(window: 3, stride: 2, padding: 2))
// 
