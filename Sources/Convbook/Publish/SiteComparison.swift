import Foundation

/// A site in memory against the folder it is to be published in: the files
/// of the folder, and which of the site's files are there with the same
/// bytes. Made once per build, for both ``differences`` (what `check`
/// reports) and the publishing transaction (``SiteTransaction``, which
/// writes only what changed).
struct SiteComparison {
    /// Every regular file of the folder, relative to it.
    let onDisk: Set<String>
    /// The site's files that are in the folder with the same bytes. Kept
    /// files are unchanged by construction; a file of another size differs
    /// and is not read.
    let unchanged: Set<String>

    init(_ site: SiteFiles, with url: URL) {
        let onDisk = Set(FileTree.files(under: url))
        self.onDisk = onDisk
        unchanged = Set(site.files.keys.filter { path in
            guard onDisk.contains(path), FileIdentity(path: url.path + "/" + path)?.size == site.files[path]?.count else { return false }
            return FileManager.default.contents(atPath: url.path + "/" + path) == site.files[path]
        }).union(site.kept.intersection(onDisk))
    }

    /// The differences between `site` and the folder: files whose bytes
    /// differ, files missing from the folder, and extra files in it.
    func differences(_ site: SiteFiles) -> [String] {
        let paths = site.paths
        var report = [String]()
        for path in paths.sorted() where !unchanged.contains(path) {
            report.append((onDisk.contains(path) ? "stale: " : "missing: ") + path)
        }
        for path in onDisk.sorted() where !paths.contains(path) { report.append("extra: \(path)") }
        return report
    }
}

extension SiteFiles {
    /// The differences between this site and the folder at `url`
    /// (``SiteComparison/differences(_:)``): `stale: PATH`, `missing: PATH`, `extra: PATH`.
    public func differences(from url: URL) -> [String] {
        SiteComparison(self, with: url).differences(self)
    }
}
