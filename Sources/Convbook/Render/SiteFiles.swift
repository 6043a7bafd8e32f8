import Foundation

/// A whole generated site, in memory: relative path → bytes. Building it
/// completely before touching the disk is what lets a failed build leave the
/// previous `site/` as it was.
public struct SiteFiles: Sendable, Equatable {
    public var files: [String: Data] = [:]

    public init() {}

    /// The file that marks a folder as a site convbook wrote, and so may replace.
    static let markerName = ".convbook-site"
    static let markerText = "This folder was written by `convbook build`, which replaces it whole on the next build.\n"

    mutating func add(_ path: String, _ text: String) { files[path] = Data(text.utf8) }
    mutating func add(_ path: String, _ data: Data) { files[path] = data }

    /// The differences between this site and the folder at `url`: files whose
    /// bytes differ, files missing from the folder, and extra files in it.
    public func differences(from url: URL) -> [String] {
        let compared = comparison(with: url)
        var report = [String]()
        for path in files.keys.sorted() where !compared.unchanged.contains(path) {
            report.append((compared.onDisk.contains(path) ? "stale: " : "missing: ") + path)
        }
        for path in compared.onDisk.sorted() where files[path] == nil { report.append("extra: \(path)") }
        return report
    }

    /// The files of the folder at `url`, and which of this site's files are
    /// there with the same bytes (read once, for both ``differences(from:)``
    /// and ``publish(to:)``).
    private func comparison(with url: URL) -> (onDisk: Set<String>, unchanged: Set<String>) {
        let onDisk = Set(Self.listFiles(url))
        let unchanged = Set(files.keys.filter { path in
            onDisk.contains(path) && (try? Data(contentsOf: url.appendingPathComponent(path))) == files[path]
        })
        return (onDisk, unchanged)
    }

    /// Every regular file below `url`, as paths relative to it.
    static func listFiles(_ url: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        let base = url.standardizedFileURL.path
        var result = [String]()
        for case let file as URL in enumerator {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let path = file.standardizedFileURL.path
            result.append(String(path.dropFirst(base.count + 1)))
        }
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

    /// Writes the site into a staging folder beside `url`, then swaps it in
    /// with two renames while interrupts wait (``Interrupts``). If anything
    /// fails before the swap, the old folder is untouched. Staging folders
    /// that a killed build left beside `url` are removed first.
    public func publish(to url: URL) throws {
        let fm = FileManager.default
        let parent = url.deletingLastPathComponent()
        let name = url.lastPathComponent
        Self.removeAbandonedStaging(in: parent, name: name)
        // Nothing changed: leave the folder alone (cheaper than rewriting it).
        let compared = comparison(with: url)
        if compared.unchanged.count == files.count && compared.onDisk.count == files.count { return }
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(name).convbook-new-\(pid)")
        let old = parent.appendingPathComponent(".\(name).convbook-old-\(pid)")
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        Interrupts.shared.register(cleanup: staging)
        defer { Interrupts.shared.unregister(cleanup: staging) }
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            for (path, data) in files.sorted(by: { $0.key < $1.key }) {
                let target = staging.appendingPathComponent(path)
                try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                // A file that did not change is linked from the current site, not written again:
                // publishing costs what changed (the old folder goes once the new one is in place).
                let current = url.appendingPathComponent(path)
                if compared.unchanged.contains(path), link(current.path, target.path) == 0 { continue }
                try data.write(to: target)
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
        try? fm.removeItem(at: old)
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
