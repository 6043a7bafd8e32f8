/// The sizes and parameters of one layer in the parameter explorer: input
/// H × W with C channels, F filters of HH × WW, and stride, padding and
/// dilation per axis (`sh`, `sw`, `ph`, `pw`, `dh`, `dw`).
public struct LayerSettings: Codable, Hashable, Sendable {
    public var H: Int, W: Int, HH: Int, WW: Int
    public var sh: Int, sw: Int, ph: Int, pw: Int, dh: Int, dw: Int
    public var C: Int, F: Int

    public init(H: Int, W: Int, HH: Int, WW: Int, sh: Int = 1, sw: Int = 1, ph: Int = 0, pw: Int = 0,
                dh: Int = 1, dw: Int = 1, C: Int = 1, F: Int = 1) {
        (self.H, self.W, self.HH, self.WW) = (H, W, HH, WW)
        (self.sh, self.sw, self.ph, self.pw, self.dh, self.dw) = (sh, sw, ph, pw, dh, dw)
        (self.C, self.F) = (C, F)
    }

    /// The layer's parameters as an explorer states them.
    public var parameters: ExplorerParameters {
        ExplorerParameters(stride: [sh, sw], padding: [ph, pw], dilation: [dh, dw], groups: 1)
    }
}

/// `exploreParameters(…)`: a live explorer of a layer's sizes. The page
/// recomputes everything in the browser as the reader moves its controls;
/// `table` is what the engine computed at build time for a grid of settings,
/// which the page's tests and its "Recompute" control hold the browser to.
public struct ParameterExplorer: Codable, Sendable, Hashable {
    /// What the engine says of one setting, for the seeded example.
    public struct Row: Codable, Sendable, Hashable {
        public var settings: LayerSettings
        public var outHeight: Int
        public var outWidth: Int
        /// Rows and columns of x_pad that no tap of any window touches.
        public var unreachedRows: [Int]
        public var unreachedCols: [Int]
        /// For each cell of x (H × W, row-major), how many (window, tap) pairs land on it.
        public var cover: [Int]
        /// The leftover of the size relation, per axis: (H + 2p − d(HH − 1) − 1) mod s.
        public var aH: Int
        public var aW: Int
        /// The seeded example: inputs, and the engine's outputs.
        public var x: KernelTensor
        public var w: KernelTensor
        public var dy: KernelTensor
        public var y: KernelTensor
        public var dx: KernelTensor

        public init(settings: LayerSettings, outHeight: Int, outWidth: Int, unreachedRows: [Int], unreachedCols: [Int],
                    cover: [Int], aH: Int, aW: Int, x: KernelTensor, w: KernelTensor, dy: KernelTensor,
                    y: KernelTensor, dx: KernelTensor) {
            self.settings = settings
            self.outHeight = outHeight
            self.outWidth = outWidth
            self.unreachedRows = unreachedRows
            self.unreachedCols = unreachedCols
            self.cover = cover
            self.aH = aH
            self.aW = aW
            self.x = x
            self.w = w
            self.dy = dy
            self.y = y
            self.dx = dx
        }
    }

    public var at: Record.CallSite
    public var label: String
    /// The seed of the example's integers (xorshift32, as `convkernel.js` has it).
    public var seed: Int
    public var initial: LayerSettings
    /// The range of each control, by setting name ("H", "sh", …): [lowest, highest].
    public var limits: [String: [Int]]
    public var table: [Row]

    public init(at: Record.CallSite, label: String, seed: Int, initial: LayerSettings, limits: [String: [Int]], table: [Row]) {
        self.at = at
        self.label = label
        self.seed = seed
        self.initial = initial
        self.limits = limits
        self.table = table
    }
}
