import Foundation

/// Chapter results, content-addressed in the ``CacheStore``: the key hashes
/// everything that can change what a chapter program prints (its text, the
/// compiler, the engine and runtime modules, the compile flags, the
/// environment it sees), but not the prose around it.
struct ExecutionCache: Sendable {
    /// The build's one cache (``CacheStore``), which results are kept in as kind ``CacheKind/results``.
    let store: CacheStore

    /// `programDigest` is ``ChapterProgram/digest``; the version (bumped when
    /// the format of cached results changes) is ``CacheKind/results``'s.
    /// `package` is what the program depends on in the author's package
    /// (``AuthorPackage/fingerprint(imports:)``): "" adds nothing, so a
    /// chapter that imports none of it keys as it would without one.
    static func key(programDigest: String, toolchain: Toolchain, environment: ChapterEnvironment, package: String = "") -> String {
        CacheKind.results.key([toolchain.fingerprint, environment.fingerprint,
                               toolchain.compileArguments(source: URL(fileURLWithPath: "main.swift"), output: URL(fileURLWithPath: "program"))
                                   .filter { !$0.hasPrefix("/") }.joined(separator: " "),
                               programDigest] + (package.isEmpty ? [] : ["package " + package]))
    }

    /// The result's bytes, checked but not decoded (``LazyResult`` decodes them when needed).
    func load(_ key: String) -> CacheStore.Lookup<Data> {
        store.lookupData(kind: .results, key: key)
    }

    /// Whether a result is stored under `key` (not checked: a damaged one runs the chapter again).
    func has(_ key: String) -> Bool {
        store.contains(kind: .results, key: key)
    }

    func store(_ result: ExecutionResult, key: String) {
        store.store(result, kind: .results, key: key)
    }

    /// How long a chapter took to compile and run, as the cache keeps it,
    /// and when that was measured (seconds since 1970), so that of two
    /// caches' times the later wins (``laterTiming(_:_:)``).
    private struct Timing: Codable {
        var seconds: Double
        var measured: Double = Date().timeIntervalSince1970
    }

    /// Of two `timings` entries' bytes under one key, the one measured later
    /// (`current` on a tie, or when `other` does not decode): what
    /// ``CacheMerge`` keeps, so that each shard's fresh times win over the
    /// older ones every shard restored.
    static func laterTiming(_ current: Data, _ other: Data) -> Data {
        let decoder = JSONDecoder()
        guard let new = try? decoder.decode(Timing.self, from: other) else { return current }
        guard let old = try? decoder.decode(Timing.self, from: current) else { return other }
        return new.measured > old.measured ? other : current
    }

    /// Records that the program with result key `key`, of the chapter file
    /// `chapter` (as ``SourceHistory/name(of:)`` names it), took `seconds` to
    /// compile and run: under the key, and as the chapter's last known time.
    func recordTime(_ seconds: Double, key: String, chapter: String) {
        guard seconds.isFinite, seconds >= 0 else { return }
        store.store(Timing(seconds: seconds), kind: .timings, key: CacheKind.timings.key(["result", key]))
        store.store(Timing(seconds: seconds), kind: .timings, key: CacheKind.timings.key(["chapter", chapter]))
    }

    /// The time the program with result key `key` took, else the last known
    /// time of the chapter file `chapter` (an edited program takes about as
    /// long as before), else nil.
    func knownTime(key: String, chapter: String) -> Double? {
        for timingKey in [CacheKind.timings.key(["result", key]), CacheKind.timings.key(["chapter", chapter])] {
            if let timing = store.load(Timing.self, kind: .timings, key: timingKey), timing.seconds.isFinite, timing.seconds >= 0 {
                return timing.seconds
            }
        }
        return nil
    }

    /// Whether a result that passes its checksum is stored under `key`.
    func holds(_ key: String) -> Bool {
        if case .hit = load(key) { return true }
        return false
    }

    /// A fresh scratch folder in the cache folder `root` for compiling and
    /// running one chapter, of its own even when two chapters' programs are
    /// identical: `work/PID-KEY-UUID`, so that ``removeAbandonedWork(in:)``
    /// can tell which process made it.
    static func scratchFolder(in root: URL, for key: String) throws -> URL {
        let name = "\(ProcessInfo.processInfo.processIdentifier)-\(key.prefix(16))-\(UUID().uuidString)"
        let folder = root.appendingPathComponent("work").appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Makes sure the cache folder exists and can be written, or says which
    /// folder is the problem and why.
    static func prepare(_ root: URL) throws(Diagnostic) {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: root.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw Diagnostic(file: root.path, message: "the cache folder is a file; remove it or choose another --cache")
        }
        do {
            try fm.createDirectory(at: root, withIntermediateDirectories: true)
            let probe = root.appendingPathComponent(".write-test-\(ProcessInfo.processInfo.processIdentifier)")
            try Data().write(to: probe)
            try fm.removeItem(at: probe)
        } catch {
            let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? error.localizedDescription
            throw Diagnostic(file: root.path, message: "cannot write into the cache folder (\(access(root.path, W_OK) == 0 ? reason : "permission denied")); choose another --cache")
        }
    }

    /// Removes what builds killed with SIGKILL left behind in the cache
    /// folder `root`: work folders and temporary files
    /// (`KIND/.KEY.PID.tmp-RANDOM`) whose process is gone.
    static func removeAbandonedWork(in root: URL) {
        let fm = FileManager.default
        let work = root.appendingPathComponent("work")
        for name in (try? fm.contentsOfDirectory(atPath: work.path)) ?? [] {
            if let pid = Int32(name.prefix { $0.isNumber }), !processIsAlive(pid) {
                try? fm.removeItem(at: work.appendingPathComponent(name))
            }
        }
        for kind in (try? fm.contentsOfDirectory(atPath: root.path)) ?? [] {
            let folder = root.appendingPathComponent(kind)
            // AtomicFile's temporary files, `.NAME.PID.tmp-RANDOM`.
            for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(".") && name.contains(".tmp-") {
                let parts = name.split(separator: ".")
                if parts.count >= 3, parts[parts.count - 1].hasPrefix("tmp-"), let pid = Int32(parts[parts.count - 2]), !processIsAlive(pid) {
                    try? fm.removeItem(at: folder.appendingPathComponent(name))
                }
            }
        }
    }
}
