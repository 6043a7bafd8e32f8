import ConvbookFormat
import Foundation

/// convbook's one cache store: values by kind (``CacheKind``, which also
/// makes the keys) and key under the cache folder,
/// `ROOT/KIND/KEY` with `ROOT/KIND/KEY.sha256` beside it, each written to a
/// private temporary file and renamed into place. The checksum covers the
/// entry's kind and key as well as its bytes (``checksum(of:kind:key:)``), so
/// an entry copied or renamed under another entry's name fails it like a
/// damaged one. An entry that fails its checksum, or that does not decode,
/// is a miss (and removed), so a damaged or foreign cache costs time, never
/// a wrong page; caches from several machines merge safely (``CacheMerge``).
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

    /// The bytes stored under `key`, checked against their checksum; an
    /// entry that fails it is removed.
    func lookupData(kind: CacheKind, key: String) -> Lookup<Data> {
        let found = checkedData(kind: kind, key: key)
        switch found {
        case .hit: break
        case .miss, .corrupt:
            // A file without its checksum, or one of a format before the checksum named its key, is a miss too: it goes.
            if access(path(kind, key), F_OK) == 0 { remove(kind: kind, key: key) }
        }
        return found
    }

    /// The bytes stored under `key`, checked against their checksum, leaving
    /// the store as it is (``CacheMerge`` reads other machines' caches so):
    /// a miss when there is no entry, or only one written before checksums
    /// named their entry's key; corrupt when the bytes, the checksum or the
    /// name do not agree.
    func checkedData(kind: CacheKind, key: String) -> Lookup<Data> {
        let file = path(kind, key)
        guard let data = FileManager.default.contents(atPath: file) else { return .miss }
        guard let recorded = FileManager.default.contents(atPath: file + ".sha256") else { return .corrupt }
        let text = String(decoding: recorded, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.hasPrefix(Self.checksumFormat) { return .miss }
        return text == Self.checksum(of: data, kind: kind, key: key) ? .hit(data) : .corrupt
    }

    /// The keys of the entries of `kind` (files named by 64 hexadecimal
    /// digits), sorted; checksums, temporary files and anything else in the
    /// folder are not entries.
    func keys(of kind: CacheKind) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path + "/" + kind.name)) ?? []).filter(Self.isKey).sorted()
    }

    /// Whether `name` is a key: 64 lower-case hexadecimal digits, as ``key(_:)`` and ``digest(_:)`` make them.
    static func isKey(_ name: String) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// What a checksum file begins with: the format in which it names its
    /// entry's kind and key (files of 64 hexadecimal digits alone, of the
    /// format before, hashed the bytes only).
    static let checksumFormat = "2 "

    /// The checksum file's text for `data` stored as `kind` under `key`:
    /// ``checksumFormat``, then SHA-256 of the kind, the key and the bytes,
    /// each of the first two followed by a zero byte.
    static func checksum(of data: Data, kind: CacheKind, key: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(kind.name.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: Data(key.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: data)
        return checksumFormat + hasher.finalize().hexString
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
        try? write(data, kind: kind, key: key)   // a cache that cannot be written only costs time
    }

    /// Stores bytes with their checksum, or throws why it could not
    /// (``CacheMerge`` must not lose an entry without a word).
    func write(_ data: Data, kind: CacheKind, key: String) throws {
        try FileManager.default.createDirectory(atPath: root.path + "/" + kind.name, withIntermediateDirectories: true)
        let file = path(kind, key)
        // The checksum goes first: a reader that finds new data with an old checksum sees a miss, not a wrong value.
        try AtomicFile.write(Array(Self.checksum(of: data, kind: kind, key: key).utf8), to: file + ".sha256")
        try AtomicFile.write(Array(data), to: file)
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
