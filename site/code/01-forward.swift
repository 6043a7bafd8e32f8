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

// MARK: block 1, 01-forward.md line 113
let x = Tensor(matrix: [[2, 0, 1],
                        [1, 3, 2],
                        [0, 1, 4]])
let w = Tensor(matrix: [[1, -1],
                        [2,  0]])
print("01-forward.md line 121:", x)
print("01-forward.md line 121:", w)
print("01-forward.md line 122:", x.shape[0] - w.shape[0] + 1)
print("01-forward.md line 123:", x.shape[0] - w.shape[0] + 1)
print("01-forward.md line 123:", x.shape[1] - w.shape[1] + 1)

// MARK: block 2, 01-forward.md line 128
func num(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
}
func term(_ v: Double) -> String { v < 0 ? "(" + num(v) + ")" : num(v) }

// MARK: block 3, 01-forward.md line 135
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
print("01-forward.md line 153:", w[0, 0])
print("01-forward.md line 153:", x[0, 0])

// MARK: block 4, 01-forward.md line 161
showWindows(x, kernel: HW(2), limit: y.count,
            "The 2 × 2 filter w = \(fmt(w)) over x at its \(y.count) stops; the highlighted cells, multiplied by w entry by entry and added, give y[0, 0] = \(fmt(y[0, 0])), y[0, 1] = \(fmt(y[0, 1])), y[1, 0] = \(fmt(y[1, 0])) and y[1, 1] = \(fmt(y[1, 1]))")
print("01-forward.md line 166:", x[1, 1])
print("01-forward.md line 167:", y.count)

// MARK: block 5, 01-forward.md line 175
checkAgreement("our loop vs crossCorrelate", y, crossCorrelate(x, w))
let yLayer = convForward(x.reshaped([1, 1, 3, 3]), w.reshaped([1, 1, 2, 2]))
checkAgreement("our loop vs convForward", y, yLayer.reshaped([2, 2]))
print("01-forward.md line 182:", y + Tensor(repeating: 1, shape: [2, 2]))

// MARK: block 6, 01-forward.md line 188
explore(x.reshaped([1, 1, 3, 3]), w.reshaped([1, 1, 2, 2]), label: "first-example")

// MARK: block 7, 01-forward.md line 219
let rotated = rotate180(w)
showRotation(w, "w turned by 180 degrees: each entry keeps its colour, so you can follow it to its new place")
show(crossCorrelate(x, w), "cross-correlation x ⋆ w (what layers compute)")
show(convolve(x, w), "convolution x * w (flipped filter)")
print("01-forward.md line 226:", rotated)

// MARK: block 8, 01-forward.md line 229
checkAgreement("convolve(x, w) vs crossCorrelate(x, rotate180(w))",
               convolve(x, w), crossCorrelate(x, rotate180(w)))
print("01-forward.md line 245:", convolve(x, w)[0, 0])
print("01-forward.md line 246:", crossCorrelate(x, w)[0, 0])

// MARK: block 9, 01-forward.md line 257
extension Tensor {
    subscript(image n: Int, channel c: Int) -> Tensor { slice(n).slice(c) }
}

// MARK: block 10, 01-forward.md line 263
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
let channel0 = crossCorrelate(x2[image: 0, channel: 0], w2[image: 0, channel: 0])
let channel1 = crossCorrelate(x2[image: 0, channel: 1], w2[image: 0, channel: 1])
show(channel0, "channel 0 slice of x ⋆ channel 0 slice of w")
show(channel1, "channel 1 slice of x ⋆ channel 1 slice of w")
let y2 = convForward(x2, w2, b2)
show(y2, "y = convForward(x, w, b)")
checkAgreement("sum over channels + bias vs convForward",
               channel0 + channel1 + Tensor(repeating: b2[0], shape: [2, 2]), y2[image: 0, channel: 0])
print("01-forward.md line 287:", channel0[0, 0])
print("01-forward.md line 287:", channel1[0, 0])
print("01-forward.md line 288:", b2[0])
print("01-forward.md line 288:", y2[0, 0, 0, 0])

// MARK: block 11, 01-forward.md line 296
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

// MARK: block 12, 01-forward.md line 333
let x3 = Tensor.randomNormal(shape: [2, 3, 5, 5], seed: 11)
let w3 = Tensor.randomNormal(shape: [4, 3, 3, 3], seed: 12)
let b3 = Tensor.randomNormal(shape: [4], seed: 13)
let params = ConvParameters(stride: 2, padding: 1)
let y3 = convForward(x3, w3, b3, params)
print("y has shape", y3.shape)
let loopDifference = checkAgreement("our loop vs convForward", forwardLoop(x3, w3, b3, params), y3)
checkAgreement("convForwardByBlocks vs convForward", convForwardByBlocks(x3, w3, b3, params), y3)
let dilated = ConvParameters(stride: 1, padding: 2, dilation: 2)
checkAgreement("our loop vs convForward, dilation 2",
               forwardLoop(x3, w3, b3, dilated), convForward(x3, w3, b3, dilated))
print("01-forward.md line 347:", y3.shape)
print("01-forward.md line 348:", y3.shape[2])
print("01-forward.md line 348:", y3.shape[3])
print("01-forward.md line 349:", loopDifference)

// MARK: block 13, 01-forward.md line 378
let layers: [(H: Int, HH: Int, s: Int, p: Int, d: Int)] = [
    (5, 3, 1, 0, 1), (5, 3, 1, 1, 1), (7, 3, 2, 1, 1), (6, 3, 2, 0, 1),
    (7, 3, 1, 0, 2), (9, 3, 2, 2, 2), (32, 5, 1, 2, 1), (224, 7, 2, 3, 1),
]
var rows: [[Any]] = []
for l in layers {
    let formula = outputLength(input: l.H, kernel: l.HH, stride: l.s, padding: l.p, dilation: l.d)!
    let input = Tensor(zeros: [1, 1, l.H, l.H])
    let filter = Tensor(zeros: [1, 1, l.HH, l.HH])
    let run = convForward(input, filter, nil, ConvParameters(stride: HW(l.s), padding: HW(l.p), dilation: HW(l.d)))
    let lastRowRead = l.s * (formula - 1) + l.d * (l.HH - 1)
    rows.append([l.H, l.HH, l.s, l.p, l.d, formula, run.shape[2], l.H + 2 * l.p - 1 - lastRowRead])
}
showTable(["H", "HH", "s", "p", "d", "H' (formula)", "H' (convForward)", "rows never read"], rows)
print("01-forward.md line 397:", 2 * (3 - 1) + 1)
print("01-forward.md line 399:", rows[7][5])
print("01-forward.md line 399:", rows[7][5])
print("01-forward.md line 402:", Double(6 - 3) / 2)
print("01-forward.md line 403:", Double(224 + 6 - 7) / 2)

// MARK: block 14, 01-forward.md line 424
exploreParameters(input: 7, filter: 3, ConvParameters(stride: 2, padding: 1), label: "output-size")

// MARK: block 15, 01-forward.md line 446
let dwByFormula = crossCorrelate(x, Tensor(repeating: 1, shape: [2, 2]))
let dwNumerical = numericalGradient(ofScalar: { crossCorrelate(x, $0).sum() }, at: w)
show(dwByFormula, "dL/dw by the formula")
show(dwNumerical, "dL/dw by centred differences")
let firstCheck = checkGradients(("dw", dwByFormula, dwNumerical))
print("01-forward.md line 454:", x[0, 0])
print("01-forward.md line 454:", x[0, 1])
print("01-forward.md line 455:", x[1, 0])
print("01-forward.md line 455:", x[1, 1])
print("01-forward.md line 455:", dwByFormula[0, 0])
print("01-forward.md line 456:", firstCheck["dw"])

// MARK: block 16, 01-forward.md line 477
let target = Tensor.randomNormal(shape: y3.shape, seed: 14)
let dy3 = squaredErrorLoss(y3, target: target).gradient
let grads = convBackward(dy3, x3, w3, params)
let layerCheck = checkGradients(
    ("dx", grads.dx, numericalGradient(of: { convForward($0, w3, b3, params) }, at: x3, upstream: dy3)),
    ("dw", grads.dw, numericalGradient(of: { convForward(x3, $0, b3, params) }, at: w3, upstream: dy3)),
    ("db", grads.db, numericalGradient(of: { convForward(x3, w3, $0, params) }, at: b3, upstream: dy3)))
let dxThroughLoss = numericalGradient(ofScalar: { squaredErrorLoss(convForward($0, w3, b3, params), target: target).loss },
                                      at: x3)
print("01-forward.md line 489:", layerCheck.worst)
print("01-forward.md line 490:", relError(grads.dx, dxThroughLoss))
