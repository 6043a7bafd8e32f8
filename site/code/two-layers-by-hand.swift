// Two layers by hand
// The code of two-layers-by-hand.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release two-layers-by-hand.swift -o two-layers-by-hand
//   ./two-layers-by-hand
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify two-layers-by-hand

import ConvEngine
import ConvbookRuntime

// MARK: block 1, two-layers-by-hand.md line 38
let x = Tensor(matrix: [[2, 2, 1],
                        [3, 1, 1],
                        [0, 1, -1]])
let w1 = Tensor(matrix: [[-2, 2],
                         [1, 1]])
let b1 = Tensor(vector: [1])
let w2 = Tensor(matrix: [[1, -2],
                         [2, -2]])
let b2 = Tensor(vector: [1])
show(x, "x")
show(w1, "w₁")
show(w2, "w₂")
print("two-layers-by-hand.md line 53:", b1[0])
print("two-layers-by-hand.md line 53:", b2[0])

// MARK: block 2, two-layers-by-hand.md line 59
func asImage(_ m: Tensor) -> Tensor { m.reshaped([1, 1] + m.shape) }
func asMatrix(_ t: Tensor) -> Tensor { t.reshaped(Array(t.shape.suffix(2))) }

// MARK: block 3, two-layers-by-hand.md line 64
/// A factor as the worked sums write it: negative numbers in parentheses.
func factor(_ v: Double) -> String { v < 0 ? "(" + fmt(v) + ")" : fmt(v) }
/// "3·(-2) + 1·2 + … = -2": the products of the entries of a and k, in reading
/// order, plus `bias` when given, and their total, which must be `entry`.
func worked(_ a: Tensor, _ k: Tensor, plus bias: Double? = nil, equals entry: Double) -> String {
    precondition(a.shape == k.shape, "a worked sum needs two tensors of one shape")
    let terms = zip(a.scalars, k.scalars).map { factor($0) + "·" + factor($1) } + (bias.map { [factor($0)] } ?? [])
    let total = (a * k).sum() + (bias ?? 0)
    precondition(total == entry, "the worked sum gives \(total), but the tensor holds \(entry)")
    return terms.joined(separator: " + ") + " = " + fmt(total)
}
/// Where a 2-D tensor's entries satisfy a condition, as (row, column) pairs.
func positions(_ t: Tensor, where condition: (Double) -> Bool) -> [(row: Int, column: Int)] {
    t.scalars.indices.filter { condition(t.scalars[$0]) }.map { (row: $0 / t.shape[1], column: $0 % t.shape[1]) }
}

// MARK: block 4, two-layers-by-hand.md line 87
let z1 = crossCorrelate(x, w1).map { $0 + b1[0] }
let a1 = z1.map { max(0, $0) }
show(z1, "z₁ = x ⋆ w₁ + b₁")
show(a1, "α₁ = max(0, z₁)")

// MARK: block 5, two-layers-by-hand.md line 94
let negatives = positions(z1) { $0 < 0 }
precondition(negatives.count == 1, "the prose says exactly one entry of z1 is negative")
precondition(positions(z1) { $0 == 0 }.isEmpty, "the prose says no entry of z1 sits on ReLU's kink")
let masked = negatives[0]
let (HH, WW) = (w1.shape[0], w1.shape[1])
let z1Window = window(x, rowStart: masked.row, rows: HH, columnStart: masked.column, columns: WW)
print("two-layers-by-hand.md line 105:", masked.row)
print("two-layers-by-hand.md line 105:", masked.column)
print("two-layers-by-hand.md line 106:", z1Window)
print("two-layers-by-hand.md line 107:", masked.row)
print("two-layers-by-hand.md line 107:", masked.column)
print("two-layers-by-hand.md line 108:", worked(z1Window, w1, plus: b1[0], equals: z1[masked.row, masked.column]))
print("two-layers-by-hand.md line 109:", z1.count - negatives.count)

// MARK: block 6, two-layers-by-hand.md line 116
let z2 = crossCorrelate(a1, w2).map { $0 + b2[0] }
let L = 0.5 * z2[0, 0] * z2[0, 0]
show(z2, "z₂ = α₁ ⋆ w₂ + b₂")
print("two-layers-by-hand.md line 122:", worked(a1, w2, plus: b2[0], equals: z2[0, 0]))
print("two-layers-by-hand.md line 123:", L)

// MARK: block 7, two-layers-by-hand.md line 130
let dz2 = z2                                         // dL/dz₂ for L = ½ z₂²
let db2 = Tensor(vector: [dz2.sum()])                // the sum of dy
let dw2 = crossCorrelate(a1, dz2)                    // the layer's input ⋆ dy
let border2 = HW(height: w2.shape[0] - 1, width: w2.shape[1] - 1)
let da1 = crossCorrelate(pad(dz2, border2), rotate180(w2))   // padded dy ⋆ the rotated filter
show(dz2, "dz₂ = z₂")
show(dw2, "dw₂ = α₁ ⋆ dz₂")
show(pad(dz2, border2), "dz₂ padded", padding: border2)
show(da1, "dα₁ = pad(dz₂) ⋆ rotate180(w₂)")

// MARK: block 8, two-layers-by-hand.md line 142
let da1Window = window(pad(dz2, border2), rowStart: masked.row, rows: w2.shape[0], columnStart: masked.column, columns: w2.shape[1])
precondition(dw2 == dz2[0, 0] * a1 && da1 == dz2[0, 0] * w2, "the prose says a 1 × 1 dy makes dw2 = dz2 α1 and dα1 = dz2 w2")
precondition(dw2[masked.row, masked.column] == 0, "the prose says the weight over the zeroed entry gets no gradient")
precondition(da1Window.scalars.filter { $0 != 0 }.count == 1, "the prose says three of the window's products meet the padding")
print("two-layers-by-hand.md line 152:", db2[0])
print("two-layers-by-hand.md line 157:", worked(window(a1, rowStart: 0, rows: 1, columnStart: 0, columns: 1), dz2, equals: dw2[0, 0]))
print("two-layers-by-hand.md line 164:", rotate180(w2))
print("two-layers-by-hand.md line 166:", da1Window)
print("two-layers-by-hand.md line 167:", masked.row)
print("two-layers-by-hand.md line 167:", masked.column)
print("two-layers-by-hand.md line 168:", worked(da1Window, rotate180(w2), equals: da1[masked.row, masked.column]))

// MARK: block 9, two-layers-by-hand.md line 178
let mask = z1.map { $0 > 0 ? 1 : 0 }                 // φ′(z₁) for ReLU
let dz1 = da1 * mask                                 // the first layer's dy
show(mask, "𝟙[z₁ > 0]")
show(dz1, "dz₁ = dα₁ ⊙ 𝟙[z₁ > 0]")

// MARK: block 10, two-layers-by-hand.md line 185
precondition(da1[masked.row, masked.column] != 0, "the prose says ReLU blocks a gradient that is not zero")
print("two-layers-by-hand.md line 190:", da1)
print("two-layers-by-hand.md line 190:", mask)
print("two-layers-by-hand.md line 190:", dz1)
print("two-layers-by-hand.md line 194:", masked.row)
print("two-layers-by-hand.md line 194:", masked.column)
print("two-layers-by-hand.md line 195:", worked(Tensor(vector: [da1[masked.row, masked.column]]), Tensor(vector: [mask[masked.row, masked.column]]), equals: dz1[masked.row, masked.column]))
print("two-layers-by-hand.md line 197:", da1[masked.row, masked.column])

// MARK: block 11, two-layers-by-hand.md line 205
let db1 = Tensor(vector: [dz1.sum()])                // the sum of dy
let dw1 = crossCorrelate(x, dz1)                     // x ⋆ dy
let border1 = HW(height: HH - 1, width: WW - 1)
let dx = crossCorrelate(pad(dz1, border1), rotate180(w1))   // padded dy ⋆ the rotated filter
show(dw1, "dw₁ = x ⋆ dz₁")
show(pad(dz1, border1), "dz₁ padded", padding: border1)
show(dx, "dx = pad(dz₁) ⋆ rotate180(w₁)")

// MARK: block 12, two-layers-by-hand.md line 215
let dxWindow = window(pad(dz1, border1), rowStart: 1, rows: HH, columnStart: 1, columns: WW)
precondition(dxWindow == dz1, "the prose says the window of dx[1, 1] is dz1 itself")
// The pixels of x that only the switched-off output reads (those whose region of outputs is that output alone).
func readers(_ u: Int, _ v: Int) -> [(row: Int, column: Int)] {
    (max(0, u - HH + 1)...min(u, z1.shape[0] - 1)).flatMap { i in
        (max(0, v - WW + 1)...min(v, z1.shape[1] - 1)).map { j in (row: i, column: j) } }
}
let lonely = (0..<x.shape[0]).flatMap { u in (0..<x.shape[1]).map { v in (row: u, column: v) } }
    .filter { p in readers(p.row, p.column).map { [$0.row, $0.column] } == [[masked.row, masked.column]] }
precondition(lonely.count == 1, "the prose says one pixel of x is read by the switched-off output alone")
let lonelyPixel = lonely[0]
let lonelyUnmasked = crossCorrelate(pad(da1, border1), rotate180(w1))[lonelyPixel.row, lonelyPixel.column]
precondition(dx[lonelyPixel.row, lonelyPixel.column] == 0 && lonelyUnmasked != 0,
             "the prose says that pixel's gradient is zero with the mask and would not be without it")
precondition(readers(1, 1).count == z1.count, "the prose says every output reads pixel (1, 1)")
print("two-layers-by-hand.md line 234:", dz1.scalars.map(factor).joined(separator: " + "))
print("two-layers-by-hand.md line 234:", db1[0])
print("two-layers-by-hand.md line 239:", window(x, rowStart: 0, rows: 2, columnStart: 0, columns: 2))
print("two-layers-by-hand.md line 241:", worked(window(x, rowStart: 0, rows: 2, columnStart: 0, columns: 2), dz1, equals: dw1[0, 0]))
print("two-layers-by-hand.md line 244:", rotate180(w1))
print("two-layers-by-hand.md line 246:", dxWindow)
print("two-layers-by-hand.md line 247:", worked(dxWindow, rotate180(w1), equals: dx[1, 1]))
print("two-layers-by-hand.md line 250:", lonelyPixel.row)
print("two-layers-by-hand.md line 250:", lonelyPixel.column)
print("two-layers-by-hand.md line 253:", masked.row)
print("two-layers-by-hand.md line 253:", masked.column)
print("two-layers-by-hand.md line 254:", lonelyPixel.row)
print("two-layers-by-hand.md line 254:", lonelyPixel.column)
print("two-layers-by-hand.md line 254:", dx[lonelyPixel.row, lonelyPixel.column])
print("two-layers-by-hand.md line 256:", lonelyUnmasked)

// MARK: block 13, two-layers-by-hand.md line 265
let e1 = convForward(asImage(x), asImage(w1), b1)            // z₁
let e2 = convForward(relu(e1), asImage(w2), b2)              // z₂
let second = convBackward(e2, relu(e1), asImage(w2))         // dy = dz₂ = z₂
let eDz1 = reluBackward(second.dx, e1)
let first = convBackward(eDz1, asImage(x), asImage(w1))
let agreements = [
    checkAgreement("z₁ vs convForward", z1, asMatrix(e1)),
    checkAgreement("α₁ vs relu", a1, asMatrix(relu(e1))),
    checkAgreement("z₂ vs convForward", z2, asMatrix(e2)),
    checkAgreement("db₂ vs convBackward", db2, second.db),
    checkAgreement("dw₂ vs convBackward", dw2, asMatrix(second.dw)),
    checkAgreement("dα₁ vs convBackward's dx", da1, asMatrix(second.dx)),
    checkAgreement("dz₁ vs reluBackward", dz1, asMatrix(eDz1)),
    checkAgreement("db₁ vs convBackward", db1, first.db),
    checkAgreement("dw₁ vs convBackward", dw1, asMatrix(first.dw)),
    checkAgreement("dx vs convBackward", dx, asMatrix(first.dx)),
]
print("two-layers-by-hand.md line 285:", agreements.count)
print("two-layers-by-hand.md line 286:", agreements.max()!)

// MARK: block 14, two-layers-by-hand.md line 293
let intermediates: [(name: String, value: Tensor)] = [
    ("x", x), ("w₁", w1), ("b₁", b1), ("w₂", w2), ("b₂", b2),
    ("z₁", z1), ("α₁", a1), ("z₂", z2), ("L", Tensor(vector: [L])),
    ("dz₂", dz2), ("db₂", db2), ("dw₂", dw2), ("dα₁", da1),
    ("dz₁", dz1), ("db₁", db1), ("dw₁", dw1), ("dx", dx),
]
func isInteger(_ v: Double) -> Bool { v.isFinite && v == v.rounded() }
let notIntegers = intermediates.filter { !$0.value.scalars.allSatisfy(isInteger) }.map(\.name)
precondition(notIntegers.isEmpty, "not integers: \(notIntegers)")
showTable(["tensor", "shape", "largest |entry|", "integers only"],
          intermediates.map { [$0.name, $0.value.shape.map(String.init).joined(separator: " × "),
                               $0.value.maxAbs(), $0.value.scalars.allSatisfy(isInteger) ? "yes" : "no"] })
print("two-layers-by-hand.md line 309:", L)

// MARK: block 15, two-layers-by-hand.md line 313
func loss(_ x: Tensor, _ w1: Tensor, _ b1: Tensor, _ w2: Tensor, _ b2: Tensor) -> Double {
    let z2 = convForward(relu(convForward(asImage(x), asImage(w1), b1)), asImage(w2), b2)
    return 0.5 * z2[0, 0, 0, 0] * z2[0, 0, 0, 0]
}
let h = 1e-5
let check = checkGradients(
    ("dx", dx, numericalGradient(ofScalar: { loss($0, w1, b1, w2, b2) }, at: x, h: h)),
    ("dw₁", dw1, numericalGradient(ofScalar: { loss(x, $0, b1, w2, b2) }, at: w1, h: h)),
    ("db₁", db1, numericalGradient(ofScalar: { loss(x, w1, $0, w2, b2) }, at: b1, h: h)),
    ("dw₂", dw2, numericalGradient(ofScalar: { loss(x, w1, b1, $0, b2) }, at: w2, h: h)),
    ("db₂", db2, numericalGradient(ofScalar: { loss(x, w1, b1, w2, $0) }, at: b2, h: h)))
let closestToKink = z1.scalars.map { abs($0) }.min()!
let largestNudge = h * max(x.maxAbs(), w1.maxAbs(), 1)       // how far one nudge can move an entry of z₁
precondition(closestToKink > 1000 * largestNudge, "a nudge comes near ReLU's kink: the check is not meaningful")
print("two-layers-by-hand.md line 330:", check.worst)
print("two-layers-by-hand.md line 332:", largestNudge)
print("two-layers-by-hand.md line 333:", closestToKink)

// MARK: block 16, two-layers-by-hand.md line 338
/// The gradients of L = ½ z₂² by the steps of this page: (dx, dw₁, db₁, dw₂, db₂), flat.
func gradientsByHand(_ x: Tensor, _ w1: Tensor, _ b1: Tensor, _ w2: Tensor, _ b2: Tensor) -> [[Double]] {
    let z1 = crossCorrelate(x, w1).map { $0 + b1[0] }
    let a1 = z1.map { max(0, $0) }
    let z2 = crossCorrelate(a1, w2).map { $0 + b2[0] }
    let dz2 = z2
    let da1 = crossCorrelate(pad(dz2, HW(height: w2.shape[0] - 1, width: w2.shape[1] - 1)), rotate180(w2))
    let dz1 = da1 * z1.map { $0 > 0 ? 1 : 0 }
    let dx = crossCorrelate(pad(dz1, HW(height: w1.shape[0] - 1, width: w1.shape[1] - 1)), rotate180(w1))
    return [dx.scalars, crossCorrelate(x, dz1).scalars, [dz1.sum()], crossCorrelate(a1, dz2).scalars, [dz2.sum()]]
}
var byHand = [[Double]](repeating: [], count: 5), numerical = [[Double]](repeating: [], count: 5)
var draws = 0, drawsWithMask = 0
for seed in UInt64(1)...30 {
    let (xr, w1r, w2r) = (Tensor.randomNormal(shape: [3, 3], seed: 10 * seed),
                          Tensor.randomNormal(shape: [2, 2], seed: 10 * seed + 1),
                          Tensor.randomNormal(shape: [2, 2], seed: 10 * seed + 2))
    let (b1r, b2r) = (Tensor.randomNormal(shape: [1], seed: 10 * seed + 3), Tensor.randomNormal(shape: [1], seed: 10 * seed + 4))
    let z1r = crossCorrelate(xr, w1r).map { $0 + b1r[0] }
    guard z1r.scalars.allSatisfy({ abs($0) > 1e-3 }) else { continue }   // no entry near the kink
    draws += 1
    if z1r.scalars.contains(where: { $0 < 0 }) { drawsWithMask += 1 }
    let hand = gradientsByHand(xr, w1r, b1r, w2r, b2r)
    let differences = [numericalGradient(ofScalar: { loss($0, w1r, b1r, w2r, b2r) }, at: xr, h: h),
                       numericalGradient(ofScalar: { loss(xr, $0, b1r, w2r, b2r) }, at: w1r, h: h),
                       numericalGradient(ofScalar: { loss(xr, w1r, $0, w2r, b2r) }, at: b1r, h: h),
                       numericalGradient(ofScalar: { loss(xr, w1r, b1r, $0, b2r) }, at: w2r, h: h),
                       numericalGradient(ofScalar: { loss(xr, w1r, b1r, w2r, $0) }, at: b2r, h: h)]
    for k in 0..<5 {
        byHand[k] += hand[k]
        numerical[k] += differences[k].scalars
    }
}
precondition(drawsWithMask > 0 && drawsWithMask < draws, "the sweep must hold draws with and without a switched-off entry")
func flat(_ v: [Double]) -> Tensor { Tensor(vector: v) }
let sweep = checkGradients(("dx", flat(byHand[0]), flat(numerical[0])), ("dw₁", flat(byHand[1]), flat(numerical[1])),
                           ("db₁", flat(byHand[2]), flat(numerical[2])), ("dw₂", flat(byHand[3]), flat(numerical[3])),
                           ("db₂", flat(byHand[4]), flat(numerical[4])))
print("two-layers-by-hand.md line 379:", draws)
print("two-layers-by-hand.md line 379:", drawsWithMask)
print("two-layers-by-hand.md line 382:", sweep.worst)
