import Foundation

/// What running a chapter program produced, per block and per inline
/// expression: the part of a build that is cached.
struct ExecutionResult: Codable, Hashable, Sendable {
    var blocks: [BlockResult]
    /// Inline values by expression id (nil: the program stopped before it).
    var inlines: [PublishedValue?]
    /// Compiler warnings, at virtual locations.
    var warnings: [CompilerMessage]

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
        case tensor(label: String?, value: PublishedValue, padding: [Int]?, location: VirtualLocation)
        case gradientCheck(rows: [Record.GradientRow], threshold: Double, location: VirtualLocation)
        case agreement(label: String, difference: FlexibleDouble, tolerance: Double, note: String?, location: VirtualLocation)
        case table(label: String?, columns: [String], rows: [[PublishedValue]], location: VirtualLocation)
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
