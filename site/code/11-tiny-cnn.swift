// Putting it together: a tiny CNN learns
// The code of 11-tiny-cnn.md, from "Backpropagation through a convolutional layer".
//
// Run it against the engine from a checkout of convbook:
//   swift build -c release
//   swiftc -I .build/release/Modules -L .build/release -lConvbookRuntime \
//          -Xlinker -rpath -Xlinker .build/release 11-tiny-cnn.swift -o 11-tiny-cnn
//   ./11-tiny-cnn
// or re-run the whole chapter and compare with the published numbers:
//   convbook verify 11-tiny-cnn

import ConvEngine
import ConvbookRuntime

// MARK: block 1, 11-tiny-cnn.md line 28
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// MARK: block 2, 11-tiny-cnn.md line 52
let imageSide = 6, barLength = 4, noiseLevel = 0.25
/// A set of images with their labels and each bar's placement [label, r, c].
struct BarSet {
    var images: Tensor
    var labels: [Int]
    var placements: [[Int]]
}
/// `count` images of imageSide × imageSide, (N, 1, imageSide, imageSide), each with a bar of
/// `barLength` pixels at a random placement, labels 0 (horizontal), 1 (vertical), 2 (diagonal)
/// in turn, plus noise. With `parity`, only placements (r, c) with (r + c) % 2 == parity are drawn.
func makeBars(count: Int, seed: UInt64, noise: Double, parity: Int? = nil) -> BarSet {
    var positions = SeededNormalGenerator(seed: seed)
    var images = Tensor.randomNormal(shape: [count, 1, imageSide, imageSide], seed: seed + 1, standardDeviation: noise)
    var labels = [Int](), placements = [[Int]]()
    let room = imageSide - barLength + 1    // the first pixel's choices along the bar's length
    for n in 0..<count {
        let label = n % 3
        // How many rows and columns the bar's first pixel can start at.
        let (rowChoices, columnChoices) = [(imageSide, room), (room, imageSide), (room, room)][label]
        var r = 0, c = 0
        repeat {
            r = Int(positions.nextUniform() * Double(rowChoices))
            c = Int(positions.nextUniform() * Double(columnChoices))
        } while parity != nil && (r + c) % 2 != parity!
        for t in 0..<barLength {
            let (i, j) = [(r, c + t), (r + t, c), (r + t, c + t)][label]
            images[n, 0, i, j] += 1
        }
        labels.append(label)
        placements.append([label, r, c])
    }
    return BarSet(images: images, labels: labels, placements: placements)
}
let classNames = ["horizontal", "vertical", "diagonal"]
let (trainSeed, testSeed, heldOutSeed): (UInt64, UInt64, UInt64) = (100, 200, 300)
let trainSet = makeBars(count: 150, seed: trainSeed, noise: noiseLevel, parity: 0)
let testSet = makeBars(count: 300, seed: testSeed, noise: noiseLevel, parity: 0)
let heldOutSet = makeBars(count: 300, seed: heldOutSeed, noise: noiseLevel, parity: 1)
for n in 0..<3 {
    show(trainSet.images.slice(n).slice(0), "training image \(n): \(classNames[trainSet.labels[n]])", heatmap: true)
}
// Which placements the training set holds, and how many test images share one with it.
let seenPlacements = Set(trainSet.placements)
let testSeen = testSet.placements.filter { seenPlacements.contains($0) }.count
let heldOutSeen = heldOutSet.placements.filter { seenPlacements.contains($0) }.count
precondition(testSeen == testSet.labels.count, "some test image has a placement the training set lacks")
precondition(heldOutSeen == 0, "some held-out image has a placement the training set holds")
let trainNoise = Tensor.randomNormal(shape: trainSet.images.shape, seed: trainSeed + 1, standardDeviation: noiseLevel)
print("11-tiny-cnn.md line 103:", imageSide)
print("11-tiny-cnn.md line 103:", imageSide)
print("11-tiny-cnn.md line 104:", barLength)
print("11-tiny-cnn.md line 105:", noiseLevel)
print("11-tiny-cnn.md line 107:", trainNoise.maxAbs())
print("11-tiny-cnn.md line 110:", trainSet.labels.count)
print("11-tiny-cnn.md line 111:", seenPlacements.count)
print("11-tiny-cnn.md line 113:", testSet.labels.count)
print("11-tiny-cnn.md line 114:", testSeen)
print("11-tiny-cnn.md line 117:", heldOutSet.labels.count)
print("11-tiny-cnn.md line 118:", heldOutSeen)

// MARK: block 3, 11-tiny-cnn.md line 128
let (filterSide, F1, F2, classes) = (3, 4, 4, 3)
let side1 = outputLength(input: imageSide, kernel: filterSide)!   // the first layer's output maps
let side2 = outputLength(input: side1, kernel: filterSide)!       // the second layer's
let features = F2 * side2 * side2                                  // the numbers the linear layer reads per image
let receptiveField = filterSide + (filterSide - 1)                 // how many pixels of x, per side, one entry of z2 sees
print("11-tiny-cnn.md line 136:", imageSide)
print("11-tiny-cnn.md line 136:", imageSide)
print("11-tiny-cnn.md line 139:", F1)
print("11-tiny-cnn.md line 140:", filterSide)
print("11-tiny-cnn.md line 140:", filterSide)
print("11-tiny-cnn.md line 142:", F1)
print("11-tiny-cnn.md line 142:", side1)
print("11-tiny-cnn.md line 142:", side1)
print("11-tiny-cnn.md line 144:", F2)
print("11-tiny-cnn.md line 145:", F1)
print("11-tiny-cnn.md line 145:", filterSide)
print("11-tiny-cnn.md line 145:", filterSide)
print("11-tiny-cnn.md line 148:", F2)
print("11-tiny-cnn.md line 148:", side2)
print("11-tiny-cnn.md line 148:", side2)
print("11-tiny-cnn.md line 149:", filterSide)
print("11-tiny-cnn.md line 149:", filterSide)
print("11-tiny-cnn.md line 150:", filterSide)
print("11-tiny-cnn.md line 150:", filterSide)
print("11-tiny-cnn.md line 151:", receptiveField)
print("11-tiny-cnn.md line 151:", receptiveField)
print("11-tiny-cnn.md line 155:", features)
print("11-tiny-cnn.md line 155:", features)
print("11-tiny-cnn.md line 156:", classes)
print("11-tiny-cnn.md line 158:", features)
print("11-tiny-cnn.md line 158:", classes)
print("11-tiny-cnn.md line 159:", classes)
print("11-tiny-cnn.md line 199:", F2)
print("11-tiny-cnn.md line 199:", side2)
print("11-tiny-cnn.md line 199:", side2)

// MARK: block 4, 11-tiny-cnn.md line 232
/// The matrix product of an m × k and a k × n matrix.
func matmul(_ A: Tensor, _ B: Tensor) -> Tensor {
    let (m, k, n) = (A.shape[0], A.shape[1], B.shape[1])
    precondition(B.shape[0] == k, "matmul: \(A.shape) times \(B.shape)")
    let (a, b) = (A.scalars, B.scalars)
    var c = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
        for p in 0..<k {
            let aip = a[i * k + p]
            for j in 0..<n { c[i * n + j] += aip * b[p * n + j] }
        }
    }
    return Tensor(shape: [m, n], scalars: c)
}

func transposed(_ M: Tensor) -> Tensor {
    let (m, n, entries) = (M.shape[0], M.shape[1], M.scalars)
    var t = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n { t[j * m + i] = entries[i * n + j] }
    }
    return Tensor(shape: [n, m], scalars: t)
}

/// S = A · W + 1 bᵀ: one row of scores per row of A.
func linearForward(_ A: Tensor, _ W: Tensor, _ b: Tensor) -> Tensor {
    var S = matmul(A, W)
    for n in 0..<S.shape[0] {
        for k in 0..<S.shape[1] { S[n, k] += b[k] }
    }
    return S
}

/// dA = dS · Wᵀ, dW = Aᵀ · dS, db = the column sums of dS.
func linearBackward(_ dS: Tensor, _ A: Tensor, _ W: Tensor) -> (dA: Tensor, dW: Tensor, db: Tensor) {
    let ones = Tensor(repeating: 1, shape: [1, dS.shape[0]])
    return (matmul(dS, transposed(W)), matmul(transposed(A), dS), matmul(ones, dS).reshaped([dS.shape[1]]))
}

// MARK: block 5, 11-tiny-cnn.md line 277
let aCheck = Tensor.randomNormal(shape: [5, 7], seed: 1)
let wCheck = Tensor.randomNormal(shape: [7, 3], seed: 2)
let bCheck = Tensor.randomNormal(shape: [3], seed: 3)
let dsCheck = Tensor.randomNormal(shape: [5, 3], seed: 4)
let linearGrads = linearBackward(dsCheck, aCheck, wCheck)
let linearCheck = checkGradients(
    ("dA", linearGrads.dA, numericalGradient(of: { linearForward($0, wCheck, bCheck) }, at: aCheck, upstream: dsCheck)),
    ("dW_lin", linearGrads.dW, numericalGradient(of: { linearForward(aCheck, $0, bCheck) }, at: wCheck, upstream: dsCheck)),
    ("db_lin", linearGrads.db, numericalGradient(of: { linearForward(aCheck, wCheck, $0) }, at: bCheck, upstream: dsCheck)))
print("11-tiny-cnn.md line 289:", linearCheck.worst)

// MARK: block 6, 11-tiny-cnn.md line 299
struct Parameters {
    var w1: Tensor     // (F1, 1, 3, 3)    the first layer's filters
    var b1: Tensor     // (F1)             and their biases
    var w2: Tensor     // (F2, F1, 3, 3)   the second layer's filters, each reading all F1 maps
    var b2: Tensor     // (F2)
    var wLin: Tensor   // (features, 3)    the linear layer
    var bLin: Tensor   // (3)
}

/// What one forward and backward pass computes.
struct Pass {
    var loss: Double
    var scores: Tensor          // S, (N, 3)
    var gradients: Parameters
    var z1: Tensor, z2: Tensor  // the inputs of the two ReLUs
    var dz2: Tensor             // the second layer's dy
    var da1: Tensor             // the second layer's dx: the gradient of a1
    var dz1: Tensor             // the first layer's dy
    var dx: Tensor              // the first layer's dx: the gradient of the image
}

/// The network on images x with their labels. `passDx: false` drops the second
/// layer's dx (an experiment below); the network always passes it.
func forwardBackward(_ p: Parameters, _ x: Tensor, _ labels: [Int], passDx: Bool = true) -> Pass {
    // Forward.
    let z1 = convForward(x, p.w1, p.b1)                  // (N, F1, side1, side1)
    let a1 = relu(z1)
    let z2 = convForward(a1, p.w2, p.b2)                 // (N, F2, side2, side2)
    let a2 = relu(z2)
    let A = a2.reshaped([x.shape[0], features])          // (N, features)
    let S = linearForward(A, p.wLin, p.bLin)             // (N, 3)
    let loss = softmaxCrossEntropyLoss(S, labels: labels)
    // Backward, stage by stage in reverse.
    let linear = linearBackward(loss.gradient, A, p.wLin)
    let dz2 = reluBackward(linear.dA.reshaped(z2.shape), z2)
    let second = convBackward(dz2, a1, p.w2)
    let da1 = passDx ? second.dx : Tensor(zeros: a1.shape)
    let dz1 = reluBackward(da1, z1)
    let first = convBackward(dz1, x, p.w1)
    let gradients = Parameters(w1: first.dw, b1: first.db, w2: second.dw, b2: second.db,
                               wLin: linear.dW, bLin: linear.db)
    return Pass(loss: loss.loss, scores: S, gradients: gradients,
                z1: z1, z2: z2, dz2: dz2, da1: da1, dz1: dz1, dx: first.dx)
}
print("11-tiny-cnn.md line 349:", filterSide * filterSide)
print("11-tiny-cnn.md line 350:", F1 * filterSide * filterSide)
print("11-tiny-cnn.md line 351:", features)

// MARK: block 7, 11-tiny-cnn.md line 363
func initialParameters(seed: UInt64) -> Parameters {
    // He et al.'s 2 / fan-in in every layer, the first included, as they do (see above).
    func spread(_ fanIn: Int) -> Double { (2.0 / Double(fanIn)).squareRoot() }
    return Parameters(
        w1: Tensor.randomNormal(shape: [F1, 1, filterSide, filterSide], seed: seed,
                                standardDeviation: spread(filterSide * filterSide)),
        b1: Tensor(zeros: [F1]),
        w2: Tensor.randomNormal(shape: [F2, F1, filterSide, filterSide], seed: seed + 1,
                                standardDeviation: spread(F1 * filterSide * filterSide)),
        b2: Tensor(zeros: [F2]),
        wLin: Tensor.randomNormal(shape: [features, classes], seed: seed + 2, standardDeviation: spread(features)),
        bLin: Tensor(zeros: [classes]))
}
let initialSeed: UInt64 = 11
let initial = initialParameters(seed: initialSeed)

// MARK: block 8, 11-tiny-cnn.md line 396
let checkCount = 6    // the training images the check uses
let xSmall = Tensor(shape: [checkCount, 1, imageSide, imageSide],
                    scalars: Array(trainSet.images.scalars[0..<(checkCount * imageSide * imageSide)]))
let labelsSmall = Array(trainSet.labels[0..<checkCount])
let atStart = forwardBackward(initial, xSmall, labelsSmall)
let dS = softmaxCrossEntropyLoss(atStart.scores, labels: labelsSmall).gradient
let lossCheck = checkGradients(
    ("dS", dS, numericalGradient(ofScalar: { softmaxCrossEntropyLoss($0, labels: labelsSmall).loss }, at: atStart.scores)))
let smallestUpstream = dS.scalars.map { abs($0) }.min()!
precondition(smallestUpstream > dS.maxAbs() / 10, "some entry of dS is now near zero: use a random upstream gradient")

/// The pass over the check's images when one parameter is replaced.
func passWith(_ change: (inout Parameters) -> Void) -> Pass {
    var p = initial
    change(&p)
    return forwardBackward(p, xSmall, labelsSmall)
}
func scoresWith(_ change: (inout Parameters) -> Void) -> Tensor { passWith(change).scores }
let g = atStart.gradients
let chainCheck = checkGradients(
    ("dw1", g.w1, numericalGradient(of: { v in scoresWith { $0.w1 = v } }, at: initial.w1, upstream: dS)),
    ("db1", g.b1, numericalGradient(of: { v in scoresWith { $0.b1 = v } }, at: initial.b1, upstream: dS)),
    ("dw2", g.w2, numericalGradient(of: { v in scoresWith { $0.w2 = v } }, at: initial.w2, upstream: dS)),
    ("db2", g.b2, numericalGradient(of: { v in scoresWith { $0.b2 = v } }, at: initial.b2, upstream: dS)),
    ("dW_lin", g.wLin, numericalGradient(of: { v in scoresWith { $0.wLin = v } }, at: initial.wLin, upstream: dS)),
    ("db_lin", g.bLin, numericalGradient(of: { v in scoresWith { $0.bLin = v } }, at: initial.bLin, upstream: dS)),
    ("dx", atStart.dx, numericalGradient(of: { forwardBackward(initial, $0, labelsSmall).scores }, at: xSmall, upstream: dS)))
print("11-tiny-cnn.md line 426:", checkCount)
print("11-tiny-cnn.md line 427:", lossCheck["dS"])
print("11-tiny-cnn.md line 428:", smallestUpstream)
print("11-tiny-cnn.md line 428:", dS.maxAbs())
print("11-tiny-cnn.md line 430:", chainCheck.names.count)
print("11-tiny-cnn.md line 431:", chainCheck.worst)

// MARK: block 9, 11-tiny-cnn.md line 437
/// How many entries of t, nudged by ±h one at a time, carry an entry of z1 or z2 across zero.
func kinkCrossings(at t: Tensor, h: Double = 1e-5, _ evaluate: (Tensor) -> Pass) -> Int {
    var crossing = 0
    for k in t.scalars.indices {
        var plus = t, minus = t
        plus.scalars[k] += h
        minus.scalars[k] -= h
        let (up, down) = (evaluate(plus), evaluate(minus))
        let before = up.z1.scalars + up.z2.scalars, after = down.z1.scalars + down.z2.scalars
        if before.indices.contains(where: { (before[$0] > 0) != (after[$0] > 0) }) { crossing += 1 }
    }
    return crossing
}
let nudged = [initial.w1, initial.b1, initial.w2, initial.b2, initial.wLin, initial.bLin, xSmall]
    .map(\.count).reduce(0, +)
var crossings = kinkCrossings(at: initial.w1) { v in passWith { $0.w1 = v } }
crossings += kinkCrossings(at: initial.b1) { v in passWith { $0.b1 = v } }
crossings += kinkCrossings(at: initial.w2) { v in passWith { $0.w2 = v } }
crossings += kinkCrossings(at: initial.b2) { v in passWith { $0.b2 = v } }
crossings += kinkCrossings(at: initial.wLin) { v in passWith { $0.wLin = v } }
crossings += kinkCrossings(at: initial.bLin) { v in passWith { $0.bLin = v } }
crossings += kinkCrossings(at: xSmall) { forwardBackward(initial, $0, labelsSmall) }
precondition(crossings == 0, "a nudge of the gradient check crosses a ReLU kink: the check above is not meaningful")
print("11-tiny-cnn.md line 463:", nudged)
print("11-tiny-cnn.md line 463:", crossings)

// MARK: block 10, 11-tiny-cnn.md line 473
var da1ByFormula = [Tensor]()
for n in 0..<checkCount {
    for c in 0..<F1 {
        var total = Tensor(zeros: [side1, side1])
        for f in 0..<F2 {
            total += convolve(atStart.dz2.slice(n).slice(f), initial.w2.slice(f).slice(c), mode: .full)
        }
        da1ByFormula.append(total)
    }
}
let dxFormulaDiff = checkAgreement("da1 by the full convolutions of the dx equation vs convBackward",
                                   Tensor.stack(da1ByFormula).reshaped(atStart.da1.shape), atStart.da1)
var dw1ByFormula = [Tensor]()
for f in 0..<F1 {
    var total = Tensor(zeros: [filterSide, filterSide])
    for n in 0..<checkCount {
        total += crossCorrelate(xSmall.slice(n).slice(0), atStart.dz1.slice(n).slice(f), mode: .valid)
    }
    dw1ByFormula.append(total)
}
let dwFormulaDiff = checkAgreement("dw1 by the cross-correlations of the dw1 equation vs convBackward",
                                   Tensor.stack(dw1ByFormula).reshaped(initial.w1.shape), g.w1)
let fastDiff = checkAgreement("da1 by im2col vs convBackward",
                              convBackwardIm2col(atStart.dz2, relu(atStart.z1), initial.w2).dx, atStart.da1)
print("11-tiny-cnn.md line 500:", max(dxFormulaDiff, dwFormulaDiff))
print("11-tiny-cnn.md line 501:", fastDiff)

// MARK: block 11, 11-tiny-cnn.md line 511
let dw1Unmasked = convBackward(atStart.da1, xSmall, initial.w1).dw
let unmaskedError = relError(dw1Unmasked, numericalGradient(of: { v in scoresWith { $0.w1 = v } }, at: initial.w1, upstream: dS))
let maskedShare = Double(atStart.z1.scalars.filter { $0 <= 0 }.count) / Double(atStart.z1.count)
let probablyWrong = 1e-2    // CS231n's threshold: a relative error above it means the gradient is probably wrong
precondition(unmaskedError > probablyWrong, "dw1 without the first ReLU's mask no longer fails the check")
print("11-tiny-cnn.md line 519:", unmaskedError)
print("11-tiny-cnn.md line 520:", probablyWrong)
print("11-tiny-cnn.md line 522:", 100 * maskedShare)

// MARK: block 12, 11-tiny-cnn.md line 533
/// Images and labels `start ..< start + count` of a set.
func batch(_ set: BarSet, _ start: Int, _ count: Int) -> BarSet {
    let perImage = imageSide * imageSide
    return BarSet(images: Tensor(shape: [count, 1, imageSide, imageSide],
                                 scalars: Array(set.images.scalars[(start * perImage)..<((start + count) * perImage)])),
                  labels: Array(set.labels[start..<(start + count)]),
                  placements: Array(set.placements[start..<(start + count)]))
}

/// How many images the scores classify correctly (the largest score wins).
func correctCount(_ scores: Tensor, _ labels: [Int]) -> Int {
    var correct = 0
    for n in 0..<labels.count {
        var best = 0
        for k in 1..<scores.shape[1] where scores[n, k] > scores[n, best] { best = k }
        if best == labels[n] { correct += 1 }
    }
    return correct
}

let learningRate = 0.3
let batchSize = 30, steps = 200
let batchesPerPass = trainSet.labels.count / batchSize

/// `steps` steps of gradient descent from `start`; the loss of each step's batch.
func train(from start: Parameters, passDx: Bool = true) -> (parameters: Parameters, losses: [Double]) {
    var p = start
    var losses = [Double]()
    for step in 0..<steps {
        let current = batch(trainSet, (step % batchesPerPass) * batchSize, batchSize)
        let result = forwardBackward(p, current.images, current.labels, passDx: passDx)
        losses.append(result.loss)
        p.w1 -= learningRate * result.gradients.w1
        p.b1 -= learningRate * result.gradients.b1
        p.w2 -= learningRate * result.gradients.w2
        p.b2 -= learningRate * result.gradients.b2
        p.wLin -= learningRate * result.gradients.wLin
        p.bLin -= learningRate * result.gradients.bLin
    }
    return (p, losses)
}
let trained = train(from: initial)
let params = trained.parameters, losses = trained.losses
print("11-tiny-cnn.md line 579:", learningRate)
print("11-tiny-cnn.md line 580:", trainSet.labels.count)
print("11-tiny-cnn.md line 580:", batchesPerPass)
print("11-tiny-cnn.md line 581:", batchSize)
print("11-tiny-cnn.md line 581:", steps)
print("11-tiny-cnn.md line 582:", steps / batchesPerPass)

// MARK: block 13, 11-tiny-cnn.md line 585
showPlot(x: (1...steps).map(Double.init), series: [(name: "loss of the step's batch", values: losses)],
         xLabel: "step", yLabel: "softmax cross-entropy loss", logY: true,
         "Training loss, one point per step (batches of \(batchSize) in a fixed order of \(batchesPerPass))")
let firstPass = losses.prefix(batchesPerPass).reduce(0, +) / Double(batchesPerPass)
let lastPass = losses.suffix(batchesPerPass).reduce(0, +) / Double(batchesPerPass)
precondition(losses[0] > log(3.0) && losses[0] < log(3.0) + 0.2, "the first loss is no longer a little above ln 3")
precondition(lastPass < firstPass / 10, "the loss no longer falls by more than a factor of 10")
print("11-tiny-cnn.md line 595:", losses[0])
print("11-tiny-cnn.md line 596:", log(3.0))
print("11-tiny-cnn.md line 598:", firstPass)
print("11-tiny-cnn.md line 599:", lastPass)
print("11-tiny-cnn.md line 600:", firstPass / lastPass)
print("11-tiny-cnn.md line 602:", batchesPerPass)

// MARK: block 14, 11-tiny-cnn.md line 607
func evaluate(_ p: Parameters, _ set: BarSet) -> (correct: Int, loss: Double) {
    let result = forwardBackward(p, set.images, set.labels)
    return (correctCount(result.scores, set.labels), result.loss)
}
let trainBefore = evaluate(initial, trainSet), trainAfter = evaluate(params, trainSet)
let testBefore = evaluate(initial, testSet), testAfter = evaluate(params, testSet)
let heldOutBefore = evaluate(initial, heldOutSet), heldOutAfter = evaluate(params, heldOutSet)
let setNames = ["training", "test", "held-out"]
let setSizes = [trainSet.labels.count, testSet.labels.count, heldOutSet.labels.count]
let before = [trainBefore, testBefore, heldOutBefore], after = [trainAfter, testAfter, heldOutAfter]
var accuracyRows = [[Any]]()
for k in 0..<3 {
    let row: [Any] = [setNames[k], setSizes[k], before[k].correct, before[k].loss, after[k].correct, after[k].loss]
    accuracyRows.append(row)
}
showTable(["", "images", "correct before training", "loss before", "correct after training", "loss after"], accuracyRows)
let fraction = { (correct: Int, count: Int) in Double(correct) / Double(count) }
let testAccuracy = fraction(testAfter.correct, testSet.labels.count)
let heldOutAccuracy = fraction(heldOutAfter.correct, heldOutSet.labels.count)
precondition((0.2...0.5).contains(fraction(trainBefore.correct, trainSet.labels.count)),
             "before training the network is no longer near the third that guessing gets")
precondition(testAccuracy > 0.85, "the trained network no longer gets more than 85 % of the test images right")
precondition(testAccuracy < fraction(trainAfter.correct, trainSet.labels.count),
             "the test accuracy is no longer below the training accuracy")
print("11-tiny-cnn.md line 634:", trainBefore.correct)
print("11-tiny-cnn.md line 635:", trainSet.labels.count)
print("11-tiny-cnn.md line 636:", steps)
print("11-tiny-cnn.md line 637:", trainAfter.correct)
print("11-tiny-cnn.md line 637:", testSet.labels.count)
print("11-tiny-cnn.md line 638:", testAfter.correct)
print("11-tiny-cnn.md line 639:", 100 * testAccuracy)
print("11-tiny-cnn.md line 641:", trainSet.labels.count)
print("11-tiny-cnn.md line 643:", heldOutAfter.correct)
print("11-tiny-cnn.md line 643:", heldOutSet.labels.count)
print("11-tiny-cnn.md line 644:", 100 * heldOutAccuracy)

// MARK: block 15, 11-tiny-cnn.md line 650
/// One start, and what training made of it.
struct Run {
    let seed: UInt64
    let start: Parameters
    let trained: Parameters
}
let runSeeds: [UInt64] = [initialSeed, 21, 31, 41, 51]
var runs = [Run]()
for seed in runSeeds {
    let start = initialParameters(seed: seed)
    runs.append(Run(seed: seed, start: start, trained: seed == initialSeed ? params : train(from: start).parameters))
}
var untrainedTest = [Int](), trainedTest = [Int](), untrainedHeldOut = [Int](), trainedHeldOut = [Int]()
var untrainedLoss = [Double](), trainedLoss = [Double]()
var runRows = [[Any]]()
for run in runs {
    untrainedLoss.append(evaluate(run.start, trainSet).loss)
    trainedLoss.append(evaluate(run.trained, trainSet).loss)
    untrainedTest.append(evaluate(run.start, testSet).correct)
    trainedTest.append(evaluate(run.trained, testSet).correct)
    untrainedHeldOut.append(evaluate(run.start, heldOutSet).correct)
    trainedHeldOut.append(evaluate(run.trained, heldOutSet).correct)
    let row: [Any] = ["seed \(run.seed)", untrainedLoss.last!, trainedLoss.last!, untrainedTest.last!, trainedTest.last!,
                      untrainedHeldOut.last!, trainedHeldOut.last!]
    runRows.append(row)
}
showTable(["start", "training loss: untrained", "training loss: trained", "test: untrained", "test: trained",
           "held-out: untrained", "held-out: trained"], runRows,
          "loss on the \(trainSet.labels.count) training images, and images classified correctly, of \(testSet.labels.count) test and \(heldOutSet.labels.count) held-out, before and after \(steps) steps")
let runCount = runs.count
precondition(runCount >= 5, "fewer than five starts")
precondition(runs.indices.allSatisfy { trainedLoss[$0] < untrainedLoss[$0] / 10 },
             "some start's training loss no longer falls by more than a factor of 10")
precondition(runs.indices.allSatisfy { trainedTest[$0] > untrainedTest[$0] && trainedHeldOut[$0] > untrainedHeldOut[$0] },
             "some trained network no longer beats its untrained start on the test or held-out images")
precondition(trainedHeldOut.max()! < trainedTest.min()!,
             "some trained network no longer does worse on the held-out placements than every one does on the test images")
print("11-tiny-cnn.md line 690:", runCount)
print("11-tiny-cnn.md line 691:", untrainedLoss.min()!)
print("11-tiny-cnn.md line 692:", untrainedLoss.max()!)
print("11-tiny-cnn.md line 692:", trainedLoss.min()!)
print("11-tiny-cnn.md line 693:", trainedLoss.max()!)
print("11-tiny-cnn.md line 694:", untrainedTest.min()!)
print("11-tiny-cnn.md line 694:", untrainedTest.max()!)
print("11-tiny-cnn.md line 695:", trainedTest.min()!)
print("11-tiny-cnn.md line 695:", trainedTest.max()!)
print("11-tiny-cnn.md line 697:", untrainedHeldOut.min()!)
print("11-tiny-cnn.md line 697:", untrainedHeldOut.max()!)
print("11-tiny-cnn.md line 698:", trainedHeldOut.min()!)
print("11-tiny-cnn.md line 698:", trainedHeldOut.max()!)

// MARK: block 16, 11-tiny-cnn.md line 714
var comparisonRows = [[Any]]()
var gains = [Int](), withoutDx = [Parameters](), withoutTest = [Int]()
for (k, run) in runs.enumerated() {
    let without = train(from: run.start, passDx: false).parameters
    precondition(without.w1 == run.start.w1 && without.b1 == run.start.b1, "without dx the first layer moved")
    withoutDx.append(without)
    withoutTest.append(evaluate(without, testSet).correct)
    gains.append(trainedTest[k] - withoutTest[k])
    comparisonRows.append(["seed \(run.seed)", trainedTest[k], withoutTest[k], gains[k]])
}
showTable(["start", "test correct, with dx", "test correct, dx dropped", "difference"], comparisonRows,
          "test images classified correctly (of \(testSet.labels.count)) after \(steps) steps, with and without the second layer's dx")
let withTotal = trainedTest.reduce(0, +), withoutTotal = withoutTest.reduce(0, +)
let worstWithout = withoutTest.min()!
precondition(gains.allSatisfy { $0 > 0 }, "passing dx no longer helps from every start")
precondition(3 * worstWithout > 2 * testSet.labels.count, "without dx some run no longer gets two thirds of the test set right")
precondition(worstWithout > untrainedTest.max()!, "without dx some run no longer beats every untrained network")
print("11-tiny-cnn.md line 734:", gains.count)
print("11-tiny-cnn.md line 735:", gains.min()!)
print("11-tiny-cnn.md line 736:", gains.max()!)
print("11-tiny-cnn.md line 736:", withTotal)
print("11-tiny-cnn.md line 737:", withoutTotal)
print("11-tiny-cnn.md line 739:", trainSet.labels.count)
print("11-tiny-cnn.md line 741:", gains.count)
print("11-tiny-cnn.md line 742:", worstWithout)
print("11-tiny-cnn.md line 742:", testSet.labels.count)
print("11-tiny-cnn.md line 744:", untrainedTest.max()!)
print("11-tiny-cnn.md line 745:", filterSide)
print("11-tiny-cnn.md line 745:", filterSide)
print("11-tiny-cnn.md line 748:", runCount)

// MARK: block 17, 11-tiny-cnn.md line 767
let barsOnly = makeBars(count: testSet.labels.count, seed: testSeed, noise: 0, parity: 0)
precondition(barsOnly.placements == testSet.placements, "the noiseless copy puts its bars elsewhere")
var misreadSentences = [String]()
var saliencyChecks = [(name: String, analytic: Tensor, numeric: Tensor)]()
var saliencyCrossings = 0
var shownRows = [[Any]]()
var peakSizes = [Double]()
for n in 0..<classes {
    let image = batch(testSet, n, 1)
    let pass = forwardBackward(params, image.images, image.labels)
    let predicted = (0..<classes).max { pass.scores[0, $0] < pass.scores[0, $1] }!   // the largest score wins
    let dx = pass.dx.slice(0).slice(0)
    show(image.images.slice(0).slice(0), "test image \(n): a \(classNames[image.labels[0]]) bar", heatmap: true)
    show(dx, "dx of its loss: the saliency map", heatmap: true)
    let peak = dx.scalars.indices.max { abs(dx.scalars[$0]) < abs(dx.scalars[$1]) }!
    let (peakRow, peakColumn) = (peak / imageSide, peak % imageSide)
    let peakOnBar = barsOnly.images[n, 0, peakRow, peakColumn] > 0.5
    peakSizes.append(abs(dx[peakRow, peakColumn]))
    shownRows.append(["test image \(n)", classNames[image.labels[0]], classNames[predicted], pass.loss,
                      dx[peakRow, peakColumn], "(\(peakRow), \(peakColumn)), " + (peakOnBar ? "on the bar" : "off the bar")])
    if predicted != image.labels[0] {
        misreadSentences.append("It misreads test image \(n) as a \(classNames[predicted]) bar. That image's map "
            + "peaks at pixel (\(peakRow), \(peakColumn)) with dx = \(fmt(dx[peakRow, peakColumn])), "
            + (peakOnBar ? "a pixel of the bar that the noise left only \(fmt(image.images[0, 0, peakRow, peakColumn])) bright"
                         : "a pixel off the bar")
            + ": of all its pixels, this is the one whose "
            + (dx[peakRow, peakColumn] < 0 ? "brightening" : "darkening") + " would lower the loss fastest.")
    }
    // The map is a gradient like any other: check it, and that no nudge crossed a kink.
    let dSOfImage = softmaxCrossEntropyLoss(pass.scores, labels: image.labels).gradient
    saliencyChecks.append(("dx, test image \(n)", pass.dx,
                           numericalGradient(of: { forwardBackward(params, $0, image.labels).scores },
                                             at: image.images, upstream: dSOfImage)))
    saliencyCrossings += kinkCrossings(at: image.images) { forwardBackward(params, $0, image.labels) }
}
showTable(["", "bar", "classified as", "loss", "dx at the peak of |dx|", "the peak's pixel"], shownRows)
let saliencyCheck = checkGradients(saliencyChecks[0], saliencyChecks[1], saliencyChecks[2])
precondition(saliencyCrossings == 0, "a nudge of the saliency check crosses a ReLU kink")
precondition(peakSizes.max()! > 10 * peakSizes.min()!, "the three maps no longer differ in size by more than a factor of 10")
let misreadText = misreadSentences.isEmpty ? "It reads all three correctly." : misreadSentences.joined(separator: " ")
print("11-tiny-cnn.md line 812:", classes)
print("11-tiny-cnn.md line 812:", saliencyCrossings)
print("11-tiny-cnn.md line 813:", saliencyCheck.worst)
print("11-tiny-cnn.md line 815:", misreadText)

// MARK: block 18, 11-tiny-cnn.md line 828
/// Over the test set's saliency maps under p: in how many images the peak of |dx| lies on the bar,
/// the mean |dx| is larger on the bar than off it, and dx is negative on more than half the bar's pixels.
func saliencyCounts(_ p: Parameters) -> [Int] {
    let everyMap = forwardBackward(p, testSet.images, testSet.labels).dx
    let pixels = imageSide * imageSide
    var peakOnBar = 0, strongerOnBar = 0, mostlyNegative = 0
    for n in 0..<testSet.labels.count {
        let dx = Array(everyMap.scalars[(n * pixels)..<((n + 1) * pixels)])
        let bar = Array(barsOnly.images.scalars[(n * pixels)..<((n + 1) * pixels)]).map { $0 > 0.5 }
        let peak = dx.indices.max { abs(dx[$0]) < abs(dx[$1]) }!
        if bar[peak] { peakOnBar += 1 }
        let on = dx.indices.filter { bar[$0] }, off = dx.indices.filter { !bar[$0] }
        precondition(on.count == barLength, "image \(n) does not have \(barLength) bar pixels")
        let meanOn = on.map { abs(dx[$0]) }.reduce(0, +) / Double(on.count)
        let meanOff = off.map { abs(dx[$0]) }.reduce(0, +) / Double(off.count)
        if meanOn > meanOff { strongerOnBar += 1 }
        if on.filter({ dx[$0] < 0 }).count > barLength / 2 { mostlyNegative += 1 }
    }
    return [peakOnBar, strongerOnBar, mostlyNegative]
}
let questions = ["peak of |dx| on the bar", "mean |dx| larger on the bar", "dx negative on most of the bar"]
let untrainedCounts = runs.map { saliencyCounts($0.start) }
let withoutDxCounts = withoutDx.map { saliencyCounts($0) }
let trainedCounts = runs.map { saliencyCounts($0.trained) }
var saliencyRows = [[Any]]()
for (k, run) in runs.enumerated() {
    var row: [Any] = ["seed \(run.seed)"]
    for q in 0..<3 {
        row.append(untrainedCounts[k][q])
        row.append(withoutDxCounts[k][q])
        row.append(trainedCounts[k][q])
    }
    saliencyRows.append(row)
}
var saliencyHeader = ["start"]
for question in questions {
    saliencyHeader.append("\(question): untrained")
    saliencyHeader.append("dx dropped")
    saliencyHeader.append("trained")
}
showTable(saliencyHeader, saliencyRows, "test images (of \(testSet.labels.count)) whose saliency map answers yes, for each start")
/// Column q of a list of counts, summed over the starts.
func total(_ counts: [[Int]], _ q: Int) -> Int { counts.map { $0[q] }.reduce(0, +) }
let testCount = testSet.labels.count
let (peakOnBar, strongerOnBar, mostlyNegative) = (trainedCounts[0][0], trainedCounts[0][1], trainedCounts[0][2])
for q in 0..<3 {
    precondition(runs.indices.allSatisfy { trainedCounts[$0][q] > untrainedCounts[$0][q] },
                 "\(questions[q]): some trained network no longer beats its untrained start")
    precondition(total(untrainedCounts, q) < total(withoutDxCounts, q) && total(withoutDxCounts, q) < total(trainedCounts, q),
                 "\(questions[q]): the totals are no longer ordered untrained < dx dropped < trained")
}
precondition(trainedCounts.allSatisfy { 2 * $0[1] > testCount && 2 * $0[2] > testCount },
             "some trained network no longer answers yes to the last two questions in most test images")
precondition(untrainedCounts.allSatisfy { 2 * $0[1] > testCount },
             "some untrained network's |dx| is no longer larger on the bar in most test images")
// Per start, for each question: does untrained < dx dropped < trained hold?
let orderedStarts = (0..<3).map { q in
    runs.indices.filter { untrainedCounts[$0][q] < withoutDxCounts[$0][q] && withoutDxCounts[$0][q] < trainedCounts[$0][q] }.count
}
precondition(orderedStarts.contains { $0 < runCount }, "every start is now ordered on every question: the text below needs rewriting")
print("11-tiny-cnn.md line 892:", barLength)
print("11-tiny-cnn.md line 892:", peakOnBar)
print("11-tiny-cnn.md line 893:", testCount)
print("11-tiny-cnn.md line 894:", untrainedCounts.map { $0[0] }.min()!)
print("11-tiny-cnn.md line 895:", untrainedCounts.map { $0[0] }.max()!)
print("11-tiny-cnn.md line 896:", runCount)
print("11-tiny-cnn.md line 898:", strongerOnBar)
print("11-tiny-cnn.md line 900:", untrainedCounts.map { $0[1] }.min()!)
print("11-tiny-cnn.md line 901:", untrainedCounts.map { $0[1] }.max()!)
print("11-tiny-cnn.md line 906:", mostlyNegative)
print("11-tiny-cnn.md line 906:", testCount)
print("11-tiny-cnn.md line 909:", untrainedCounts.map { $0[2] }.min()!)
print("11-tiny-cnn.md line 910:", untrainedCounts.map { $0[2] }.max()!)
print("11-tiny-cnn.md line 911:", runCount)
print("11-tiny-cnn.md line 913:", total(untrainedCounts, 0))
print("11-tiny-cnn.md line 913:", total(withoutDxCounts, 0))
print("11-tiny-cnn.md line 914:", total(trainedCounts, 0))
print("11-tiny-cnn.md line 917:", orderedStarts[0])
print("11-tiny-cnn.md line 918:", orderedStarts[1])
print("11-tiny-cnn.md line 918:", orderedStarts[2])
print("11-tiny-cnn.md line 919:", runCount)
print("11-tiny-cnn.md line 923:", peakSizes.max()! / peakSizes.min()!)

// MARK: block 19, 11-tiny-cnn.md line 943
show(initial.w1, "the first layer's filters before training", heatmap: true)
show(params.w1, "the first layer's filters after training", heatmap: true)
print("11-tiny-cnn.md line 951:", filterSide)

// MARK: block 20, 11-tiny-cnn.md line 957
/// Every placement of every kind of bar, without noise: the images and their labels.
let everyBar: (images: Tensor, labels: [Int]) = {
    let room = imageSide - barLength + 1
    var placements = [[Int]]()
    for label in 0..<3 {
        let (rowChoices, columnChoices) = [(imageSide, room), (room, imageSide), (room, room)][label]
        for r in 0..<rowChoices {
            for c in 0..<columnChoices { placements.append([label, r, c]) }
        }
    }
    var images = Tensor(zeros: [placements.count, 1, imageSide, imageSide])
    for (n, placement) in placements.enumerated() {
        let (label, r, c) = (placement[0], placement[1], placement[2])
        for t in 0..<barLength {
            let (i, j) = [(r, c + t), (r + t, c), (r + t, c + t)][label]
            images[n, 0, i, j] = 1
        }
    }
    return (images, placements.map { $0[0] })
}()
/// For each filter of w (with biases b): its largest ReLU output for each kind of clean bar, the kind it answers
/// to most (the first, on a tie), and every kind that ties for the most.
func barResponses(_ w: Tensor, _ b: Tensor) -> (largest: [[Double]], preferred: [Int], strongest: [[Int]]) {
    let responses = relu(convForward(everyBar.images, w, b))   // (placements, filters, side1, side1)
    var largest = [[Double]](), preferred = [Int](), strongest = [[Int]]()
    for f in 0..<w.shape[0] {
        var perBar = [Double](repeating: 0, count: 3)
        for n in everyBar.labels.indices {
            perBar[everyBar.labels[n]] = max(perBar[everyBar.labels[n]], responses.slice(n).slice(f).max())
        }
        largest.append(perBar)
        preferred.append(perBar.indices.max { perBar[$0] < perBar[$1] }!)
        strongest.append(perBar.indices.filter { perBar[$0] == perBar.max()! })
    }
    return (largest, preferred, strongest)
}

struct Line {
    let name: String
    let runsLike: String      // the kind of bar a line of this direction belongs to
    let taps: [(Int, Int)]
}
let lines: [Line] = {
    var all = [Line]()
    for r in 0..<filterSide {
        all.append(Line(name: "row \(r)", runsLike: classNames[0], taps: (0..<filterSide).map { (r, $0) }))
    }
    for c in 0..<filterSide {
        all.append(Line(name: "column \(c)", runsLike: classNames[1], taps: (0..<filterSide).map { ($0, c) }))
    }
    all.append(Line(name: "main diagonal", runsLike: classNames[2], taps: (0..<filterSide).map { ($0, $0) }))
    all.append(Line(name: "other diagonal", runsLike: "none", taps: (0..<filterSide).map { ($0, filterSide - 1 - $0) }))
    return all
}()

/// For each filter of w: the index in `lines` of its line of taps with the largest sum, and that line's weights.
func heaviestLines(_ w: Tensor) -> [(line: Int, weights: [Double])] {
    (0..<w.shape[0]).map { f in
        let weights = lines.map { line in line.taps.map { w[f, 0, $0.0, $0.1] } }
        let sums = weights.map { $0.reduce(0, +) }
        let heaviest = sums.indices.max { sums[$0] < sums[$1] }!
        return (heaviest, weights[heaviest])
    }
}
/// The template test, for each filter of w: it answers most to one kind of bar (no tie), its heaviest line runs like
/// that kind, and all that line's weights are positive.
func templateTest(_ w: Tensor, _ b: Tensor) -> [Bool] {
    let strongest = barResponses(w, b).strongest
    return heaviestLines(w).enumerated().map { f, heaviest in
        strongest[f].count == 1 && lines[heaviest.line].runsLike == classNames[strongest[f][0]]
            && heaviest.weights.allSatisfy { $0 > 0 }
    }
}

let (largest, _, strongest) = barResponses(params.w1, params.b1)
let heaviest = heaviestLines(params.w1)
let isTemplate = templateTest(params.w1, params.b1)
var filterRows = [[Any]]()
for f in 0..<F1 {
    let line = lines[heaviest[f].line]
    let allPositive: String = heaviest[f].weights.allSatisfy { $0 > 0 } ? "yes" : "no"
    let template: String = isTemplate[f] ? "yes" : "no"
    var row: [Any] = ["filter \(f)"]
    for response in largest[f] { row.append(response) }
    let strongestFor = strongest[f].count == 1 ? classNames[strongest[f][0]]
                                               : "tie: " + strongest[f].map { classNames[$0] }.joined(separator: " = ")
    let described: [Any] = [strongestFor, line.name, line.runsLike, allPositive, template]
    filterRows.append(row + described)
}
showTable(["", "horizontal bar", "vertical bar", "diagonal bar", "strongest for",
           "heaviest line", "runs like a bar", "its weights all positive", "template"], filterRows,
          "the first layer after training: largest ReLU output for a clean bar, and the line of taps with the largest sum")
/// "filters 0 and 2" for [0, 2].
func filterList(_ fs: [Int]) -> String {
    let names = fs.map(String.init)
    let joined = names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    return (fs.count == 1 ? "filter " : "filters ") + joined
}
let preferenceSummary = (0..<3).compactMap { k -> String? in
    let fs = (0..<F1).filter { strongest[$0] == [k] }
    return fs.isEmpty ? nil : "\(classNames[k]) bars (\(filterList(fs)))"
}.joined(separator: "; ")
let tiedFilters = (0..<F1).filter { strongest[$0].count > 1 }
let tieSummary = tiedFilters.isEmpty ? "" : "; \(filterList(tiedFilters)) \(tiedFilters.count == 1 ? "answers" : "answer") equally to more than one kind"
let kindsCovered = Set((0..<F1).filter { strongest[$0].count == 1 }.map { strongest[$0][0] }).count
let templateCount = isTemplate.filter { $0 }.count
print("11-tiny-cnn.md line 1066:", preferenceSummary + tieSummary)
print("11-tiny-cnn.md line 1067:", kindsCovered)
print("11-tiny-cnn.md line 1068:", templateCount)
print("11-tiny-cnn.md line 1068:", F1)
print("11-tiny-cnn.md line 1070:", runCount)

// MARK: block 21, 11-tiny-cnn.md line 1076
/// For each filter of w: the largest cosine similarity between its taps and a bar-like line of taps, both centred.
func lineLikeness(_ w: Tensor) -> [Double] {
    let tapCount = filterSide * filterSide
    /// v minus its mean.
    func centred(_ v: [Double]) -> [Double] {
        let mean = v.reduce(0, +) / Double(v.count)
        return v.map { $0 - mean }
    }
    func dot(_ u: [Double], _ v: [Double]) -> Double { zip(u, v).map { $0 * $1 }.reduce(0, +) }
    let patterns = lines.filter { $0.runsLike != "none" }.map { line -> [Double] in
        var pattern = [Double](repeating: 0, count: tapCount)
        for (a, b) in line.taps { pattern[a * filterSide + b] = 1 }
        return centred(pattern)
    }
    return (0..<w.shape[0]).map { f in
        let taps = centred(w.slice(f).slice(0).scalars)
        let similarities = patterns.map { dot(taps, $0) / (dot(taps, taps) * dot($0, $0)).squareRoot() }
        return similarities.max()!
    }
}
func average(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
/// How many kinds of bar some filter of w answers to most, without a tie.
func kindsCoveredBy(_ w: Tensor, _ b: Tensor) -> Int {
    let strongestKinds = barResponses(w, b).strongest.filter { $0.count == 1 }.map { $0[0] }
    return Set(strongestKinds).count
}
var untrainedKinds = [Int](), trainedKinds = [Int]()
var untrainedTemplates = [Int](), trainedTemplates = [Int]()
var untrainedLikeness = [Double](), trainedLikeness = [Double]()
var templateRows = [[Any]]()
for run in runs {
    untrainedKinds.append(kindsCoveredBy(run.start.w1, run.start.b1))
    trainedKinds.append(kindsCoveredBy(run.trained.w1, run.trained.b1))
    untrainedTemplates.append(templateTest(run.start.w1, run.start.b1).filter { $0 }.count)
    trainedTemplates.append(templateTest(run.trained.w1, run.trained.b1).filter { $0 }.count)
    untrainedLikeness.append(average(lineLikeness(run.start.w1)))
    trainedLikeness.append(average(lineLikeness(run.trained.w1)))
    templateRows.append(["seed \(run.seed)", untrainedKinds.last!, trainedKinds.last!, untrainedTemplates.last!,
                         trainedTemplates.last!, untrainedLikeness.last!, trainedLikeness.last!])
}
showTable(["start", "kinds covered: untrained", "kinds covered: trained", "templates: untrained", "templates: trained",
           "likeness: untrained", "likeness: trained"], templateRows,
          "the first layer before and after training: kinds of bar (of \(classNames.count)) its filters answer to most, filters (of \(F1)) passing the template test, and their mean cosine similarity to a line")
let (untrainedKindTotal, trainedKindTotal) = (untrainedKinds.reduce(0, +), trainedKinds.reduce(0, +))
precondition(trainedKinds[0] == kindsCovered, "the table's first row no longer matches the chapter's network")
precondition(untrainedKinds[0] == kindsCovered && 5 * untrainedKindTotal >= 4 * trainedKindTotal,
             "the untrained layers no longer cover about as many kinds as the trained: the text below needs rewriting")
let filtersInAll = F1 * runCount
let (untrainedTemplateTotal, trainedTemplateTotal) = (untrainedTemplates.reduce(0, +), trainedTemplates.reduce(0, +))
let notRaised = runs.indices.filter { trainedTemplates[$0] <= untrainedTemplates[$0] }.count
precondition(4 * untrainedTemplateTotal >= filtersInAll && notRaised > 0,
             "training now raises the number of templates from every start: the text below needs rewriting")
precondition(trainedTemplateTotal > untrainedTemplateTotal && trainedTemplateTotal < 2 * untrainedTemplateTotal,
             "the trained filters no longer pass the template test more often, but less than twice as often, as the untrained")
precondition(runs.indices.allSatisfy { trainedLikeness[$0] > untrainedLikeness[$0] },
             "from some start the trained filters no longer look more like a line than the untrained ones")
precondition(trainedLikeness.max()! < 0.9, "some trained first layer is now close to exact lines: the text below needs rewriting")
print("11-tiny-cnn.md line 1137:", untrainedKinds[0])
print("11-tiny-cnn.md line 1138:", runCount)
print("11-tiny-cnn.md line 1139:", untrainedKindTotal)
print("11-tiny-cnn.md line 1139:", trainedKindTotal)
print("11-tiny-cnn.md line 1140:", untrainedTemplateTotal)
print("11-tiny-cnn.md line 1141:", filtersInAll)
print("11-tiny-cnn.md line 1141:", runCount)
print("11-tiny-cnn.md line 1142:", trainedTemplateTotal)
print("11-tiny-cnn.md line 1143:", notRaised)
print("11-tiny-cnn.md line 1144:", filterSide * filterSide)
print("11-tiny-cnn.md line 1147:", filtersInAll)
print("11-tiny-cnn.md line 1150:", runCount)
print("11-tiny-cnn.md line 1151:", untrainedLikeness.min()!)
print("11-tiny-cnn.md line 1152:", untrainedLikeness.max()!)
print("11-tiny-cnn.md line 1153:", trainedLikeness.min()!)
print("11-tiny-cnn.md line 1153:", trainedLikeness.max()!)
print("11-tiny-cnn.md line 1166:", filterSide * filterSide)

// MARK: block 22, 11-tiny-cnn.md line 1169
let explored = (0..<F1).filter { strongest[$0] == [2] }.max { largest[$0][2] < largest[$1][2] }
precondition(explored != nil, "no first-layer filter answers most to diagonal bars any more")
let diagonalFilter = explored!
let cleanBars = makeBars(count: 3, seed: 7, noise: 0, parity: 0)
precondition(cleanBars.placements.allSatisfy { seenPlacements.contains($0) }, "a clean bar lies where no training bar did")
let diagonalImage = batch(cleanBars, 2, 1)
let diagonalPass = forwardBackward(params, diagonalImage.images, diagonalImage.labels)
precondition(diagonalPass.loss < log(3.0) / 100, "the clean diagonal bar's loss is no longer below a hundredth of ln 3")
let dyOfFilter = diagonalPass.dz1.slice(0).slice(diagonalFilter).reshaped([1, 1, side1, side1])
explore(diagonalImage.images, Tensor.stack([params.w1.slice(diagonalFilter)]), Tensor(vector: [params.b1[diagonalFilter]]),
        dy: dyOfFilter, label: "diagonal-detector")
// Where y peaks, and whether the filter's main diagonal lies on the bar there.
let yOfFilter = convForward(diagonalImage.images, params.w1, params.b1).slice(0).slice(diagonalFilter)
let peakValue = yOfFilter.scalars.max()!
let peaks = yOfFilter.scalars.indices.filter { yOfFilter.scalars[$0] == peakValue }.map { (row: $0 / side1, column: $0 % side1) }
let barImage = cleanBars.images.slice(2).slice(0)
precondition(peaks.allSatisfy { p in (0..<filterSide).allSatisfy { barImage[p.row + $0, p.column + $0] > 0.5 } },
             "at a peak of y, the filter's main diagonal no longer lies on the bar")
let peakList = peaks.map { "(\($0.row), \($0.column))" }.joined(separator: " and ")
let peakWords = peaks.count == 1 ? "at \(peakList), a window whose main diagonal lies"
                                 : "at \(peakList), tied (the same value, to the last bit), windows whose main diagonals each lie"
// The explorer's dx is this filter's share of the image's saliency map; the shares add up to the map.
var shares = Tensor(zeros: diagonalImage.images.shape)
for f in 0..<F1 {
    shares += convBackward(diagonalPass.dz1.slice(0).slice(f).reshaped([1, 1, side1, side1]),
                           diagonalImage.images, Tensor.stack([params.w1.slice(f)])).dx
}
let sharesDiff = checkAgreement("the filters' shares of dx vs the image's dx", shares, diagonalPass.dx)
print("11-tiny-cnn.md line 1200:", diagonalFilter)
print("11-tiny-cnn.md line 1201:", peakWords)
print("11-tiny-cnn.md line 1201:", filterSide)
print("11-tiny-cnn.md line 1202:", dyOfFilter.maxAbs())
print("11-tiny-cnn.md line 1203:", diagonalPass.loss)
print("11-tiny-cnn.md line 1207:", F1)
print("11-tiny-cnn.md line 1207:", sharesDiff)

// MARK: block 23, 11-tiny-cnn.md line 1218
showRotation(params.w1.slice(diagonalFilter).slice(0),
             "Filter \(diagonalFilter) as trained, and as a true convolution would apply it")
var turned = params
turned.w1 = rotate180(params.w1)
turned.w2 = rotate180(params.w2)
let testTurned = evaluate(turned, testSet)
precondition(barResponses(turned.w1, turned.b1).strongest == strongest,
             "a turned first-layer filter no longer answers most to the same kind of bar")
precondition(testTurned.correct < testAfter.correct, "turning the filters no longer costs test accuracy")
print("11-tiny-cnn.md line 1231:", testTurned.correct)
print("11-tiny-cnn.md line 1231:", testSet.labels.count)
print("11-tiny-cnn.md line 1232:", testAfter.correct)
print("11-tiny-cnn.md line 1250:", runCount)
print("11-tiny-cnn.md line 1251:", trainSet.labels.count)
print("11-tiny-cnn.md line 1252:", untrainedLoss.min()!)
print("11-tiny-cnn.md line 1252:", untrainedLoss.max()!)
print("11-tiny-cnn.md line 1253:", trainedLoss.min()!)
print("11-tiny-cnn.md line 1253:", trainedLoss.max()!)
print("11-tiny-cnn.md line 1254:", untrainedTest.min()!)
print("11-tiny-cnn.md line 1255:", untrainedTest.max()!)
print("11-tiny-cnn.md line 1255:", testSet.labels.count)
print("11-tiny-cnn.md line 1256:", trainedTest.min()!)
print("11-tiny-cnn.md line 1256:", trainedTest.max()!)
print("11-tiny-cnn.md line 1258:", untrainedHeldOut.min()!)
print("11-tiny-cnn.md line 1258:", untrainedHeldOut.max()!)
print("11-tiny-cnn.md line 1259:", heldOutSet.labels.count)
print("11-tiny-cnn.md line 1260:", trainedHeldOut.min()!)
print("11-tiny-cnn.md line 1260:", trainedHeldOut.max()!)
print("11-tiny-cnn.md line 1262:", gains.count)
print("11-tiny-cnn.md line 1277:", initial.w1.count)
print("11-tiny-cnn.md line 1278:", initial.b1.count)
print("11-tiny-cnn.md line 1279:", initial.w2.count)
print("11-tiny-cnn.md line 1280:", initial.b2.count)
print("11-tiny-cnn.md line 1281:", initial.wLin.count)
print("11-tiny-cnn.md line 1282:", initial.bLin.count)
print("11-tiny-cnn.md line 1284:", [initial.w1, initial.b1, initial.w2, initial.b2, initial.wLin, initial.bLin].map(\.count).reduce(0, +))
print("11-tiny-cnn.md line 1295:", relu(convForward(relu(convForward(Tensor(zeros: [1, 1, 8, 8]), initial.w1, initial.b1)), initial.w2, initial.b2)).shape)
print("11-tiny-cnn.md line 1297:", convForward(convForward(Tensor(zeros: [1, 1, 8, 8]), initial.w1), initial.w2).count)
print("11-tiny-cnn.md line 1298:", features)
print("11-tiny-cnn.md line 1300:", convForward(convForward(Tensor(zeros: [1, 1, 8, 8]), initial.w1), initial.w2).count * classes)
print("11-tiny-cnn.md line 1315:", kinkCrossings(at: initial.w1, h: 0.1) { v in passWith { $0.w1 = v } })
print("11-tiny-cnn.md line 1316:", initial.w1.count)
print("11-tiny-cnn.md line 1317:", crossings)
print("11-tiny-cnn.md line 1319:", relError(g.w1, numericalGradient(of: { v in scoresWith { $0.w1 = v } }, at: initial.w1, upstream: dS, h: 0.1)))
