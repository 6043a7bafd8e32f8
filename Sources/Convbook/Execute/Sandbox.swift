import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The sandbox a chapter program runs in, made with bubblewrap (`bwrap`):
///
/// - **a PID namespace of its own**: when the program ends, everything it
///   started dies with it, `setsid -f` and daemons included;
/// - **one writable folder**: its working folder is a tmpfs of
///   ``diskLimit`` bytes (at the same path as outside, so `HOME` and
///   `TMPDIR` point at it); its records file and the export file below are
///   bound into it from outside, each capped by `ulimit -f`;
/// - **read-only, and nothing else**: the system (`/usr` and the `/bin`,
///   `/lib` links), the loader's files in `/etc`, the Swift runtime, the
///   runtime library (`--modules`), the program, the files its front matter
///   names (`files:`), and the folders `LD_LIBRARY_PATH` and `LD_PRELOAD`
///   name; not the book, not a home folder, not `/tmp`;
/// - **no network**: a network namespace of its own (loopback only);
/// - **at most ``processLimit`` processes and threads** (`RLIMIT_NPROC`,
///   counted per user): run by root, the program gets a user id of its own
///   for the run (root's processes are never counted); run by another user,
///   a user namespace of its own.
///
/// Inside, ``script`` sets the limits, runs the program, kills whatever it
/// left, and writes what convbook reads back (``SandboxExport``): how full
/// the folder is, the names left in it and the published tensors.
struct Sandbox: Sendable {
    let bwrap: String
    /// util-linux's `setpriv`, which gives the program its user id when convbook runs as root; nil otherwise.
    let setpriv: String?

    /// Bytes a chapter program may keep in its working folder, all files together.
    static let diskLimit = 512 * 1024 * 1024
    /// Processes and threads a chapter program may have at once.
    static let processLimit = 512
    /// What a build without the sandbox does not enforce (said once in its output).
    static let unenforced = "a PID namespace of its own (processes a program detaches, e.g. with setsid, may outlive the build), "
        + "the read-only book and system, the \(diskLimit / 1024 / 1024) MiB cap on its working folder, no network, no home folder, "
        + "the cap of \(processLimit) processes"

    enum Availability: Sendable {
        case available(Sandbox)
        /// Why not.
        case unavailable(String)

        var sandbox: Sandbox? {
            if case .available(let sandbox) = self { return sandbox }
            return nil
        }

        /// The warning a build that runs chapter programs prints, once; nil with the sandbox.
        var warning: String? {
            guard case .unavailable(let reason) = self else { return nil }
            return "chapter programs run without a sandbox (\(reason)); not enforced: \(Sandbox.unenforced). See README, Reliability."
        }
    }

    /// Found and tried once per process: bwrap must be installed and make a
    /// sandbox that runs `/bin/true` (the kernel may refuse namespaces, as in
    /// many containers). `CONVBOOK_SANDBOX=off` turns it off.
    static let availability: Availability = detect()

    static func detect(environment: [String: String] = ProcessInfo.processInfo.environment) -> Availability {
        if environment["CONVBOOK_SANDBOX"] == "off" { return .unavailable("CONVBOOK_SANDBOX=off") }
        guard let bwrap = Subprocess.locate(["bwrap"]) ?? ["/usr/bin/bwrap", "/bin/bwrap"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return .unavailable("bubblewrap is not installed: apt-get install bubblewrap")
        }
        var setpriv: String?
        if geteuid() == 0 {
            guard let found = ChapterExecutor.setpriv else { return .unavailable("setpriv (util-linux) is missing") }
            setpriv = found
        }
        let sandbox = Sandbox(bwrap: bwrap, setpriv: setpriv)
        let folder = URL(fileURLWithPath: "/tmp/convbook-sandbox-probe")
        let probe = sandbox.process(for: Run(program: URL(fileURLWithPath: "/bin/true"), folder: folder,
                                             export: folder.appendingPathComponent("probe.export"), exportBound: false,
                                             records: nil, artifacts: "probe.artifacts", files: [], readOnly: [],
                                             memory: 1024, fileSizeLimit: 1024 * 1024),
                                    environment: ["PATH": "/usr/bin:/bin"], stdoutFile: nil, timeout: 30)
        guard let outcome = try? probe.run() else { return .unavailable("\(bwrap) cannot be started") }
        guard outcome.succeeded else {
            let said = outcome.stderrText.split(separator: "\n").first.map(String.init) ?? "status \(outcome.status)"
            return .unavailable("bwrap cannot make one here: \(said)")
        }
        return .available(sandbox)
    }

    /// One run of a program.
    struct Run {
        var program: URL
        /// The working folder: a tmpfs inside, at this path.
        var folder: URL
        /// Where ``script`` writes what convbook reads back (in `folder`).
        var export: URL
        /// Whether `export` is a file outside, bound in (false: the probe, which reads nothing back).
        var exportBound: Bool
        /// The records file (in `folder`), bound in from outside.
        var records: URL?
        /// The folder for published tensors, relative to `folder`.
        var artifacts: String
        /// Files copied outside into `folder` (paths relative to it), bound in read-only.
        var files: [String]
        /// Further folders and files the program reads (the runtime library, the Swift runtime).
        var readOnly: [String]
        /// MiB of address space (`ulimit -v`).
        var memory: Int
        /// Largest file it may write, in bytes (`ulimit -f`).
        var fileSizeLimit: Int
    }

    /// The sandboxed run as a ``Subprocess`` (which still kills bwrap at its
    /// time limit, and with it the whole sandbox). When convbook runs as root,
    /// the files bound in writable are given to the run's user id.
    func process(for run: Run, environment: [String: String], stdoutFile: URL?, timeout: Double?) -> Subprocess {
        var arguments = ["--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        if setpriv == nil { arguments.append("--unshare-user") }
        var made = Set<String>()
        /// `--dir` for each folder above `path` (bwrap would make them 0700, out of reach of the program's user).
        func parents(_ path: String) {
            var current = ""
            for component in path.split(separator: "/").dropLast() {
                current += "/" + component
                if made.insert(current).inserted { arguments += ["--dir", current] }
            }
        }
        func bind(_ flag: String, _ path: String) {
            parents(path)
            arguments += [flag, path, path]
            made.insert(path)
        }
        // The system, read-only: /usr, and /bin, /lib ... as links into it where they are links (merged /usr).
        bind("--ro-bind", "/usr")
        for top in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: top) {
                arguments += ["--symlink", target, top]
            } else if FileManager.default.fileExists(atPath: top) {
                bind("--ro-bind", top)
            }
        }
        // What the loader reads in /etc (the alternatives hold libopenblas), and the CPUs BLAS counts.
        for path in ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/sys/devices/system/cpu"]
        where FileManager.default.fileExists(atPath: path) {
            bind("--ro-bind", path)
        }
        let loaderPaths = (environment["LD_LIBRARY_PATH"] ?? "").split(separator: ":")
            + (environment["LD_PRELOAD"] ?? "").split(whereSeparator: { $0 == ":" || $0 == " " })
        // Each as named and, where that is a link (a library linked into a folder of links), as it resolves.
        var visible = ["/usr"]
        for named in run.readOnly + loaderPaths.map(String.init) where named.hasPrefix("/") {
            for path in [named, URL(fileURLWithPath: named).resolvingSymlinksInPath().path]
            where !visible.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) && FileManager.default.fileExists(atPath: path) {
                bind("--ro-bind", path)
                visible.append(path)
            }
        }
        arguments += ["--dev", "/dev", "--proc", "/proc"]
        // The working folder: the one place it writes, capped.
        let folder = run.folder.path
        parents(folder)
        arguments += ["--perms", "0777", "--size", String(Self.diskLimit), "--tmpfs", folder]
        made.insert(folder)
        // The run's user id (as root) must read the program and its copies of `files:` whatever the umask made them.
        let uid = setpriv == nil ? nil : Self.nextUserID()
        if uid != nil { chmod(run.program.path, 0o755) }
        bind("--ro-bind", run.program.path)
        for file in run.files {
            let path = run.folder.appendingPathComponent(file).path
            guard FileManager.default.fileExists(atPath: path) else { continue }
            if let uid { chown(path, uid, uid) }
            bind("--ro-bind", path)
        }
        for file in [run.records, run.exportBound ? run.export : nil].compactMap({ $0 }) {
            if let uid { chown(file.path, uid, uid) }
            bind("--bind", file.path)
        }
        // What bwrap made around them (its root, the folders above, /dev) is read-only too: in a user
        // namespace the program owns those folders, and they are tmpfs without a cap.
        arguments += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", folder]
        if let setpriv, let uid {
            arguments += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP", "--",
                          setpriv, "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"]
        }
        arguments += ["--", "/bin/sh", "-c", Self.script, run.program.path, run.export.path, run.artifacts,
                      String(run.fileSizeLimit / 512), String(run.memory * 1024), String(Self.processLimit)]
        return Subprocess(executable: bwrap, arguments: arguments, environment: environment, directory: nil,
                          stdoutFile: stdoutFile, timeout: timeout)
    }

    /// Runs inside the sandbox as `sh -c script PROGRAM EXPORT ARTIFACTS FILE-BLOCKS MEMORY-KIB PROCESSES`:
    /// the program in a subshell with its limits (`ulimit -u` is `-p` in dash),
    /// then, everything else killed, the export, and the program's status.
    static let script = #"""
        mkdir -p "$2" || exit 126
        (ulimit -f "$3" && ulimit -v "$4" && { ulimit -u "$5" 2>/dev/null || ulimit -p "$5"; } && exec "$0")
        status=$?
        kill -KILL -1 2>/dev/null
        {
            df -Pk . | { read -r _; read -r _ _ used _; echo "used $used"; }
            for name in * .[!.]* ..?*; do
                case $name in *'
        '*) continue ;; esac
                if [ -e "$name" ] || [ -h "$name" ]; then printf 'left %s\n' "$name"; fi
            done
            for path in "$2"/*.npy; do
                if [ -f "$path" ] && [ ! -h "$path" ]; then
                    printf 'file %s %s\n' "${path##*/}" "$(wc -c < "$path")"
                    cat "$path"
                fi
            done
        } > "$1" 2>/dev/null
        exit "$status"
        """#

    /// A user id of its own for each run (as root), far above any real user's:
    /// `RLIMIT_NPROC` counts the processes of one user id.
    private static func nextUserID() -> uid_t {
        let serial = counter.next()
        return uid_t(2_100_000_000 + Int(getpid() % 100_000) * 1_000 + serial % 1_000)
    }

    private static let counter = Counter()

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }

    /// bwrap ends with the status of the script, which is the program's:
    /// 128 + N when signal N killed it. That is made a signal again.
    static func unwrap(_ outcome: Subprocess.Outcome) -> Subprocess.Outcome {
        var outcome = outcome
        if !outcome.signalled, !outcome.timedOut, outcome.status > 128, outcome.status < 128 + 65 {
            outcome.signalled = true
            outcome.status -= 128
        }
        return outcome
    }
}
