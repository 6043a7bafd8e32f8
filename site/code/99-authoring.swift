// Writing a chapter
// The code of 99-authoring.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release 99-authoring.swift -o 99-authoring
//   ./99-authoring
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify 99-authoring

import ConvEngine
import ConvbookRuntime

// MARK: block 1, 99-authoring.md line 104
let x = Tensor(matrix: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
let w = Tensor(matrix: [[1, 0], [0, -1]])
print("x has shape", x.shape)

// MARK: block 2, 99-authoring.md line 112
let y = crossCorrelate(x, w)
show(y, "y = x ⋆ w")
print("99-authoring.md line 127:", y[0, 0])
print("99-authoring.md line 127:", y.sum())
print("99-authoring.md line 129:", y)

// MARK: block 3, 99-authoring.md line 172
let hiddenScale = 2.0

// MARK: block 4, 99-authoring.md line 179
print("2·y =", (hiddenScale * y).scalars)

// MARK: block 5, 99-authoring.md line 185 (norun: kept as a comment)
// let neverRun = Tensor.randomNormal(shape: [1_000_000, 1_000_000, 1_000_000, 1_000_000], seed: 0)
// 

// MARK: block 6, 99-authoring.md line 192 (fails: kept as a comment)
// let count: Int = x.sum()
// 

// MARK: block 7, 99-authoring.md line 199 (traps: kept as a comment)
// print(x[3, 0])
// 

// MARK: block 8, 99-authoring.md line 208
print("sum of y:", y.sum())
print("max of x:", x.max())

// MARK: block 9, 99-authoring.md line 241
showWindows(x, kernel: HW(height: 2, width: 2))

// MARK: block 10, 99-authoring.md line 245
showTable(["stride", "padding", "output size"], [1, 2].flatMap { s in [0, 1].map { p in
    [s, p, outputLength(input: 3, kernel: 2, stride: s, padding: p) ?? 0] as [Any] } })

// MARK: block 11, 99-authoring.md line 337
exploreParameters(input: HW(height: 5, width: 7), filter: HW(height: 3, width: 2),
                  ConvParameters(stride: HW(height: 2, width: 1), padding: 1), label: "authoring-example")
print("99-authoring.md line 381:", 6 * 7)
print("99-authoring.md line 381:", 6 * 7)

// MARK: block 12, 99-authoring.md line 426
let xb = Tensor.randomNormal(shape: [2, 3, 5, 5], seed: 1)
let wb = Tensor.randomNormal(shape: [4, 3, 3, 3], seed: 2)
let bb = Tensor.randomNormal(shape: [4], seed: 3)
let p = ConvParameters(stride: 2, padding: 1)
let dy = Tensor.randomNormal(shape: [2, 4, 3, 3], seed: 4)
let grads = convBackward(dy, xb, wb, p)
let check = checkGradients(
    ("dx", grads.dx, numericalGradient(of: { convForward($0, wb, bb, p) }, at: xb, upstream: dy)),
    ("dw", grads.dw, numericalGradient(of: { convForward(xb, $0, bb, p) }, at: wb, upstream: dy)),
    ("db", grads.db, numericalGradient(of: { convForward(xb, wb, $0, p) }, at: bb, upstream: dy)))
checkAgreement("dx: building blocks vs loops", convBackwardByBlocks(dy, xb, wb, p).dx, grads.dx)
print("99-authoring.md line 441:", check["dx"])
print("99-authoring.md line 441:", check.worst)

// MARK: block 13, 99-authoring.md line 461
func rowsWithZeroGradient(_ c: Sweep.Setting) -> Int {
    let parameters = ConvParameters(stride: HW(height: c.s, width: 1), padding: HW(height: c.p, width: 0))
    let outH = outputLength(input: c.H, kernel: c.HH, stride: c.s, padding: c.p)!
    let dx = convBackward(Tensor.randomNormal(shape: [1, 1, outH, 1], seed: 3),
                          Tensor.randomNormal(shape: [1, 1, c.H, 1], seed: 1),
                          Tensor.randomNormal(shape: [1, 1, c.HH, 1], seed: 2), parameters).dx
    return (0..<c.H).filter { dx[0, 0, $0, 0] == 0 }.count
}
let unread = checkRule("rows of x no window reads",
                       over: Sweep(["H": 3...9, "HH": 1...4, "s": 1...4, "p": 0...2]),
                       where: { $0.H + 2 * $0.p >= $0.HH },
                       stated: { c -> Int in
                           let outH = (c.H + 2 * c.p - c.HH) / c.s + 1
                           let read = Set((0..<outH).flatMap { i in (c.s * i)..<(c.s * i + c.HH) })
                           return (c.p..<(c.p + c.H)).filter { !read.contains($0) }.count
                       },
                       measured: rowsWithZeroGradient)
print("99-authoring.md line 481:", unread.checked)
print("99-authoring.md line 482:", unread.excluded)
print("99-authoring.md line 523:", y[0, 0])
print("99-authoring.md line 525:", y)

// MARK: block 14, 99-authoring.md line 558 (traps: kept as a comment)
// _ = crossCorrelate(x, Tensor(matrix: [[1, 0, 0, 1]]))
// 

// MARK: block 15, 99-authoring.md line 584
let fastY = convForwardIm2col(xb, wb, bb, p)
print(convForward(xb, wb, bb, p).reproducibility, fastY.reproducibility, (2 * fastY).reproducibility)
show(fastY.slice(0).slice(0), "y[0, 0] by im2col and BLAS")
let fastDifference = checkAgreement("y: im2col vs loops", fastY, convForward(xb, wb, bb, p))
print("99-authoring.md line 591:", fastDifference)
print("99-authoring.md line 596:", measured(fastY.sum(), .relative(1e-11)))
