// Channels-last layouts. The engine stores images NCHW and filters
// (F, C/groups, HH, WW) ("OIHW"); TensorFlow's default is channels last: images
// NHWC and filters (HH, WW, C/groups, F) ("HWIO"). The two hold the same
// numbers in another order, so a channels-last layer is the engine's layer
// between transposes:
//
//   forward    y  = T_y( conv( T_x⁻¹(x), T_w⁻¹(w) ) ) + b
//   backward   dx = T_x( dx of the NCHW layer ),  dw = T_w( dw of the NCHW layer ),
//              where that layer receives T_y⁻¹(dy); db needs no transpose.
//
// with T_x = T_y = NCHW → NHWC and T_w = OIHW → HWIO. A transpose is a
// permutation, a linear map whose adjoint is its inverse, which is why the
// backward pass undoes on the gradients exactly the transposes the forward
// pass did on its inputs. The direct loops below use channels-last indices
// throughout, as the Q&A thread writes the layer, and check the transposes.

/// The axis orders that convert between layouts, for ``Tensor/permuted(_:)``.
///
/// ```swift
/// let xNHWC = x.permuted(Layout.nchwToNHWC)   // (N, C, H, W) → (N, H, W, C)
/// let wHWIO = w.permuted(Layout.oihwToHWIO)   // (F, C/groups, HH, WW) → (HH, WW, C/groups, F)
/// ```
public enum Layout {
    /// (N, C, H, W) → (N, H, W, C).
    public static let nchwToNHWC = [0, 2, 3, 1]
    /// (N, H, W, C) → (N, C, H, W).
    public static let nhwcToNCHW = [0, 3, 1, 2]
    /// (F, C/groups, HH, WW) → (HH, WW, C/groups, F).
    public static let oihwToHWIO = [2, 3, 1, 0]
    /// (HH, WW, C/groups, F) → (F, C/groups, HH, WW).
    public static let hwioToOIHW = [3, 2, 0, 1]
}

extension Tensor {
    /// The same elements with the axes reordered: axis k of the result is axis
    /// `order[k]` of this tensor, so `result[i₀, …, i₃] = self[j]` with
    /// `j[order[k]] = i_k`. Applying the inverse order gives this tensor back.
    ///
    /// ```swift
    /// Tensor(matrix: [[1, 2, 3], [4, 5, 6]]).permuted([1, 0])   // [[1, 4], [2, 5], [3, 6]]
    /// ```
    public func permuted(_ order: [Int]) -> Tensor {
        require(order.sorted() == Array(0..<rank),
                "permuted needs an order of the axes 0..<\(rank) of shape \(shape), each once, got \(order)")
        let newShape = order.map { shape[$0] }
        let oldStrides = strides
        var out = [Double](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: rank)        // the result's index, counted in row-major order
        for position in 0..<count {
            var source = 0
            for k in 0..<rank { source += index[k] * oldStrides[order[k]] }
            out[position] = scalars[source]
            var k = rank - 1
            while k >= 0 {
                index[k] += 1
                if index[k] < newShape[k] { break }
                index[k] = 0
                k -= 1
            }
        }
        return Tensor(shape: newShape, scalars: out).computed(from: self)
    }
}

// MARK: The layer in channels-last indexing

/// The geometry of a channels-last layer: x (N, H, W, C), w (HH, WW, C/groups, F),
/// b (F), dy (N, H', W', F). Traps with the same messages as the NCHW layer.
private func channelsLastGeometry(x: Tensor, w: Tensor, b: Tensor? = nil, dy: Tensor? = nil,
                                  parameters: ConvParameters) -> ConvGeometry {
    require(x.rank == 4, "a channels-last input must have 4 axes (N, H, W, C), got shape \(x.shape)")
    require(w.rank == 4, "a channels-last weight must have 4 axes (HH, WW, C/groups, F), got shape \(w.shape)")
    let input = Layout.nhwcToNCHW.map { x.shape[$0] }, weight = Layout.hwioToOIHW.map { w.shape[$0] }
    let g: ConvGeometry
    do {
        g = try ConvGeometry(input: input, weight: weight, parameters: parameters)
    } catch {
        fatalError("\(error) (the channels-last shapes \(x.shape) and \(w.shape), read as NCHW and OIHW)")
    }
    if let b { require(b.shape == [g.F], "bias must have shape [\(g.F)] (one per filter), got \(b.shape)") }
    if let dy {
        let expected = Layout.nchwToNHWC.map { g.outputShape[$0] }
        require(dy.shape == expected, "upstream gradient must have the output's shape \(expected) (N, H', W', F), got \(dy.shape)")
    }
    return g
}

/// The forward pass on channels-last tensors, by its definition written with
/// channels-last indices:
///
///     y[n, i, j, f] = b[f] + Σ_a Σ_b Σ_c  x[n, s·i + d·a − p_top, s·j + d·b − p_left, c] · w[a, b, c, f]
///
/// where an index outside x reads a zero of the padding, and `c` runs over the
/// channels of filter `f`'s group. x is (N, H, W, C), w is (HH, WW, C/groups, F),
/// b is (F) or nil; y is (N, H', W', F).
///
/// ```swift
/// let y = convForwardNHWC(x.permuted(Layout.nchwToNHWC), w.permuted(Layout.oihwToHWIO))
/// // equals convForward(x, w).permuted(Layout.nchwToNHWC)
/// ```
public func convForwardNHWC(_ x: Tensor, _ w: Tensor, _ b: Tensor? = nil,
                            _ parameters: ConvParameters = ConvParameters()) -> Tensor {
    let g = channelsLastGeometry(x: x, w: w, b: b, parameters: parameters)
    let (s, d, p) = (parameters.stride, parameters.dilation, parameters.paddingSides)
    var y = Tensor(zeros: [g.N, g.outHeight, g.outWidth, g.F])
    for n in 0..<g.N {
        for i in 0..<g.outHeight {
            for j in 0..<g.outWidth {
                for f in 0..<g.F {
                    let firstChannel = g.group(ofFilter: f) * g.channelsPerGroup
                    var total = b?[f] ?? 0
                    for a in 0..<g.HH {
                        let r = s.height * i + d.height * a - p.top
                        guard r >= 0, r < g.H else { continue }          // a row of padding: adds 0
                        for bb in 0..<g.WW {
                            let q = s.width * j + d.width * bb - p.left
                            guard q >= 0, q < g.W else { continue }      // a column of padding
                            for c in 0..<g.channelsPerGroup {
                                total += x[n, r, q, firstChannel + c] * w[a, bb, c, f]
                            }
                        }
                    }
                    y[n, i, j, f] = total
                }
            }
        }
    }
    return y.computed(from: x, w, b)
}

/// The backward pass on channels-last tensors, by the chain rule on each term of
/// ``convForwardNHWC(_:_:_:_:)``'s sum (the scatter view): every output
/// y[n, i, j, f] that read x[n, r, q, c] with tap w[a, b, c, f] sends
///
///     dw[a, b, c, f] += dy[n, i, j, f] · x[n, r, q, c]
///     dx[n, r, q, c] += dy[n, i, j, f] · w[a, b, c, f]
///     db[f]          += dy[n, i, j, f]
///
/// with r = s·i + d·a − p_top and q = s·j + d·b − p_left inside x (taps on the
/// padding send nothing on to x). dy is (N, H', W', F); dx, dw, db have the
/// shapes of x, w and b.
public func convBackwardNHWC(_ dy: Tensor, _ x: Tensor, _ w: Tensor,
                             _ parameters: ConvParameters = ConvParameters()) -> ConvGradients {
    let g = channelsLastGeometry(x: x, w: w, dy: dy, parameters: parameters)
    let (s, d, p) = (parameters.stride, parameters.dilation, parameters.paddingSides)
    var dx = Tensor(zeros: x.shape), dw = Tensor(zeros: w.shape), db = Tensor(zeros: [g.F])
    for n in 0..<g.N {
        for i in 0..<g.outHeight {
            for j in 0..<g.outWidth {
                for f in 0..<g.F {
                    let firstChannel = g.group(ofFilter: f) * g.channelsPerGroup
                    let upstream = dy[n, i, j, f]
                    db[f] += upstream
                    for a in 0..<g.HH {
                        let r = s.height * i + d.height * a - p.top
                        guard r >= 0, r < g.H else { continue }
                        for bb in 0..<g.WW {
                            let q = s.width * j + d.width * bb - p.left
                            guard q >= 0, q < g.W else { continue }
                            for c in 0..<g.channelsPerGroup {
                                dw[a, bb, c, f] += upstream * x[n, r, q, firstChannel + c]
                                dx[n, r, q, firstChannel + c] += upstream * w[a, bb, c, f]
                            }
                        }
                    }
                }
            }
        }
    }
    return ConvGradients(dx: dx.computed(from: dy, w), dw: dw.computed(from: dy, x), db: db.computed(from: dy))
}
