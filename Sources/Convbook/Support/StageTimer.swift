import Foundation

/// With `CONVBOOK_TIMING=1` in the environment, prints how long each stage of
/// a build took to standard error (to find where a rebuild spends its time).
enum StageTimer {
    static let enabled = ProcessInfo.processInfo.environment["CONVBOOK_TIMING"] != nil

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    static func report(_ stage: String, since start: UInt64) {
        guard enabled else { return }
        let milliseconds = Double(now() - start) / 1e6
        FileHandle.standardError.write(Data("timing: \(stage) \(String(format: "%.1f", milliseconds)) ms\n".utf8))
    }

    static func measure<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        let start = now()
        defer { report(stage, since: start) }
        return try body()
    }
}
