import Testing
@testable import ConvEngine

/// Output sizes against the relationships of Dumoulin and Visin, "A guide to
/// convolution arithmetic for deep learning" (2016), each stated in its own
/// restricted setting and checked against `outputLength` and the layer's shape.
@Suite struct ConvolutionArithmeticTests {
    func engineLength(_ i: Int, _ k: Int, s: Int = 1, p: Int = 0, d: Int = 1) -> Int {
        let g = try! ConvGeometry(input: [1, 1, i, i], weight: [1, 1, k, k],
                                  parameters: ConvParameters(stride: HW(s), padding: HW(p), dilation: HW(d)))
        #expect(convForward(Tensor(zeros: [1, 1, i, i]), Tensor(zeros: [1, 1, k, k]), nil,
                            ConvParameters(stride: HW(s), padding: HW(p), dilation: HW(d))).shape == g.outputShape)
        return g.outHeight
    }

    @Test func relationship1NoPaddingUnitStride() {
        for i in 1...9 { for k in 1...i { #expect(engineLength(i, k) == (i - k) + 1) } }
    }

    @Test func relationship2ZeroPaddingUnitStride() {
        for i in 1...9 { for k in 1...5 { for p in 0...3 where i + 2 * p >= k {
            #expect(engineLength(i, k, p: p) == (i - k) + 2 * p + 1)
        } } }
    }

    @Test func relationship3HalfPadding() {
        for i in 1...9 { for k in [1, 3, 5, 7] { #expect(engineLength(i, k, p: k / 2) == i) } }
    }

    @Test func relationship4FullPadding() {
        for i in 1...9 { for k in 1...5 { #expect(engineLength(i, k, p: k - 1) == i + k - 1) } }
    }

    @Test func relationships5And6StridedAndGeneral() {
        for i in 1...11 { for k in 1...4 { for s in 1...4 { for p in 0...2 where i + 2 * p >= k {
            let expected = Int((Double(i + 2 * p - k) / Double(s)).rounded(.down)) + 1
            #expect(engineLength(i, k, s: s, p: p) == expected)
        } } } }
    }

    @Test func relationship15Dilated() {
        for i in 1...11 { for k in 1...4 { for s in 1...3 { for p in 0...2 { for d in 1...3 {
            let span = i + 2 * p - k - (k - 1) * (d - 1)
            guard span >= 0 else {
                #expect(outputLength(input: i, kernel: k, stride: s, padding: p, dilation: d) == nil)
                continue
            }
            #expect(engineLength(i, k, s: s, p: p, d: d) == span / s + 1)
        } } } } }
    }

    /// Relationship 14: the transposed convolution (our dx) of a convolution with
    /// input i, kernel k, stride s, padding p has output `s(i' - 1) + a + k - 2p`
    /// where i' is the convolution's output size and `a = (i + 2p - k) mod s`:
    /// exactly the input size again, the `a` rows being those no window reached.
    @Test func relationship14TransposedGivesTheInputSizeBack() {
        for i in 2...9 { for k in 1...3 { for s in 1...3 { for p in 0...1 where i + 2 * p >= k {
            let o = engineLength(i, k, s: s, p: p)
            let a = (i + 2 * p - k) % s
            #expect(s * (o - 1) + a + k - 2 * p == i)
            let params = ConvParameters(stride: HW(s), padding: HW(p))
            let dx = convBackward(Tensor(repeating: 1, shape: [1, 1, o, o]), Tensor(zeros: [1, 1, i, i]),
                                  Tensor(repeating: 1, shape: [1, 1, k, k]), params).dx
            #expect(dx.shape == [1, 1, i, i])
            // The last `a` rows are beyond every window (when they are not padding).
            if a > p {
                for r in (i - (a - p))..<i { #expect(dx.slice(0).slice(0).slice(r).maxAbs() == 0) }
            }
        } } } }
    }
}

@Suite struct GeometryErrorTests {
    func message(_ input: [Int], _ weight: [Int], _ p: ConvParameters = ConvParameters()) -> String {
        do {
            _ = try ConvGeometry(input: input, weight: weight, parameters: p)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func errorsNameTheNumbers() {
        #expect(message([1, 1, 2, 2], [1, 1, 3, 3]).contains("2 + 2·0 - 1·(3 - 1) - 1 = -1 < 0"))
        #expect(message([1, 3, 5, 5], [2, 1, 3, 3], ConvParameters(groups: 2)).contains("C = 3 are not divisible by groups = 2"))
        #expect(message([1, 4, 5, 5], [3, 2, 3, 3], ConvParameters(groups: 2)).contains("F = 3 are not divisible by groups = 2"))
        #expect(message([1, 4, 5, 5], [2, 4, 3, 3], ConvParameters(groups: 2)).contains("C/groups = 4/2 = 2"))
        #expect(message([1, 4, 5], [2, 4, 3, 3]).contains("input must have 4 axes"))
        #expect(message([1, 1, 5, 5], [1, 1, 3, 3], ConvParameters(stride: 0)).contains("stride must be at least 1, got 0"))
        #expect(message([1, 1, 5, 5], [1, 1, 3, 3], ConvParameters(padding: HW(height: 0, width: -1))).contains("padding must be non-negative"))
        #expect(message([1, 1, 5, 3], [1, 1, 3, 3], ConvParameters(dilation: HW(height: 1, width: 2))).contains("no output columns"))
        #expect(message([1, 1, 5, 5], [1, 1, 3, 3]) == "no error")
    }

    @Test func biasAndUpstreamShapesAreChecked() {
        let x = Tensor(zeros: [1, 1, 4, 4]), w = Tensor(zeros: [2, 1, 3, 3])
        #expect(throws: ConvError.self) { try ConvGeometry.validated(x: x, w: w, b: Tensor(zeros: [3]), parameters: ConvParameters()) }
        #expect(throws: ConvError.self) { try ConvGeometry.validated(x: x, w: w, dy: Tensor(zeros: [1, 2, 3, 3]), parameters: ConvParameters()) }
        #expect((try? ConvGeometry.validated(x: x, w: w, b: Tensor(zeros: [2]), dy: Tensor(zeros: [1, 2, 2, 2]), parameters: ConvParameters())) != nil)
    }
}

@Suite struct GradientCheckTests {
    @Test func relErrorFollowsCS231n() {
        #expect(relError(Tensor(vector: [1, 2]), Tensor(vector: [1, 2])) == 0)
        #expect(relError(Tensor(vector: [1, 0]), Tensor(vector: [3, 0])) == 0.5)
        // Both tiny: the floor 1e-8 keeps it finite.
        #expect(abs(relError(Tensor(vector: [1e-12]), Tensor(vector: [0])) - 1e-4) < 1e-18)
        #expect(relError(2.0, 2.0) == 0)
    }

    @Test func numericalGradientOfAKnownFunction() {
        // f(x) = x², upstream 1: gradient 2x.
        let x = Tensor(vector: [-1.5, 0.25, 3])
        let num = numericalGradient(of: { $0 * $0 }, at: x, upstream: Tensor(repeating: 1, shape: [3]))
        #expect(relError(num, 2 * x) < 1e-9)
        let scalar = numericalGradient(ofScalar: { $0.dot($0) }, at: x)
        #expect(relError(scalar, 2 * x) < 1e-9)
    }

    /// The CS231n check: x 4×3×5×5, w 2×3×3×3, stride 1, pad 1.
    @Test func convLayerGradientsPassTheCS231nCheck() {
        let x = Tensor.randomNormal(shape: [4, 3, 5, 5], seed: 231)
        let w = Tensor.randomNormal(shape: [2, 3, 3, 3], seed: 232)
        let b = Tensor.randomNormal(shape: [2], seed: 233)
        let p = ConvParameters(stride: 1, padding: 1)
        let dy = Tensor.randomNormal(shape: [4, 2, 5, 5], seed: 234)
        let grads = convBackward(dy, x, w, p)
        let dxNum = numericalGradient(of: { convForward($0, w, b, p) }, at: x, upstream: dy)
        let dwNum = numericalGradient(of: { convForward(x, $0, b, p) }, at: w, upstream: dy)
        let dbNum = numericalGradient(of: { convForward(x, w, $0, p) }, at: b, upstream: dy)
        #expect(relError(grads.dx, dxNum) < 1e-7)
        #expect(relError(grads.dw, dwNum) < 1e-7)
        #expect(relError(grads.db, dbNum) < 1e-7)
    }

    /// A chain conv → ReLU → ½‖a - t‖² with strides, padding, dilation and groups.
    /// The loss's gradient is checked on its own in `squaredErrorLossGradient`; the
    /// layers below it are checked with da as the upstream gradient, by centred
    /// differences of the whole output (CS231n's array form). Differencing the
    /// scalar loss instead loses about 1e-7 of relative accuracy to rounding in a
    /// sum of a few hundred terms.
    @Test(arguments: [ConvParameters(stride: 2, padding: 1),
                      ConvParameters(stride: HW(height: 2, width: 3), padding: HW(height: 0, width: 2), dilation: 2),
                      ConvParameters(stride: 1, padding: 1, groups: 2)])
    func chainThroughReluAndLoss(p: ConvParameters) {
        let x = Tensor.randomNormal(shape: [2, 4, 9, 11], seed: 11)
        let w = Tensor.randomNormal(shape: [4, 4 / p.groups, 3, 2], seed: 12)
        let b = Tensor.randomNormal(shape: [4], seed: 13)
        let target = Tensor.randomNormal(shape: try! ConvGeometry(input: x.shape, weight: w.shape, parameters: p).outputShape, seed: 14)
        let z = convForward(x, w, b, p)
        let a = relu(z)
        let da = squaredErrorLoss(a, target: target).gradient
        let grads = convBackward(reluBackward(da, z), x, w, p)
        #expect(relError(grads.dx, numericalGradient(of: { relu(convForward($0, w, b, p)) }, at: x, upstream: da)) < 1e-7)
        #expect(relError(grads.dw, numericalGradient(of: { relu(convForward(x, $0, b, p)) }, at: w, upstream: da)) < 1e-7)
        #expect(relError(grads.db, numericalGradient(of: { relu(convForward(x, w, $0, p)) }, at: b, upstream: da)) < 1e-7)
    }

    @Test func squaredErrorLossGradient() {
        let y = Tensor.randomNormal(shape: [3, 4], seed: 8)
        let t = Tensor.randomNormal(shape: [3, 4], seed: 9)
        let analytic = squaredErrorLoss(y, target: t)
        #expect(squaredErrorLoss(Tensor(vector: [1, 2]), target: Tensor(vector: [0, 0])).loss == 2.5)
        #expect(relError(analytic.gradient, numericalGradient(ofScalar: { squaredErrorLoss($0, target: t).loss }, at: y)) < 1e-7)
    }

    @Test func softmaxCrossEntropyGradient() {
        let scores = Tensor.randomNormal(shape: [5, 4], seed: 3)
        let labels = [0, 3, 1, 1, 2]
        let analytic = softmaxCrossEntropyLoss(scores, labels: labels).gradient
        let numeric = numericalGradient(ofScalar: { softmaxCrossEntropyLoss($0, labels: labels).loss }, at: scores)
        #expect(relError(analytic, numeric) < 1e-7)
        // Uniform scores: loss ln K.
        #expect(abs(softmaxCrossEntropyLoss(Tensor(zeros: [2, 4]), labels: [0, 1]).loss - portableLog(4)) < 1e-15)
    }

    @Test func reluBackwardTakesZeroAtTheKink() {
        let z = Tensor(vector: [-1, 0, 2])
        #expect(relu(z).scalars == [0, 0, 2])
        #expect(reluBackward(Tensor(vector: [5, 5, 5]), z).scalars == [0, 0, 5])
    }
}
