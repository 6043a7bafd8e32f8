// Which numbers meet in each sum of the layer. Every entry of y, dx and dw is
// a sum of products of two other tensors' entries; these functions list the
// pairs, as flat (row-major) indices, straight from the definitions. The
// explainer's receptive-field explorer draws them, and the tests check that
// adding up the listed products gives exactly the reference loops' numbers.
// Padding taps are left out: they multiply a zero.

/// One product in a sum: flat indices into the two tensors multiplied.
public struct Term: Hashable, Sendable {
    public let first: Int
    public let second: Int

    public init(_ first: Int, _ second: Int) {
        self.first = first
        self.second = second
    }
}

/// The rows and columns of x_pad that the window of output (i, j) covers,
/// `(s·i + d·a, s·j + d·b)` for every tap (a, b), in padded coordinates.
public func windowTaps(outputRow i: Int, outputColumn j: Int, kernelHeight HH: Int, kernelWidth WW: Int,
                       _ parameters: ConvParameters = ConvParameters()) -> [(row: Int, column: Int)] {
    let (s, d) = (parameters.stride, parameters.dilation)
    var taps = [(row: Int, column: Int)]()
    for a in 0..<HH {
        for b in 0..<WW {
            taps.append((s.height * i + d.height * a, s.width * j + d.width * b))
        }
    }
    return taps
}

extension ConvGeometry {
    /// The terms of `y[n, f, i, j] = b[f] + Σ_c Σ_a Σ_b x_pad[n, c, s·i + d·a, s·j + d·b] · w[f, c, a, b]`:
    /// pairs (index into x, index into w).
    public func outputTerms(n: Int, f: Int, i: Int, j: Int) -> [Term] {
        let p = parameters.paddingSides
        let firstChannel = group(ofFilter: f) * channelsPerGroup
        var terms = [Term]()
        for c in 0..<channelsPerGroup {
            for (k, tap) in windowTaps(outputRow: i, outputColumn: j, kernelHeight: HH, kernelWidth: WW, parameters).enumerated() {
                let row = tap.row - p.top, column = tap.column - p.left
                guard row >= 0, row < H, column >= 0, column < W else { continue }
                let xIndex = ((n * C + firstChannel + c) * H + row) * W + column
                let wIndex = (f * channelsPerGroup + c) * HH * WW + k
                terms.append(Term(xIndex, wIndex))
            }
        }
        return terms
    }

    /// The terms of `dx[n, c, r, q] = Σ_f Σ_a Σ_b dy[n, f, i, j] · w[f, c, a, b]` over the outputs
    /// (i, j) whose window put tap (a, b) on input pixel (r, q) (the gather view):
    /// pairs (index into dy, index into w).
    public func inputGradientTerms(n: Int, c: Int, r: Int, q: Int) -> [Term] {
        let (s, d, p) = (parameters.stride, parameters.dilation, parameters.paddingSides)
        let group = c / channelsPerGroup, localChannel = c % channelsPerGroup
        var terms = [Term]()
        for f in (group * filtersPerGroup)..<((group + 1) * filtersPerGroup) {
            for a in 0..<HH {
                let rowSpan = r + p.top - d.height * a
                guard rowSpan >= 0, rowSpan % s.height == 0, rowSpan / s.height < outHeight else { continue }
                for b in 0..<WW {
                    let columnSpan = q + p.left - d.width * b
                    guard columnSpan >= 0, columnSpan % s.width == 0, columnSpan / s.width < outWidth else { continue }
                    let dyIndex = ((n * F + f) * outHeight + rowSpan / s.height) * outWidth + columnSpan / s.width
                    let wIndex = ((f * channelsPerGroup + localChannel) * HH + a) * WW + b
                    terms.append(Term(dyIndex, wIndex))
                }
            }
        }
        return terms
    }

    /// The terms of `dw[f, c, a, b] = Σ_n Σ_i Σ_j dy[n, f, i, j] · x_pad[n, c, s·i + d·a, s·j + d·b]`:
    /// pairs (index into x, index into dy).
    public func weightGradientTerms(f: Int, c: Int, a: Int, b: Int) -> [Term] {
        let (s, d, p) = (parameters.stride, parameters.dilation, parameters.paddingSides)
        let channel = group(ofFilter: f) * channelsPerGroup + c
        var terms = [Term]()
        for n in 0..<N {
            for i in 0..<outHeight {
                let row = s.height * i + d.height * a - p.top
                guard row >= 0, row < H else { continue }
                for j in 0..<outWidth {
                    let column = s.width * j + d.width * b - p.left
                    guard column >= 0, column < W else { continue }
                    let xIndex = ((n * C + channel) * H + row) * W + column
                    let dyIndex = ((n * F + f) * outHeight + i) * outWidth + j
                    terms.append(Term(xIndex, dyIndex))
                }
            }
        }
        return terms
    }
}
