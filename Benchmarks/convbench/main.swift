// convbench: forward + backward of one 2-D convolution layer, four implementations,
// timed in one run so that their ratios are comparable on a noisy machine.
//
//   Swift reference loops      convForward / convBackward
//   Swift fast path            convForwardIm2col / convBackwardIm2col (im2col + OpenBLAS dgemm)
//   NumPy naive loops          Benchmarks/numpy_conv.py, CS231n-style per-output loops
//   NumPy im2col + @           Benchmarks/numpy_conv.py, tap-loop im2col/col2im + BLAS
//
// The NumPy half runs in a child process (`python3 Benchmarks/numpy_conv.py --json`)
// that answers timing requests one JSON line at a time, so Swift and NumPy rounds
// alternate. Progress goes to stderr; the Markdown report goes to stdout.
//
// Usage: convbench [--rounds R] [--reps K] [--no-numpy] [--python EXE] [--script PATH]
//                  [--launcher TEXT] [--swift-version TEXT]
// Run it from the package root (Benchmarks/run.sh does), or pass --script.

import ConvEngine
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: Layer and settings

let (N, C, H, W, F, HH, WW) = (8, 16, 32, 32, 32, 3, 3)
let parameters = ConvParameters(stride: 1, padding: 1)
let outH = outputLength(input: H, kernel: HH, stride: 1, padding: 1)!
let outW = outputLength(input: W, kernel: WW, stride: 1, padding: 1)!
let forwardFLOPs = 2.0 * Double(N * F * C * HH * WW * outH * outW)
let backwardFLOPs = 2.0 * forwardFLOPs
let tolerance = 1e-10

struct Options {
    var rounds = 6             // interleaved rounds; the slow implementations run in every other one
    var reps = 20              // timed forward+backward pairs per round for the fast paths
    var warmRepsPerRound = 2   // untimed pairs at the start of each fast-path round
    var settle = 0.2           // seconds of idle before each block (lets the other side's BLAS threads go quiet)
    var numpy = true
    var python = "python3"
    var script = "Benchmarks/numpy_conv.py"
    var launcher: String? = nil
    var swiftVersion: String? = nil
}

func parseOptions() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst().makeIterator()
    func value(_ flag: String) -> String {
        guard let v = args.next() else { fail("\(flag) needs a value") }
        return v
    }
    func positive(_ flag: String) -> Int {
        guard let v = Int(value(flag)), v >= 1 else { fail("\(flag) needs a positive integer") }
        return v
    }
    while let arg = args.next() {
        switch arg {
        case "--rounds": o.rounds = positive(arg)
        case "--reps": o.reps = positive(arg)
        case "--no-numpy": o.numpy = false
        case "--python": o.python = value(arg)
        case "--script": o.script = value(arg)
        case "--launcher": o.launcher = value(arg)
        case "--swift-version": o.swiftVersion = value(arg)
        case "-h", "--help":
            print("usage: convbench [--rounds R] [--reps K] [--no-numpy] [--python EXE] [--script PATH] [--launcher TEXT] [--swift-version TEXT]")
            exit(0)
        default: fail("unknown argument \(arg) (try --help)")
        }
    }
    return o
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("convbench: error: \(message)\n".utf8))
    exit(1)
}

func progress(_ message: String) {
    FileHandle.standardError.write(Data("convbench: \(message)\n".utf8))
}

// MARK: Timing helpers

func nowSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func minorFaults() -> Int {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return Int(usage.ru_minflt)
}

/// Keeps results observable so no call can be optimised away.
nonisolated(unsafe) var sink = 0.0

/// Timings of one implementation, accumulated over rounds.
struct Samples {
    var forward: [Double] = []
    var backward: [Double] = []
    var faults = 0        // minor page faults during the timed pairs
    var pairs = 0

    mutating func add(forward f: [Double], backward b: [Double], faults: Int) {
        forward += f
        backward += b
        self.faults += faults
        pairs += f.count
    }
}

func quantile(_ values: [Double], _ q: Double) -> Double {
    let s = values.sorted()
    guard !s.isEmpty else { return .nan }
    let pos = q * Double(s.count - 1)
    let lo = Int(pos.rounded(.down)), hi = Int(pos.rounded(.up))
    return s[lo] + (s[hi] - s[lo]) * (pos - Double(lo))
}

func median(_ values: [Double]) -> Double { quantile(values, 0.5) }

// MARK: The Swift implementations

struct Data4 {
    let x: Tensor, w: Tensor, b: Tensor, dy: Tensor
}

enum SwiftImpl: String {
    case loops, fast

    func forward(_ d: Data4) -> Tensor {
        switch self {
        case .loops: return convForward(d.x, d.w, d.b, parameters)
        case .fast: return convForwardIm2col(d.x, d.w, d.b, parameters)
        }
    }

    func backward(_ d: Data4) -> ConvGradients {
        switch self {
        case .loops: return convBackward(d.dy, d.x, d.w, parameters)
        case .fast: return convBackwardIm2col(d.dy, d.x, d.w, parameters)
        }
    }
}

/// Sleeps `settle` seconds, runs `warmup` untimed pairs, then `reps` timed forward+backward pairs.
func timeSwift(_ impl: SwiftImpl, _ d: Data4, reps: Int, warmup: Int, settle: Double, into samples: inout Samples) {
    if settle > 0 { usleep(UInt32(settle * 1e6)) }
    for _ in 0..<warmup {
        sink += impl.forward(d).scalars[0]
        sink += impl.backward(d).dx.scalars[0]
    }
    var tf: [Double] = [], tb: [Double] = []
    let faults0 = minorFaults()
    for _ in 0..<reps {
        let t0 = nowSeconds()
        let y = impl.forward(d)
        let t1 = nowSeconds()
        let g = impl.backward(d)
        let t2 = nowSeconds()
        sink += y.scalars[0] + g.dx.scalars[0] + g.dw.scalars[0] + g.db.scalars[0]
        tf.append(t1 - t0)
        tb.append(t2 - t1)
    }
    samples.add(forward: tf, backward: tb, faults: minorFaults() - faults0)
}

// MARK: The NumPy child process

/// `python3 Benchmarks/numpy_conv.py --json`: one JSON request per line in, one JSON answer per line out.
final class NumPyChild {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    let stderrURL: URL
    var buffer = Data()
    var hello: [String: Any] = [:]

    init(python: String, script: String) throws {
        stderrURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("convbench-python-stderr-\(getpid()).txt")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, "--json"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    /// The command line, as a reader would type it.
    static func commandLine(_ python: String, _ script: String) -> String { "\(python) \(script) --json" }

    func readLine() -> String? {
        while true {
            if let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                buffer = Data(buffer[buffer.index(after: nl)...])
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }   // end of file: the child exited
            buffer.append(chunk)
        }
    }

    func readObject() throws -> [String: Any] {
        guard let line = readLine() else { throw ChildError(message: diedMessage()) }
        guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ChildError(message: "unreadable answer from \(NumPyChild.commandLine("python", "script")): \(line.prefix(200))")
        }
        return obj
    }

    func request(_ obj: [String: Any]) throws -> [String: Any] {
        var data = try JSONSerialization.data(withJSONObject: obj)
        data.append(UInt8(ascii: "\n"))
        do {
            try input.fileHandleForWriting.write(contentsOf: data)
        } catch {
            throw ChildError(message: diedMessage())
        }
        let answer = try readObject()
        if (answer["ok"] as? Bool) != true {
            throw ChildError(message: answer["error"] as? String ?? "request failed: \(answer)")
        }
        return answer
    }

    /// Times `reps` pairs of implementation `impl` ("im2col" or "naive") in the child.
    func time(_ impl: String, reps: Int, warmup: Int, settle: Double, into samples: inout Samples) throws {
        let a = try request(["cmd": "time", "impl": impl, "reps": reps, "warmup": warmup, "settle": settle])
        guard let f = a["forward"] as? [Double], let b = a["backward"] as? [Double] else {
            throw ChildError(message: "malformed timing answer: \(a)")
        }
        samples.add(forward: f, backward: b, faults: a["faults"] as? Int ?? 0)
    }

    func stderrText() -> String {
        (try? String(contentsOf: stderrURL, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    func diedMessage() -> String {
        if process.isRunning {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        let err = stderrText()
        let tail = err.split(separator: "\n").suffix(3).joined(separator: " | ")
        return "the child process exited with status \(process.terminationStatus)" + (tail.isEmpty ? "" : " (stderr: \(tail))")
    }

    func finish() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: stderrURL)
    }
}

struct ChildError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Writes raw little-endian float64 files for the NumPy cross-check.
func writeRaw(_ t: Tensor, _ name: String, in dir: URL) throws {
    let data = t.scalars.withUnsafeBufferPointer { buf -> Data in
        var out = Data(capacity: buf.count * 8)
        for v in buf { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }
    try data.write(to: dir.appendingPathComponent(name + ".f64"))
}

// MARK: Machine information

func firstLine(ofCommand args: [String]) -> String? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init)
}

/// Reads a whole file; /proc files need repeated reads (String(contentsOfFile:) can stop after one page).
func readWholeFile(_ path: String) -> String? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
}

func cpuModel() -> String {
    guard let text = readWholeFile("/proc/cpuinfo") else { return "unknown" }
    var model = "unknown", flags: Set<Substring> = [], processors = 0
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { continue }
        if parts[0] == "processor" { processors += 1 }
        if parts[0] == "model name", model == "unknown" { model = parts[1] }
        if parts[0] == "flags", flags.isEmpty { flags = Set(parts[1].split(separator: " ")) }
    }
    let simd = ["avx2", "fma", "avx512f"].filter { flags.contains(Substring($0)) }.joined(separator: ", ")
    return "\(model) (\(processors) logical CPUs in /proc/cpuinfo; \(simd.isEmpty ? "no AVX2" : simd))"
}

func loadAverage() -> String {
    guard let s = readWholeFile("/proc/loadavg") else { return "unknown" }
    return s.split(separator: " ").prefix(3).joined(separator: " ")
}

/// The OpenBLAS that libConvEngine loaded, asked through dlsym (read-only).
func swiftSideOpenBLAS() -> String {
    guard let handle = dlopen(nil, RTLD_NOW) else { return "unknown (dlopen failed)" }
    typealias StringFn = @convention(c) () -> UnsafePointer<CChar>?
    typealias IntFn = @convention(c) () -> Int32
    guard let cfgSym = dlsym(handle, "openblas_get_config") else {
        return "not OpenBLAS, or not found by dlsym (cblas_dgemm from another BLAS)"
    }
    var parts: [String] = []
    if let s = unsafeBitCast(cfgSym, to: StringFn.self)() { parts.append(String(cString: s)) }
    if let sym = dlsym(handle, "openblas_get_corename"), let s = unsafeBitCast(sym, to: StringFn.self)() {
        parts.append("core \(String(cString: s))")
    }
    if let sym = dlsym(handle, "openblas_get_num_threads") {
        parts.append("\(unsafeBitCast(sym, to: IntFn.self)()) threads")
    }
    // The library file, from this process's memory map.
    if let maps = readWholeFile("/proc/self/maps") {
        let libs = Set(maps.split(separator: "\n").compactMap { line -> String? in
            guard let path = line.split(separator: " ", omittingEmptySubsequences: true).last,
                  path.hasPrefix("/"), path.contains("blas") else { return nil }
            return String(path)
        })
        if !libs.isEmpty { parts.append("(" + libs.sorted().joined(separator: ", ") + ")") }
    }
    return parts.joined(separator: "; ")
}

func envValue(_ name: String) -> String {
    ProcessInfo.processInfo.environment[name].map { "`\($0)`" } ?? "unset"
}

// MARK: Formatting

func ms(_ s: Double) -> String {
    let v = s * 1e3
    if v >= 100 { return String(format: "%.0f", v) }
    if v >= 10 { return String(format: "%.1f", v) }
    return String(format: "%.2f", v)
}

func gflops(_ flops: Double, _ s: Double) -> String {
    let v = flops / s / 1e9
    return v >= 1 ? String(format: "%.1f", v) : String(format: "%.3f", v)
}

func ratio(_ r: Double) -> String {
    r >= 10 ? String(format: "%.0f×", r) : String(format: "%.2f×", r)
}

/// "1.23× (Swift faster)" for a ratio t_NumPy / t_Swift.
func speedup(_ r: Double) -> String {
    "**\(ratio(r))** (Swift \(r >= 1 ? "faster" : "slower"))"
}

// MARK: Main

let options = parseOptions()
let loadBefore = loadAverage()
let started = nowSeconds()

let data = Data4(
    x: Tensor.randomNormal(shape: [N, C, H, W], seed: 1),
    w: Tensor.randomNormal(shape: [F, C, HH, WW], seed: 2),
    b: Tensor.randomNormal(shape: [F], seed: 3),
    dy: Tensor.randomNormal(shape: [N, F, outH, outW], seed: 4))

// Start the NumPy child first: its own naive-vs-im2col check (a few seconds)
// runs while Swift does its check.
var numpy: NumPyChild? = nil
var numpySkipReason: String? = nil
if options.numpy {
    progress("starting \(NumPyChild.commandLine(options.python, options.script))")
    do {
        numpy = try NumPyChild(python: options.python, script: options.script)
    } catch {
        numpySkipReason = "could not start `\(NumPyChild.commandLine(options.python, options.script))`: \(error)"
    }
} else {
    numpySkipReason = "--no-numpy was given"
}

// Swift correctness: reference loops against the fast path.
progress("checking Swift reference loops against the im2col fast path")
let yLoops = SwiftImpl.loops.forward(data), gLoops = SwiftImpl.loops.backward(data)
let yFast = SwiftImpl.fast.forward(data), gFast = SwiftImpl.fast.backward(data)
let swiftDiffs: [(String, Double)] = [
    ("y", yLoops.maxAbsDifference(yFast)), ("dx", gLoops.dx.maxAbsDifference(gFast.dx)),
    ("dw", gLoops.dw.maxAbsDifference(gFast.dw)), ("db", gLoops.db.maxAbsDifference(gFast.db)),
]
func describe(_ diffs: [(String, Double)]) -> String {
    diffs.map { "\($0.0) \(String(format: "%.1e", $0.1))" }.joined(separator: ", ")
}
if let bad = swiftDiffs.first(where: { !($0.1 <= tolerance) }) {
    numpy?.finish()
    fail("Swift reference loops and im2col fast path disagree: max |Δ\(bad.0)| = \(bad.1) > \(tolerance) (\(describe(swiftDiffs)))")
}
progress("Swift check passed: max |difference| \(describe(swiftDiffs))")

// NumPy handshake, its own check, and the cross-check on Swift's inputs.
var numpyInfo: [String: Any] = [:]
var numpyCheck = ""
var crossCheck = ""
if let child = numpy {
    do {
        numpyInfo = try child.readObject()
        if (numpyInfo["check_failed"] as? Bool) == true {
            child.finish()
            fail("NumPy check failed: \(numpyInfo["error"] as? String ?? "naive and im2col disagree")")
        }
        if (numpyInfo["ok"] as? Bool) != true {
            throw ChildError(message: numpyInfo["error"] as? String ?? "the child reported a failure: \(numpyInfo)")
        }
        if let check = numpyInfo["check"] as? [String: Any], let d = check["naive_vs_im2col_max_abs_diff"] as? [String: Double] {
            numpyCheck = describe(["y", "dx", "dw", "db"].map { ($0, d[$0] ?? .nan) })
        }
        progress("NumPy check passed: naive vs im2col max |difference| \(numpyCheck)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("convbench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (t, name) in [(data.x, "x"), (data.w, "w"), (data.b, "b"), (data.dy, "dy"),
                          (yFast, "y"), (gFast.dx, "dx"), (gFast.dw, "dw"), (gFast.db, "db")] {
            try writeRaw(t, name, in: dir)
        }
        let answer = try child.request(["cmd": "crosscheck", "dir": dir.path])
        if let d = answer["max_abs_diff"] as? [String: Double] {
            let diffs = ["y", "dx", "dw", "db"].map { ($0, d[$0] ?? .nan) }
            crossCheck = describe(diffs)
            if let bad = diffs.first(where: { !($0.1 <= tolerance) }) {
                child.finish()
                fail("NumPy im2col and Swift fast path disagree on the same inputs: max |Δ\(bad.0)| = \(bad.1) (\(crossCheck))")
            }
        }
        progress("cross-check passed: NumPy im2col vs Swift fast path on Swift's inputs, max |difference| \(crossCheck)")
    } catch {
        numpySkipReason = "\(error)"
        numpy = nil
        child.finish()
    }
}
if let reason = numpySkipReason { progress("NumPy half skipped: \(reason)") }

// Warm-up, and the number of reference-loop reps per slow round.
progress("warming up")
var scratch = Samples()
timeSwift(.fast, data, reps: 0, warmup: 10, settle: 0, into: &scratch)
var loopProbe = Samples()
timeSwift(.loops, data, reps: 1, warmup: 0, settle: 0, into: &loopProbe)
let loopPair = loopProbe.forward[0] + loopProbe.backward[0]
let loopReps = max(1, min(5, Int(1.5 / loopPair)))
if let child = numpy {
    do { try child.time("im2col", reps: 0, warmup: 10, settle: 0, into: &scratch) } catch {
        numpySkipReason = "\(error)"; numpy = nil; child.finish()
    }
}

// Interleaved rounds. Fast paths in every round, slow paths in every other one;
// who goes first alternates.
var swiftLoops = Samples(), swiftFast = Samples(), numpyNaive = Samples(), numpyIm2col = Samples()
for round in 0..<options.rounds {
    progress("round \(round + 1)/\(options.rounds)")
    var blocks: [() throws -> Void] = []
    let swiftFastBlock = { timeSwift(.fast, data, reps: options.reps, warmup: options.warmRepsPerRound, settle: options.settle, into: &swiftFast) }
    let swiftLoopsBlock = { timeSwift(.loops, data, reps: loopReps, warmup: 0, settle: options.settle, into: &swiftLoops) }
    if let child = numpy {
        let numpyFastBlock = { try child.time("im2col", reps: options.reps, warmup: options.warmRepsPerRound, settle: options.settle, into: &numpyIm2col) }
        let numpyNaiveBlock = { try child.time("naive", reps: 1, warmup: 0, settle: options.settle, into: &numpyNaive) }
        blocks = round % 2 == 0 ? [swiftFastBlock, numpyFastBlock] : [numpyFastBlock, swiftFastBlock]
        if round % 2 == 1 {
            blocks += round % 4 == 1 ? [swiftLoopsBlock, numpyNaiveBlock] : [numpyNaiveBlock, swiftLoopsBlock]
        }
    } else {
        blocks = [swiftFastBlock] + (round % 2 == 1 ? [swiftLoopsBlock] : [])
    }
    do {
        for block in blocks { try block() }
    } catch {
        numpySkipReason = "the NumPy child failed during timing: \(error)"
        progress("NumPy half skipped: \(numpySkipReason!)")
        numpy?.finish()
        numpy = nil
    }
}
if swiftLoops.pairs == 0 {   // only one round requested
    timeSwift(.loops, data, reps: loopReps, warmup: 0, settle: options.settle, into: &swiftLoops)
}
numpy?.finish()
let elapsed = nowSeconds() - started
let loadAfter = loadAverage()

// MARK: Report

var out = ""
@MainActor func line(_ s: String = "") { out += s + "\n" }

line("## Conv layer: forward + backward, Swift vs NumPy")
line()
line("Layer: N=\(N), C=\(C), H=W=\(H), F=\(F), \(HH)×\(WW) kernel, stride 1, padding 1, Double (float64); output \(N)×\(F)×\(outH)×\(outW).")
line(String(format: "FLOPs: forward 2·N·F·C·HH·WW·H'·W' = %.1f MFLOP, backward twice that = %.1f MFLOP.",
            forwardFLOPs / 1e6, backwardFLOPs / 1e6))
line()
line("| implementation | forward ms | backward ms | forward GFLOP/s | backward GFLOP/s |")
line("|---|---:|---:|---:|---:|")
let rows: [(String, Samples)] = [
    ("Swift reference loops (`convForward` / `convBackward`)", swiftLoops),
    ("Swift im2col + OpenBLAS dgemm (`convForwardIm2col` / `convBackwardIm2col`)", swiftFast),
    ("NumPy naive loops (CS231n style)", numpyNaive),
    ("NumPy im2col + `@` (BLAS)", numpyIm2col),
]
for (name, s) in rows {
    if s.pairs == 0 {
        line("| \(name) | skipped | skipped | – | – |")
    } else {
        let f = median(s.forward), b = median(s.backward)
        line("| \(name) | \(ms(f)) | \(ms(b)) | \(gflops(forwardFLOPs, f)) | \(gflops(backwardFLOPs, b)) |")
    }
}
line()
line("Times are medians. Ratios are ratios of medians; > 1 means Swift is faster.")
line()
if numpyIm2col.pairs > 0 {
    let rf = median(numpyIm2col.forward) / median(swiftFast.forward)
    let rb = median(numpyIm2col.backward) / median(swiftFast.backward)
    line("- Swift fast path vs NumPy im2col: forward \(speedup(rf)), backward \(speedup(rb))")
    let rl = median(numpyNaive.forward) / median(swiftLoops.forward)
    let rlb = median(numpyNaive.backward) / median(swiftLoops.backward)
    line("- Swift reference loops vs NumPy naive loops: forward \(speedup(rl)), backward \(speedup(rlb))")
} else {
    line("- **NumPy half skipped: \(numpySkipReason ?? "unknown reason")**")
}
let sl = median(swiftLoops.forward) / median(swiftFast.forward)
let slb = median(swiftLoops.backward) / median(swiftFast.backward)
line("- (for scale) Swift fast path vs Swift reference loops: forward \(ratio(sl)), backward \(ratio(slb))")
line()
line("Spread (min / 25th percentile / 75th percentile, ms) and minor page faults per forward+backward pair:")
line()
line("| implementation | pairs timed | forward min / p25 / p75 | backward min / p25 / p75 | page faults per pair |")
line("|---|---:|---:|---:|---:|")
let shortNames = ["Swift reference loops", "Swift im2col + dgemm", "NumPy naive loops", "NumPy im2col + `@`"]
for ((_, s), name) in zip(rows, shortNames) where s.pairs > 0 {
    let f = s.forward, b = s.backward
    line("| \(name) | \(s.pairs) | \(ms(f.min()!)) / \(ms(quantile(f, 0.25))) / \(ms(quantile(f, 0.75))) | \(ms(b.min()!)) / \(ms(quantile(b, 0.25))) / \(ms(quantile(b, 0.75))) | \(s.faults / s.pairs) |")
}
line()
line("Checks (before timing; abort if any difference exceeds \(tolerance)):")
line("- Swift reference loops vs Swift fast path, max |difference|: \(describe(swiftDiffs))")
if !numpyCheck.isEmpty { line("- NumPy naive vs NumPy im2col (NumPy's own data), max |difference|: \(numpyCheck)") }
if !crossCheck.isEmpty { line("- NumPy im2col vs Swift fast path on Swift's inputs, max |difference|: \(crossCheck)") }
line()
line("Method: one process; \(options.rounds) interleaved rounds (Swift and NumPy alternate, who goes first alternates); " +
     "each round times \(options.reps) forward+backward pairs of each fast path after \(options.warmRepsPerRound) untimed pairs; " +
     "every other round times \(loopReps) pair(s) of the Swift reference loops and 1 pair of the NumPy naive loops; " +
     "\(options.settle) s idle before each block; 10 untimed warm-up pairs of each fast path first. " +
     "Both im2col backward passes recompute the columns from x (no cache from the forward pass). " +
     "Wall time of the whole run \(String(format: "%.0f", elapsed)) s.")
line()
line("Machine and environment:")
line("- CPU: \(cpuModel()); `nproc` = \(firstLine(ofCommand: ["nproc"]) ?? "\(ProcessInfo.processInfo.activeProcessorCount)")")
line("- Kernel: \(firstLine(ofCommand: ["uname", "-srm"]) ?? "unknown"); load average before \(loadBefore), after \(loadAfter)")
line("- OPENBLAS_NUM_THREADS=\(envValue("OPENBLAS_NUM_THREADS")), OPENBLAS_CORETYPE=\(envValue("OPENBLAS_CORETYPE")), OMP_NUM_THREADS=\(envValue("OMP_NUM_THREADS")) (left as found)")
line("- Swift: \(options.swiftVersion ?? "version not given"); BLAS: \(swiftSideOpenBLAS())")
if numpyIm2col.pairs > 0 || !numpyInfo.isEmpty {
    let blas = numpyInfo["blas"] as? [String: Any] ?? [:]
    line("- NumPy \(numpyInfo["numpy"] as? String ?? "?"), Python \(numpyInfo["python"] as? String ?? "?") (`\(numpyInfo["python_executable"] as? String ?? "?")`)")
    line("- NumPy BLAS (build): \(blas["build"] as? String ?? "?")\((blas["build_config"] as? String).map { " — \($0)" } ?? "")")
    line("- NumPy BLAS (runtime, via \(blas["runtime_source"] as? String ?? "?")): \(blas["runtime"] as? String ?? blas["runtime_error"] as? String ?? "?")")
} else {
    line("- NumPy: skipped (see above)")
}
line()
let argv = CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
if let launcher = options.launcher {
    line("Command: `\(launcher)`, which ran `swift build -c release --product convbench` and then `\(argv)`; that started `\(NumPyChild.commandLine(options.python, options.script))`.")
} else {
    line("Command: `\(argv)` (started `\(NumPyChild.commandLine(options.python, options.script))`).")
}
print(out, terminator: "")
if sink.isNaN { progress("(checksum is NaN)") }
