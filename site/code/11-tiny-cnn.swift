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

// MARK: block 1, 11-tiny-cnn.md line 15
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// MARK: block 2, 11-tiny-cnn.md line 36
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
print("11-tiny-cnn.md line 67:", Tensor.randomNormal(shape: [150, 1, 6, 6], seed: 101, standardDeviation: 0.25).maxAbs())
print("11-tiny-cnn.md line 69:", trainSet.labels.count)
print("11-tiny-cnn.md line 70:", testSet.labels.count)

// MARK: block 3, 11-tiny-cnn.md line 133
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

// MARK: block 4, 11-tiny-cnn.md line 178
let aCheck = Tensor.randomNormal(shape: [5, 7], seed: 1)
let wCheck = Tensor.randomNormal(shape: [7, 3], seed: 2)
let bCheck = Tensor.randomNormal(shape: [3], seed: 3)
let dsCheck = Tensor.randomNormal(shape: [5, 3], seed: 4)
let linearGrads = linearBackward(dsCheck, aCheck, wCheck)
let linearCheck = checkGradients(
    ("dA", linearGrads.dA, numericalGradient(of: { linearForward($0, wCheck, bCheck) }, at: aCheck, upstream: dsCheck)),
    ("dW_lin", linearGrads.dW, numericalGradient(of: { linearForward(aCheck, $0, bCheck) }, at: wCheck, upstream: dsCheck)),
    ("db_lin", linearGrads.db, numericalGradient(of: { linearForward(aCheck, wCheck, $0) }, at: bCheck, upstream: dsCheck)))
print("11-tiny-cnn.md line 190:", linearCheck.worst)

// MARK: block 5, 11-tiny-cnn.md line 200
struct Parameters {
    var w: Tensor        // (4, 1, 3, 3)  the filters
    var b: Tensor        // (4)           their biases
    var wLin: Tensor     // (64, 3)       the linear layer
    var bLin: Tensor     // (3)
}

func lossAndGradients(_ p: Parameters, _ x: Tensor, _ labels: [Int])
    -> (loss: Double, scores: Tensor, gradients: Parameters, z: Tensor, dz: Tensor) {
    // Forward.
    let z = convForward(x, p.w, p.b)                        // (N, 4, 4, 4)
    let a = relu(z)
    let A = a.reshaped([x.shape[0], a.count / x.shape[0]])  // (N, 64)
    let S = linearForward(A, p.wLin, p.bLin)                // (N, 3)
    let loss = softmaxCrossEntropyLoss(S, labels: labels)
    // Backward, stage by stage in reverse.
    let linear = linearBackward(loss.gradient, A, p.wLin)
    let dz = reluBackward(linear.dA.reshaped(z.shape), z)
    let conv = convBackward(dz, x, p.w)
    return (loss.loss, S, Parameters(w: conv.dw, b: conv.db, wLin: linear.dW, bLin: linear.db), z, dz)
}

// MARK: block 6, 11-tiny-cnn.md line 227
let initial = Parameters(w: Tensor.randomNormal(shape: [4, 1, 3, 3], seed: 11, standardDeviation: 0.2),
                         b: Tensor(zeros: [4]),
                         wLin: Tensor.randomNormal(shape: [64, 3], seed: 12, standardDeviation: 0.1),
                         bLin: Tensor(zeros: [3]))

// MARK: block 7, 11-tiny-cnn.md line 245
let xSmall = Tensor(shape: [6, 1, 6, 6], scalars: Array(trainSet.images.scalars[0..<(6 * 36)]))
let labelsSmall = Array(trainSet.labels[0..<6])
let atStart = lossAndGradients(initial, xSmall, labelsSmall)
let dS = softmaxCrossEntropyLoss(atStart.scores, labels: labelsSmall).gradient
let lossCheck = checkGradients(
    ("dS", dS, numericalGradient(ofScalar: { softmaxCrossEntropyLoss($0, labels: labelsSmall).loss }, at: atStart.scores)))

/// The scores of the six images when one parameter is replaced.
func scoresWith(_ change: (inout Parameters) -> Void) -> Tensor {
    var p = initial
    change(&p)
    return lossAndGradients(p, xSmall, labelsSmall).scores
}
let chainCheck = checkGradients(
    ("dw", atStart.gradients.w, numericalGradient(of: { v in scoresWith { $0.w = v } }, at: initial.w, upstream: dS)),
    ("db", atStart.gradients.b, numericalGradient(of: { v in scoresWith { $0.b = v } }, at: initial.b, upstream: dS)),
    ("dW_lin", atStart.gradients.wLin, numericalGradient(of: { v in scoresWith { $0.wLin = v } }, at: initial.wLin, upstream: dS)),
    ("db_lin", atStart.gradients.bLin, numericalGradient(of: { v in scoresWith { $0.bLin = v } }, at: initial.bLin, upstream: dS)))
let closestToKink = atStart.z.scalars.map { abs($0) }.min()!
// The convolution's share, from the same dz, by the closed forms and by the fast path.
let blocksDiff = checkAgreement("network's dw: building blocks vs loops",
                                convBackwardByBlocks(atStart.dz, xSmall, initial.w).dw, atStart.gradients.w)
let fastDiff = checkAgreement("network's dw: im2col fast path vs loops",
                              convBackwardIm2col(atStart.dz, xSmall, initial.w).dw, atStart.gradients.w)
print("11-tiny-cnn.md line 272:", lossCheck["dS"])
print("11-tiny-cnn.md line 273:", chainCheck.worst)
print("11-tiny-cnn.md line 276:", closestToKink)
print("11-tiny-cnn.md line 279:", max(blocksDiff, fastDiff))

// MARK: block 8, 11-tiny-cnn.md line 290
/// Images and labels `start ..< start + count` of a set.
func batch(_ set: (images: Tensor, labels: [Int]), _ start: Int, _ count: Int) -> (images: Tensor, labels: [Int]) {
    let perImage = 36
    return (Tensor(shape: [count, 1, 6, 6], scalars: Array(set.images.scalars[(start * perImage)..<((start + count) * perImage)])),
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

let learningRate = 1.0
let batchSize = 30, steps = 100
var params = initial
var losses = [Double]()
for step in 0..<steps {
    let start = (step * batchSize) % trainSet.labels.count
    let current = batch(trainSet, start, batchSize)
    let result = lossAndGradients(params, current.images, current.labels)
    losses.append(result.loss)
    params.w -= learningRate * result.gradients.w
    params.b -= learningRate * result.gradients.b
    params.wLin -= learningRate * result.gradients.wLin
    params.bLin -= learningRate * result.gradients.bLin
}
print("11-tiny-cnn.md line 325:", steps)
print("11-tiny-cnn.md line 325:", steps * batchSize / trainSet.labels.count)

// MARK: block 9, 11-tiny-cnn.md line 329
showPlot(x: (1...steps).map(Double.init), series: [(name: "loss of the step's batch", values: losses)],
         xLabel: "step", yLabel: "softmax cross-entropy loss", logY: true,
         "Training loss, one point per step (batches of 30 in a fixed order of five)")
print("11-tiny-cnn.md line 335:", losses[0])
print("11-tiny-cnn.md line 335:", log(3.0))
print("11-tiny-cnn.md line 337:", losses[steps - 1])

// MARK: block 10, 11-tiny-cnn.md line 344
func evaluate(_ p: Parameters, _ set: (images: Tensor, labels: [Int])) -> (correct: Int, loss: Double) {
    // In batches of 30, to keep the tensors small; the loss is the mean over all images.
    var correct = 0, total = 0.0
    for start in stride(from: 0, to: set.labels.count, by: 30) {
        let part = batch(set, start, 30)
        let result = lossAndGradients(p, part.images, part.labels)
        correct += correctCount(result.scores, part.labels)
        total += result.loss * 30
    }
    return (correct, total / Double(set.labels.count))
}
let trainBefore = evaluate(initial, trainSet), trainAfter = evaluate(params, trainSet)
let testBefore = evaluate(initial, testSet), testAfter = evaluate(params, testSet)
showTable(["", "training: correct", "training: loss", "test: correct", "test: loss"],
          [["before training", "\(trainBefore.correct) of \(trainSet.labels.count)", trainBefore.loss,
            "\(testBefore.correct) of \(testSet.labels.count)", testBefore.loss],
           ["after training", "\(trainAfter.correct) of \(trainSet.labels.count)", trainAfter.loss,
            "\(testAfter.correct) of \(testSet.labels.count)", testAfter.loss]])
print("11-tiny-cnn.md line 365:", trainBefore.correct)
print("11-tiny-cnn.md line 366:", trainSet.labels.count)
print("11-tiny-cnn.md line 367:", steps)
print("11-tiny-cnn.md line 368:", trainAfter.correct)
print("11-tiny-cnn.md line 368:", testSet.labels.count)
print("11-tiny-cnn.md line 369:", testAfter.correct)

// MARK: block 11, 11-tiny-cnn.md line 381
show(initial.w, "the filters before training", heatmap: true)
show(params.w, "the filters after training", heatmap: true)

// MARK: block 12, 11-tiny-cnn.md line 390
let cleanBars = makeBars(count: 3, seed: 7, noise: 0)
let responses = relu(convForward(cleanBars.images, params.w, params.b))   // (3, 4, 4, 4)
var responseRows = [[Any]]()
var preferred = [Int]()
for f in 0..<4 {
    let largest = (0..<3).map { n in responses.slice(n).slice(f).max() }
    preferred.append(largest.indices.max { largest[$0] < largest[$1] }!)
    responseRows.append(["filter \(f)"] + largest.map { $0 as Any } + [classNames[preferred[f]]])
}
showTable(["", "horizontal bar", "vertical bar", "diagonal bar", "strongest for"], responseRows,
          "largest ReLU output of each learned filter for a clean bar")
// The prose below reads filters 0 and 1 as a vertical and a diagonal detector: hold it to that.
let w0 = params.w.slice(0).slice(0), w1 = params.w.slice(1).slice(0)
precondition(preferred[0] == 1 && preferred[1] == 2, "filters 0 and 1 no longer prefer vertical and diagonal bars")
precondition((0..<3).allSatisfy { r in (0..<3).allSatisfy { c in (c == 2) == (w0[r, c] > 0) } },
             "filter 0 is no longer positive in exactly its right-hand column")
precondition((0..<3).allSatisfy { r in (0..<3).allSatisfy { c in (r == c) == (w1[r, c] > 0) } },
             "filter 1 is no longer positive on exactly its main diagonal")
print("11-tiny-cnn.md line 413:", params.w[0, 0, 0, 2])
print("11-tiny-cnn.md line 413:", params.w[0, 0, 1, 2])
print("11-tiny-cnn.md line 414:", params.w[0, 0, 2, 2])
print("11-tiny-cnn.md line 415:", responseRows[0][2])
print("11-tiny-cnn.md line 417:", params.w[1, 0, 0, 0])
print("11-tiny-cnn.md line 418:", params.w[1, 0, 1, 1])
print("11-tiny-cnn.md line 418:", params.w[1, 0, 2, 2])
print("11-tiny-cnn.md line 420:", responseRows[1][3])
print("11-tiny-cnn.md line 420:", responseRows[1][1])
print("11-tiny-cnn.md line 422:", classNames[preferred[2]])
print("11-tiny-cnn.md line 423:", classNames[preferred[3]])

// MARK: block 13, 11-tiny-cnn.md line 434
let diagonalImage = batch(cleanBars, 2, 1)
let diagonalResult = lossAndGradients(params, diagonalImage.images, diagonalImage.labels)
let dzForImage = diagonalResult.dz                                  // (1, 4, 4, 4)
explore(diagonalImage.images, Tensor.stack([params.w.slice(1)]), Tensor(vector: [params.b[1]]),
        dy: dzForImage.slice(0).slice(1).reshaped([1, 1, 4, 4]), label: "diagonal-detector")
print("11-tiny-cnn.md line 445:", diagonalResult.loss)

// MARK: block 14, 11-tiny-cnn.md line 457
showRotation(params.w.slice(0).slice(0), "Filter 0 as trained, and as a true convolution would apply it")
var turned = params
turned.w = rotate180(params.w)
let testTurned = evaluate(turned, testSet)
print("11-tiny-cnn.md line 464:", testTurned.correct)
print("11-tiny-cnn.md line 465:", testSet.labels.count)
print("11-tiny-cnn.md line 466:", testAfter.correct)
print("11-tiny-cnn.md line 479:", losses[0])
print("11-tiny-cnn.md line 479:", losses[steps - 1])
print("11-tiny-cnn.md line 480:", trainBefore.correct)
print("11-tiny-cnn.md line 481:", trainAfter.correct)
print("11-tiny-cnn.md line 481:", trainSet.labels.count)
