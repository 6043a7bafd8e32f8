import Crypto
import Foundation

/// Content-addressed storage of chapter results: the key hashes everything
/// that can change what a chapter program prints (its text, the compiler, the
/// engine and runtime modules, the compile flags), but not the prose around
/// it. Each entry is `KEY/result.json` with `KEY/result.sha256` beside it; an
/// entry whose hash does not match is treated as missing and rebuilt.
struct ExecutionCache: Sendable {
    /// Bumped when the format of cached results changes.
    static let formatVersion = "convbook-cache-2"

    let root: URL

    func key(for program: ChapterProgram, toolchain: Toolchain) -> String {
        var hasher = SHA256()
        for part in [Self.formatVersion, toolchain.fingerprint,
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

    /// A fresh scratch folder for compiling and running one chapter.
    func scratchFolder(for key: String) throws -> URL {
        let folder = root.appendingPathComponent("work/\(key.prefix(16))-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
