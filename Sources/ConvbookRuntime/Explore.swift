import ConvbookFormat
import ConvEngine

/// Shows a convolution example a reader can explore: x, w (and b), y, and,
/// with `dy`, the gradients dx and dw. Hovering over or focusing a cell of y,
/// dx or dw highlights the cells of the two tensors that produced it and
/// writes out the sum with its numbers. The lists of cells come from the
/// engine (`ConvGeometry.outputTerms` and friends), computed here at build
/// time. The tensors are also offered as `.npy` downloads (named
/// `LABEL-x.npy`, ...), with the matching PyTorch call on the page.
///
/// ```swift
/// explore(x, w, b, ConvParameters(stride: 2, padding: 1), dy: dy, label: "stride2")
/// ```
///
/// The tensors are published as exact (they come from the loops) unless an
/// input went through BLAS; `tolerance` sets their class yourself.
public func explore(_ x: Tensor, _ w: Tensor, _ b: Tensor? = nil, _ parameters: ConvParameters = ConvParameters(),
                    dy: Tensor? = nil, label: String = "example", tolerance: Tolerance? = nil,
                    file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
    let g: ConvGeometry
    do {
        g = try ConvGeometry.validated(x: x, w: w, b: b, dy: dy, parameters: parameters)
    } catch {
        fatalError("explore: \(error)")
    }
    if RecordChannel.isActive {
        // Before anything is computed: the sums written out grow with every term.
        let outputs = g.N * g.F * g.outHeight * g.outWidth
        let estimate = PublicationLimits.explorerBytes(inputs: x.count, weights: w.count, outputs: outputs, bias: b?.count ?? 0,
                                                       withGradients: dy != nil, termsPerOutput: g.channelsPerGroup * g.HH * g.WW)
        if estimate > PublicationLimits.explorerBytes {
            fatalError("explore: the explorer '\(label)' would add about \(PublicationLimits.size(estimate)) to its page (x \(x.shape), w \(w.shape), y \(g.outputShape)\(dy == nil ? "" : ", with dx and dw")); an explorer may add at most \(PublicationLimits.size(PublicationLimits.explorerBytes)): explore a smaller example")
        }
        for (name, count) in [("x", x.count), ("w", w.count), ("y", outputs)] {
            PublicationCheck.entries(count, call: "explore", what: "the explorer's \(name)")
        }
    }
    let y = convForward(x, w, b, parameters)
    let grads = dy.map { convBackward($0, x, w, parameters) }
    var tensors: [(String, Tensor)] = [("x", x), ("w", w)]
    if let b { tensors.append(("b", b)) }
    tensors.append(("y", y))
    if let dy, let grads { tensors += [("dy", dy), ("dx", grads.dx), ("dw", grads.dw), ("db", grads.db)] }

    guard RecordChannel.isActive else {
        for (name, t) in tensors { show(t, name) }
        return
    }
    for (name, t) in tensors { publish(t, as: "\(label)-\(name)", tolerance: tolerance, file: file, line: line, column: column) }

    func view(_ target: String, _ sources: [String], _ count: Int, _ terms: (Int) -> [Term]) -> ExplorerView {
        ExplorerView(target: target, sources: sources,
                     terms: (0..<count).map { index in terms(index).map { [$0.first, $0.second] } })
    }
    func unflatten(_ index: Int, _ shape: [Int]) -> [Int] {
        var rest = index
        var result = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() {
            result[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return result
    }
    var views = [view("y", ["x", "w"], y.count) { k in
        let at = unflatten(k, y.shape)
        return g.outputTerms(n: at[0], f: at[1], i: at[2], j: at[3])
    }]
    if grads != nil {
        views.append(view("dx", ["dy", "w"], x.count) { k in
            let at = unflatten(k, x.shape)
            return g.inputGradientTerms(n: at[0], c: at[1], r: at[2], q: at[3])
        })
        views.append(view("dw", ["x", "dy"], w.count) { k in
            let at = unflatten(k, w.shape)
            return g.weightGradientTerms(f: at[0], c: at[1], a: at[2], b: at[3])
        })
    }
    let p = parameters
    guard p.paddingSides.isSymmetric else {
        fatalError("explore: the browser's explorer takes a symmetric padding p, got \(p.paddingSides)")
    }
    RecordChannel.emit(.explore(.init(
        at: RecordChannel.site(file, line, column), label: label,
        parameters: ExplorerParameters(stride: [p.stride.height, p.stride.width], padding: [p.padding.height, p.padding.width],
                                       dilation: [p.dilation.height, p.dilation.width], groups: p.groups),
        tensors: tensors.map { .init(name: $0.0, value: PublishedValue(publishing: $0.1).overriding(tolerance)) },
        views: views)))
}
