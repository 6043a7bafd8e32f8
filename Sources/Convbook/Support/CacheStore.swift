import ConvbookFormat
import Foundation

/// convbook's one cache store: values by kind (``CacheKind``, which also
/// makes the keys) and key under the cache folder,
/// `ROOT/KIND/KEY` with `ROOT/KIND/KEY.sha256` beside it, each written to a
/// private temporary file and renamed into place. An entry whose bytes do
/// not match their SHA-256, or that does not decode, is a miss (and removed),
/// so a damaged cache costs time, never a wrong page.
///
/// ```swift
/// let store = CacheStore(root: cacheFolder)
/// store.store(result, kind: .results, key: key)
/// let again: ExecutionResult? = store.load(kind: .results, key: key)
/// ```
struct CacheStore: Sendable {
    let root: URL

    enum Lookup<Value> {
        case hit(Value)
        case miss
        /// The entry existed but failed its checksum or did not decode.
        case corrupt
    }

    func lookup<Value: Decodable>(_ type: Value.Type = Value.self, kind: CacheKind, key: String) -> Lookup<Value> {
        switch lookupData(kind: kind, key: key) {
        case .hit(let data):
            if let value = try? JSONDecoder().decode(Value.self, from: data) { return .hit(value) }
            remove(kind: kind, key: key)
            return .corrupt
        case .miss: return .miss
        case .corrupt: return .corrupt
        }
    }

    /// The bytes stored under `key`, checked against their SHA-256.
    func lookupData(kind: CacheKind, key: String) -> Lookup<Data> {
        let file = path(kind, key)
        guard let data = FileManager.default.contents(atPath: file) else { return .miss }
        guard let recorded = FileManager.default.contents(atPath: file + ".sha256"),
              String(decoding: recorded, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == SHA256.hash(data: data).hexString else {
            remove(kind: kind, key: key)
            return .corrupt
        }
        return .hit(data)
    }

    /// Whether an entry is stored under `key`, without reading or checking it.
    func contains(kind: CacheKind, key: String) -> Bool {
        access(path(kind, key), F_OK) == 0
    }

    func loadData(kind: CacheKind, key: String) -> Data? {
        if case .hit(let data) = lookupData(kind: kind, key: key) { return data }
        return nil
    }

    private func remove(kind: CacheKind, key: String) {
        let file = path(kind, key)
        try? FileManager.default.removeItem(atPath: file)
        try? FileManager.default.removeItem(atPath: file + ".sha256")
    }

    /// `ROOT/KIND/KEY`, as a path (cheaper to make than a URL, and made for every lookup).
    private func path(_ kind: CacheKind, _ key: String) -> String {
        root.path + "/" + kind.name + "/" + key
    }

    func load<Value: Decodable>(_ type: Value.Type = Value.self, kind: CacheKind, key: String) -> Value? {
        if case .hit(let value) = lookup(type, kind: kind, key: key) { return value }
        return nil
    }

    /// Stores a value; a cache that cannot be written only costs time.
    func store<Value: Encodable>(_ value: Value, kind: CacheKind, key: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(value) else { return }
        storeData(data, kind: kind, key: key)
    }

    /// Stores bytes as they are (a rendered page), with their checksum.
    func storeData(_ data: Data, kind: CacheKind, key: String) {
        try? FileManager.default.createDirectory(atPath: root.path + "/" + kind.name, withIntermediateDirectories: true)
        let file = path(kind, key)
        // The checksum goes first: a reader that finds new data with an old checksum sees a miss, not a wrong value.
        let sum = Array(SHA256.hash(data: data).hexString.utf8)
        do {
            try AtomicFile.write(sum, to: file + ".sha256")
            try AtomicFile.write(Array(data), to: file)
        } catch {
            return   // a cache that cannot be written only costs time
        }
    }

    /// SHA-256 of the parts, each followed by a zero byte: a cache key.
    static func key(_ parts: [String]) -> String {
        var hasher = SHA256()
        for part in parts {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: Data([0]))
        }
        return hasher.finalize().hexString
    }

    /// SHA-256 of some bytes, as hex.
    static func digest(_ data: Data) -> String {
        SHA256.hash(data: data).hexString
    }
}
