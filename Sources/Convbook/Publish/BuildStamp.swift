import Foundation

/// What the last build published into a site folder: a digest of everything
/// the site is made from, and the size, time and inode of every file it left
/// there. When both still hold, a build has nothing to do: it neither runs,
/// nor renders, nor compares the site byte for byte, so a rebuild with
/// nothing changed costs a few hundred `stat`s whatever the book's size.
///
/// Kept in the ``CacheStore`` (kind `builds`), one per site folder. A site
/// file edited by hand changes its stamp, and the next build restores it.
/// The stages before publishing see it only as a ``PublishedSite``
/// (``site(in:)``): which files it holds from which key, where their parts lie.
struct BuildStamp: Equatable {
    struct FileStamp: Equatable {
        var size: Int
        var modified: Int
        var inode: UInt64
    }

    /// Digest of the inputs (``inputs(_:)``).
    var inputs: String
    var files: [String: FileStamp]
    /// The warnings that build printed, printed again.
    var warnings: [Diagnostic]
    /// For files whose bytes a cache key fixes (a page, a download), that
    /// key; for parts of files (a chapter's ledger text), their record
    /// (``SitePart``) under `PATH#PART`; for chapters whose checks found
    /// nothing, their checks key under `checks#PATH`. While a file's stamp
    /// holds, a build that needs the same key keeps the published file as
    /// it is, without reading it or the cache. Read through ``key(of:)``,
    /// ``part(_:of:)``, ``cleanChecks(of:)``.
    var sources: [String: String] = [:]

    init(inputs: String, files: [String: FileStamp], warnings: [Diagnostic], sources: [String: String] = [:]) {
        self.inputs = inputs
        self.files = files
        self.warnings = warnings
        self.sources = sources
    }

    /// Kept as text, which every build reads: a format line, the inputs, the
    /// warnings as one line of JSON, then a line per file
    /// (`F PATH SIZE TIME INODE`) and per source (`S PATH KEY`), tab-separated;
    /// read byte by byte, many times faster than JSON objects.
    static let format = "convbook-build-stamp-2"

    var data: Data {
        var lines = [Self.format, inputs, String(decoding: (try? JSONEncoder().encode(warnings)) ?? Data("[]".utf8), as: UTF8.self)]
        for (path, stamp) in files.sorted(by: { $0.key < $1.key }) { lines.append("F\t\(path)\t\(stamp.size)\t\(stamp.modified)\t\(stamp.inode)") }
        for (path, source) in sources.sorted(by: { $0.key < $1.key }) { lines.append("S\t\(path)\t\(source)") }
        return Data(lines.joined(separator: "\n").utf8)
    }

    /// nil for a stamp in another format or damaged (a build then does everything).
    init?(data: Data) {
        let bytes = [UInt8](data)
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard lines.count >= 3, lines[0].elementsEqual(Self.format.utf8),
              let warnings = try? JSONDecoder().decode([Diagnostic].self, from: Data(lines[2])) else { return nil }
        func text(_ field: ArraySlice<UInt8>) -> String { String(decoding: field, as: UTF8.self) }
        func number<N: FixedWidthInteger>(_ field: ArraySlice<UInt8>) -> N? {
            guard !field.isEmpty, field.count <= 20 else { return nil }
            var value: N = 0
            for byte in field {
                guard byte >= 48, byte <= 57 else { return nil }
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(N(byte - 48))
                guard !overflow1, !overflow2 else { return nil }
                value = sum
            }
            return value
        }
        var files = [String: FileStamp](), sources = [String: String]()
        for line in lines.dropFirst(3) {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            if fields.count == 5, fields[0].elementsEqual("F".utf8), let size: Int = number(fields[2]),
               let modified: Int = number(fields[3]), let inode: UInt64 = number(fields[4]) {
                files[text(fields[1])] = FileStamp(size: size, modified: modified, inode: inode)
            } else if fields.count == 3, fields[0].elementsEqual("S".utf8) {
                sources[text(fields[1])] = text(fields[2])
            } else {
                return nil
            }
        }
        self.init(inputs: text(lines[1]), files: files, warnings: warnings, sources: sources)
    }

    /// The digest of everything a site is made from (``CacheKind/Tag/buildInputs``).
    static func inputs(_ parts: [String]) -> String {
        CacheKind.Tag.buildInputs.key([GeneratorStamp.value] + parts)
    }

    /// The stamp's key in the cache (kind `builds`): the site folder, where it resolves.
    static func key(for folder: URL) -> String {
        CacheStore.key([folder.standardizedFileURL.resolvingSymlinksInPath().path])
    }

    /// The stamp of `folder` as it is now, for `inputs`: `sources` are the
    /// site's (``SiteFiles/sources``), `cleanChecks` the checks key of each
    /// chapter (by path) whose checks found nothing.
    static func take(_ folder: URL, inputs: String, warnings: [Diagnostic], sources: [String: String] = [:],
                     cleanChecks: [String: String] = [:]) -> BuildStamp {
        var files = [String: FileStamp]()
        for path in FileTree.files(under: folder) {
            if let stamp = stamp(folder.path + "/" + path) { files[path] = stamp }
        }
        var sources = sources
        for (chapter, key) in cleanChecks { sources[checksName(chapter)] = key }
        return BuildStamp(inputs: inputs, files: files, warnings: warnings, sources: sources)
    }

    /// Whether `folder` still holds exactly the files this stamp recorded, unchanged.
    func holds(for folder: URL) -> Bool {
        let present = FileTree.files(under: folder)
        guard present.count == files.count else { return false }
        return present.allSatisfy { path in files[path] != nil && files[path] == Self.stamp(folder.path + "/" + path) }
    }

    /// Whether the file at `path` in `folder` is as this stamp found it.
    func untouched(_ path: String, in folder: URL) -> Bool {
        files[path] != nil && files[path] == Self.stamp(folder.path + "/" + path)
    }

    // MARK: What the stamp says of the site

    /// The key the file at `path` was made from, as recorded (the file may have changed since).
    func key(of path: String) -> String? {
        sources[path]
    }

    /// Where the file at `path` holds its part `part`, as recorded (the file may have changed since).
    func part(_ part: String, of path: String) -> SitePart? {
        sources[SitePart.name(part, of: path)].flatMap(SitePart.init(text:))
    }

    /// The key of the checks that found nothing in the chapter at `chapterPath`, as recorded.
    func cleanChecks(of chapterPath: String) -> String? {
        sources[Self.checksName(chapterPath)]
    }

    /// The name the stamp records a chapter's clean checks under: `checks#PATH`.
    static func checksName(_ chapterPath: String) -> String {
        "checks#" + chapterPath
    }

    /// What this stamp says of the site in `folder`, for the stages before
    /// publishing (``PublishedSite``).
    func site(in folder: URL) -> StampedSite {
        StampedSite(stamp: self, folder: folder)
    }

    private static func stamp(_ path: String) -> FileStamp? {
        FileIdentity(path: path).map { FileStamp(size: $0.size, modified: $0.modified, inode: $0.inode) }
    }
}
