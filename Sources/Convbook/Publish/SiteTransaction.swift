import Foundation

/// Puts a site built in memory in place of its folder, all or nothing.
/// Nothing changed: the folder is left alone. A site convbook wrote before
/// is updated in place (``publishChanges()``), at the cost of what changed;
/// anything else (a first build, a file where a folder must go) is written
/// whole into a staging folder beside it and swapped in with two renames
/// (``publishWhole()``) while interrupts wait (``Interrupts``). Either way,
/// if anything fails, the old site is as it was. Staging folders that a
/// killed build left beside the folder are removed first.
///
/// ```swift
/// try SiteTransaction(site: site, folder: outURL).run()   // or site.publish(to: outURL)
/// ```
struct SiteTransaction {
    let site: SiteFiles
    let folder: URL

    func run() throws {
        SiteFolder.removeAbandonedStaging(beside: folder)
        let compared = SiteComparison(site, with: folder)
        let all = site.paths
        if compared.unchanged.count == all.count && compared.onDisk.count == all.count { return }
        if SiteFolder.hasMarker(folder), try publishChanges(compared) { return }
        try publishWhole(compared)
    }

    /// The changed files are written into a staging folder beside the site,
    /// and the current versions of the files they replace (or that go) are
    /// linked into a second one; then, while interrupts wait, each is renamed
    /// into place and removed files are unlinked. A failure part way puts
    /// every file back from the second folder. Returns false, having touched
    /// nothing, when a path of the new site is a folder in the old one or
    /// below a file there (then the site is published whole).
    private func publishChanges(_ compared: SiteComparison) throws -> Bool {
        let fm = FileManager.default
        let url = folder, paths = site.paths
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
        let staging = SiteFolder.aside(url, .new)
        let old = SiteFolder.aside(url, .old)
        Interrupts.shared.register(cleanup: staging)
        Interrupts.shared.register(cleanup: old)
        defer {
            Interrupts.shared.unregister(cleanup: staging)
            Interrupts.shared.unregister(cleanup: old)
            FileTree.remove(staging.path)
            FileTree.remove(old.path)
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

    /// The whole site into a staging folder, swapped in with two renames.
    private func publishWhole(_ compared: SiteComparison) throws {
        let fm = FileManager.default
        let url = folder
        let parent = url.deletingLastPathComponent()
        let staging = SiteFolder.aside(url, .new)
        let old = SiteFolder.aside(url, .old)
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        Interrupts.shared.register(cleanup: staging)
        defer { Interrupts.shared.unregister(cleanup: staging) }
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            var folders = Set<String>()
            for path in site.paths.sorted() {
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
        FileTree.remove(old.path)
    }

    /// Writes the site's file at `path` to `target` (`current` being where
    /// the published one is, for a kept or pieced file).
    private func write(_ path: String, from current: String, to target: String) throws {
        if let pieces = site.pieced[path] {
            try PiecedFile.write(pieces, from: current, to: target)
            return
        }
        guard let data = site.files[path] ?? FileManager.default.contents(atPath: current) else {
            throw Diagnostic(file: current, message: "cannot read \(path) of the published site to keep it")
        }
        try data.write(to: URL(fileURLWithPath: target))
    }
}

extension SiteFiles {
    /// Publishes the site at `url` (``SiteTransaction``).
    public func publish(to url: URL) throws {
        try SiteTransaction(site: self, folder: url).run()
    }
}
