import Crypto
import Foundation

/// Content-addressed storage of chapter results: the key hashes everything
/// that can change what a chapter program prints (its text, the compiler, the
/// engine and runtime modules, the compile flags), but not the prose around
/// it. Each entry is `KEY/result.json` with `KEY/result.sha256` beside it; an
/// entry whose hash does not match is treated as missing and rebuilt.
struct ExecutionCache: Sendable {
    /// Bumped when the format of cached results changes.
    static let formatVersion = "convbook-cache-3"

    let root: URL

    func key(for program: ChapterProgram, toolchain: Toolchain, environment: ChapterEnvironment) -> String {
        var hasher = SHA256()
        for part in [Self.formatVersion, toolchain.fingerprint, environment.fingerprint,
                     toolchain.compileArguments(source: URL(fileURLWithPath: "main.swift"), output: URL(fileURLWithPath: "program"))
                        .filter { !$0.hasPrefix("/") }.joined(separator: " "),
                     program.source] + program.failureProbes.map(\.source) {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: Data([0]))
        }
        return hasher.finalize().hexString
    }

    enum Lookup {
        case hit(ExecutionResult)
        case miss
        /// The entry existed but failed its checksum or did not decode.
        case corrupt
    }

    func load(_ key: String) -> Lookup {
        let folder = root.appendingPathComponent(key)
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("result.json")) else { return .miss }
        guard let recorded = try? String(contentsOf: folder.appendingPathComponent("result.sha256"), encoding: .utf8),
              recorded.trimmingCharacters(in: .whitespacesAndNewlines) == SHA256.hash(data: data).hexString,
              let result = try? JSONDecoder().decode(ExecutionResult.self, from: data) else {
            try? FileManager.default.removeItem(at: folder)
            return .corrupt
        }
        return .hit(result)
    }

    /// Stores a result atomically: written to a private folder, then renamed into place.
    func store(_ result: ExecutionResult, key: String) {
        let fm = FileManager.default
        let folder = root.appendingPathComponent(key)
        let staging = root.appendingPathComponent(".\(key).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try? fm.removeItem(at: staging)
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(result)
            try data.write(to: staging.appendingPathComponent("result.json"))
            try Data(SHA256.hash(data: data).hexString.utf8).write(to: staging.appendingPathComponent("result.sha256"))
            try? fm.removeItem(at: folder)
            try fm.moveItem(at: staging, to: folder)
        } catch {
            try? fm.removeItem(at: staging)   // a cache that cannot be written only costs time
        }
    }

    /// A fresh scratch folder for compiling and running one chapter, of its
    /// own even when two chapters' programs are identical:
    /// `work/PID-KEY-UUID`, so that ``removeAbandonedWork()`` can tell which
    /// process made it.
    func scratchFolder(for key: String) throws -> URL {
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

    /// Removes what builds killed with SIGKILL left behind: work folders and
    /// staging folders (`.KEY.PID.tmp`) whose process is gone.
    func removeAbandonedWork() {
        let fm = FileManager.default
        let work = root.appendingPathComponent("work")
        for name in (try? fm.contentsOfDirectory(atPath: work.path)) ?? [] {
            if let pid = Int32(name.prefix { $0.isNumber }), !processIsAlive(pid) {
                try? fm.removeItem(at: work.appendingPathComponent(name))
            }
        }
        for name in (try? fm.contentsOfDirectory(atPath: root.path)) ?? [] where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            let parts = name.split(separator: ".")
            if parts.count >= 3, let pid = Int32(parts[parts.count - 2]), !processIsAlive(pid) {
                try? fm.removeItem(at: root.appendingPathComponent(name))
            }
        }
    }
}

/// Whether a process with this id exists (it may belong to another user).
func processIsAlive(_ pid: Int32) -> Bool {
    pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
}
