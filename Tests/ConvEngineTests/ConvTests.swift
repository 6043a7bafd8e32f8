import Testing
@testable import ConvEngine

/// One random layer: shapes, parameters and tensors.
struct RandomLayer: CustomStringConvertible {
    let x: Tensor, w: Tensor, b: Tensor, dy: Tensor
    let parameters: ConvParameters

    var description: String { "x \(x.shape), w \(w.shape), \(parameters)" }

    /// Draws a layer whose geometry is valid, from `generator`.
    static func draw(_ generator: inout SeededNormalGenerator, seed: UInt64, maxSize: Int = 8) -> RandomLayer {
        func pick(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(generator.nextBits() % UInt64(range.count))
        }
        while true {
            let groups = pick(1...3)
            let C = groups * pick(1...2), F = groups * pick(1...2)
            let N = pick(1...2), H = pick(1...maxSize), W = pick(1...maxSize)
            let HH = pick(1...3), WW = pick(1...3)
            let p = ConvParameters(stride: HW(height: pick(1...3), width: pick(1...3)),
                                   padding: HW(height: pick(0...2), width: pick(0...2)),
                                   dilation: HW(height: pick(1...2), width: pick(1...2)),
                                   groups: groups)
            guard let g = try? ConvGeometry(input: [N, C, H, W], weight: [F, C / groups, HH, WW], parameters: p) else { continue }
            return RandomLayer(x: .randomNormal(shape: [N, C, H, W], seed: seed),
                               w: .randomNormal(shape: [F, C / groups, HH, WW], seed: seed + 1),
                               b: .randomNormal(shape: [F], seed: seed + 2),
                               dy: .randomNormal(shape: g.outputShape, seed: seed + 3),
                               parameters: p)
        }
    }

    static func grid(count: Int, seed: UInt64 = 2024) -> [RandomLayer] {
        var generator = SeededNormalGenerator(seed: seed)
        return (0..<count).map { draw(&generator, seed: seed * 1000 + UInt64($0) * 10) }
    }
}

/// `max|a - b| / max|b|`, the relative difference of two whole tensors.
func relativeDifference(_ a: Tensor, _ b: Tensor) -> Double {
    a.maxAbsDifference(b) / max(b.maxAbs(), 1e-300)
}

@Suite struct HandComputedTests {
    // x = 1 2 3      w = 1 2      y[0,0] = 1·1 + 2·2 + 4·3 + 5·4 = 37
    //     4 5 6          3 4      y[0,1] = 2·1 + 3·2 + 5·3 + 6·4 = 47
    //     7 8 9                   y[1,0] = 4·1 + 5·2 + 7·3 + 8·4 = 67
    //                             y[1,1] = 5·1 + 6·2 + 8·3 + 9·4 = 77
    let x = Tensor(batch: [[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]])
    let w = Tensor(batch: [[[[1, 2], [3, 4]]]])

    @Test func forwardThreeByThreeWithTwoByTwo() {
        let y = convForward(x, w, Tensor(vector: [0.5]))
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.scalars == [37.5, 47.5, 67.5, 77.5])
        #expect(convForwardByBlocks(x, w, Tensor(vector: [0.5])) == y)
        #expect(convForwardIm2col(x, w, Tensor(vector: [0.5])) == y)
    }

    @Test func backwardThreeByThreeWithTwoByTwo() {
        // dy = 1 0      dw[a,b] = Σ dy[i,j] x[i+a, j+b]:  dw = x[0,0]·1 + x[1,1]·2 ... worked:
        //      0 2      dw[0,0] = 1·1 + 2·5 = 11, dw[0,1] = 1·2 + 2·6 = 14,
        //               dw[1,0] = 1·4 + 2·8 = 20, dw[1,1] = 1·5 + 2·9 = 23
        // dx = w placed at (0,0) times 1 plus w placed at (1,1) times 2:
        //      1 2 0     0 0 0     1 2 0
        //      3 4 0  +  0 2 4  =  3 6 4
        //      0 0 0     0 6 8     0 6 8
        let dy = Tensor(batch: [[[[1, 0], [0, 2]]]])
        let grads = convBackward(dy, x, w)
        #expect(grads.dw.scalars == [11, 14, 20, 23])
        #expect(grads.dx.scalars == [1, 2, 0, 3, 6, 4, 0, 6, 8])
        #expect(grads.db.scalars == [3])
        #expect(convBackwardByBlocks(dy, x, w) == grads)
        #expect(convBackwardIm2col(dy, x, w) == grads)
        #expect(convBackwardInputGather(dy, x, w) == grads.dx)
    }

    @Test func strideTwoLeavesUnreachedRowsWithZeroGradient() {
        // H = W = 4, HH = 2, s = 3: windows start at 0 and 3? (4 - 2)/3 + 1 = 1 output per axis,
        // so only rows and columns 0..1 are ever read; rows and columns 2..3 get zero gradient.
        let x = Tensor.ramp(shape: [1, 1, 4, 4])
        let w = Tensor(batch: [[[[1, 2], [3, 4]]]])
        let p = ConvParameters(stride: 3)
        let dy = Tensor(repeating: 1, shape: [1, 1, 1, 1])
        let grads = convBackward(dy, x, w, p)
        #expect(grads.dx.scalars == [1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(convBackwardByBlocks(dy, x, w, p) == grads)
    }

    @Test func crossCorrelationAndConvolutionDifferByTheFlip() {
        let a = Tensor(matrix: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        let k = Tensor(matrix: [[1, 2], [3, 4]])
        #expect(crossCorrelate(a, k).scalars == [37, 47, 67, 77])
        // convolution flips k to [[4, 3], [2, 1]]: 1·4 + 2·3 + 4·2 + 5·1 = 23
        #expect(convolve(a, k).scalars == [23, 33, 53, 63])
        #expect(crossCorrelate(a, k, mode: .full).shape == [4, 4])
        #expect(crossCorrelate(a, k, mode: .full)[0, 0] == 4)  // only a[0,0]·k[1,1] overlaps
    }

    @Test func buildingBlocksOnSmallInputs() {
        #expect(pad(Tensor(vector: [1, 2]), 2).scalars == [0, 0, 1, 2, 0, 0])
        #expect(pad(Tensor(matrix: [[1]]), HW(height: 1, width: 0)).shape == [3, 1])
        #expect(crop(pad(Tensor.ramp(shape: [2, 3, 4]), HW(height: 2, width: 1)), HW(height: 2, width: 1)) == .ramp(shape: [2, 3, 4]))
        #expect(rotate180(Tensor(matrix: [[1, 2], [3, 4]])).scalars == [4, 3, 2, 1])
        #expect(rotate180(Tensor(vector: [1, 2, 3])).scalars == [3, 2, 1])
        #expect(dilate(Tensor(vector: [1, 2, 3]), by: 2).scalars == [1, 0, 2, 0, 3])
        #expect(dilate(Tensor(matrix: [[1, 2], [3, 4]]), by: HW(height: 2, width: 3)).scalars
                == [1, 0, 0, 2,
                    0, 0, 0, 0,
                    3, 0, 0, 4])
        let w = Tensor.ramp(shape: [2, 3, 1, 1])
        let swapped = swapFilterAndChannelAxes(w)
        #expect(swapped.shape == [3, 2, 1, 1])
        #expect(swapped[2, 1, 0, 0] == w[1, 2, 0, 0])
    }

    @Test func vectorCase() {
        let x = Tensor(vector: [1, 2, 3, 4])
        let w = Tensor(vector: [1, -1])
        #expect(vectorConvForward(x, w).scalars == [-1, -1, -1])
        // dy = [1, 2, 3]: dw[a] = Σ dy[i] x[i + a] = [1+4+9, 2+6+12] = [14, 20]
        // dx = full convolution of dy with w = [1, 2-1, 3-2, -3] = [1, 1, 1, -3]
        let grads = vectorConvBackward(Tensor(vector: [1, 2, 3]), x, w)
        #expect(grads.dw.scalars == [14, 20])
        #expect(grads.dx.scalars == [1, 1, 1, -3])
        #expect(grads.db == 6)
        #expect(vectorConvBackwardByBlocks(Tensor(vector: [1, 2, 3]), x, w) == grads)
    }
}

@Suite struct AgreementTests {
    static let layers = RandomLayer.grid(count: 160)

    @Test func theGridCoversEveryParameterKind() {
        let ps = Self.layers.map(\.parameters)
        #expect(Set(ps.map(\.stride.height)) == [1, 2, 3])
        #expect(Set(ps.map(\.padding.width)) == [0, 1, 2])
        #expect(Set(ps.map(\.dilation.height)) == [1, 2])
        #expect(Set(ps.map(\.groups)) == [1, 2, 3])
        // The "odd" case: the stride does not divide H + 2p - d(HH-1) - 1.
        #expect(Self.layers.contains { l in
            let s = l.parameters.stride.height
            return (l.x.shape[2] + 2 * l.parameters.padding.height - l.parameters.dilation.height * (l.w.shape[2] - 1) - 1) % s != 0
        })
    }

    @Test(arguments: layers)
    func buildingBlocksAndFastPathAgreeWithTheLoops(layer: RandomLayer) {
        let (x, w, b, dy, p) = (layer.x, layer.w, layer.b, layer.dy, layer.parameters)
        let y = convForward(x, w, b, p)
        #expect(relativeDifference(convForwardByBlocks(x, w, b, p), y) < 1e-12)
        #expect(relativeDifference(convForwardIm2col(x, w, b, p), y) < 1e-12)

        let reference = convBackward(dy, x, w, p)
        let blocks = convBackwardByBlocks(dy, x, w, p)
        let fast = convBackwardIm2col(dy, x, w, p)
        for other in [blocks, fast] {
            #expect(relativeDifference(other.dx, reference.dx) < 1e-12)
            #expect(relativeDifference(other.dw, reference.dw) < 1e-12)
            #expect(relativeDifference(other.db, reference.db) < 1e-12)
        }
        #expect(relativeDifference(convBackwardInputGather(dy, x, w, p), reference.dx) < 1e-12)
    }

    @Test(arguments: layers.prefix(60))
    func adjointIdentity(layer: RandomLayer) {
        // Without bias the layer is linear in x and in w, so for any dy
        // <conv(x, w), dy> = <x, dx> = <w, dw>.
        let y = convForward(layer.x, layer.w, nil, layer.parameters)
        let grads = convBackward(layer.dy, layer.x, layer.w, layer.parameters)
        let lhs = y.dot(layer.dy)
        let scale = max(abs(lhs), 1)
        #expect(abs(lhs - layer.x.dot(grads.dx)) < 1e-12 * scale)
        #expect(abs(lhs - layer.w.dot(grads.dw)) < 1e-12 * scale)
        // The bias: <conv(x) + b, dy> - <conv(x), dy> = <b, db>.
        let yb = convForward(layer.x, layer.w, layer.b, layer.parameters)
        #expect(abs((yb.dot(layer.dy) - lhs) - layer.b.dot(grads.db)) < 1e-12 * max(abs(yb.dot(layer.dy)), 1))
    }

    @Test func vectorCaseAgreesWithTheMatrixCase() {
        var generator = SeededNormalGenerator(seed: 5)
        for trial in 0..<40 {
            let W = 3 + Int(generator.nextBits() % 8), WW = 1 + Int(generator.nextBits() % 3)
            let s = 1 + Int(generator.nextBits() % 3), p = Int(generator.nextBits() % 3), d = 1 + Int(generator.nextBits() % 2)
            guard let out = outputLength(input: W, kernel: WW, stride: s, padding: p, dilation: d) else { continue }
            let x = Tensor.randomNormal(shape: [W], seed: UInt64(trial))
            let w = Tensor.randomNormal(shape: [WW], seed: UInt64(trial) + 100)
            let dy = Tensor.randomNormal(shape: [out], seed: UInt64(trial) + 200)
            let params = ConvParameters(stride: HW(height: 1, width: s), padding: HW(height: 0, width: p),
                                        dilation: HW(height: 1, width: d))
            let y = vectorConvForward(x, w, bias: 0.25, stride: s, padding: p, dilation: d)
            let y2 = convForward(x.reshaped([1, 1, 1, W]), w.reshaped([1, 1, 1, WW]), Tensor(vector: [0.25]), params)
            #expect(y.maxAbsDifference(y2.reshaped([out])) < 1e-12)
            let grads = vectorConvBackward(dy, x, w, stride: s, padding: p, dilation: d)
            let blocks = vectorConvBackwardByBlocks(dy, x, w, stride: s, padding: p, dilation: d)
            let matrix = convBackward(dy.reshaped([1, 1, 1, out]), x.reshaped([1, 1, 1, W]), w.reshaped([1, 1, 1, WW]), params)
            #expect(grads.dx.maxAbsDifference(matrix.dx.reshaped([W])) < 1e-12)
            #expect(grads.dw.maxAbsDifference(matrix.dw.reshaped([WW])) < 1e-12)
            #expect(blocks.dx.maxAbsDifference(grads.dx) < 1e-12)
            #expect(blocks.dw.maxAbsDifference(grads.dw) < 1e-12)
        }
    }
}

extension RandomLayer: Sendable {}

@Suite struct TermTests {
    /// Adding up the listed products reproduces the reference loops exactly
    /// (same terms, same order), for y, dx and dw.
    @Test(arguments: AgreementTests.layers.prefix(40))
    func termsReproduceTheLoops(layer: RandomLayer) throws {
        try Self.expectTermsReproduceTheLoops(layer)
    }

    /// The check itself, for any layer (``AsymmetricPaddingTests`` runs it on asymmetric padding).
    static func expectTermsReproduceTheLoops(_ layer: RandomLayer) throws {
        let (x, w, b, dy, p) = (layer.x, layer.w, layer.b, layer.dy, layer.parameters)
        let g = try ConvGeometry(input: x.shape, weight: w.shape, parameters: p)
        let y = convForward(x, w, b, p)
        let grads = convBackward(dy, x, w, p)
        var fromTerms = Tensor(zeros: y.shape)
        for n in 0..<g.N { for f in 0..<g.F { for i in 0..<g.outHeight { for j in 0..<g.outWidth {
            var total = b[f]
            for t in g.outputTerms(n: n, f: f, i: i, j: j) { total += x.scalars[t.first] * w.scalars[t.second] }
            fromTerms[n, f, i, j] = total
        } } } }
        #expect(relativeDifference(fromTerms, y) < 1e-12)
        var dx = Tensor(zeros: x.shape)
        for n in 0..<g.N { for c in 0..<g.C { for r in 0..<g.H { for q in 0..<g.W {
            for t in g.inputGradientTerms(n: n, c: c, r: r, q: q) { dx[n, c, r, q] += dy.scalars[t.first] * w.scalars[t.second] }
        } } } }
        #expect(relativeDifference(dx, grads.dx) < 1e-12)
        var dw = Tensor(zeros: w.shape)
        for f in 0..<g.F { for c in 0..<g.channelsPerGroup { for a in 0..<g.HH { for bb in 0..<g.WW {
            for t in g.weightGradientTerms(f: f, c: c, a: a, b: bb) { dw[f, c, a, bb] += x.scalars[t.first] * dy.scalars[t.second] }
        } } } }
        #expect(relativeDifference(dw, grads.dw) < 1e-12)
    }

    @Test func windowTapsFollowStrideAndDilation() {
        let taps = windowTaps(outputRow: 1, outputColumn: 2, kernelHeight: 2, kernelWidth: 2, ConvParameters(stride: 2, dilation: 3))
        #expect(taps.map { [$0.row, $0.column] } == [[2, 4], [2, 7], [5, 4], [5, 7]])
    }
}

@Suite struct Im2colTests {
    /// im2col against its definition, cols[(c, a, b), (n, i, j)] = x_pad[n, g·Cg + c, s·i + d·a, s·j + d·b],
    /// and col2im as its exact adjoint: <im2col(x), M> = <x, col2im(M)>. The grid includes
    /// layers whose windows read only padding for some taps.
    @Test(arguments: AgreementTests.layers.prefix(60) + [
        RandomLayer(x: .randomNormal(shape: [1, 2, 2, 2], seed: 1), w: .randomNormal(shape: [2, 2, 3, 3], seed: 2),
                    b: .randomNormal(shape: [2], seed: 3), dy: .randomNormal(shape: [1, 2, 4, 4], seed: 4),
                    parameters: ConvParameters(stride: 1, padding: 2)),
    ])
    func im2colFollowsItsDefinitionAndCol2imIsItsAdjoint(layer: RandomLayer) throws {
        let p = layer.parameters
        let g = try ConvGeometry(input: layer.x.shape, weight: layer.w.shape, parameters: p)
        let xPad = pad(layer.x, p.padding)
        for group in 0..<p.groups {
            let cols = im2col(layer.x, kernelHeight: g.HH, kernelWidth: g.WW, group: group, p)
            #expect(cols.shape == [g.channelsPerGroup * g.HH * g.WW, g.N * g.outHeight * g.outWidth])
            for c in 0..<g.channelsPerGroup { for a in 0..<g.HH { for b in 0..<g.WW {
                for n in 0..<g.N { for i in 0..<g.outHeight { for j in 0..<g.outWidth {
                    let row = (c * g.HH + a) * g.WW + b, column = (n * g.outHeight + i) * g.outWidth + j
                    let expected = xPad[n, group * g.channelsPerGroup + c, p.stride.height * i + p.dilation.height * a,
                                        p.stride.width * j + p.dilation.width * b]
                    #expect(cols[row, column] == expected)
                } } }
            } } }
            let m = Tensor.randomNormal(shape: cols.shape, seed: 77)
            let back = col2im(m, inputShape: layer.x.shape, kernelHeight: g.HH, kernelWidth: g.WW, group: group, p)
            let lhs = cols.dot(m), rhs = layer.x.dot(back)
            #expect(abs(lhs - rhs) <= 1e-12 * max(abs(lhs), 1))
        }
    }
}
