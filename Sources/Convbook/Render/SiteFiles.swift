import CProcess
import Foundation

/// A whole generated site, in memory: relative path → bytes. Building it
/// completely before touching the disk is what lets a failed build leave the
/// previous `site/` as it was.
public struct SiteFiles: Sendable, Equatable {
    public var files: [String: Data] = [:]
    /// Files kept as the published site has them (``keep(_:source:)``).
    var kept: Set<String> = []
    /// For files a cache key fixes, that key (``BuildStamp/sources``).
    var sources: [String: String] = [:]
    /// Files made of pieces, some of them ranges of the published file of
    /// the same path (``add(_:pieces:)``): `book.html`, most of which a
    /// rebuild copies from the published one in the kernel.
    var pieced: [String: [Piece]] = [:]

    /// A piece of a file: bytes, or a range of the published file's.
    enum Piece: Sendable, Equatable {
        case bytes(Data)
        case published(Range<Int>)

        var count: Int {
            switch self {
            case .bytes(let data): data.count
            case .published(let range): range.count
            }
        }

        /// `parts` between `prefix` and `suffix`, `separator` between them
        /// (empty parts left out when `skippingEmpty`), and where each part
        /// lies in the whole.
        static func join(_ parts: [Piece], prefix: String, separator: String, suffix: String,
                         skippingEmpty: Bool = false) -> (pieces: [Piece], ranges: [Range<Int>]) {
            var pieces: [Piece] = [.bytes(Data(prefix.utf8))]
            var offset = prefix.utf8.count, ranges: [Range<Int>] = [], first = true
            for part in parts {
                if skippingEmpty && part.count == 0 { ranges.append(offset..<offset); continue }
                if !first { pieces.append(.bytes(Data(separator.utf8))); offset += separator.utf8.count }
                first = false
                ranges.append(offset..<(offset + part.count))
                pieces.append(part)
                offset += part.count
            }
            pieces.append(.bytes(Data(suffix.utf8)))
            return (pieces, ranges)
        }
    }

    public init() {}

    /// The file that marks a folder as a site convbook wrote, and so may replace.
    static let markerName = ".convbook-site"
    static let markerText = "This folder was written by `convbook build`, which replaces it whole on the next build.\n"

    mutating func add(_ path: String, _ text: String) { files[path] = Data(text.utf8) }
    mutating func add(_ path: String, _ data: Data) { files[path] = data }

    /// Adds a file made from a cache key.
    mutating func add(_ path: String, _ data: Data, source: String) {
        files[path] = data
        sources[path] = source
    }

    /// Keeps the published file at `path`, which the build stamp says was
    /// made from `source` and is untouched since: it is linked, not read.
    mutating func keep(_ path: String, source: String) {
        kept.insert(path)
        sources[path] = source
    }

    /// Adds a file made of pieces; made of bytes alone, it is an ordinary file.
    mutating func add(_ path: String, pieces: [Piece]) {
        if pieces.allSatisfy({ if case .bytes = $0 { true } else { false } }) {
            files[path] = pieces.reduce(into: Data()) { if case .bytes(let data) = $1 { $0.append(data) } }
        } else {
            pieced[path] = pieces
        }
    }

    /// Every path of the site, written or kept.
    var paths: Set<String> { Set(files.keys).union(kept).union(pieced.keys) }

    /// The differences between this site and the folder at `url`: files whose
    /// bytes differ, files missing from the folder, and extra files in it.
    public func differences(from url: URL) -> [String] {
        let compared = comparison(with: url)
        var report = [String]()
        for path in paths.sorted() where !compared.unchanged.contains(path) {
            report.append((compared.onDisk.contains(path) ? "stale: " : "missing: ") + path)
        }
        for path in compared.onDisk.sorted() where !paths.contains(path) { report.append("extra: \(path)") }
        return report
    }

    /// The files of the folder at `url`, and which of this site's files are
    /// there with the same bytes (read once, for both ``differences(from:)``
    /// and ``publish(to:)``). Kept files are unchanged by construction.
    private func comparison(with url: URL) -> (onDisk: Set<String>, unchanged: Set<String>) {
        let onDisk = Set(Self.listFiles(url))
        let unchanged = Set(files.keys.filter { path in
            // A file of another size differs: it is not read.
            var info = stat()
            guard onDisk.contains(path), stat(url.path + "/" + path, &info) == 0, Int(info.st_size) == files[path]?.count else { return false }
            return FileManager.default.contents(atPath: url.path + "/" + path) == files[path]
        }).union(kept.intersection(onDisk))
        return (onDisk, unchanged)
    }

    /// Every regular file below `url`, as paths relative to it (a plain
    /// `readdir` walk: no symbolic link is followed).
    static func listFiles(_ url: URL) -> [String] {
        var result = [String]()
        func walk(_ folder: String, _ prefix: String) {
            guard let directory = opendir(folder) else { return }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name == "." || name == ".." { continue }
                var type = entry.pointee.d_type
                if type == UInt8(DT_UNKNOWN) {
                    var info = stat()
                    guard lstat(folder + "/" + name, &info) == 0 else { continue }
                    type = (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : (info.st_mode & S_IFMT) == S_IFREG ? UInt8(DT_REG) : 0
                }
                if type == UInt8(DT_DIR) {
                    walk(folder + "/" + name, prefix + name + "/")
                } else if type == UInt8(DT_REG) {
                    result.append(prefix + name)
                }
            }
        }
        walk(url.path, "")
        return result
    }

    /// Checks that the folder at `url` may be replaced by a site: it is
    /// absent, empty, or a site convbook wrote (it holds the marker file), and
    /// it is neither one of `protected` (the chapters folder, the current
    /// folder, the cache, ...) nor a folder that contains one of them.
    static func checkReplaceable(_ url: URL, given: String, protecting protected: [(name: String, url: URL)]) throws(Diagnostic) {
        guard !given.isEmpty else {
            throw Diagnostic(file: "convbook", message: "the output folder is empty (--out \"\"): name a folder for the site")
        }
        let target = url.standardizedFileURL.resolvingSymlinksInPath().path
        for (name, other) in protected {
            let path = other.standardizedFileURL.resolvingSymlinksInPath().path
            if path == target || path.hasPrefix(target == "/" ? "/" : target + "/") {
                throw Diagnostic(file: given, message: "the output folder \(path == target ? "is" : "contains") \(name) (\(other.path)); a build replaces its output folder whole, so choose another --out")
            }
        }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw Diagnostic(file: given, message: "the output folder is a file; a build replaces its output folder whole, so choose another --out")
        }
        let entries = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
        if !entries.isEmpty && !entries.contains(markerName) && !isEarlierSite(url) {
            throw Diagnostic(file: given, message: "the output folder holds files convbook did not write (it has no \(markerName) marker); a build replaces its output folder whole, so move them or choose another --out")
        }
    }

    /// Publishes the site at `url`. Nothing changed: the folder is left
    /// alone. A site convbook wrote before is updated in place
    /// (``publishChanges(to:compared:)``), at the cost of what changed;
    /// anything else (a first build, a file where a folder must go) is
    /// written whole into a staging folder beside `url` and swapped in with
    /// two renames while interrupts wait (``Interrupts``). Either way, if
    /// anything fails, the old site is as it was. Staging folders that a
    /// killed build left beside `url` are removed first.
    public func publish(to url: URL) throws {
        Self.removeAbandonedStaging(in: url.deletingLastPathComponent(), name: url.lastPathComponent)
        let compared = comparison(with: url)
        let all = paths
        if compared.unchanged.count == all.count && compared.onDisk.count == all.count { return }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent(Self.markerName).path),
           try publishChanges(to: url, compared: compared) { return }
        try publishWhole(to: url, compared: compared)
    }

    /// The changed files are written into a staging folder beside `url`,
    /// and the current versions of the files they replace (or that go) are
    /// linked into a second one; then, while interrupts wait, each is renamed
    /// into place and removed files are unlinked. A failure part way puts
    /// every file back from the second folder. Returns false, having touched
    /// nothing, when a path of the new site is a folder in the old one or
    /// below a file there (then the site is published whole).
    private func publishChanges(to url: URL, compared: (onDisk: Set<String>, unchanged: Set<String>)) throws -> Bool {
        let fm = FileManager.default
        let changed = paths.subtracting(compared.unchanged).sorted()
        let removed = compared.onDisk.subtracting(paths).sorted()
        for path in changed where !compared.onDisk.contains(path) {
            var folder = path
            while let slash = folder.lastIndex(of: "/") {
                folder = String(folder[..<slash])
                var info = stat()
                if lstat(url.path + "/" + folder, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR { return false }
            }
            var info = stat()
            if lstat(url.path + "/" + path, &info) == 0 { return false }   // a folder (or link) where the file goes
        }
        let pid = ProcessInfo.processInfo.processIdentifier
        let parent = url.deletingLastPathComponent(), name = url.lastPathComponent
        let staging = parent.appendingPathComponent(".\(name).convbook-new-\(pid)")
        let old = parent.appendingPathComponent(".\(name).convbook-old-\(pid)")
        Interrupts.shared.register(cleanup: staging)
        Interrupts.shared.register(cleanup: old)
        defer {
            Interrupts.shared.unregister(cleanup: staging)
            Interrupts.shared.unregister(cleanup: old)
            Self.removeTree(staging.path)
            Self.removeTree(old.path)
        }
        // Staged under numbers, so that no folder of the site is needed there.
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        try fm.createDirectory(at: old, withIntermediateDirectories: true)
        for (number, path) in changed.enumerated() {
            try write(path, from: url.path + "/" + path, to: staging.path + "/\(number)")
        }
        var saved = Set<String>()
        for (number, path) in (changed + removed).enumerated() where compared.onDisk.contains(path) {
            guard link(url.path + "/" + path, old.path + "/\(number)") == 0 else {
                throw Diagnostic(file: url.path + "/" + path, message: "cannot keep the published file while replacing it: \(String(cString: strerror(errno)))")
            }
            saved.insert(path)
        }
        try Interrupts.shared.critical {
            var done = [(number: Int, path: String)]()
            do {
                for (number, path) in changed.enumerated() {
                    let target = url.path + "/" + path
                    if let slash = target.lastIndex(of: "/") {
                        try fm.createDirectory(atPath: String(target[..<slash]), withIntermediateDirectories: true)
                    }
                    guard rename(staging.path + "/\(number)", target) == 0 else {
                        throw Diagnostic(file: target, message: "cannot replace: \(String(cString: strerror(errno)))")
                    }
                    done.append((number, path))
                }
                for (offset, path) in removed.enumerated() {
                    guard unlink(url.path + "/" + path) == 0 else {
                        throw Diagnostic(file: url.path + "/" + path, message: "cannot remove: \(String(cString: strerror(errno)))")
                    }
                    done.append((changed.count + offset, path))
                }
            } catch {
                for (number, path) in done.reversed() {
                    let target = url.path + "/" + path
                    if saved.contains(path) { rename(old.path + "/\(number)", target) } else { unlink(target) }
                }
                throw error
            }
        }
        // Folders that removed files leave empty go too (never the site's own).
        for path in removed {
            var folder = path
            while let slash = folder.lastIndex(of: "/") {
                folder = String(folder[..<slash])
                if rmdir(url.path + "/" + folder) != 0 { break }
            }
        }
        return true
    }

    /// Writes the file at `path` of this site to `target` (`current` being
    /// where the published one is, for a kept or pieced file).
    private func write(_ path: String, from current: String, to target: String) throws {
        if let pieces = pieced[path] {
            try Self.write(pieces, from: current, to: target)
            return
        }
        guard let data = files[path] ?? FileManager.default.contents(atPath: current) else {
            throw Diagnostic(file: current, message: "cannot read \(path) of the published site to keep it")
        }
        try data.write(to: URL(fileURLWithPath: target))
    }

    /// The whole site into a staging folder, swapped in with two renames.
    private func publishWhole(to url: URL, compared: (onDisk: Set<String>, unchanged: Set<String>)) throws {
        let fm = FileManager.default
        let parent = url.deletingLastPathComponent()
        let name = url.lastPathComponent
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(name).convbook-new-\(pid)")
        let old = parent.appendingPathComponent(".\(name).convbook-old-\(pid)")
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        Interrupts.shared.register(cleanup: staging)
        defer { Interrupts.shared.unregister(cleanup: staging) }
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            var folders = Set<String>()
            for path in paths.sorted() {
                let target = staging.path + "/" + path
                let folder = String(target[..<target.lastIndex(of: "/")!])
                if folders.insert(folder).inserted { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) }
                // A file that did not change is linked from the current site, not written again.
                let current = url.path + "/" + path
                if compared.unchanged.contains(path), link(current, target) == 0 { continue }
                try write(path, from: current, to: target)
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
        try Interrupts.shared.critical {
            if fm.fileExists(atPath: url.path) {
                try fm.moveItem(at: url, to: old)
            }
            do {
                try fm.moveItem(at: staging, to: url)
            } catch {
                if fm.fileExists(atPath: old.path) { try? fm.moveItem(at: old, to: url) }
                throw error
            }
        }
        Self.removeTree(old.path)
    }

    /// Removes a folder this build made (the replaced site, moved aside): a
    /// plain `readdir` walk with `unlink` and `rmdir`, which follows no link.
    static func removeTree(_ path: String) {
        guard let directory = opendir(path) else { unlink(path); return }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            let child = path + "/" + name
            var isFolder = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                var info = stat()
                isFolder = lstat(child, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            }
            if isFolder { removeTree(child) } else { unlink(child) }
        }
        closedir(directory)
        rmdir(path)
    }

    /// Writes a pieced file: its bytes, and its ranges of `published` copied
    /// in the kernel (`copy_file_range`; `pread` when that is refused).
    static func write(_ pieces: [Piece], from published: String, to target: String) throws {
        let output = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw Diagnostic(file: target, message: "cannot create: \(String(cString: strerror(errno)))") }
        defer { close(output) }
        var source: Int32 = -1
        defer { if source >= 0 { close(source) } }
        func writeAll(_ buffer: UnsafeRawBufferPointer) throws {
            var done = 0
            while done < buffer.count {
                let n = Glibc.write(output, buffer.baseAddress! + done, buffer.count - done)
                guard n > 0 else { throw Diagnostic(file: target, message: "cannot write: \(String(cString: strerror(errno)))") }
                done += n
            }
        }
        for piece in pieces {
            switch piece {
            case .bytes(let data):
                try data.withUnsafeBytes { try writeAll($0) }
            case .published(let range):
                if source < 0 { source = open(published, O_RDONLY | O_CLOEXEC) }
                guard source >= 0 else { throw Diagnostic(file: published, message: "cannot read the published file: \(String(cString: strerror(errno)))") }
                var offset = Int64(range.lowerBound)
                var left = range.count
                while left > 0 {
                    let n = cprocess_copy_file_range(source, &offset, output, UInt(left))
                    if n > 0 { left -= n; continue }
                    guard n < 0, errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP else {
                        throw Diagnostic(file: published, message: "the published file is shorter than its stamp says")
                    }
                    // No kernel copy here: read and write.
                    var buffer = [UInt8](repeating: 0, count: min(left, 1 << 20))
                    let got = buffer.withUnsafeMutableBytes { pread(source, $0.baseAddress, $0.count, off_t(offset)) }
                    guard got > 0 else { throw Diagnostic(file: published, message: "cannot read the published file") }
                    try buffer.withUnsafeBytes { try writeAll(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
                    offset += Int64(got)
                    left -= got
                }
            }
        }
    }

    /// A site written before the marker existed: its `manifest.json` is a
    /// convbook manifest (it has `format` and `chapters`).
    private static func isEarlierSite(_ url: URL) -> Bool {
        guard let data = try? Data(contentsOf: url.appendingPathComponent("manifest.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["format"] is Int && object["chapters"] is [Any]
    }

    /// Removes `.NAME.convbook-new-PID` and `.NAME.convbook-old-PID` folders
    /// whose build is no longer running (it was killed with SIGKILL).
    static func removeAbandonedStaging(in parent: URL, name: String) {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [] {
            for kind in ["new", "old"] {
                let prefix = ".\(name).convbook-\(kind)-"
                if entry.hasPrefix(prefix), let pid = Int32(entry.dropFirst(prefix.count)), !processIsAlive(pid) {
                    try? FileManager.default.removeItem(at: parent.appendingPathComponent(entry))
                }
            }
        }
    }
}
