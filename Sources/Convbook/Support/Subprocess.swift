import Foundation

/// Runs a program to completion with an optional time limit, capturing its
/// standard error and either capturing or redirecting its standard output.
///
/// Every running child is remembered, so an interrupted build can stop them all
/// (``terminateAll()``).
struct Subprocess {
    struct Outcome: Sendable {
        /// The exit status, or the signal number when ``signalled``.
        var status: Int32
        var signalled: Bool
        var timedOut: Bool
        /// Captured standard output; empty when it went to a file.
        var stdout: Data
        var stderr: Data
        var seconds: Double

        var succeeded: Bool { !signalled && !timedOut && status == 0 }
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    var executable: String
    var arguments: [String]
    var environment: [String: String]? = nil
    var directory: URL? = nil
    /// When set, standard output is written to this file instead of captured.
    var stdoutFile: URL? = nil
    /// Seconds before the child is killed.
    var timeout: Double? = nil
    /// Bytes written to the child's standard input (nil: it reads nothing).
    var stdin: Data? = nil

    init(executable: String, arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
         stdoutFile: URL? = nil, timeout: Double? = nil, stdin: Data? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
        self.stdoutFile = stdoutFile
        self.timeout = timeout
        self.stdin = stdin
    }

    func run() throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let inPipe = stdin.map { _ in Pipe() }
        process.standardInput = inPipe ?? FileHandle.nullDevice

        let errPipe = Pipe()
        process.standardError = errPipe
        var outPipe: Pipe?
        var outHandle: FileHandle?
        if let stdoutFile {
            _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
            outHandle = try FileHandle(forWritingTo: stdoutFile)
            process.standardOutput = outHandle
        } else {
            let pipe = Pipe()
            outPipe = pipe
            process.standardOutput = pipe
        }

        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        let start = DispatchTime.now()
        try process.run()
        Self.registry.add(process.processIdentifier)
        defer { Self.registry.remove(process.processIdentifier) }
        try? outHandle?.close()

        if let inPipe, let stdin {
            let writer = inPipe.fileHandleForWriting
            Thread.detachNewThread {
                try? writer.write(contentsOf: stdin)
                try? writer.close()
            }
        }
        let errReader = PipeReader(errPipe)
        let outReader = outPipe.map(PipeReader.init)

        var timedOut = false
        if let timeout {
            if finished.wait(timeout: .now() + timeout) == .timedOut {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
        } else {
            finished.wait()
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return Outcome(status: process.terminationStatus,
                       signalled: process.terminationReason == .uncaughtSignal,
                       timedOut: timedOut,
                       stdout: outReader?.finish() ?? Data(),
                       stderr: errReader.finish(),
                       seconds: seconds)
    }

    /// Kills every child still running (used on SIGINT and SIGTERM).
    static func terminateAll() {
        for pid in registry.all() { kill(pid, SIGKILL) }
    }

    private static let registry = Registry()

    private final class Registry: @unchecked Sendable {
        private let lock = NSLock()
        private var pids = Set<Int32>()
        func add(_ pid: Int32) { lock.withLock { _ = pids.insert(pid) } }
        func remove(_ pid: Int32) { lock.withLock { _ = pids.remove(pid) } }
        func all() -> [Int32] { lock.withLock { Array(pids) } }
    }

    /// Drains a pipe on its own thread so a chatty child never blocks.
    private final class PipeReader: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ pipe: Pipe) {
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }
        }

        func finish() -> Data {
            done.wait()
            return data
        }
    }
}
