#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The calls `convbook build` writes around the chapter's code when it
// assembles the chapter program. Chapter authors never call these.

/// Marks the start of running block `block`.
public func _convbookBegin(_ block: Int) {
    RecordChannel.emit("begin", [("block", "\(block)")])
}

/// Marks the end of running block `block`.
public func _convbookEnd(_ block: Int) {
    RecordChannel.emit("end", [("block", "\(block)")])
}

/// Evaluates an inline expression (`` `{swift} expr` `` in the prose) and
/// records its value.
public func _convbookInline<T>(_ id: Int, _ body: () throws -> T) rethrows {
    let value = try body()
    RecordChannel.emit("inline", [("id", "\(id)"), ("value", JSON.value(value))])
}

/// Whether this run should execute the block that is expected to trap: only
/// in the separate run that `convbook build` makes for that block, so the
/// chapter's other blocks run to completion in the main run.
public func _convbookRunsTrapBlock(_ block: Int) -> Bool {
    guard let chosen = getenv("CONVBOOK_TRAP_BLOCK") else { return false }
    return String(cString: chosen) == String(block)
}

/// Reached when a block expected to trap ran to its end: records that and
/// stops the program.
public func _convbookTrapMissed(_ block: Int) -> Never {
    RecordChannel.emit("trap-missed", [("block", "\(block)")])
    exit(0)
}
