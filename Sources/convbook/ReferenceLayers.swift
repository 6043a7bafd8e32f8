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
        var numbers = SplitMix(state: 0x636F_6E76_626F_6F6B)   // "convbook"
        var found = [KernelCase]()
        var attempt: UInt64 = 0
        while found.count < count {
            attempt += 1
            let groups = numbers.int(1...3)
            let C = groups * numbers.int(1...2), F = groups * numbers.int(1...2)
            let p = ConvParameters(stride: HW(height: numbers.int(1...3), width: numbers.int(1...3)),
                                   padding: HW(height: numbers.int(0...2), width: numbers.int(0...2)),
                                   dilation: HW(height: numbers.int(1...3), width: numbers.int(1...3)), groups: groups)
            let shapeX = [numbers.int(1...2), C, numbers.int(1...9), numbers.int(1...9)]
            let shapeW = [F, C / groups, numbers.int(1...4), numbers.int(1...4)]
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

    /// SplitMix64: small, seeded, the same on every machine.
    struct SplitMix {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(next() % UInt64(range.count))
        }
    }
}
