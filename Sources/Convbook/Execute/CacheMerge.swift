import Foundation

/// Merges cache folders into one (`convbook cache merge SRC... --into DIR`),
/// as a build sharded over machines needs: each shard fills a cache of its
/// own (`convbook build --shard K/N`), and the build that publishes runs
/// over them merged, compiling nothing they compiled.
///
/// Every entry is checked before it is copied (``CacheStore/checkedData(kind:key:)``:
/// its checksum covers its kind, its key and its bytes). One that fails it
/// (damaged bytes, a checksum missing, or an entry stored under another
/// entry's name, as from another toolchain or another book) is left out and
/// reported, and the build computes it again; nothing else is lost. An entry
/// the destination holds already is kept: entries with one key mean the
/// same (results computed on two machines differ at most within their
/// tolerance); of two run times (``CacheKind/timings``), the one measured
/// later is kept. What a machine published into its site folders (``CacheKind/builds``),
/// its scratch and lock folders and its compiler's version are its own, and
/// are not merged. The sources are only read.
///
/// ```swift
/// let report = try CacheMerge.merge(["shards/1", "shards/2"], into: ".convbook-cache")
/// print(report.summary)   // "merged 2 caches into .convbook-cache: 41 entries copied, …"
/// ```
public enum CacheMerge {
    /// What a merge did.
    public struct Report: Sendable {
        /// Cache folders merged from.
        public var sources = 0
        /// Entries copied into the destination.
        public var copied = 0
        /// Entries the destination held already, with the same bytes.
        public var present = 0
        /// Entries the destination held already with other bytes under the same key: the destination's were kept.
        public var kept = 0
        /// Run times (``CacheKind/timings``) the destination held that a source had measured later: replaced.
        public var newerTimes = 0
        /// Entries of the destination that failed their checksum and were replaced by a source's.
        public var repaired = 0
        /// Entries written before checksums named their key: they cannot be told from a foreign one, so they were left out.
        public var older = 0
        /// Entries left out because they failed their checksum, one warning each.
        public var rejected: [Diagnostic] = []
        /// The destination.
        public var destination = ""

        public var summary: String {
            let plural = { (count: Int, word: String) in "\(count) \(word)\(count == 1 ? "" : "s")" }
            var line = "merged \(plural(sources, "cache")) into \(destination): \(copied) \(copied == 1 ? "entry" : "entries") copied, \(present) there already"
            if kept > 0 { line += ", \(kept) with other bytes under the same key (kept the ones there)" }
            if newerTimes > 0 { line += ", \(newerTimes) run \(newerTimes == 1 ? "time" : "times") measured later updated" }
            if repaired > 0 { line += ", \(repaired) damaged there replaced" }
            if older > 0 { line += ", \(older) of an older cache format left out" }
            if !rejected.isEmpty { line += "; \(rejected.count) failed \(rejected.count == 1 ? "its" : "their") checksum and \(rejected.count == 1 ? "was" : "were") left out (the build computes \(rejected.count == 1 ? "it" : "them") again)" }
            return line
        }
    }

    /// The kinds merged: all but what a machine published into its own site folders.
    static let kinds = CacheKind.allCases.filter { $0 != .builds }

    /// Merges the cache folders `sources`, in order, into `destination`
    /// (made if missing). Throws when a source is not a folder, or when the
    /// destination cannot be written (then entries copied so far stay, each
    /// whole and checked).
    public static func merge(_ sources: [String], into destination: String) throws(Diagnostic) -> Report {
        let target = URL(fileURLWithPath: destination).standardizedFileURL
        var roots = [URL]()
        for source in sources {
            let url = URL(fileURLWithPath: source).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw Diagnostic(file: source, message: "no cache folder here: name the folders that the shards' builds filled (--cache)")
            }
            if url.resolvingSymlinksInPath().path == target.resolvingSymlinksInPath().path {
                throw Diagnostic(file: source, message: "this is the folder merged into (--into); name it once")
            }
            roots.append(url)
        }
        try ExecutionCache.prepare(target)
        let into = CacheStore(root: target)
        var report = Report(sources: roots.count, destination: destination)
        for (root, source) in zip(roots, sources) {
            let store = CacheStore(root: root)
            for kind in kinds {
                for key in store.keys(of: kind) {
                    let data: Data
                    switch store.checkedData(kind: kind, key: key) {
                    case .hit(let bytes): data = bytes
                    case .miss:
                        report.older += 1
                        continue
                    case .corrupt:
                        report.rejected.append(Diagnostic(file: "\(source)/\(kind.name)/\(key)", severity: .warning,
                                                          message: "fails its checksum (damaged, or stored under another entry's name): left out"))
                        continue
                    }
                    let existing = into.checkedData(kind: kind, key: key)
                    if case .hit(let bytes) = existing {
                        if bytes == data {
                            report.present += 1
                            continue
                        }
                        // A chapter's run time: the one measured later is its last known time.
                        guard kind == .timings, ExecutionCache.laterTiming(bytes, data) == data else {
                            if kind != .timings { report.kept += 1 } else { report.present += 1 }
                            continue
                        }
                        do {
                            try into.write(data, kind: kind, key: key)
                        } catch {
                            throw Diagnostic(file: destination, message: "cannot write \(kind.name)/\(key) into the cache folder: \(error.localizedDescription)")
                        }
                        report.newerTimes += 1
                        continue
                    }
                    do {
                        try into.write(data, kind: kind, key: key)
                    } catch {
                        throw Diagnostic(file: destination, message: "cannot write \(kind.name)/\(key) into the cache folder: \(error.localizedDescription)")
                    }
                    if case .corrupt = existing { report.repaired += 1 } else { report.copied += 1 }
                }
            }
        }
        return report
    }
}
