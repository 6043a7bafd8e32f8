import Testing
@testable import ConvEngine

/// Which results repeat bit for bit on another machine: the loops' do, BLAS's
/// do not, and whatever is computed from a BLAS result does not either.
@Suite struct ReproducibilityTests {
    let x = Tensor.randomNormal(shape: [2, 2, 5, 5], seed: 1)
    let w = Tensor.randomNormal(shape: [3, 2, 3, 3], seed: 2)
    let b = Tensor.randomNormal(shape: [3], seed: 3)
    let p = ConvParameters(stride: 2, padding: 1)

    @Test func theLoopsAreBitwiseAndBLASIsRounding() {
        let dy = Tensor.randomNormal(shape: convForward(x, w, b, p).shape, seed: 4)
        #expect(convForward(x, w, b, p).reproducibility == .bitwise)
        let loops = convBackward(dy, x, w, p)
        #expect([loops.dx, loops.dw, loops.db].allSatisfy { $0.reproducibility == .bitwise })
        #expect(convForwardIm2col(x, w, b, p).reproducibility == .rounding)
        let fast = convBackwardIm2col(dy, x, w, p)
        #expect([fast.dx, fast.dw, fast.db].allSatisfy { $0.reproducibility == .rounding })
        #expect(im2col(x, kernelHeight: 3, kernelWidth: 3, p).reproducibility == .bitwise)
    }

    @Test func roundingSpreadsThroughEveryOperation() {
        let fastY = convForwardIm2col(x, w, b, p)
        let rounded = fastY.slice(0).slice(0)                     // a (H', W') matrix
        let plain = Tensor(repeating: 1, shape: rounded.shape)
        let dy = Tensor(repeating: 1, shape: fastY.shape)
        let results: [(String, Tensor)] = [
            ("+", rounded + plain), ("-", plain - rounded), ("*", rounded * plain), ("scale", 2 * rounded),
            ("/", rounded / 2), ("negate", -rounded), ("map", rounded.map { $0 + 1 }), ("reshaped", rounded.reshaped([rounded.count])),
            ("slice", fastY.slice(1)), ("stack", Tensor.stack([plain, rounded])),
            ("pad", pad(rounded, HW(1))), ("crop", crop(pad(rounded, HW(1)), HW(1))), ("window", window(rounded, rowStart: 0, rows: 1, columnStart: 0, columns: 1)),
            ("rotate180", rotate180(rounded)), ("dilate", dilate(rounded, by: HW(2))),
            ("crossCorrelate", crossCorrelate(pad(plain, HW(1)), rounded)), ("convolve", convolve(plain, rounded, mode: .full)),
            ("convForward", convForward(fastY, Tensor(repeating: 1, shape: [1, 3, 1, 1]))),
            ("convBackward from rounding dy", convBackward(fastY, x, w, p).dx),
            ("convBackward dw", convBackward(fastY, x, w, p).dw),
            ("gather", convBackwardInputGather(fastY, x, w, p)),
            ("byBlocks", convForwardByBlocks(fastY, Tensor(repeating: 1, shape: [1, 3, 1, 1]))),
            ("relu", relu(rounded)), ("reluBackward", reluBackward(plain, rounded)),
            ("swap", swapFilterAndChannelAxes(fastY)),
            ("col2im", col2im(im2col(fastY, kernelHeight: 1, kernelWidth: 1), inputShape: fastY.shape, kernelHeight: 1, kernelWidth: 1)),
            ("numericalGradient", numericalGradient(of: { convForwardIm2col($0, w, b, p) }, at: x, upstream: dy)),
            ("softmax", softmaxCrossEntropyLoss(rounded, labels: [0, 1, 2]).gradient),
        ]
        for (name, result) in results {
            #expect(result.reproducibility == .rounding, "\(name) lost the mark")
        }
    }

    @Test func reproducibilityIsNotPartOfTheValue() {
        var marked = x
        marked.reproducibility = .rounding
        #expect(marked == x)
        #expect(marked.hashValue == x.hashValue)
    }

    @Test func nanAndEmptyTensorsMakeTheErrorMeasuresNaN() {
        let a = Tensor(vector: [1, .nan, 3]), c = Tensor(vector: [1, 2, 3])
        #expect(a.maxAbsDifference(c).isNaN)
        #expect(c.maxAbsDifference(a).isNaN)
        #expect(relError(a, c).isNaN)
        #expect(relError(c, a).isNaN)
        let empty = Tensor(zeros: [0])
        #expect(empty.maxAbsDifference(empty).isNaN)
        #expect(relError(empty, empty).isNaN)
        #expect(c.maxAbsDifference(c) == 0)
    }
}
