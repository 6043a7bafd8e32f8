import ConvbookFormat
import Foundation

/// What running a chapter program produced, per block and per inline
/// expression: the part of a build that is cached.
struct ExecutionResult: Codable, Hashable, Sendable {
    var blocks: [BlockResult]
    /// Inline values by expression id (nil: the program stopped before it).
    var inlines: [PublishedValue?]
    /// Why an inline expression has no value to show (nil, a function, ...), by id.
    var inlineErrors: [Int: String] = [:]
    /// Compiler warnings, at virtual locations.
    var warnings: [CompilerMessage]
    /// Tensors published for download, in the order they were published.
    var artifacts: [Artifact] = []

    /// A block's output: its printed text and rich items, in order.
    struct BlockResult: Codable, Hashable, Sendable {
        var index: Int
        var items: [OutputItem] = []
        /// Whether the block started running.
        var ran = false
        /// A `traps` block: the trap's message, or nil if it did not trap.
        var trapMessage: String?
        /// A `traps` block that ran to its end.
        var trapMissed = false
        /// A `fails` block: the compiler's errors, or nil if it compiled.
        var compilerErrors: [CompilerMessage]?
    }

    enum OutputItem: Codable, Hashable, Sendable {
        case text(String)
        case tensor(label: String?, value: PublishedValue, padding: [Int]?, heatmap: Bool, location: VirtualLocation)
        case gradientCheck(rows: [Record.GradientCheck.Row], threshold: Double, location: VirtualLocation)
        case agreement(label: String, difference: FlexibleDouble, tolerance: Double, note: String?, location: VirtualLocation)
        case rule(Record.Rule, location: VirtualLocation)
        case table(label: String?, columns: [String], rows: [[PublishedValue]], location: VirtualLocation)
        case figure(caption: String?, panels: [FigurePanel], tolerance: Tolerance, location: VirtualLocation)
        case plot(Plot, location: VirtualLocation)
        case explorer(Explorer, location: VirtualLocation)
        case parameterExplorer(ParameterExplorer, location: VirtualLocation)
    }

    struct Plot: Codable, Hashable, Sendable {
        var caption: String?
        var xLabel: String
        var yLabel: String
        var logX: Bool
        var logY: Bool
        var x: [FlexibleDouble]
        var series: [PlotSeries]
        var tolerance: Tolerance = .exact
    }

    struct Explorer: Codable, Hashable, Sendable {
        var label: String
        var parameters: ExplorerParameters
        /// Tensors by name, in the order x, w, b, y, dy, dx, dw, db (those present).
        var tensors: [NamedValue]
        var views: [ExplorerView]
    }

    struct NamedValue: Codable, Hashable, Sendable {
        var name: String
        var value: PublishedValue
    }

    /// A tensor offered for download as `.npy`.
    struct Artifact: Codable, Hashable, Sendable {
        var name: String
        var shape: [Int]
        var bytes: Data
        /// The tensor written, for the ledger; nil from a runtime that did not send it.
        var value: PublishedValue?
        var location: VirtualLocation?
    }

    /// A location inside one of the program's pieces (`convbook-block-3.swift`, line 2).
    struct VirtualLocation: Codable, Hashable, Sendable {
        var file: String
        var line: Int
        var column: Int = 0
    }

    /// One compiler diagnostic line, at a virtual location.
    struct CompilerMessage: Codable, Hashable, Sendable {
        var location: VirtualLocation
        var severity: String
        var message: String
    }
}

/// How a chapter program ended when it did not end well (not cached).
struct RunFailure: Hashable, Sendable {
    enum Kind: Hashable, Sendable { case trapped, timedOut(seconds: Double), exited(status: Int32), outputTooLarge }
    var kind: Kind
    /// The block running when it happened.
    var block: Int?
    var location: ExecutionResult.VirtualLocation?
    var message: String
}
