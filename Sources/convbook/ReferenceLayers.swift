import ConvbookFormat
import ConvEngine

/// The layers on which every build checks the page's own kernel
/// (`convkernel.js`) against the engine, besides the book's examples: 64
/// layers drawn from a fixed seed, covering batches, channels, filters,
/// groups, odd sizes, and stride, padding and dilation that differ by axis.
/// Half of them take the engine's reference loops, half its im2col path, so
/// the kernel is held to both.
enum ReferenceLayers {
    static let count = 64

    static func cases() -> [KernelCase] {
        var random = SeededNormalGenerator(seed: 0x636F_6E76_626F_6F6B)   // "convbook"; its uniform bits pick the sizes
        func pick(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.nextBits() % UInt64(range.count)) }
        var found = [KernelCase]()
        var attempt: UInt64 = 0
        while found.count < count {
            attempt += 1
            let groups = pick(1...3)
            let C = groups * pick(1...2), F = groups * pick(1...2)
            let p = ConvParameters(stride: HW(height: pick(1...3), width: pick(1...3)),
                                   padding: HW(height: pick(0...2), width: pick(0...2)),
                                   dilation: HW(height: pick(1...3), width: pick(1...3)), groups: groups)
            let shapeX = [pick(1...2), C, pick(1...9), pick(1...9)]
            let shapeW = [F, C / groups, pick(1...4), pick(1...4)]
            guard let g = try? ConvGeometry(input: shapeX, weight: shapeW, parameters: p) else { continue }
            let x = Tensor.randomNormal(shape: shapeX, seed: attempt * 4)
            let w = Tensor.randomNormal(shape: shapeW, seed: attempt * 4 + 1)
            let b = Tensor.randomNormal(shape: [F], seed: attempt * 4 + 2)
            let dy = Tensor.randomNormal(shape: g.outputShape, seed: attempt * 4 + 3)
            let loops = found.count % 2 == 0
            let y = loops ? convForward(x, w, b, p) : convForwardIm2col(x, w, b, p)
            let grads = loops ? convBackward(dy, x, w, p) : convBackwardIm2col(dy, x, w, p)
            func tensor(_ t: Tensor) -> KernelTensor { KernelTensor(shape: t.shape, values: t.scalars) }
            found.append(KernelCase(
                id: "reference \(found.count + 1)",
                parameters: ExplorerParameters(stride: [p.stride.height, p.stride.width], padding: [p.padding.height, p.padding.width],
                                               dilation: [p.dilation.height, p.dilation.width], groups: groups),
                tensors: ["x": tensor(x), "w": tensor(w), "b": tensor(b), "dy": tensor(dy), "y": tensor(y),
                          "dx": tensor(grads.dx), "dw": tensor(grads.dw), "db": tensor(grads.db)]))
        }
        return found
    }
}
