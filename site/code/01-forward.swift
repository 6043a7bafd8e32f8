// The forward pass
// The code of 01-forward.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release 01-forward.swift -o 01-forward
//   ./01-forward
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify 01-forward

import ConvEngine
import ConvbookRuntime

// MARK: block 1, 01-forward.md line 126
let x = Tensor(matrix: [[2, 0, 1],
                        [1, 3, 2],
                        [0, 1, 4]])
let w = Tensor(matrix: [[1, -1],
                        [2,  0]])
print("01-forward.md line 134:", x)
print("01-forward.md line 134:", w)
print("01-forward.md line 135:", x.shape[0] - w.shape[0] + 1)
print("01-forward.md line 136:", x.shape[0] - w.shape[0] + 1)
print("01-forward.md line 136:", x.shape[1] - w.shape[1] + 1)

// MARK: block 2, 01-forward.md line 141
func num(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
}
func term(_ v: Double) -> String { v < 0 ? "(" + num(v) + ")" : num(v) }

// MARK: block 3, 01-forward.md line 148
var y = Tensor(zeros: [2, 2])
for i in 0..<2 {
    for j in 0..<2 {
        var products: [String] = []
        for a in 0..<2 {
            for bb in 0..<2 {
                y[i, j] += x[i + a, j + bb] * w[a, bb]
                products.append(term(x[i + a, j + bb]) + "·" + term(w[a, bb]))
            }
        }
        print("y[\(i), \(j)] = " + products.joined(separator: " + ") + " = " + num(y[i, j]))
    }
}
show(y, "y")
print("01-forward.md line 166:", w[0, 0])
print("01-forward.md line 166:", x[0, 0])

// MARK: block 4, 01-forward.md line 174
showWindows(x, kernel: HW(2), limit: y.count,
            "The 2 × 2 filter w = \(fmt(w)) over x at its \(y.count) stops; the highlighted cells, multiplied by w entry by entry and added, give y[0, 0] = \(fmt(y[0, 0])), y[0, 1] = \(fmt(y[0, 1])), y[1, 0] = \(fmt(y[1, 0])) and y[1, 1] = \(fmt(y[1, 1]))")

// MARK: block 5, 01-forward.md line 179
// The windows over x[1, 1], by brute force: output (i, j) reads x[i + a, j + b].
var windowsOverMiddle: [(a: Int, b: Int)] = []
for i in 0..<y.shape[0] {
    for j in 0..<y.shape[1] {
        for a in 0..<w.shape[0] {
            for bb in 0..<w.shape[1] where i + a == 1 && j + bb == 1 { windowsOverMiddle.append((a, bb)) }
        }
    }
}
precondition(windowsOverMiddle.count == y.count && Set(windowsOverMiddle.map { 10 * $0.a + $0.b }).count == y.count,
             "x[1, 1] lies under every window, under a different tap each time")
print("01-forward.md line 193:", x[1, 1])
print("01-forward.md line 194:", windowsOverMiddle.count)
print("01-forward.md line 195:", windowsOverMiddle.map { "(\($0.a), \($0.b))" }.joined(separator: ", "))

// MARK: block 6, 01-forward.md line 203
checkAgreement("our loop vs crossCorrelate", y, crossCorrelate(x, w))
let yLayer = convForward(x.reshaped([1, 1, 3, 3]), w.reshaped([1, 1, 2, 2]))
checkAgreement("our loop vs convForward", y, yLayer.reshaped([2, 2]))
print("01-forward.md line 210:", y + Tensor(repeating: 1, shape: [2, 2]))

// MARK: block 7, 01-forward.md line 216
explore(x.reshaped([1, 1, 3, 3]), w.reshaped([1, 1, 2, 2]), label: "first-example")

// MARK: block 8, 01-forward.md line 254
let rotated = rotate180(w)
showRotation(w, "w turned by 180 degrees: each entry keeps its colour, so you can follow it to its new place")
show(crossCorrelate(x, w), "cross-correlation x ⋆ w (what layers compute)")
show(convolve(x, w), "convolution x * w (flipped filter)")
print("01-forward.md line 261:", rotated)

// MARK: block 9, 01-forward.md line 264
checkAgreement("convolve(x, w) vs crossCorrelate(x, rotate180(w))",
               convolve(x, w), crossCorrelate(x, rotate180(w)))

// MARK: block 10, 01-forward.md line 275
// scipy.signal.convolve2d's default, mode='full': every placement that overlaps x at all.
let fullSize = (x.shape[0] + w.shape[0] - 1, x.shape[1] + w.shape[1] - 1)
precondition(convolve(x, w, mode: .full).shape == [fullSize.0, fullSize.1], "the full convolution's size")
// The textbook form Σ x[u − a, v − b] w[a, b], by loops, at (i + HH − 1, j + WW − 1) is convolve's (i, j).
let (hh, ww) = (w.shape[0], w.shape[1])
let valid = convolve(x, w)
for i in 0..<valid.shape[0] {
    for j in 0..<valid.shape[1] {
        var textbook = 0.0
        for a in 0..<hh { for b in 0..<ww { textbook += x[i + hh - 1 - a, j + ww - 1 - b] * w[a, b] } }
        precondition(textbook == valid[i, j], "the textbook form, shifted by HH − 1 and WW − 1, is not convolve's entry")
    }
}
// "For a symmetric filter both operations agree": a filter equal to its own 180° turn, over a sweep.
func symmetricFilterAgrees(_ c: Sweep.Setting) -> Bool {
    let image = Tensor.randomNormal(shape: [c.H, c.H + 1], seed: 41)
    let half = Tensor.randomNormal(shape: [c.HH, c.WW], seed: 42)
    let symmetric = half + rotate180(half)
    return convolve(image, symmetric) == crossCorrelate(image, symmetric)
}
let symmetricRule = checkRule("a filter equal to its 180° turn: convolution = cross-correlation",
                              over: Sweep(["H": 3...6, "HH": 1...3, "WW": 1...3]),
                              stated: { (_: Sweep.Setting) -> Bool in true }, measured: symmetricFilterAgrees)
print("01-forward.md line 306:", convolve(x, w)[0, 0])
print("01-forward.md line 307:", crossCorrelate(x, w)[0, 0])
print("01-forward.md line 311:", fullSize.0)
print("01-forward.md line 311:", fullSize.1)
print("01-forward.md line 312:", y.shape[0])
print("01-forward.md line 312:", y.shape[1])
print("01-forward.md line 314:", symmetricRule.checked)

// MARK: block 11, 01-forward.md line 324
extension Tensor {
    subscript(image n: Int, channel c: Int) -> Tensor { slice(n).slice(c) }
}

// MARK: block 12, 01-forward.md line 330
let x2 = Tensor(batch: [[[[1, 0, 2],
                          [3, 1, 0],
                          [0, 2, 1]],
                         [[2, 1, 0],
                          [0, 1, 3],
                          [1, 0, 1]]]])
let w2 = Tensor(batch: [[[[1, -1],
                          [0,  2]],
                         [[0,  1],
                          [1,  0]]]])
let b2 = Tensor(vector: [1])
precondition(x2.shape == [1, 2, 3, 3] && w2.shape[0] == 1 && b2[0] == 1, "one image, two channels, one filter, bias 1")
let channel0 = crossCorrelate(x2[image: 0, channel: 0], w2[image: 0, channel: 0])
let channel1 = crossCorrelate(x2[image: 0, channel: 1], w2[image: 0, channel: 1])
show(channel0, "channel 0 slice of x ⋆ channel 0 slice of w")
show(channel1, "channel 1 slice of x ⋆ channel 1 slice of w")
let y2 = convForward(x2, w2, b2)
show(y2, "y = convForward(x, w, b)")
checkAgreement("sum over channels + bias vs convForward",
               channel0 + channel1 + Tensor(repeating: b2[0], shape: [2, 2]), y2[image: 0, channel: 0])
print("01-forward.md line 355:", channel0[0, 0])
print("01-forward.md line 355:", channel1[0, 0])
print("01-forward.md line 356:", b2[0])
print("01-forward.md line 356:", y2[0, 0, 0, 0])

// MARK: block 13, 01-forward.md line 364
func forwardLoop(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ params: ConvParameters) -> Tensor {
    let (N, C, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (F, HH, WW) = (w.shape[0], w.shape[2], w.shape[3])
    let (s, p, d) = (params.stride, params.padding, params.dilation)
    let outH = 1 + (H + 2 * p.height - d.height * (HH - 1) - 1) / s.height
    let outW = 1 + (W + 2 * p.width - d.width * (WW - 1) - 1) / s.width
    let xPad = pad(x, p)
    var y = Tensor(zeros: [N, F, outH, outW])
    for n in 0..<N {
        for f in 0..<F {
            for i in 0..<outH {
                for j in 0..<outW {
                    var total = b[f]
                    for c in 0..<C {
                        for a in 0..<HH {
                            for bb in 0..<WW {
                                total += xPad[n, c, s.height * i + d.height * a, s.width * j + d.width * bb]
                                    * w[f, c, a, bb]
                            }
                        }
                    }
                    y[n, f, i, j] = total
                }
            }
        }
    }
    return y
}

// MARK: block 14, 01-forward.md line 400
let x3 = Tensor.randomNormal(shape: [2, 3, 5, 5], seed: 11)
let w3 = Tensor.randomNormal(shape: [4, 3, 3, 3], seed: 12)
let b3 = Tensor.randomNormal(shape: [4], seed: 13)
let params = ConvParameters(stride: 2, padding: 1)
let y3 = convForward(x3, w3, b3, params)
print("y has shape", y3.shape)
let loopDifference = checkAgreement("our loop vs convForward", forwardLoop(x3, w3, b3, params), y3)
checkAgreement("convForwardByBlocks vs convForward", convForwardByBlocks(x3, w3, b3, params), y3)
precondition(loopDifference.value == 0, "the prose says the loop and the engine agree bit for bit")
let dilated = ConvParameters(stride: 1, padding: 2, dilation: 2)
checkAgreement("our loop vs convForward, dilation 2",
               forwardLoop(x3, w3, b3, dilated), convForward(x3, w3, b3, dilated))
print("01-forward.md line 415:", x3.shape[0])
print("01-forward.md line 415:", x3.shape[1])
print("01-forward.md line 416:", x3.shape[2])
print("01-forward.md line 416:", x3.shape[3])
print("01-forward.md line 417:", w3.shape[0])
print("01-forward.md line 417:", w3.shape[2])
print("01-forward.md line 417:", w3.shape[3])
print("01-forward.md line 418:", y3.shape)
print("01-forward.md line 418:", y3.shape[0])
print("01-forward.md line 419:", y3.shape[1])
print("01-forward.md line 419:", y3.shape[2])
print("01-forward.md line 419:", y3.shape[3])
print("01-forward.md line 420:", loopDifference)

// MARK: block 15, 01-forward.md line 459
let layers: [(H: Int, HH: Int, s: Int, p: Int, d: Int)] = [
    (5, 3, 1, 0, 1), (5, 3, 1, 1, 1), (7, 3, 2, 1, 1), (6, 3, 2, 0, 1),
    (7, 3, 1, 0, 2), (9, 3, 2, 2, 2), (32, 5, 1, 2, 1), (224, 7, 2, 3, 1),
]
/// The windows that fit, counted by walking them: window i stands at row s·i as long as its last tap,
/// s·i + d·(HH − 1), is still a row of x_pad (below H + 2p).
func windowsCounted(H: Int, HH: Int, s: Int, p: Int, d: Int) -> Int {
    var count = 0
    while s * count + d * (HH - 1) < H + 2 * p { count += 1 }
    return count
}
/// The rows of x_pad that some tap reads, by the same walk; tap a of window i reads row s·i + d·a.
func rowsRead(H: Int, HH: Int, s: Int, p: Int, d: Int) -> Set<Int> {
    var read = Set<Int>()
    var start = 0
    while start + d * (HH - 1) < H + 2 * p {
        for a in 0..<HH { read.insert(start + d * a) }
        start += s
    }
    return read
}
/// The rows of x whose gradient is exactly zero: the engine's backward pass on a layer one column
/// wide, with random x, w and dy.
func zeroGradientRows(H: Int, HH: Int, s: Int, p: Int, d: Int) -> [Int] {
    let params = ConvParameters(stride: HW(height: s, width: 1), padding: HW(height: p, width: 0),
                                dilation: HW(height: d, width: 1))
    let x = Tensor.randomNormal(shape: [1, 1, H, 1], seed: 1)
    let w = Tensor.randomNormal(shape: [1, 1, HH, 1], seed: 2)
    let outH: Int = convForward(x, w, nil, params).shape[2]
    let dy = Tensor.randomNormal(shape: [1, 1, outH, 1], seed: 3)
    let dx: Tensor = convBackward(dy, x, w, params).dx
    return (0..<H).filter { dx[0, 0, $0, 0] == 0 }
}
var rows: [[Any]] = []
var unreadPadRows: [[Int]] = []
var zeroRows: [[Int]] = []
for l in layers {
    let formula = outputLength(input: l.H, kernel: l.HH, stride: l.s, padding: l.p, dilation: l.d)!
    let counted = windowsCounted(H: l.H, HH: l.HH, s: l.s, p: l.p, d: l.d)
    let read = rowsRead(H: l.H, HH: l.HH, s: l.s, p: l.p, d: l.d)
    unreadPadRows.append((0..<(l.H + 2 * l.p)).filter { !read.contains($0) })
    zeroRows.append(zeroGradientRows(H: l.H, HH: l.HH, s: l.s, p: l.p, d: l.d))
    rows.append([l.H, l.HH, l.s, l.p, l.d, formula, counted, l.H + 2 * l.p - 1 - read.max()!,
                 unreadPadRows.last!.count, zeroRows.last!.count])
}
showTable(["H", "HH", "s", "p", "d", "H′ (formula)", "H′ (windows counted)", "r: rows below the last window (counted)",
           "rows of x_pad no tap reads", "rows of x with dx = 0"], rows)

// MARK: block 16, 01-forward.md line 514
let sizeSweep = Sweep(["H": 1...12, "HH": 1...5, "s": 1...4, "p": 0...3, "d": 1...3])
func filterFits(_ c: Sweep.Setting) -> Bool { c.H + 2 * c.p >= c.d * (c.HH - 1) + 1 }
func outputRowsByFormula(_ c: Sweep.Setting) -> Int { 1 + (c.H + 2 * c.p - c.d * (c.HH - 1) - 1) / c.s }
func outputRowsCounted(_ c: Sweep.Setting) -> Int { windowsCounted(H: c.H, HH: c.HH, s: c.s, p: c.p, d: c.d) }
func remainderByFormula(_ c: Sweep.Setting) -> Int { (c.H + 2 * c.p - c.d * (c.HH - 1) - 1) % c.s }
func rowsBelowLastTap(_ c: Sweep.Setting) -> Int {
    c.H + 2 * c.p - 1 - rowsRead(H: c.H, HH: c.HH, s: c.s, p: c.p, d: c.d).max()!
}
func rowsOfXNoTapReads(_ c: Sweep.Setting) -> [Int] {
    let read = rowsRead(H: c.H, HH: c.HH, s: c.s, p: c.p, d: c.d)
    return (0..<c.H).filter { !read.contains($0 + c.p) }
}
func rowsOfXWithZeroGradient(_ c: Sweep.Setting) -> [Int] { zeroGradientRows(H: c.H, HH: c.HH, s: c.s, p: c.p, d: c.d) }
let sizeRule = checkRule("H′ = 1 + ⌊(H + 2p − d(HH − 1) − 1)/s⌋ (windows counted by walking)", over: sizeSweep,
                         where: filterFits, stated: outputRowsByFormula, measured: outputRowsCounted)
let remainderRule = checkRule("rows of x_pad below the last window = (H + 2p − d(HH − 1) − 1) mod s", over: sizeSweep,
                              where: filterFits, stated: remainderByFormula, measured: rowsBelowLastTap)
let zeroRule = checkRule("the rows of x with dx exactly 0 are the rows no tap reads", over: sizeSweep,
                         where: filterFits, stated: rowsOfXNoTapReads, measured: rowsOfXWithZeroGradient)
let rBelowOnly = sizeSweep.filter(filterFits).filter { (c: Sweep.Setting) -> Bool in
    rowsOfXNoTapReads(c).count != max(0, remainderByFormula(c) - c.p)
}.count
// "Same" padding: an odd filter of HH taps with p = (HH − 1)/2 and stride 1 keeps the size, for every H.
func sameOutputRows(_ c: Sweep.Setting) -> Int { windowsCounted(H: c.H, HH: 2 * c.p + 1, s: 1, p: c.p, d: 1) }
let sameRule = checkRule("HH odd, p = (HH − 1)/2, s = 1: H′ = H (windows counted)", over: Sweep(["H": 1...12, "p": 0...3]),
                         stated: { (c: Sweep.Setting) -> Int in c.H }, measured: sameOutputRows)
print("01-forward.md line 543:", sizeRule.checked)
print("01-forward.md line 544:", sizeSweep)
print("01-forward.md line 544:", sizeRule.excluded)
print("01-forward.md line 548:", rBelowOnly)

// MARK: block 17, 01-forward.md line 552
let same = layers[1], dilatedRow = layers[5], odd1 = layers[3], resNet = layers[7]
precondition(rows.allSatisfy { ($0[5] as! Int) == ($0[6] as! Int) }, "the formula and the windows counted agree in the table")
precondition(rows[1][5] as! Int == same.H && same.s == 1 && same.p == (same.HH - 1) / 2, "the second row is 'same' padding")
let dilatedSpan = dilatedRow.d * (dilatedRow.HH - 1) + 1
let dilatedZero = zeroRows[5]
precondition(unreadPadRows[5].allSatisfy { $0 % 2 == 1 } && rows[5][7] as! Int == 0 && !dilatedZero.isEmpty,
             "the dilated row: r = 0, yet the odd rows of x_pad are never read")
let oddRows = layers.indices.filter { rows[$0][7] as! Int > 0 }
precondition(oddRows == [3, 7], "the fourth and the last rows are the odd ones")
let ordinals = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"]
precondition(ordinals.count == layers.count, "one ordinal per row")
print("01-forward.md line 567:", same.HH)
print("01-forward.md line 567:", same.HH)
print("01-forward.md line 567:", same.p)
print("01-forward.md line 570:", sameRule.checked)
print("01-forward.md line 571:", dilatedRow.HH)
print("01-forward.md line 571:", dilatedRow.d)
print("01-forward.md line 572:", dilatedSpan)
print("01-forward.md line 573:", dilatedRow.s)
print("01-forward.md line 574:", unreadPadRows[5].count)
print("01-forward.md line 574:", dilatedRow.H + 2 * dilatedRow.p)
print("01-forward.md line 576:", dilatedZero.map(String.init).joined(separator: ", "))
print("01-forward.md line 578:", resNet.H)
print("01-forward.md line 578:", resNet.H)
print("01-forward.md line 579:", resNet.HH)
print("01-forward.md line 579:", resNet.HH)
print("01-forward.md line 579:", resNet.s)
print("01-forward.md line 580:", resNet.p)
print("01-forward.md line 580:", rows[7][5])
print("01-forward.md line 580:", rows[7][5])
print("01-forward.md line 585:", oddRows.count == 2 ? "Two" : String(oddRows.count))
print("01-forward.md line 587:", ordinals[oddRows[0]])
print("01-forward.md line 587:", odd1.H)
print("01-forward.md line 588:", odd1.HH)
print("01-forward.md line 588:", odd1.s)
print("01-forward.md line 589:", odd1.H)
print("01-forward.md line 589:", odd1.HH)
print("01-forward.md line 589:", odd1.s)
print("01-forward.md line 589:", Double(odd1.H - odd1.HH) / Double(odd1.s))
print("01-forward.md line 591:", resNet.H)
print("01-forward.md line 591:", 2 * resNet.p)
print("01-forward.md line 591:", resNet.HH)
print("01-forward.md line 591:", resNet.s)
print("01-forward.md line 591:", Double(resNet.H + 2 * resNet.p - resNet.HH) / Double(resNet.s))
print("01-forward.md line 606:", ordinals[2])
print("01-forward.md line 606:", layers[2].H)
print("01-forward.md line 607:", layers[2].HH)
print("01-forward.md line 607:", layers[2].HH)
print("01-forward.md line 608:", layers[2].s)
print("01-forward.md line 608:", layers[2].p)

// MARK: block 18, 01-forward.md line 616
exploreParameters(input: HW(layers[2].H), filter: HW(layers[2].HH),
                  ConvParameters(stride: HW(layers[2].s), padding: HW(layers[2].p)), label: "output-size")

// MARK: block 19, 01-forward.md line 639
let dwByFormula = crossCorrelate(x, Tensor(repeating: 1, shape: [2, 2]))
let firstStep = 1e-5   // h
let dwNumerical = numericalGradient(ofScalar: { crossCorrelate(x, $0).sum() }, at: w, h: firstStep)
show(dwByFormula, "dL/dw by the formula")
show(dwNumerical, "dL/dw by centred differences")
let firstCheck = checkGradients(("dw", dwByFormula, dwNumerical))
// Round-off: one rounding step of L (machine epsilon times L), divided by the 2h of the centred difference.
let firstRounding = Double.ulpOfOne * abs(crossCorrelate(x, w).sum()) / (2 * firstStep)
let firstDifference = (dwByFormula - dwNumerical).maxAbs()
precondition(firstDifference < 10 * firstRounding, "the prose says the difference is round-off")
print("01-forward.md line 652:", x[0, 0])
print("01-forward.md line 652:", x[0, 1])
print("01-forward.md line 653:", x[1, 0])
print("01-forward.md line 653:", x[1, 1])
print("01-forward.md line 653:", dwByFormula[0, 0])
print("01-forward.md line 654:", firstCheck["dw"])
print("01-forward.md line 655:", firstDifference)
print("01-forward.md line 656:", firstRounding)

// MARK: block 20, 01-forward.md line 670
// "Outputs that do not depend on the nudged entry come out bit for bit the same": for every entry of x3,
// the set of outputs that change when it moves by ±h is the set of those whose window reads it.
/// Stated: the flat indices of the outputs of image n whose window reads x[n, c, u, v] (padding 1, stride 2).
func outputsReading(_ c: Sweep.Setting) -> [Int] {
    let (outF, outH, outW) = (y3.shape[1], y3.shape[2], y3.shape[3])
    var reading = [Int]()
    for f in 0..<outF {
        for i in 0..<outH {
            for j in 0..<outW {
                let rowHit = (0..<w3.shape[2]).contains { 2 * i + $0 - 1 == c.u }
                let columnHit = (0..<w3.shape[3]).contains { 2 * j + $0 - 1 == c.v }
                if rowHit && columnHit { reading.append(((c.n * outF + f) * outH + i) * outW + j) }
            }
        }
    }
    return reading
}
/// Measured: the flat indices of the outputs that differ when x[n, c, u, v] moves by ±h.
func outputsChanged(_ c: Sweep.Setting) -> [Int] {
    var up = x3, down = x3
    up[c.n, c.c, c.u, c.v] += 1e-5
    down[c.n, c.c, c.u, c.v] -= 1e-5
    let yUp = convForward(up, w3, b3, params), yDown = convForward(down, w3, b3, params)
    return yUp.scalars.indices.filter { yUp.scalars[$0] != yDown.scalars[$0] }
}
precondition(params.stride == HW(2) && params.padding == HW(1), "the brute force above reads stride 2, padding 1")
let cancelRule = checkRule("the outputs that change when one entry of x moves are those whose window reads it",
                           over: Sweep(["n": 0...1, "c": 0...2, "u": 0...4, "v": 0...4]),
                           stated: outputsReading, measured: outputsChanged)
print("01-forward.md line 708:", cancelRule.checked)

// MARK: block 21, 01-forward.md line 713
let target = Tensor.randomNormal(shape: y3.shape, seed: 14)
let dy3 = squaredErrorLoss(y3, target: target).gradient
let grads = convBackward(dy3, x3, w3, params)
let layerCheck = checkGradients(
    ("dx", grads.dx, numericalGradient(of: { convForward($0, w3, b3, params) }, at: x3, upstream: dy3)),
    ("dw", grads.dw, numericalGradient(of: { convForward(x3, $0, b3, params) }, at: w3, upstream: dy3)),
    ("db", grads.db, numericalGradient(of: { convForward(x3, w3, $0, params) }, at: b3, upstream: dy3)))
let dxThroughLoss = numericalGradient(ofScalar: { squaredErrorLoss(convForward($0, w3, b3, params), target: target).loss },
                                      at: x3, h: firstStep)
let throughLossError = relError(grads.dx, dxThroughLoss)
let throughLossDifference = (grads.dx - dxThroughLoss).maxAbs()
let lossRounding = Double.ulpOfOne * squaredErrorLoss(y3, target: target).loss / (2 * firstStep)
precondition(throughLossError < layerCheck.threshold && throughLossError > 5 * layerCheck["dx"].value,
             "the prose says nudging L passes, but is worse than weighing y's change by dy")
precondition(throughLossDifference > lossRounding / 10 && throughLossDifference < 10 * lossRounding,
             "the prose says the difference is the rounding of L")
print("01-forward.md line 733:", layerCheck.worst)
print("01-forward.md line 734:", throughLossError)
print("01-forward.md line 734:", layerCheck["dx"])
print("01-forward.md line 736:", throughLossDifference)
print("01-forward.md line 737:", lossRounding)

// MARK: block 22, 01-forward.md line 752
// The padded height, measured on a padded column; the windows' first rows, walked with the stride.
let sizeExPadded = pad(Tensor(zeros: [7, 1]), HW(height: 1, width: 0)).shape[0]
let sizeExStarts = (0..<windowsCounted(H: 7, HH: 3, s: 2, p: 1, d: 1)).map { 2 * $0 }
let sizeExNext = sizeExStarts.last! + 2
func spelled(_ items: [Int]) -> String {
    items.dropLast().map(String.init).joined(separator: ", ") + " and " + String(items.last!)
}
precondition(sizeExNext + 3 - 1 > sizeExPadded - 1 && rowsRead(H: 7, HH: 3, s: 2, p: 1, d: 1).max()! == sizeExPadded - 1,
             "the answer says one more window would end past x_pad, and the last window ends on its last row")
print("01-forward.md line 764:", sizeExPadded)
print("01-forward.md line 765:", spelled(sizeExStarts))
print("01-forward.md line 766:", sizeExNext)
print("01-forward.md line 766:", sizeExNext + 3 - 1)
print("01-forward.md line 767:", windowsCounted(H: 7, HH: 3, s: 2, p: 1, d: 1))
print("01-forward.md line 768:", (7 + 2 * 1 - 3) / 2)
print("01-forward.md line 769:", sizeExStarts[0])
print("01-forward.md line 770:", sizeExStarts[0] + 3 - 1)
print("01-forward.md line 771:", sizeExStarts.last!)
print("01-forward.md line 772:", rowsRead(H: 7, HH: 3, s: 2, p: 1, d: 1).max()!)

// MARK: block 23, 01-forward.md line 784
let resNetSpan = 224 + 2 * 2 - 7              // H + 2p − HH with p = 2
let resNetLastRead = rowsRead(H: 224, HH: 7, s: 2, p: 2, d: 1).max()!
precondition(resNetSpan % 2 == 1, "the answer says H + 2p − HH is odd")
precondition(resNetLastRead == 224 + 2 * 2 - 2, "the answer says only the last row of padding lies below the last window")
print("01-forward.md line 791:", resNetSpan)
print("01-forward.md line 792:", resNetSpan)
print("01-forward.md line 793:", windowsCounted(H: 224, HH: 7, s: 2, p: 2, d: 1))
print("01-forward.md line 794:", rows[7][5])
print("01-forward.md line 795:", 224 + 2 * 2 - 1 - resNetLastRead)
print("01-forward.md line 798:", (rows[7][5] as! Int) - windowsCounted(H: 224, HH: 7, s: 2, p: 2, d: 1))
print("01-forward.md line 809:", pad(Tensor(zeros: [2, 1]), HW(height: 1, width: 0)).shape[0])
print("01-forward.md line 811:", windowsCounted(H: 2, HH: 5, s: 1, p: 1, d: 1))
print("01-forward.md line 813:", 1 + Int((Double(2 + 2 * 1 - 5) / 1).rounded(.down)))
print("01-forward.md line 815:", String(describing: outputLength(input: 2, kernel: 5, stride: 1, padding: 1)))

// MARK: block 24, 01-forward.md line 818 (traps: kept as a comment)
// _ = convForward(Tensor.randomNormal(shape: [1, 1, 2, 2], seed: 1),
//                 Tensor.randomNormal(shape: [1, 1, 5, 5], seed: 2), nil, ConvParameters(padding: 1))
// 
