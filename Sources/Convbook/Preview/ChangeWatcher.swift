import Foundation

/// Notices changes to a list of files and folders by comparing snapshots of
/// their modification times, sizes and inode numbers: simple, portable, and
/// indifferent to how an editor saves (in place, or write-and-rename).
///
/// Folders are scanned recursively; hidden names (`.swp` files, `.git`) and
/// editor backups ending in `~` are ignored, and so is everything under an
/// excluded folder (the site and the cache, should they sit inside a watched
/// folder). A path that does not exist yet is watched for its appearance.
struct ChangeWatcher {
    let paths: [URL]
    private let excluded: [String]
    /// Each file's identity: its modification and status-change times in
    /// nanoseconds (a save within the same second as the last one, of the
    /// same size, must still count), its size and inode.
    private var snapshot: [String: FileIdentity]

    init(watching paths: [URL], excluding excluded: [URL] = []) {
        self.paths = paths.map(\.standardizedFileURL)
        self.excluded = excluded.map(\.standardizedFileURL.path)
        self.snapshot = [:]
        snapshot = scan()
    }

    /// The paths added, removed or modified since the last call (or since
    /// the watcher was made), sorted; empty when nothing changed.
    mutating func changes() -> [String] {
        let now = scan()
        guard now != snapshot else { return [] }
        let changed = Set(now.keys).union(snapshot.keys).filter { now[$0] != snapshot[$0] }
        snapshot = now
        return changed.sorted()
    }

    private func scan() -> [String: FileIdentity] {
        var stamps = [String: FileIdentity]()
        let fm = FileManager.default
        for root in paths {
            let rootPath = root.path
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: rootPath, isDirectory: &isDirectory) else { continue }
            guard isDirectory.boolValue else {
                stamps[rootPath] = stamp(rootPath)
                continue
            }
            guard let enumerator = fm.enumerator(atPath: rootPath) else { continue }
            while let relative = enumerator.nextObject() as? String {
                let path = rootPath + "/" + relative
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") || name.hasSuffix("~") || excluded.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) {
                    if (try? fm.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeDirectory {
                        enumerator.skipDescendants()
                    }
                    continue
                }
                stamps[path] = stamp(path)
            }
        }
        return stamps
    }

    private func stamp(_ path: String) -> FileIdentity? {
        FileIdentity(path: path)
    }
}
