import Testing
@testable import ConvEngine

/// Random layers whose padding differs between the two sides of an axis.
enum AsymmetricLayers {
    /// `count` valid layers; each has top ≠ bottom or left ≠ right (each side 0...3).
    static func grid(count: Int, seed: UInt64 = 77) -> [RandomLayer] {
        var generator = SeededNormalGenerator(seed: seed)
        func pick(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(generator.nextBits() % UInt64(range.count))
        }
        var layers = [RandomLayer]()
        var attempt: UInt64 = 0
        while layers.count < count {
            attempt += 1
            let groups = pick(1...2)
            let C = groups * pick(1...2), F = groups * pick(1...2)
            let N = pick(1...2), H = pick(1...7), W = pick(1...7)
            let HH = pick(1...4), WW = pick(1...4)
            let sides = Padding(top: pick(0...3), bottom: pick(0...3), left: pick(0...3), right: pick(0...3))
            guard !sides.isSymmetric else { continue }
            let p = ConvParameters(stride: HW(height: pick(1...3), width: pick(1...3)), padding: sides,
                                   dilation: HW(height: pick(1...2), width: pick(1...2)), groups: groups)
            guard let g = try? ConvGeometry(input: [N, C, H, W], weight: [F, C / groups, HH, WW], parameters: p) else { continue }
            let seed = seed * 10_000 + attempt * 10
            layers.append(RandomLayer(x: .randomNormal(shape: [N, C, H, W], seed: seed),
                                      w: .randomNormal(shape: [F, C / groups, HH, WW], seed: seed + 1),
                                      b: .randomNormal(shape: [F], seed: seed + 2),
                                      dy: .randomNormal(shape: g.outputShape, seed: seed + 3),
                                      parameters: p))
        }
        return layers
    }

    static let layers = grid(count: 120)
}

@Suite struct AsymmetricPaddingTests {
    @Test func theGridCoversBothAxesAndLongerEitherSide() {
        let sides = AsymmetricLayers.layers.map(\.parameters.paddingSides)
        #expect(sides.contains { $0.top < $0.bottom })
        #expect(sides.contains { $0.top > $0.bottom })
        #expect(sides.contains { $0.left < $0.right })
        #expect(sides.contains { $0.left > $0.right })
        #expect(Set(AsymmetricLayers.layers.map(\.parameters.stride.height)) == [1, 2, 3])
        #expect(Set(AsymmetricLayers.layers.map(\.parameters.groups)) == [1, 2])
    }

    /// The output size H' = ⌊(H + p_top + p_bottom − d(HH − 1) − 1)/s⌋ + 1, measured by
    /// counting the window positions s·i that fit in the padded input.
    @Test func outputSizeCountsTheWindowsThatFit() {
        for n in 1...9 { for k in 1...4 { for s in 1...3 { for d in 1...2 { for low in 0...3 { for high in 0...3 {
            let padded = n + low + high, span = d * (k - 1) + 1
            let counted = (0..<padded).filter { s * $0 + span <= padded }.count
            let formula = outputLength(input: n, kernel: k, stride: s, paddingLow: low, paddingHigh: high, dilation: d)
            #expect(formula == (counted == 0 ? nil : counted), "n \(n) k \(k) s \(s) d \(d) low \(low) high \(high)")
        } } } } } }
    }

    /// The reference loops pad x explicitly (x_pad); the channels-last loops check
    /// each index against the input's bounds instead. The two agree, and the
    /// building blocks and the im2col fast path agree with the loops.
    @Test(arguments: AsymmetricLayers.layers)
    func everyFormAgreesWithTheReferenceLoops(layer: RandomLayer) {
        let (x, w, b, dy, p) = (layer.x, layer.w, layer.b, layer.dy, layer.parameters)
        let y = convForward(x, w, b, p)
        #expect(relativeDifference(convForwardByBlocks(x, w, b, p), y) < 1e-12)
        #expect(relativeDifference(convForwardIm2col(x, w, b, p), y) < 1e-12)
        let yNHWC = convForwardNHWC(x.permuted(Layout.nchwToNHWC), w.permuted(Layout.oihwToHWIO), b, p)
        #expect(relativeDifference(yNHWC.permuted(Layout.nhwcToNCHW), y) < 1e-12)

        let reference = convBackward(dy, x, w, p)
        for other in [convBackwardByBlocks(dy, x, w, p), convBackwardIm2col(dy, x, w, p)] {
            #expect(relativeDifference(other.dx, reference.dx) < 1e-12)
            #expect(relativeDifference(other.dw, reference.dw) < 1e-12)
            #expect(relativeDifference(other.db, reference.db) < 1e-12)
        }
        #expect(relativeDifference(convBackwardInputGather(dy, x, w, p), reference.dx) < 1e-12)
        let channelsLast = convBackwardNHWC(dy.permuted(Layout.nchwToNHWC), x.permuted(Layout.nchwToNHWC),
                                            w.permuted(Layout.oihwToHWIO), p)
        #expect(relativeDifference(channelsLast.dx.permuted(Layout.nhwcToNCHW), reference.dx) < 1e-12)
        #expect(relativeDifference(channelsLast.dw.permuted(Layout.hwioToOIHW), reference.dw) < 1e-12)
        #expect(relativeDifference(channelsLast.db, reference.db) < 1e-12)
    }

    /// dx, dw and db against centred differences of the forward pass.
    @Test(arguments: AsymmetricLayers.layers.prefix(30))
    func gradientsMatchFiniteDifferences(layer: RandomLayer) {
        let (x, w, b, dy, p) = (layer.x, layer.w, layer.b, layer.dy, layer.parameters)
        let grads = convBackward(dy, x, w, p)
        #expect(relError(grads.dx, numericalGradient(of: { convForward($0, w, b, p) }, at: x, upstream: dy)) < 1e-8)
        #expect(relError(grads.dw, numericalGradient(of: { convForward(x, $0, b, p) }, at: w, upstream: dy)) < 1e-8)
        #expect(relError(grads.db, numericalGradient(of: { convForward(x, w, $0, p) }, at: b, upstream: dy)) < 1e-8)
    }

    /// Padding one side only shifts or extends the symmetric layer: with stride 1,
    /// (top t, bottom u) gives the rows max(t, u) − t onward of the layer padded
    /// max(t, u) on both sides, and likewise for the columns.
    @Test(arguments: AsymmetricLayers.layers.filter { $0.parameters.stride == HW(1) }.prefix(30))
    func stride1IsAWindowOfTheSymmetricLayer(layer: RandomLayer) throws {
        let (x, w, b, p) = (layer.x, layer.w, layer.b, layer.parameters)
        let sides = p.paddingSides
        var symmetric = p
        symmetric.padding = HW(height: max(sides.top, sides.bottom), width: max(sides.left, sides.right))
        let wide = convForward(x, w, b, symmetric)
        let y = convForward(x, w, b, p)
        let expected = window(wide, rowStart: symmetric.padding.height - sides.top, rows: y.shape[2],
                              columnStart: symmetric.padding.width - sides.left, columns: y.shape[3])
        #expect(y == expected)
    }

    /// The reading of `Terms` (what the receptive-field explorer draws) for
    /// asymmetric padding: adding up the listed products gives the loops' numbers.
    @Test(arguments: AsymmetricLayers.layers.prefix(30))
    func termsReproduceTheLoops(layer: RandomLayer) throws {
        try TermTests.expectTermsReproduceTheLoops(layer)
    }

    /// im2col against its definition on the asymmetrically padded x, and col2im as its adjoint.
    @Test(arguments: AsymmetricLayers.layers.prefix(40))
    func im2colAndCol2imHonourEachSide(layer: RandomLayer) throws {
        let p = layer.parameters
        let g = try ConvGeometry(input: layer.x.shape, weight: layer.w.shape, parameters: p)
        let xPad = pad(layer.x, p.paddingSides)
        #expect(xPad.shape == [g.N, g.C, g.H + p.paddingSides.top + p.paddingSides.bottom,
                               g.W + p.paddingSides.left + p.paddingSides.right])
        for group in 0..<p.groups {
            let cols = im2col(layer.x, kernelHeight: g.HH, kernelWidth: g.WW, group: group, p)
            for c in 0..<g.channelsPerGroup { for a in 0..<g.HH { for b in 0..<g.WW {
                for n in 0..<g.N { for i in 0..<g.outHeight { for j in 0..<g.outWidth {
                    let row = (c * g.HH + a) * g.WW + b, column = (n * g.outHeight + i) * g.outWidth + j
                    #expect(cols[row, column] == xPad[n, group * g.channelsPerGroup + c, p.stride.height * i + p.dilation.height * a,
                                                      p.stride.width * j + p.dilation.width * b])
                } } }
            } } }
            let m = Tensor.randomNormal(shape: cols.shape, seed: 91)
            let back = col2im(m, inputShape: layer.x.shape, kernelHeight: g.HH, kernelWidth: g.WW, group: group, p)
            #expect(abs(cols.dot(m) - layer.x.dot(back)) <= 1e-12 * max(abs(cols.dot(m)), 1))
        }
    }

    @Test func padAndCropTakeEachSide() {
        let m = Tensor(matrix: [[1, 2], [3, 4]])
        let sides = Padding(top: 0, bottom: 1, left: 2, right: 0)
        let padded = pad(m, sides)
        #expect(padded.shape == [3, 4])
        #expect(padded.scalars == [0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0])
        #expect(crop(padded, sides) == m)
        #expect(pad(Tensor(vector: [1, 2]), sides).scalars == [0, 0, 1, 2])   // a vector takes left and right only
    }

    @Test func symmetricPaddingIsTheSpecialCase() {
        var p = ConvParameters(stride: 2, padding: 1)
        #expect(p.paddingSides == Padding(top: 1, bottom: 1, left: 1, right: 1))
        #expect(p == ConvParameters(stride: 2, padding: Padding(HW(1))))
        #expect(p.description == "stride 2, padding 1, dilation 1, groups 1")
        p.paddingSides.bottom = 2
        #expect(!p.paddingSides.isSymmetric)
        #expect(p.description == "stride 2, padding (top 1, bottom 2, left 1, right 1), dilation 1, groups 1")
        p.padding = HW(height: 0, width: 3)
        #expect(p.paddingSides == Padding(top: 0, bottom: 0, left: 3, right: 3))
    }

    @Test func errorsNameTheSides() {
        func message(_ p: ConvParameters, _ input: [Int] = [1, 1, 4, 4], _ weight: [Int] = [1, 1, 3, 3]) -> String {
            do {
                _ = try ConvGeometry(input: input, weight: weight, parameters: p)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(message(ConvParameters(padding: Padding(top: 0, bottom: -1, left: 0, right: 0)))
                == "padding must be non-negative, got (top 0, bottom -1, left 0, right 0)")
        #expect(message(ConvParameters(padding: Padding(top: 0, bottom: 1, left: 0, right: 0)), [1, 1, 1, 4])
                == "no output rows: H + p_top + p_bottom - d(HH - 1) - 1 = 1 + 0 + 1 - 1·(3 - 1) - 1 = -1 < 0")
    }
}

@Suite struct SamePaddingTests {
    /// Over a sweep of H, HH, s, d: the helper's padding gives ⌈H/s⌉ outputs; it is
    /// the least total that does (found by trying every smaller total); the split
    /// puts the odd zero after the input (bottom, right); and PyTorch's stride-1
    /// rule, which never looks at H, gives the same padding at stride 1.
    @Test func sameGivesCeilOfHOverSWithTheLeastPaddingAndTheExtraZeroLast() {
        var cases = 0
        for H in 1...16 { for HH in 1...6 { for s in 1...4 { for d in 1...3 {
            let (low, high) = samePadding(input: H, kernel: HH, stride: s, dilation: d)
            let target = (H + s - 1) / s
            let length = outputLength(input: H, kernel: HH, stride: s, paddingLow: low, paddingHigh: high, dilation: d)
            #expect(length == target, "H \(H) HH \(HH) s \(s) d \(d): \(String(describing: length)) outputs")
            let least = (0...(d * HH + s)).first { total in
                outputLength(input: H, kernel: HH, stride: s, paddingLow: 0, paddingHigh: total, dilation: d).map { $0 >= target } ?? false
            }
            #expect(low + high == least, "H \(H) HH \(HH) s \(s) d \(d)")
            #expect(high == low || high == low + 1)
            if s == 1 {
                let torch = Padding.sameAtStrideOne(kernel: HW(HH), dilation: HW(d))
                #expect(torch.top == low && torch.bottom == high)
            }
            cases += 1
        } } } }
        #expect(cases == 16 * 6 * 4 * 3)
    }

    @Test func theLayerWithSamePaddingKeepsTheSizeForEvenKernels() {
        let x = Tensor.randomNormal(shape: [1, 1, 4, 4], seed: 3)
        let w = Tensor.randomNormal(shape: [1, 1, 2, 2], seed: 4)
        let sides = Padding.same(input: HW(4), kernel: HW(2))
        #expect(sides == Padding(top: 0, bottom: 1, left: 0, right: 1))
        let y = convForward(x, w, nil, ConvParameters(padding: sides))
        #expect(y.shape == [1, 1, 4, 4])
        // The last output row's window hangs over the bottom: its second row of taps reads zeros.
        #expect(y[0, 0, 3, 0] == x[0, 0, 3, 0] * w[0, 0, 0, 0] + x[0, 0, 3, 1] * w[0, 0, 0, 1])
    }
}

@Suite struct LayoutTests {
    @Test func permutationsRoundTripAndMoveEachElement() {
        let x = Tensor.randomNormal(shape: [2, 3, 4, 5], seed: 8)
        let xNHWC = x.permuted(Layout.nchwToNHWC)
        #expect(xNHWC.shape == [2, 4, 5, 3])
        #expect(xNHWC.permuted(Layout.nhwcToNCHW) == x)
        for n in 0..<2 { for c in 0..<3 { for i in 0..<4 { for j in 0..<5 {
            #expect(xNHWC[n, i, j, c] == x[n, c, i, j])
        } } } }
        let w = Tensor.randomNormal(shape: [6, 3, 2, 4], seed: 9)
        let wHWIO = w.permuted(Layout.oihwToHWIO)
        #expect(wHWIO.shape == [2, 4, 3, 6])
        #expect(wHWIO.permuted(Layout.hwioToOIHW) == w)
        for f in 0..<6 { for c in 0..<3 { for a in 0..<2 { for b in 0..<4 {
            #expect(wHWIO[a, b, c, f] == w[f, c, a, b])
        } } } }
        #expect(Tensor(matrix: [[1, 2, 3], [4, 5, 6]]).permuted([1, 0]) == Tensor(matrix: [[1, 4], [2, 5], [3, 6]]))
    }

    /// The channels-last loops, indexed directly, against the NCHW engine between
    /// transposes, on the symmetric grid (the asymmetric grid is above).
    @Test(arguments: AgreementTests.layers.prefix(40))
    func channelsLastLoopsEqualTheEngineBetweenTransposes(layer: RandomLayer) {
        let (x, w, b, dy, p) = (layer.x, layer.w, layer.b, layer.dy, layer.parameters)
        let (xT, wT, dyT) = (x.permuted(Layout.nchwToNHWC), w.permuted(Layout.oihwToHWIO), dy.permuted(Layout.nchwToNHWC))
        let direct = convForwardNHWC(xT, wT, b, p)
        #expect(relativeDifference(direct, convForwardIm2col(x, w, b, p).permuted(Layout.nchwToNHWC)) < 1e-12)
        let grads = convBackwardNHWC(dyT, xT, wT, p)
        let engine = convBackwardIm2col(dy, x, w, p)
        #expect(relativeDifference(grads.dx, engine.dx.permuted(Layout.nchwToNHWC)) < 1e-12)
        #expect(relativeDifference(grads.dw, engine.dw.permuted(Layout.oihwToHWIO)) < 1e-12)
        #expect(relativeDifference(grads.db, engine.db) < 1e-12)
    }
}
