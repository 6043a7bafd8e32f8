#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConvbookFormat

// The calls `convbook build` writes around the chapter's code when it
// assembles the chapter program. Chapter authors never call these.

/// Marks the start of running block `block`.
public func _convbookBegin(_ block: Int) {
    RecordChannel.emit(.begin(block: block))
}

/// Marks the end of running block `block`.
public func _convbookEnd(_ block: Int) {
    RecordChannel.emit(.end(block: block))
}

/// Evaluates an inline expression (`` `{swift} expr` `` in the prose) and
/// records its value, or why it has none to show.
public func _convbookInline<T>(_ id: Int, _ body: () throws -> T) rethrows {
    let value = try body()
    if let problem = T.self == Void.self ? "the expression has no value (it is ())" : unpublishable(value) {
        RecordChannel.emit(.inline(id: id, value: nil, problem: problem))
        return
    }
    let published = PublishedValue(publishing: unwrapped(value))
    if let problem = PublicationCheck.inlineProblem(published) {
        RecordChannel.emit(.inline(id: id, value: nil, problem: problem))
        return
    }
    RecordChannel.emit(.inline(id: id, value: published, problem: nil))
}

/// Why a value cannot stand in the prose, or nil when it can: nil itself, a
/// function, or an object whose only description is its type's name.
func unpublishable(_ value: Any) -> String? {
    let mirror = Mirror(reflecting: value)
    if mirror.displayStyle == .optional {
        guard let wrapped = mirror.children.first?.value else { return "the expression is nil" }
        return unpublishable(wrapped)
    }
    let text = String(describing: value)
    if text == "(Function)" { return "the expression is a function, not a value (call it?)" }
    if text == "()" { return "the expression has no value (it is ())" }
    if mirror.displayStyle == .class, text == String(reflecting: type(of: value)) {
        return "a \(type(of: value)) has no description to show: make it CustomStringConvertible, or show one of its properties"
    }
    return nil
}

/// The value inside an Optional (already known not to be nil), else the value.
private func unwrapped(_ value: Any) -> Any {
    let mirror = Mirror(reflecting: value)
    if mirror.displayStyle == .optional, let wrapped = mirror.children.first?.value { return unwrapped(wrapped) }
    return value
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
    RecordChannel.emit(.trapMissed(block: block))
    exit(0)
}
