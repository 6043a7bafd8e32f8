import CProcess
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion with an optional time limit, capturing its
/// standard error and either capturing or redirecting its standard output.
/// This is convbook's one process runner.
///
/// The child is started with `posix_spawn` as the leader of a **session of
/// its own**, and when it ends (or runs out of time, or the build is
/// interrupted) every process left in that session is killed: a background
/// process it started (`sh -c "sleep 60 &"`, even through Foundation's
/// `Process`, which makes a new process group) neither outlives it nor holds
/// its output pipes open. Output still open after that is read for at most
/// ``drainSeconds`` more. Every running child is remembered, so an
/// interrupted build can stop them all (``terminateAll()``).
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
    /// Seconds before the child is killed; with ``laterStdin``, counted from
    /// when the input is handed over (or the child ends first).
    var timeout: Double? = nil
    /// Bytes written to the child's standard input (nil: it reads nothing).
    var stdin: Data? = nil
    /// Bytes for standard input that are known only later: asked for on
    /// another thread once the child runs, so it can start meanwhile.
    var laterStdin: (@Sendable () -> Data)? = nil

    /// How long output pipes are read after the session was killed, in case
    /// a process that left the session still holds them.
    static let drainSeconds = 2.0

    init(executable: String, arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
         stdoutFile: URL? = nil, timeout: Double? = nil, stdin: Data? = nil, laterStdin: (@Sendable () -> Data)? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
        self.stdoutFile = stdoutFile
        self.timeout = timeout
        self.stdin = stdin
        self.laterStdin = laterStdin
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    func run() throws -> Outcome {
        let errPipe = try Self.pipe()
        let outPipe = stdoutFile == nil ? try Self.pipe() : nil
        let inPipe = stdin == nil && laterStdin == nil ? nil : try Self.pipe()
        var outFile: Int32 = -1
        if let stdoutFile {
            outFile = open(stdoutFile.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard outFile >= 0 else { throw SpawnError(description: "cannot open \(stdoutFile.path): \(String(cString: strerror(errno)))") }
        }
        defer { if outFile >= 0 { close(outFile) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let inPipe {
            posix_spawn_file_actions_adddup2(&actions, inPipe.read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outPipe?.write ?? outFile, 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe.write, 2)
        if let directory { cprocess_addchdir(&actions, directory.path) }
        // Only standard input, output and error reach the child: no socket of `serve`,
        // no pipe of another chapter's run, whatever flags they were opened with.
        cprocess_addclosefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A session of its own (so its process group too), default signal handling, nothing blocked.
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, cprocess_setsid_flag() | Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }

        let start = DispatchTime.now()
        var spawnedPid: pid_t = 0
        let spawned = posix_spawn(&spawnedPid, executable, &actions, &attributes, argv, envp)
        let pid = spawnedPid
        // The child holds its own copies now; close ours so end-of-file can arrive.
        close(errPipe.write)
        if let outPipe { close(outPipe.write) }
        if let inPipe { close(inPipe.read) }
        guard spawned == 0 else {
            close(errPipe.read)
            if let outPipe { close(outPipe.read) }
            if let inPipe { close(inPipe.write) }
            throw SpawnError(description: "cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        Self.registry.add(pid)
        defer { Self.registry.remove(pid) }

        // Signalled when the input is handed over, and when the child ends: a child started
        // before its input is known (laterStdin) is timed from when it gets it.
        let progressed = DispatchSemaphore(value: 0)
        if let inPipe {
            let writer = inPipe.write
            let stdin = self.stdin, laterStdin = self.laterStdin
            Thread.detachNewThread {
                let input = stdin ?? laterStdin?() ?? Data()
                progressed.signal()
                input.withUnsafeBytes { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let n = write(writer, bytes.baseAddress! + offset, bytes.count - offset)
                        if n <= 0 { break }
                        offset += n
                    }
                }
                close(writer)
            }
        }
        let errReader = PipeReader(errPipe.read)
        let outReader = outPipe.map { PipeReader($0.read) }

        // Wait for the child on a thread of its own, so a time limit can interrupt the wait.
        let finished = DispatchSemaphore(value: 0)
        let exit = ExitBox()
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            exit.status = status
            finished.signal()
            progressed.signal()
        }
        var timedOut = false
        if timeout != nil && laterStdin != nil { progressed.wait() }
        if let timeout, finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            Self.killSession(pid)
            finished.wait()
        } else if timeout == nil {
            finished.wait()
        }
        // Whatever the child left running in its session goes with it.
        Self.killSession(pid)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let status = exit.status
        let signalled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
        return Outcome(status: signalled ? status & 0x7f : (status >> 8) & 0xff,
                       signalled: signalled,
                       timedOut: timedOut,
                       stdout: outReader?.finish(within: Self.drainSeconds) ?? Data(),
                       stderr: errReader.finish(within: Self.drainSeconds),
                       seconds: seconds)
    }

    /// Kills every child still running, with its session (used on SIGINT and SIGTERM).
    static func terminateAll() {
        for pid in registry.all() { killSession(pid) }
    }

    /// Kills the session whose leader was `pid`: its process group, and every
    /// process still in the session though it made a group of its own. (Not
    /// `pid` alone once reaped: that number may belong to another process.)
    static func killSession(_ pid: pid_t) {
        kill(-pid, SIGKILL)
        for member in sessionMembers(pid) { kill(member, SIGKILL) }
    }

    /// The processes whose session id is `session`, from `/proc/PID/stat`.
    static func sessionMembers(_ session: pid_t) -> [pid_t] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return names.compactMap { name -> pid_t? in
            guard let pid = pid_t(name), pid != session,
                  let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // After "pid (comm)": state ppid pgrp session ...
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 3 && pid_t(fields[3]) == session ? pid : nil
        }
    }

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard cprocess_pipe(&ends) == 0 else { throw SpawnError(description: "cannot make a pipe: \(String(cString: strerror(errno)))") }
        return (ends[0], ends[1])
    }

    private static let registry = Registry()

    private final class Registry: @unchecked Sendable {
        private let lock = NSLock()
        private var pids = Set<Int32>()
        func add(_ pid: Int32) { lock.withLock { _ = pids.insert(pid) } }
        func remove(_ pid: Int32) { lock.withLock { _ = pids.remove(pid) } }
        func all() -> [Int32] { lock.withLock { Array(pids) } }
    }

    private final class ExitBox: @unchecked Sendable {
        var status: Int32 = 0
    }

    /// Drains a pipe on its own thread so a chatty child never blocks.
    private final class PipeReader: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private var closed = false
        private let done = DispatchSemaphore(value: 0)
        private let descriptor: Int32

        init(_ descriptor: Int32) {
            self.descriptor = descriptor
            Thread.detachNewThread { [self] in
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    lock.withLock { data.append(contentsOf: buffer[0..<n]) }
                }
                lock.withLock {
                    closed = true
                    close(descriptor)
                }
                done.signal()
            }
        }

        /// What was read by end-of-file, or by `seconds` from now at the latest.
        func finish(within seconds: Double) -> Data {
            _ = done.wait(timeout: .now() + seconds)
            return lock.withLock { data }
        }
    }

    /// The first of `names` found as an executable on `PATH`, as a path; nil when none is.
    static func locate(_ names: [String]) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            for name in names where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }
}
