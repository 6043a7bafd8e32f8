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

// MARK: block 1, 11-tiny-cnn.md line 27
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// MARK: block 2, 11-tiny-cnn.md line 48
/// `count` images of 6 × 6 (N, 1, 6, 6) with a bar of four pixels at a random place,
/// labels 0 (horizontal), 1 (vertical), 2 (diagonal) in turn, plus noise.
func makeBars(count: Int, seed: UInt64, noise: Double) -> (images: Tensor, labels: [Int]) {
    var positions = SeededNormalGenerator(seed: seed)
    var images = Tensor.randomNormal(shape: [count, 1, 6, 6], seed: seed + 1, standardDeviation: noise)
    var labels = [Int]()
    for n in 0..<count {
        let label = n % 3
        // How many rows and columns the bar's first pixel can start at.
        let (rowChoices, columnChoices) = [(6, 3), (3, 6), (3, 3)][label]
        let r = Int(positions.nextUniform() * Double(rowChoices))
        let c = Int(positions.nextUniform() * Double(columnChoices))
        for t in 0..<4 {
            let (i, j) = [(r, c + t), (r + t, c), (r + t, c + t)][label]
            images[n, 0, i, j] += 1
        }
        labels.append(label)
    }
    return (images, labels)
}
let classNames = ["horizontal", "vertical", "diagonal"]
let trainSet = makeBars(count: 150, seed: 100, noise: 0.25)
let testSet = makeBars(count: 300, seed: 200, noise: 0.25)
for n in 0..<3 {
    show(trainSet.images.slice(n).slice(0), "training image \(n): \(classNames[trainSet.labels[n]])", heatmap: true)
}
print("11-tiny-cnn.md line 79:", Tensor.randomNormal(shape: [150, 1, 6, 6], seed: 101, standardDeviation: 0.25).maxAbs())
print("11-tiny-cnn.md line 81:", trainSet.labels.count)
print("11-tiny-cnn.md line 82:", testSet.labels.count)

// MARK: block 3, 11-tiny-cnn.md line 92
let (imageSide, filterSide, F1, F2, classes) = (6, 3, 4, 4, 3)
let side1 = outputLength(input: imageSide, kernel: filterSide)!   // the first layer's output maps
let side2 = outputLength(input: side1, kernel: filterSide)!       // the second layer's
let features = F2 * side2 * side2                                  // the numbers the linear layer reads per image
let receptiveField = filterSide + (filterSide - 1)                 // how many pixels of x, per side, one entry of z2 sees
print("11-tiny-cnn.md line 100:", imageSide)
print("11-tiny-cnn.md line 100:", imageSide)
print("11-tiny-cnn.md line 103:", F1)
print("11-tiny-cnn.md line 104:", filterSide)
print("11-tiny-cnn.md line 104:", filterSide)
print("11-tiny-cnn.md line 106:", F1)
print("11-tiny-cnn.md line 106:", side1)
print("11-tiny-cnn.md line 106:", side1)
print("11-tiny-cnn.md line 108:", F2)
print("11-tiny-cnn.md line 109:", F1)
print("11-tiny-cnn.md line 109:", filterSide)
print("11-tiny-cnn.md line 109:", filterSide)
print("11-tiny-cnn.md line 112:", F2)
print("11-tiny-cnn.md line 112:", side2)
print("11-tiny-cnn.md line 112:", side2)
print("11-tiny-cnn.md line 114:", receptiveField)
print("11-tiny-cnn.md line 114:", receptiveField)
print("11-tiny-cnn.md line 118:", features)
print("11-tiny-cnn.md line 118:", features)
print("11-tiny-cnn.md line 119:", classes)
print("11-tiny-cnn.md line 121:", features)
print("11-tiny-cnn.md line 121:", classes)
print("11-tiny-cnn.md line 122:", classes)
print("11-tiny-cnn.md line 157:", F2)
print("11-tiny-cnn.md line 157:", side2)
print("11-tiny-cnn.md line 157:", side2)

// MARK: block 4, 11-tiny-cnn.md line 190
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

// MARK: block 5, 11-tiny-cnn.md line 235
let aCheck = Tensor.randomNormal(shape: [5, 7], seed: 1)
let wCheck = Tensor.randomNormal(shape: [7, 3], seed: 2)
let bCheck = Tensor.randomNormal(shape: [3], seed: 3)
let dsCheck = Tensor.randomNormal(shape: [5, 3], seed: 4)
let linearGrads = linearBackward(dsCheck, aCheck, wCheck)
let linearCheck = checkGradients(
    ("dA", linearGrads.dA, numericalGradient(of: { linearForward($0, wCheck, bCheck) }, at: aCheck, upstream: dsCheck)),
    ("dW_lin", linearGrads.dW, numericalGradient(of: { linearForward(aCheck, $0, bCheck) }, at: wCheck, upstream: dsCheck)),
    ("db_lin", linearGrads.db, numericalGradient(of: { linearForward(aCheck, wCheck, $0) }, at: bCheck, upstream: dsCheck)))
print("11-tiny-cnn.md line 247:", linearCheck.worst)

// MARK: block 6, 11-tiny-cnn.md line 257
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
print("11-tiny-cnn.md line 307:", filterSide * filterSide)
print("11-tiny-cnn.md line 308:", F1 * filterSide * filterSide)
print("11-tiny-cnn.md line 309:", features)

// MARK: block 7, 11-tiny-cnn.md line 314
func initialParameters(seed: UInt64) -> Parameters {
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

// MARK: block 8, 11-tiny-cnn.md line 343
let xSmall = Tensor(shape: [6, 1, imageSide, imageSide],
                    scalars: Array(trainSet.images.scalars[0..<(6 * imageSide * imageSide)]))
let labelsSmall = Array(trainSet.labels[0..<6])
let atStart = forwardBackward(initial, xSmall, labelsSmall)
let dS = softmaxCrossEntropyLoss(atStart.scores, labels: labelsSmall).gradient
let lossCheck = checkGradients(
    ("dS", dS, numericalGradient(ofScalar: { softmaxCrossEntropyLoss($0, labels: labelsSmall).loss }, at: atStart.scores)))

/// The pass over the six images when one parameter is replaced.
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
print("11-tiny-cnn.md line 370:", lossCheck["dS"])
print("11-tiny-cnn.md line 371:", chainCheck.names.count)
print("11-tiny-cnn.md line 372:", chainCheck.worst)

// MARK: block 9, 11-tiny-cnn.md line 378
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
print("11-tiny-cnn.md line 404:", nudged)
print("11-tiny-cnn.md line 404:", crossings)

// MARK: block 10, 11-tiny-cnn.md line 414
var da1ByFormula = [Tensor]()
for n in 0..<6 {
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
    for n in 0..<6 {
        total += crossCorrelate(xSmall.slice(n).slice(0), atStart.dz1.slice(n).slice(f), mode: .valid)
    }
    dw1ByFormula.append(total)
}
let dwFormulaDiff = checkAgreement("dw1 by the cross-correlations of the dw1 equation vs convBackward",
                                   Tensor.stack(dw1ByFormula).reshaped(initial.w1.shape), g.w1)
let fastDiff = checkAgreement("da1 by im2col vs convBackward",
                              convBackwardIm2col(atStart.dz2, relu(atStart.z1), initial.w2).dx, atStart.da1)
print("11-tiny-cnn.md line 441:", max(dxFormulaDiff, dwFormulaDiff))
print("11-tiny-cnn.md line 442:", fastDiff)

// MARK: block 11, 11-tiny-cnn.md line 452
let dw1Unmasked = convBackward(atStart.da1, xSmall, initial.w1).dw
let unmaskedError = relError(dw1Unmasked, numericalGradient(of: { v in scoresWith { $0.w1 = v } }, at: initial.w1, upstream: dS))
let maskedShare = Double(atStart.z1.scalars.filter { $0 <= 0 }.count) / Double(atStart.z1.count)
precondition(unmaskedError > 1e-2, "dw1 without the first ReLU's mask no longer fails the check")
print("11-tiny-cnn.md line 459:", unmaskedError)
print("11-tiny-cnn.md line 462:", 100 * maskedShare)

// MARK: block 12, 11-tiny-cnn.md line 473
/// Images and labels `start ..< start + count` of a set.
func batch(_ set: (images: Tensor, labels: [Int]), _ start: Int, _ count: Int) -> (images: Tensor, labels: [Int]) {
    let perImage = imageSide * imageSide
    return (Tensor(shape: [count, 1, imageSide, imageSide],
                   scalars: Array(set.images.scalars[(start * perImage)..<((start + count) * perImage)])),
            Array(set.labels[start..<(start + count)]))
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
print("11-tiny-cnn.md line 518:", learningRate)
print("11-tiny-cnn.md line 519:", trainSet.labels.count)
print("11-tiny-cnn.md line 519:", batchesPerPass)
print("11-tiny-cnn.md line 520:", batchSize)
print("11-tiny-cnn.md line 520:", steps)
print("11-tiny-cnn.md line 521:", steps / batchesPerPass)

// MARK: block 13, 11-tiny-cnn.md line 524
showPlot(x: (1...steps).map(Double.init), series: [(name: "loss of the step's batch", values: losses)],
         xLabel: "step", yLabel: "softmax cross-entropy loss", logY: true,
         "Training loss, one point per step (batches of \(batchSize) in a fixed order of \(batchesPerPass))")
let firstPass = losses.prefix(batchesPerPass).reduce(0, +) / Double(batchesPerPass)
let lastPass = losses.suffix(batchesPerPass).reduce(0, +) / Double(batchesPerPass)
precondition(losses[0] > log(3.0) && losses[0] < log(3.0) + 0.2, "the first loss is no longer a little above ln 3")
precondition(lastPass < firstPass / 10, "the loss no longer falls by more than a factor of 10")
print("11-tiny-cnn.md line 534:", losses[0])
print("11-tiny-cnn.md line 535:", log(3.0))
print("11-tiny-cnn.md line 537:", firstPass)
print("11-tiny-cnn.md line 538:", lastPass)
print("11-tiny-cnn.md line 539:", firstPass / lastPass)
print("11-tiny-cnn.md line 541:", batchesPerPass)

// MARK: block 14, 11-tiny-cnn.md line 546
func evaluate(_ p: Parameters, _ set: (images: Tensor, labels: [Int])) -> (correct: Int, loss: Double) {
    let result = forwardBackward(p, set.images, set.labels)
    return (correctCount(result.scores, set.labels), result.loss)
}
let trainBefore = evaluate(initial, trainSet), trainAfter = evaluate(params, trainSet)
let testBefore = evaluate(initial, testSet), testAfter = evaluate(params, testSet)
showTable(["", "training: correct", "training: loss", "test: correct", "test: loss"],
          [["before training", "\(trainBefore.correct) of \(trainSet.labels.count)", trainBefore.loss,
            "\(testBefore.correct) of \(testSet.labels.count)", testBefore.loss],
           ["after training", "\(trainAfter.correct) of \(trainSet.labels.count)", trainAfter.loss,
            "\(testAfter.correct) of \(testSet.labels.count)", testAfter.loss]])
let fraction = { (correct: Int, count: Int) in Double(correct) / Double(count) }
let testAccuracy = fraction(testAfter.correct, testSet.labels.count)
precondition((0.2...0.5).contains(fraction(trainBefore.correct, trainSet.labels.count)),
             "before training the network is no longer near the third that guessing gets")
precondition(testAccuracy > 0.85, "the trained network no longer gets more than 85 % of the test images right")
precondition(testAccuracy < fraction(trainAfter.correct, trainSet.labels.count),
             "the test accuracy is no longer below the training accuracy")
print("11-tiny-cnn.md line 567:", trainBefore.correct)
print("11-tiny-cnn.md line 568:", trainSet.labels.count)
print("11-tiny-cnn.md line 569:", steps)
print("11-tiny-cnn.md line 570:", trainAfter.correct)
print("11-tiny-cnn.md line 570:", testSet.labels.count)
print("11-tiny-cnn.md line 571:", testAfter.correct)
print("11-tiny-cnn.md line 572:", 100 * testAccuracy)
print("11-tiny-cnn.md line 574:", trainSet.labels.count)

// MARK: block 15, 11-tiny-cnn.md line 585
var comparisonRows = [[Any]]()
var gains = [Int]()
var withTotal = 0, withoutTotal = 0
for seed in [initialSeed, 21, 31, 41, 51] {
    let start = initialParameters(seed: seed)
    let with = seed == initialSeed ? params : train(from: start).parameters
    let without = train(from: start, passDx: false).parameters
    precondition(without.w1 == start.w1 && without.b1 == start.b1, "without dx the first layer moved")
    let (a, b) = (evaluate(with, testSet).correct, evaluate(without, testSet).correct)
    comparisonRows.append(["seed \(seed)", a, b, a - b])
    gains.append(a - b)
    withTotal += a
    withoutTotal += b
}
showTable(["start", "test correct, with dx", "test correct, dx dropped", "difference"], comparisonRows,
          "test images classified correctly (of \(testSet.labels.count)) after \(steps) steps, with and without the second layer's dx")
let worstWithout = comparisonRows.map { $0[2] as! Int }.min()!
precondition(gains.allSatisfy { $0 > 0 }, "passing dx no longer helps from every start")
precondition(3 * worstWithout > 2 * testSet.labels.count, "without dx some run no longer gets two thirds of the test set right")
print("11-tiny-cnn.md line 607:", gains.count)
print("11-tiny-cnn.md line 608:", gains.min()!)
print("11-tiny-cnn.md line 609:", gains.max()!)
print("11-tiny-cnn.md line 609:", withTotal)
print("11-tiny-cnn.md line 610:", withoutTotal)
print("11-tiny-cnn.md line 612:", trainSet.labels.count)
print("11-tiny-cnn.md line 615:", worstWithout)
print("11-tiny-cnn.md line 615:", testSet.labels.count)

// MARK: block 16, 11-tiny-cnn.md line 635
let barsOnly = makeBars(count: testSet.labels.count, seed: 200, noise: 0)
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
print("11-tiny-cnn.md line 679:", classes)
print("11-tiny-cnn.md line 679:", saliencyCrossings)
print("11-tiny-cnn.md line 680:", saliencyCheck.worst)
print("11-tiny-cnn.md line 682:", misreadText)

// MARK: block 17, 11-tiny-cnn.md line 688
let everyMap = forwardBackward(params, testSet.images, testSet.labels).dx
let pixels = imageSide * imageSide, barLength = 4
var peakOnBar = 0, strongerOnBar = 0, mostlyNegative = 0
for n in 0..<testSet.labels.count {
    let dx = Array(everyMap.scalars[(n * pixels)..<((n + 1) * pixels)])
    let bar = Array(barsOnly.images.scalars[(n * pixels)..<((n + 1) * pixels)]).map { $0 > 0.5 }
    let peak = dx.indices.max { abs(dx[$0]) < abs(dx[$1]) }!
    if bar[peak] { peakOnBar += 1 }
    let on = dx.indices.filter { bar[$0] }, off = dx.indices.filter { !bar[$0] }
    let meanOn = on.map { abs(dx[$0]) }.reduce(0, +) / Double(on.count)
    let meanOff = off.map { abs(dx[$0]) }.reduce(0, +) / Double(off.count)
    if meanOn > meanOff { strongerOnBar += 1 }
    if on.filter({ dx[$0] < 0 }).count > barLength / 2 { mostlyNegative += 1 }
}
let testCount = testSet.labels.count
let chance = Double(barLength) / Double(pixels)
precondition(Double(peakOnBar) > 3 * chance * Double(testCount), "the peak of |dx| no longer lies on the bar three times as often as chance")
precondition(2 * strongerOnBar > testCount, "|dx| is no longer larger on the bar than off it in most test images")
precondition(2 * mostlyNegative > testCount, "dx is no longer negative on most bar pixels in most test images")
print("11-tiny-cnn.md line 711:", barLength)
print("11-tiny-cnn.md line 711:", peakOnBar)
print("11-tiny-cnn.md line 711:", testCount)
print("11-tiny-cnn.md line 712:", 100 * Double(peakOnBar) / Double(testCount))
print("11-tiny-cnn.md line 713:", 100 * chance)
print("11-tiny-cnn.md line 715:", strongerOnBar)
print("11-tiny-cnn.md line 718:", mostlyNegative)
print("11-tiny-cnn.md line 718:", testCount)
print("11-tiny-cnn.md line 723:", peakSizes.max()! / peakSizes.min()!)

// MARK: block 18, 11-tiny-cnn.md line 735
show(initial.w1, "the first layer's filters before training", heatmap: true)
show(params.w1, "the first layer's filters after training", heatmap: true)

// MARK: block 19, 11-tiny-cnn.md line 746
let cleanBars = makeBars(count: 3, seed: 7, noise: 0)
/// For each filter of w (with biases b): its largest ReLU output for each clean bar, and the bar it answers to most.
func barResponses(_ w: Tensor, _ b: Tensor) -> (largest: [[Double]], preferred: [Int]) {
    let responses = relu(convForward(cleanBars.images, w, b))   // (3, filters, side1, side1)
    var largest = [[Double]](), preferred = [Int]()
    for f in 0..<w.shape[0] {
        let perBar = (0..<3).map { n in responses.slice(n).slice(f).max() }
        largest.append(perBar)
        preferred.append(perBar.indices.max { perBar[$0] < perBar[$1] }!)
    }
    return (largest, preferred)
}

struct Line {
    let name: String
    let runsLike: String      // the kind of bar a line of this direction belongs to
    let taps: [(Int, Int)]
}
var lines = [Line]()
for r in 0..<filterSide {
    lines.append(Line(name: "row \(r)", runsLike: classNames[0], taps: (0..<filterSide).map { (r, $0) }))
}
for c in 0..<filterSide {
    lines.append(Line(name: "column \(c)", runsLike: classNames[1], taps: (0..<filterSide).map { ($0, c) }))
}
lines.append(Line(name: "main diagonal", runsLike: classNames[2], taps: (0..<filterSide).map { ($0, $0) }))
lines.append(Line(name: "other diagonal", runsLike: "none", taps: (0..<filterSide).map { ($0, filterSide - 1 - $0) }))

let (largest, preferred) = barResponses(params.w1, params.b1)
var filterRows = [[Any]]()
var tracing = [Int](), lessClean = [String]()
for f in 0..<F1 {
    let weights = lines.map { line in line.taps.map { params.w1[f, 0, $0.0, $0.1] } }
    let sums = weights.map { $0.reduce(0, +) }
    let heaviest = sums.indices.max { sums[$0] < sums[$1] }!
    let allPositive = weights[heaviest].allSatisfy { $0 > 0 }
    let sameWay = lines[heaviest].runsLike == classNames[preferred[f]]
    filterRows.append(["filter \(f)"] + largest[f].map { $0 as Any }
                      + [classNames[preferred[f]], lines[heaviest].name, lines[heaviest].runsLike, allPositive ? "yes" : "no"])
    if sameWay && allPositive {
        tracing.append(f)
    } else {
        // Say what is missing, and how close the filter's second choice of bar comes.
        let runnerUp = (0..<3).filter { $0 != preferred[f] }.max { largest[f][$0] < largest[f][$1] }!
        let missing = sameWay ? "not all three of its weights are positive (the smallest is \(fmt(weights[heaviest].min()!)))"
                              : "it runs like a \(lines[heaviest].runsLike) bar"
        lessClean.append("Filter \(f) is less clean: its heaviest line is \(lines[heaviest].name), but \(missing); "
            + "it answers to a \(classNames[preferred[f]]) bar with \(fmt(largest[f][preferred[f]])) and to a "
            + "\(classNames[runnerUp]) one with \(fmt(largest[f][runnerUp])).")
    }
}
showTable(["", "horizontal bar", "vertical bar", "diagonal bar", "strongest for",
           "heaviest line", "runs like a bar", "its three weights all positive"], filterRows,
          "the first layer after training: largest ReLU output for a clean bar, and the line of taps with the largest sum")
/// "filters 0 and 2" for [0, 2].
func filterList(_ fs: [Int]) -> String {
    let names = fs.map(String.init)
    let joined = names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    return (fs.count == 1 ? "filter " : "filters ") + joined
}
let preferenceSummary = (0..<3).compactMap { k -> String? in
    let fs = (0..<F1).filter { preferred[$0] == k }
    return fs.isEmpty ? nil : "\(classNames[k]) bars (\(filterList(fs)))"
}.joined(separator: "; ")
let kindsCovered = Set(preferred).count
precondition(2 * tracing.count > F1, "no longer do most first-layer filters trace the bar they answer to")
let tracingText = (tracing.count == F1 ? "All \(F1) filters trace"
                   : "\(filterList(tracing).prefix(1).uppercased() + filterList(tracing).dropFirst()) trace")
let mostOrAll = tracing.count == F1 ? "all" : "most"
print("11-tiny-cnn.md line 819:", preferenceSummary)
print("11-tiny-cnn.md line 819:", kindsCovered)
print("11-tiny-cnn.md line 820:", tracingText)
print("11-tiny-cnn.md line 822:", mostOrAll)
print("11-tiny-cnn.md line 823:", lessClean.joined(separator: " "))
print("11-tiny-cnn.md line 833:", filterSide * filterSide)

// MARK: block 20, 11-tiny-cnn.md line 836
let explored = (0..<F1).filter { preferred[$0] == 2 }.max { largest[$0][2] < largest[$1][2] }
precondition(explored != nil, "no first-layer filter answers most to diagonal bars any more")
let diagonalFilter = explored!
let diagonalImage = batch(cleanBars, 2, 1)
let diagonalPass = forwardBackward(params, diagonalImage.images, diagonalImage.labels)
let dyOfFilter = diagonalPass.dz1.slice(0).slice(diagonalFilter).reshaped([1, 1, side1, side1])
explore(diagonalImage.images, Tensor.stack([params.w1.slice(diagonalFilter)]), Tensor(vector: [params.b1[diagonalFilter]]),
        dy: dyOfFilter, label: "diagonal-detector")
// Where y peaks, and whether the filter's main diagonal lies on the bar there.
let yOfFilter = convForward(diagonalImage.images, params.w1, params.b1).slice(0).slice(diagonalFilter)
let peak = yOfFilter.scalars.indices.max { yOfFilter.scalars[$0] < yOfFilter.scalars[$1] }!
let (peakRow, peakColumn) = (peak / side1, peak % side1)
let barImage = cleanBars.images.slice(2).slice(0)
precondition((0..<filterSide).allSatisfy { barImage[peakRow + $0, peakColumn + $0] > 0.5 },
             "at the peak of y, the filter's main diagonal no longer lies on the bar")
// The explorer's dx is this filter's share of the image's saliency map; the shares add up to the map.
var shares = Tensor(zeros: diagonalImage.images.shape)
for f in 0..<F1 {
    shares += convBackward(diagonalPass.dz1.slice(0).slice(f).reshaped([1, 1, side1, side1]),
                           diagonalImage.images, Tensor.stack([params.w1.slice(f)])).dx
}
let sharesDiff = checkAgreement("the filters' shares of dx vs the image's dx", shares, diagonalPass.dx)
print("11-tiny-cnn.md line 861:", diagonalFilter)
print("11-tiny-cnn.md line 862:", peakRow)
print("11-tiny-cnn.md line 862:", peakColumn)
print("11-tiny-cnn.md line 863:", filterSide)
print("11-tiny-cnn.md line 865:", diagonalPass.loss)
print("11-tiny-cnn.md line 868:", F1)
print("11-tiny-cnn.md line 868:", sharesDiff)

// MARK: block 21, 11-tiny-cnn.md line 879
showRotation(params.w1.slice(diagonalFilter).slice(0),
             "Filter \(diagonalFilter) as trained, and as a true convolution would apply it")
var turned = params
turned.w1 = rotate180(params.w1)
turned.w2 = rotate180(params.w2)
let testTurned = evaluate(turned, testSet)
precondition(barResponses(turned.w1, turned.b1).preferred == preferred,
             "a turned first-layer filter no longer answers most to the same kind of bar")
precondition(testTurned.correct < testAfter.correct, "turning the filters no longer costs test accuracy")
print("11-tiny-cnn.md line 892:", testTurned.correct)
print("11-tiny-cnn.md line 892:", testSet.labels.count)
print("11-tiny-cnn.md line 893:", testAfter.correct)
print("11-tiny-cnn.md line 910:", losses[0])
print("11-tiny-cnn.md line 910:", losses[steps - 1])
print("11-tiny-cnn.md line 911:", trainBefore.correct)
print("11-tiny-cnn.md line 912:", trainAfter.correct)
print("11-tiny-cnn.md line 912:", trainSet.labels.count)
print("11-tiny-cnn.md line 913:", testAfter.correct)
print("11-tiny-cnn.md line 914:", testSet.labels.count)
print("11-tiny-cnn.md line 916:", gains.count)
print("11-tiny-cnn.md line 916:", mostOrAll)
