import Testing
@testable import ConvEngine

/// Max and average pooling: the im2col forms against the reference loops over
/// a sweep, finite differences away from ties, the tie rule, overlapping
/// windows and padding.
@Suite struct PoolingTests {
    /// Every layer of a small sweep: sizes 1...7, windows 1...3, strides 1...4
    /// (so windows overlap, tile, and skip), padding up to half the window.
    static let sweep: [(shape: [Int], parameters: PoolParameters)] = {
        var layers = [(shape: [Int], parameters: PoolParameters)]()
        for H in 1...7 { for W in [1, 4, 7] { for kh in 1...3 { for kw in [1, 3] {
            for s in 1...4 { for p in 0...1 where 2 * p <= min(kh, kw) && H + 2 * p >= kh && W + 2 * p >= kw {
                layers.append(([2, 2, H, W], PoolParameters(window: HW(height: kh, width: kw),
                                                            stride: HW(height: s, width: (s % 3) + 1), padding: HW(p))))
            } }
        } } } }
        return layers
    }()

    /// A tensor whose elements are distinct and at least 0.1 apart (a shuffled
    /// ramp), so no window holds a tie and a step of 1e-5 never changes a maximum.
    static func distinct(_ shape: [Int], seed: UInt64) -> Tensor {
        let noise = Tensor.randomNormal(shape: shape, seed: seed)
        let order = noise.scalars.indices.sorted { noise.scalars[$0] < noise.scalars[$1] }
        var ranks = [Double](repeating: 0, count: order.count)
        for (rank, index) in order.enumerated() { ranks[index] = 0.1 * Double(rank) - 1 }
        return Tensor(shape: shape, scalars: ranks)
    }

    @Test func maxPoolingOfTheWorkedExample() {
        let x = Tensor(batch: [[[[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 1, 1], [6, 1, 3, 7]]]])
        let p = PoolParameters(window: 2)
        #expect(maxPoolForward(x, p) == Tensor(batch: [[[[5, 8], [6, 7]]]]))
        // Flat indices in the 4 × 4 plane: 5 at (0, 1), 8 at (1, 2), 6 at (3, 0), 7 at (3, 3).
        #expect(maxPoolIndices(x, p) == Tensor(batch: [[[[1, 6], [12, 15]]]]))
        let dy = Tensor(batch: [[[[10, 20], [30, 40]]]])
        #expect(maxPoolBackward(dy, x, p) == Tensor(batch: [[[[0, 10, 0, 0], [0, 0, 20, 0], [0, 0, 0, 0], [30, 0, 0, 40]]]]))
    }

    @Test func im2colFormsAgreeWithTheLoops() {
        #expect(Self.sweep.count > 300)
        for (k, layer) in Self.sweep.enumerated() {
            // Half of the inputs hold many ties (values 0, 1, 2), half none.
            let x = k % 2 == 0 ? Self.distinct(layer.shape, seed: UInt64(k))
                               : Tensor.randomNormal(shape: layer.shape, seed: UInt64(k)).map { (($0 * 3).rounded() + 3).truncatingRemainder(dividingBy: 3) }
            let g = try! PoolGeometry(input: layer.shape, parameters: layer.parameters)
            let dy = Tensor.randomNormal(shape: g.outputShape, seed: UInt64(k) + 1000)
            let p = layer.parameters
            #expect(maxPoolForwardIm2col(x, p) == maxPoolForward(x, p), "\(p) \(layer.shape)")
            #expect(maxPoolBackwardIm2col(dy, x, p).maxAbsDifference(maxPoolBackward(dy, x, p)) < 1e-12, "\(p)")
            for include in [true, false] {
                #expect(avgPoolForwardIm2col(x, p, countIncludePad: include)
                    .maxAbsDifference(avgPoolForward(x, p, countIncludePad: include)) < 1e-12, "\(p) \(include)")
                #expect(avgPoolBackwardIm2col(dy, x, p, countIncludePad: include)
                    .maxAbsDifference(avgPoolBackward(dy, x, p, countIncludePad: include)) < 1e-12, "\(p) \(include)")
            }
        }
    }

    @Test func finiteDifferencesAwayFromTies() {
        for (k, layer) in Self.sweep.enumerated() where k % 7 == 0 {
            let p = layer.parameters
            let x = Self.distinct(layer.shape, seed: UInt64(k))
            let g = try! PoolGeometry(input: layer.shape, parameters: p)
            let dy = Tensor.randomNormal(shape: g.outputShape, seed: UInt64(k) + 7)
            let numericMax = numericalGradient(of: { maxPoolForward($0, p) }, at: x, upstream: dy)
            #expect(relError(maxPoolBackward(dy, x, p), numericMax) < 1e-7, "\(p) \(layer.shape)")
            for include in [true, false] {
                let numericAvg = numericalGradient(of: { avgPoolForward($0, p, countIncludePad: include) }, at: x, upstream: dy)
                #expect(relError(avgPoolBackward(dy, x, p, countIncludePad: include), numericAvg) < 1e-7, "\(p) \(include)")
            }
        }
    }

    @Test func aTieSendsTheGradientToTheFirstMaximumInRowMajorOrder() {
        let p = PoolParameters(window: 2)
        let dy = Tensor(batch: [[[[1]]]])
        // Two tied maxima at (0, 1) and (1, 0): (0, 1) comes first in row-major order.
        let x = Tensor(batch: [[[[1, 3], [3, 0]]]])
        #expect(maxPoolBackward(dy, x, p) == Tensor(batch: [[[[0, 1], [0, 0]]]]))
        #expect(maxPoolBackwardIm2col(dy, x, p) == Tensor(batch: [[[[0, 1], [0, 0]]]]))
        // All four equal: the top-left element gets it all.
        let flat = Tensor(repeating: 2, shape: [1, 1, 2, 2])
        #expect(maxPoolBackward(dy, flat, p) == Tensor(batch: [[[[1, 0], [0, 0]]]]))
        // The tie breaks the same way in every window: a constant plane with
        // overlapping windows sends each window's dy to its own top-left element.
        let constant = Tensor(repeating: 0, shape: [1, 1, 3, 3])
        let overlap = PoolParameters(window: 2, stride: 1)
        let dyOverlap = Tensor(batch: [[[[1, 2], [3, 4]]]])
        #expect(maxPoolBackward(dyOverlap, constant, overlap) == Tensor(batch: [[[[1, 2, 0], [3, 4, 0], [0, 0, 0]]]]))
    }

    @Test func atATieTheCentredDifferenceIsTheMeanOfTheOneSidedSlopes() {
        let p = PoolParameters(window: 2)
        let x = Tensor(batch: [[[[1, 3], [3, 0]]]])
        let dy = Tensor(batch: [[[[1]]]])
        let numeric = numericalGradient(of: { maxPoolForward($0, p) }, at: x, upstream: dy)
        // Each tied element: raising it raises y (slope 1), lowering it leaves y to the other (slope 0).
        #expect(abs(numeric[0, 0, 0, 1] - 0.5) < 1e-9 && abs(numeric[0, 0, 1, 0] - 0.5) < 1e-9)
        // So the check fails at a tie, although the backward pass is one valid choice.
        #expect(relError(maxPoolBackward(dy, x, p), numeric) > 0.3)
    }

    @Test func overlappingWindowsAddUpAtTheElementTheyShare() {
        // The largest element sits at the centre of a 3 × 3 plane: all four
        // 2 × 2 windows of stride 1 choose it, so it collects all of dy.
        let x = Tensor(batch: [[[[0, 1, 0], [2, 9, 3], [0, 4, 0]]]])
        let dy = Tensor(batch: [[[[1, 10], [100, 1000]]]])
        let dx = maxPoolBackward(dy, x, PoolParameters(window: 2, stride: 1))
        #expect(dx[0, 0, 1, 1] == 1111)
        #expect(dx.sum() == 1111)
    }

    @Test func thePaddingNeverWins() {
        // Every element negative: a zero of the padding would win if it could.
        let x = Self.distinct([1, 2, 5, 5], seed: 3).map { $0 - 10 }
        let p = PoolParameters(window: 3, stride: 2, padding: 1)
        let y = maxPoolForward(x, p)
        #expect(y.scalars.allSatisfy { $0 < 0 })
        let dy = Tensor.randomNormal(shape: y.shape, seed: 4)
        // All of dy reaches x: none is lost to the padding.
        #expect(abs(maxPoolBackward(dy, x, p).sum() - dy.sum()) < 1e-12)
    }

    @Test func averagePoolingWithAndWithoutThePaddingCounted() {
        let x = Tensor.ramp(shape: [1, 1, 4, 4], start: 1)
        let p = PoolParameters(window: 3, stride: 2, padding: 1)
        // The top-left window holds x[0...1, 0...1] = 1, 2, 5, 6 and five padding zeros.
        #expect(avgPoolForward(x, p, countIncludePad: true)[0, 0, 0, 0] == 14.0 / 9)
        #expect(avgPoolForward(x, p, countIncludePad: false)[0, 0, 0, 0] == 14.0 / 4)
        let dy = Tensor.randomNormal(shape: [1, 1, 2, 2], seed: 5)
        // Without the padding counted each window's dy is shared out whole; with it, the padding's share is lost.
        #expect(abs(avgPoolBackward(dy, x, p, countIncludePad: false).sum() - dy.sum()) < 1e-12)
        // The four windows hold 4, 6, 6 and 9 elements of x; with the padding counted each sends 1/9 per element.
        let ones = Tensor(repeating: 1, shape: [1, 1, 2, 2])
        #expect(abs(avgPoolBackward(ones, x, p, countIncludePad: true).sum() - 25.0 / 9) < 1e-12)
    }

    @Test func badLayersAreRefusedWithTheNumbers() {
        #expect(throws: ConvError("padding 2 is more than half the window 3 along the height: a window could lie wholly in the padding (PyTorch refuses this too)")) {
            try PoolGeometry(input: [1, 1, 5, 5], parameters: PoolParameters(window: 3, padding: HW(height: 2, width: 1)))
        }
        #expect(throws: ConvError("no output rows: H + 2p - HH = 2 + 2·0 - 3 < 0")) {
            try PoolGeometry(input: [1, 1, 2, 5], parameters: PoolParameters(window: 3))
        }
        #expect(throws: ConvError("stride must be at least 1, got 0")) {
            try PoolGeometry(input: [1, 1, 5, 5], parameters: PoolParameters(window: 2, stride: 0))
        }
        #expect(throws: ConvError("upstream gradient must have the output's shape [1, 1, 2, 2], got [1, 1, 3, 3]")) {
            try PoolGeometry.validated(x: Tensor(zeros: [1, 1, 4, 4]), dy: Tensor(zeros: [1, 1, 3, 3]),
                                       parameters: PoolParameters(window: 2))
        }
    }
}
