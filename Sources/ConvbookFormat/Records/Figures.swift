/// One grid of a figure: a window over the padded input, dy spread by the
/// stride, a rotated filter. Every cell carries its number, a kind and, where
/// it helps to follow a number from one grid to the next, a colour index.
public struct FigurePanel: Codable, Hashable, Sendable {
    public struct Cell: Codable, Hashable, Sendable {
        /// The number in the cell.
        public var v: FlexibleDouble
        /// Kind: `value`, `pad`, `window`, `window-pad`, `inserted`.
        public var k: String
        /// Colour index, to follow an entry from grid to grid.
        public var h: Int?

        public init(v: FlexibleDouble, k: String, h: Int?) {
            self.v = v
            self.k = k
            self.h = h
        }
    }

    public var title: String
    public var rows: Int
    public var columns: Int
    public var cells: [Cell]

    public init(title: String, rows: Int, columns: Int, cells: [Cell]) {
        self.title = title
        self.rows = rows
        self.columns = columns
        self.cells = cells
    }
}

/// One line of a plot.
public struct PlotSeries: Codable, Hashable, Sendable {
    public var name: String
    public var values: [FlexibleDouble]

    public init(name: String, values: [FlexibleDouble]) {
        self.name = name
        self.values = values
    }
}

/// Stride, padding and dilation as (height, width), and groups, of an explorer example.
public struct ExplorerParameters: Codable, Hashable, Sendable {
    public var stride: [Int]
    public var padding: [Int]
    public var dilation: [Int]
    public var groups: Int

    public init(stride: [Int], padding: [Int], dilation: [Int], groups: Int) {
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }
}

/// One way to read an explorer example: each cell of `target` is a sum of
/// products of cells of `sources[0]` and `sources[1]`; `terms[k]` lists the
/// pairs of flat indices for target cell k.
public struct ExplorerView: Codable, Hashable, Sendable {
    public var target: String
    public var sources: [String]
    public var terms: [[[Int]]]

    public init(target: String, sources: [String], terms: [[[Int]]]) {
        self.target = target
        self.sources = sources
        self.terms = terms
    }
}
