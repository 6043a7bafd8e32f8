import Foundation

/// A whole generated site, in memory: relative path → bytes. Building it
/// completely before touching the disk is what lets a failed build leave the
/// previous `site/` as it was.
public struct SiteFiles: Sendable, Equatable {
    public var files: [String: Data] = [:]

    public init() {}

    mutating func add(_ path: String, _ text: String) { files[path] = Data(text.utf8) }
    mutating func add(_ path: String, _ data: Data) { files[path] = data }

    /// The differences between this site and the folder at `url`: files whose
    /// bytes differ, files missing from the folder, and extra files in it.
    public func differences(from url: URL) -> [String] {
        var report = [String]()
        let onDisk = Set(Self.listFiles(url))
        for path in files.keys.sorted() {
            guard onDisk.contains(path) else { report.append("missing: \(path)"); continue }
            if (try? Data(contentsOf: url.appendingPathComponent(path))) != files[path] { report.append("stale: \(path)") }
        }
        for path in onDisk.sorted() where files[path] == nil { report.append("extra: \(path)") }
        return report
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

    /// Writes the site into a staging folder beside `url`, then swaps it in
    /// with two renames while interrupts wait (``Interrupts``). If anything
    /// fails before the swap, the old folder is untouched.
    public func publish(to url: URL) throws {
        // Nothing changed: leave the folder alone (cheaper than rewriting it).
        if differences(from: url).isEmpty { return }
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
            for (path, data) in files.sorted(by: { $0.key < $1.key }) {
                let target = staging.appendingPathComponent(path)
                try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
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
}
