/// One line of the record channel: what a chapter program tells
/// `convbook build`, as one JSON object per line. The runtime encodes these
/// and the generator decodes them; neither writes JSON by hand.
///
/// `stdout` is the byte offset standard output had reached when the event
/// happened, so that the generator can interleave printed text and rich
/// output in the order the program produced them (-1: unknown).
public struct Record: Codable, Sendable, Equatable {
    public var stdout: Int
    public var event: Event

    public init(stdout: Int, event: Event) {
        self.stdout = stdout
        self.event = event
    }

    /// Everything a chapter program can report.
    public enum Event: Codable, Sendable, Equatable {
        /// Block `block` (0-based) starts or ends running.
        case begin(block: Int)
        case end(block: Int)
        /// The value of inline expression `id`, or why it has none to show.
        case inline(id: Int, value: PublishedValue?, problem: String?)
        case show(Show)
        case gradientCheck(GradientCheck)
        case agreement(Agreement)
        case rule(Rule)
        case table(Table)
        case figure(Figure)
        case plot(Plot)
        case explore(Explore)
        case parameterExplorer(ParameterExplorer)
        /// A tensor written for download as `NAME.npy`.
        case artifact(Artifact)
        /// A block expected to trap ran to its end.
        case trapMissed(block: Int)
    }

    /// Where a runtime call was made: the virtual file `#sourceLocation` gave
    /// the block (`convbook-block-3.swift`), and the line and column in it.
    public struct CallSite: Codable, Sendable, Hashable {
        public var file: String
        public var line: Int
        public var column: Int

        public init(file: String, line: Int, column: Int) {
            self.file = file
            self.line = line
            self.column = column
        }
    }

    /// `show(tensor, label, padding:, heatmap:, tolerance:)`.
    public struct Show: Codable, Sendable, Equatable {
        public var at: CallSite
        public var label: String?
        public var value: PublishedValue
        public var padding: [Int]?
        public var heatmap: Bool

        public init(at: CallSite, label: String?, value: PublishedValue, padding: [Int]?, heatmap: Bool) {
            self.at = at
            self.label = label
            self.value = value
            self.padding = padding
            self.heatmap = heatmap
        }
    }

    /// `checkGradients`: each gradient's relative error against a threshold.
    public struct GradientCheck: Codable, Sendable, Equatable {
        public struct Row: Codable, Sendable, Hashable {
            public var name: String
            public var error: FlexibleDouble

            public init(name: String, error: FlexibleDouble) {
                self.name = name
                self.error = error
            }
        }

        public var at: CallSite
        public var threshold: Double
        public var rows: [Row]

        public init(at: CallSite, threshold: Double, rows: [Row]) {
            self.at = at
            self.threshold = threshold
            self.rows = rows
        }
    }

    /// `checkAgreement`: the largest difference of two tensors against a tolerance.
    public struct Agreement: Codable, Sendable, Equatable {
        public var at: CallSite
        public var label: String
        public var difference: FlexibleDouble
        public var tolerance: Double
        public var note: String?

        public init(at: CallSite, label: String, difference: FlexibleDouble, tolerance: Double, note: String?) {
            self.at = at
            self.label = label
            self.difference = difference
            self.tolerance = tolerance
            self.note = note
        }
    }

    /// `checkRule`: a stated rule against an independent measurement over a
    /// sweep of settings: how many settings were compared, how many the
    /// sweep's filter left out, how many disagree, and the first few that do.
    public struct Rule: Codable, Sendable, Hashable {
        /// A setting where the rule and the measurement disagree, each in words.
        public struct Counterexample: Codable, Sendable, Hashable {
            public var setting: String
            public var stated: String
            public var measured: String

            public init(setting: String, stated: String, measured: String) {
                self.setting = setting
                self.stated = stated
                self.measured = measured
            }
        }

        public var at: CallSite
        public var label: String
        public var checked: Int
        public var excluded: Int
        public var disagreements: Int
        public var counterexamples: [Counterexample]

        public init(at: CallSite, label: String, checked: Int, excluded: Int, disagreements: Int,
                    counterexamples: [Counterexample]) {
            self.at = at
            self.label = label
            self.checked = checked
            self.excluded = excluded
            self.disagreements = disagreements
            self.counterexamples = counterexamples
        }
    }

    /// `showTable`: a header row and rows of cells.
    public struct Table: Codable, Sendable, Equatable {
        public var at: CallSite
        public var label: String?
        public var columns: [String]
        public var cells: [[PublishedValue]]

        public init(at: CallSite, label: String?, columns: [String], cells: [[PublishedValue]]) {
            self.at = at
            self.label = label
            self.columns = columns
            self.cells = cells
        }
    }

    /// A figure drawn from data: a row of grids.
    public struct Figure: Codable, Sendable, Equatable {
        public var at: CallSite
        public var caption: String?
        public var panels: [FigurePanel]
        public var tolerance: Tolerance

        public init(at: CallSite, caption: String?, panels: [FigurePanel], tolerance: Tolerance) {
            self.at = at
            self.caption = caption
            self.panels = panels
            self.tolerance = tolerance
        }
    }

    /// `showPlot`: series against x, optionally on logarithmic axes.
    public struct Plot: Codable, Sendable, Equatable {
        public var at: CallSite
        public var caption: String?
        public var xLabel: String
        public var yLabel: String
        public var logX: Bool
        public var logY: Bool
        public var x: [FlexibleDouble]
        public var series: [PlotSeries]
        public var tolerance: Tolerance

        public init(at: CallSite, caption: String?, xLabel: String, yLabel: String, logX: Bool, logY: Bool,
                    x: [FlexibleDouble], series: [PlotSeries], tolerance: Tolerance) {
            self.at = at
            self.caption = caption
            self.xLabel = xLabel
            self.yLabel = yLabel
            self.logX = logX
            self.logY = logY
            self.x = x
            self.series = series
            self.tolerance = tolerance
        }
    }

    /// `explore`: an example's tensors by name (x, w, b, y, dy, dx, dw, db)
    /// and the terms of each sum.
    public struct Explore: Codable, Sendable, Equatable {
        public struct Named: Codable, Sendable, Hashable {
            public var name: String
            public var value: PublishedValue

            public init(name: String, value: PublishedValue) {
                self.name = name
                self.value = value
            }
        }

        public var at: CallSite
        public var label: String
        public var parameters: ExplorerParameters
        public var tensors: [Named]
        public var views: [ExplorerView]

        public init(at: CallSite, label: String, parameters: ExplorerParameters, tensors: [Named], views: [ExplorerView]) {
            self.at = at
            self.label = label
            self.parameters = parameters
            self.tensors = tensors
            self.views = views
        }
    }

    /// `publish(tensor, as: name)`: the file is in the artifacts folder.
    public struct Artifact: Codable, Sendable, Equatable {
        public var at: CallSite
        public var name: String
        public var shape: [Int]
        public var value: PublishedValue

        public init(at: CallSite, name: String, shape: [Int], value: PublishedValue) {
            self.at = at
            self.name = name
            self.shape = shape
            self.value = value
        }
    }
}
