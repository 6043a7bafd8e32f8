import ConvbookFormat
import ConvEngine

/// Places a live parameter explorer on the page: controls for the input size
/// H × W, the filter size HH × WW, stride, padding and dilation per axis, and
/// small C and F. As the reader moves them, the page recomputes (with the
/// browser's own kernel, `convkernel.js`, on a small seeded example) the
/// output size with its formula filled in, the windows over x_pad, the rows
/// and columns no window reaches, dy dilated by the stride, the stamps that
/// build dx with their cover counts, and the transposed convolution's size
/// relation.
///
/// ```swift
/// exploreParameters(input: HW(height: 7, width: 7), filter: 3, ConvParameters(stride: 2, padding: 1),
///                   label: "stride-padding")
/// ```
///
/// The engine computes the same answers here, at build time, for a grid of
/// settings (``ParameterGrid/settings(around:)`` and the initial one); the
/// page's "Recompute" control and the site's browser tests hold the
/// explorer to that table.
public func exploreParameters(input: HW, filter: HW, _ parameters: ConvParameters = ConvParameters(),
                              channels: Int = 1, filters: Int = 1, label: String, seed: Int = 7,
                              file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
    let p = parameters
    guard p.groups == 1 else { fatalError("exploreParameters: the explorer shows groups = 1 layers") }
    guard p.paddingSides.isSymmetric else {
        fatalError("exploreParameters: the explorer takes a symmetric padding p, got \(p.paddingSides)")
    }
    let initial = LayerSettings(H: input.height, W: input.width, HH: filter.height, WW: filter.width,
                                sh: p.stride.height, sw: p.stride.width, ph: p.padding.height, pw: p.padding.width,
                                dh: p.dilation.height, dw: p.dilation.width, C: channels, F: filters)
    for (name, range) in ParameterGrid.limits.sorted(by: { $0.key < $1.key }) {   // a fixed order: the same message every run
        guard let setting = ParameterGrid.keyPaths[name] else { continue }
        let value = initial[keyPath: setting]
        guard range[0] <= value && value <= range[1] else {
            fatalError("exploreParameters: \(name) = \(value) is outside the explorer's range \(range[0])...\(range[1])")
        }
    }
    guard let first = ParameterGrid.row(initial, seed: seed) else {
        fatalError("exploreParameters: the initial layer has no output (H + 2p - d(HH - 1) - 1 < 0 on an axis)")
    }
    guard RecordChannel.isActive else {
        print("parameter explorer \(label): y is \(first.outHeight) × \(first.outWidth)")
        return
    }
    let others = ParameterGrid.settings(around: initial).filter { $0 != initial }
    RecordChannel.emit(.parameterExplorer(ParameterExplorer(
        at: RecordChannel.site(file, line, column), label: label, seed: seed, initial: initial,
        limits: ParameterGrid.limits, table: [first] + others.compactMap { ParameterGrid.row($0, seed: seed) })))
}

/// The engine's side of the parameter explorer: the settings it is checked
/// on, and what the engine says of each.
enum ParameterGrid {
    /// The range of each control.
    static let limits: [String: [Int]] = [
        "H": [1, 16], "W": [1, 16], "HH": [1, 5], "WW": [1, 5], "sh": [1, 4], "sw": [1, 4],
        "ph": [0, 3], "pw": [0, 3], "dh": [1, 3], "dw": [1, 3], "C": [1, 2], "F": [1, 2],
    ]

    /// Each setting by the name its control has.
    static let keyPaths: [String: WritableKeyPath<LayerSettings, Int> & Sendable] = [
        "H": \.H, "W": \.W, "HH": \.HH, "WW": \.WW, "sh": \.sh, "sw": \.sw,
        "ph": \.ph, "pw": \.pw, "dh": \.dh, "dw": \.dw, "C": \.C, "F": \.F,
    ]

    /// Every control moved one step either way from `initial` (each a
    /// setting the reader reaches with one key press), and a fixed set of
    /// layers with strides, padding and dilation per axis that the
    /// derivation cares about (windows that skip rows, leftovers a > 0).
    static func settings(around initial: LayerSettings) -> [LayerSettings] {
        var result = [LayerSettings]()
        for name in limits.keys.sorted() {
            guard let range = limits[name], let setting = keyPaths[name] else { continue }
            for step in [-1, 1] where (range[0]...range[1]).contains(initial[keyPath: setting] + step) {
                var s = initial
                s[keyPath: setting] += step
                result.append(s)
            }
        }
        result += [
            LayerSettings(H: 5, W: 5, HH: 3, WW: 3),
            LayerSettings(H: 6, W: 6, HH: 3, WW: 3, sh: 3, sw: 3, ph: 1, pw: 1),
            LayerSettings(H: 7, W: 5, HH: 3, WW: 2, sh: 2, sw: 1, ph: 0, pw: 1),
            LayerSettings(H: 8, W: 8, HH: 2, WW: 2, sh: 3, sw: 3),
            LayerSettings(H: 5, W: 5, HH: 3, WW: 3, ph: 1, pw: 1, dh: 2, dw: 2),
            LayerSettings(H: 9, W: 7, HH: 3, WW: 3, sh: 2, sw: 3, ph: 2, pw: 0, dh: 2, dw: 1),
            LayerSettings(H: 4, W: 6, HH: 1, WW: 4, sh: 4, sw: 2, ph: 3, pw: 1, dh: 1, dw: 3),
            LayerSettings(H: 12, W: 12, HH: 5, WW: 5, sh: 4, sw: 4, ph: 3, pw: 3, dh: 3, dw: 3, C: 2, F: 2),
            LayerSettings(H: 16, W: 16, HH: 1, WW: 1, ph: 3, pw: 3, C: 2, F: 2),
            LayerSettings(H: 3, W: 3, HH: 3, WW: 3, C: 2, F: 2),
        ]
        var seen = Set<LayerSettings>()
        return result.filter { seen.insert($0).inserted }
    }

    /// What the engine says of `s`, nil when the layer has no output.
    static func row(_ s: LayerSettings, seed: Int) -> ParameterExplorer.Row? {
        let p = ConvParameters(stride: HW(height: s.sh, width: s.sw), padding: HW(height: s.ph, width: s.pw),
                               dilation: HW(height: s.dh, width: s.dw))
        guard let one = try? ConvGeometry(input: [1, 1, s.H, s.W], weight: [1, 1, s.HH, s.WW], parameters: p) else { return nil }
        let (outHeight, outWidth) = (one.outHeight, one.outWidth)
        // x_pad rows and columns some tap of some window lands on.
        var reachedRows = Set<Int>(), reachedCols = Set<Int>()
        for i in 0..<outHeight {
            for j in 0..<outWidth {
                for tap in windowTaps(outputRow: i, outputColumn: j, kernelHeight: s.HH, kernelWidth: s.WW, p) {
                    reachedRows.insert(tap.row)
                    reachedCols.insert(tap.column)
                }
            }
        }
        let cover = (0..<s.H).flatMap { r in (0..<s.W).map { q in one.inputGradientTerms(n: 0, c: 0, r: r, q: q).count } }
        // The example: one stream of small integers, x first, then w, then dy.
        var numbers = SeededIntegers(seed: UInt32(truncatingIfNeeded: seed))
        let x = Tensor(shape: [1, s.C, s.H, s.W], scalars: numbers.next(s.C * s.H * s.W))
        let w = Tensor(shape: [s.F, s.C, s.HH, s.WW], scalars: numbers.next(s.F * s.C * s.HH * s.WW))
        let dy = Tensor(shape: [1, s.F, outHeight, outWidth], scalars: numbers.next(s.F * outHeight * outWidth))
        let y = convForward(x, w, nil, p)
        let dx = convBackward(dy, x, w, p).dx
        func leftover(_ n: Int, _ k: Int, _ stride: Int, _ pad: Int, _ d: Int) -> Int { (n + 2 * pad - d * (k - 1) - 1) % stride }
        func tensor(_ t: Tensor) -> KernelTensor { KernelTensor(shape: t.shape, values: t.scalars) }
        return ParameterExplorer.Row(
            settings: s, outHeight: outHeight, outWidth: outWidth,
            unreachedRows: (0..<(s.H + 2 * s.ph)).filter { !reachedRows.contains($0) },
            unreachedCols: (0..<(s.W + 2 * s.pw)).filter { !reachedCols.contains($0) },
            cover: cover, aH: leftover(s.H, s.HH, s.sh, s.ph, s.dh), aW: leftover(s.W, s.WW, s.sw, s.pw, s.dw),
            x: tensor(x), w: tensor(w), dy: tensor(dy), y: tensor(y), dx: tensor(dx))
    }
}

/// Small integers from -2 to 2, from Marsaglia's xorshift32: the same stream
/// as `ConvKernel.seeded` in the page's `convkernel.js`.
struct SeededIntegers {
    var state: UInt32

    init(seed: UInt32) { state = seed == 0 ? 2_463_534_242 : seed }

    mutating func next() -> Double {
        state ^= state << 13
        state ^= state >> 17
        state ^= state << 5
        return Double(Int(state % 5) - 2)
    }

    mutating func next(_ count: Int) -> [Double] { (0..<count).map { _ in next() } }
}
