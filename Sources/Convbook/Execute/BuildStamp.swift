import Foundation

/// What the last build published into a site folder: a digest of everything
/// the site is made from, and the size, time and inode of every file it left
/// there. When both still hold, a build has nothing to do: it neither runs,
/// nor renders, nor compares the site byte for byte, so a rebuild with
/// nothing changed costs a few hundred `stat`s whatever the book's size.
///
/// Kept in the ``CacheStore`` (kind `builds`), one per site folder. A site
/// file edited by hand changes its stamp, and the next build restores it.
struct BuildStamp: Codable, Equatable {
    struct FileStamp: Codable, Equatable {
        var size: Int
        var modified: Int
        var inode: UInt64
    }

    /// Digest of the inputs (``inputs(_:)``).
    var inputs: String
    var files: [String: FileStamp]
    /// The warnings that build printed, printed again.
    var warnings: [Diagnostic]
    /// For files whose bytes a cache key fixes (a page, a download, a
    /// chapter's ledger text), that key: while such a file's stamp holds, a
    /// build that needs the same key keeps the published file as it is,
    /// without reading it or the cache.
    var sources: [String: String] = [:]

    // Kept as a few keys and one text with a line per file and per source,
    // which decodes many times faster than JSON objects: every build reads it.
    private enum Keys: String, CodingKey { case inputs, warnings, table }

    init(inputs: String, files: [String: FileStamp], warnings: [Diagnostic], sources: [String: String] = [:]) {
        self.inputs = inputs
        self.files = files
        self.warnings = warnings
        self.sources = sources
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(inputs, forKey: .inputs)
        try container.encode(warnings, forKey: .warnings)
        var lines: [String] = []
        for (path, stamp) in files.sorted(by: { $0.key < $1.key }) { lines.append("F\t\(path)\t\(stamp.size)\t\(stamp.modified)\t\(stamp.inode)") }
        for (path, source) in sources.sorted(by: { $0.key < $1.key }) { lines.append("S\t\(path)\t\(source)") }
        try container.encode(lines.joined(separator: "\n"), forKey: .table)
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        inputs = try container.decode(String.self, forKey: .inputs)
        warnings = try container.decode([Diagnostic].self, forKey: .warnings)
        files = [:]
        sources = [:]
        for line in try container.decode(String.self, forKey: .table).split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if fields.count == 5, fields[0] == "F", let size = Int(fields[2]), let modified = Int(fields[3]), let inode = UInt64(fields[4]) {
                files[String(fields[1])] = FileStamp(size: size, modified: modified, inode: inode)
            } else if fields.count == 3, fields[0] == "S" {
                sources[String(fields[1])] = String(fields[2])
            } else {
                throw DecodingError.dataCorruptedError(forKey: .table, in: container, debugDescription: "a line of the stamp is not F or S")
            }
        }
    }

    /// The digest of the inputs: the generator, the book's settings and
    /// options, and each chapter's source with its result's key.
    static func inputs(_ parts: [String]) -> String {
        CacheStore.key(["build-stamp-1", BookBuilder.generatorStamp] + parts)
    }

    static func key(for folder: URL) -> String {
        CacheStore.key([folder.standardizedFileURL.resolvingSymlinksInPath().path])
    }

    /// The stamp of `folder` as it is now, for `inputs`.
    static func take(_ folder: URL, inputs: String, warnings: [Diagnostic], sources: [String: String] = [:]) -> BuildStamp {
        var files = [String: FileStamp]()
        for path in SiteFiles.listFiles(folder) {
            if let stamp = stamp(folder.path + "/" + path) { files[path] = stamp }
        }
        return BuildStamp(inputs: inputs, files: files, warnings: warnings, sources: sources)
    }

    /// Whether the published file at `path` (in `folder`) was made from
    /// `key` and is still as this stamp found it.
    /// What the stamp recorded as the source of `path` (or of its `part`),
    /// if the file is still as the stamp found it.
    func source(of path: String, part: String? = nil, in folder: URL) -> String? {
        guard let recorded = sources[part.map { path + "#" + $0 } ?? path], files[path] != nil,
              files[path] == Self.stamp(folder.path + "/" + path) else { return nil }
        return recorded
    }

    /// `part` names a piece of the file (a chapter's text in `manifest.json`).
    func holds(_ path: String, madeFrom key: String, in folder: URL, part: String? = nil) -> Bool {
        sources[part.map { path + "#" + $0 } ?? path] == key && source(of: path, part: part, in: folder) != nil
    }

    /// Whether `folder` still holds exactly the files this stamp recorded, unchanged.
    func holds(for folder: URL) -> Bool {
        let present = SiteFiles.listFiles(folder)
        guard present.count == files.count else { return false }
        return present.allSatisfy { path in files[path] != nil && files[path] == Self.stamp(folder.path + "/" + path) }
    }

    private static func stamp(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(size: Int(info.st_size), modified: Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec),
                         inode: UInt64(info.st_ino))
    }
}
