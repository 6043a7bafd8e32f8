import ConvbookFormat

/// Recognises a chapter program that died of a stack overflow (infinite
/// recursion, most likely) from the crash report Swift's backtracer writes:
/// the program is killed by `SIGSEGV` either way, and "signal 11" tells an
/// author nothing.
///
/// Two signs, either enough: the crashed thread's backtrace is deeper than
/// any sane program's (``depthThreshold`` frames), or the bad address lies
/// within a page or so of the stack pointer (the guard page below the stack).
enum StackOverflow {
    static let depthThreshold = 10_000

    /// The depth of the crashed thread's stack when `report` shows a stack
    /// overflow (0 when the report gives no frames but the address says so);
    /// nil when it does not look like one.
    static func depth(in report: String) -> Int? {
        var deepest = 0, crashed = false
        var fault: UInt64?, stackPointer: UInt64?
        for line in report.split(separator: "\n") {
            if line.hasPrefix("Thread "), line.hasSuffix("crashed:") { crashed = true; continue }
            if crashed, line.hasPrefix("Thread ") || line.hasPrefix("Registers:") { crashed = false }
            if crashed, let frame = line.firstMatch(of: /^\s*(\d+)\s/), let number = Int(frame.1) {
                deepest = max(deepest, number + 1)
            }
            if fault == nil, let match = line.firstMatch(of: /Program crashed: .* at 0x([0-9a-fA-F]+)/) { fault = UInt64(match.1, radix: 16) }
            if let match = line.firstMatch(of: /^rsp 0x([0-9a-fA-F]+)/) { stackPointer = UInt64(match.1, radix: 16) }
        }
        if deepest >= depthThreshold { return deepest }
        if let fault, let stackPointer, fault < stackPointer + 65_536, stackPointer < fault + 65_536 { return deepest }
        return nil
    }

    /// The message for a program that overflowed its stack.
    static func message(depth: Int) -> String {
        "the chapter program overflowed its stack (infinite recursion?)"
            + (depth > 0 ? ": its backtrace is \(PublicationLimits.grouped(depth)) calls deep" : "")
    }
}
