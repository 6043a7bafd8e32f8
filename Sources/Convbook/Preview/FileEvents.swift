import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Wakes `convbook serve` when something it watches may have changed: on
/// Linux the kernel says so (inotify, one watch per folder), elsewhere, or
/// when inotify cannot be had, a timer does (polling). Either way the caller
/// then asks ``ChangeWatcher`` what really changed, so hidden files, editor
/// backups and excluded folders stay ignored.
final class FileEvents: @unchecked Sendable {
    /// The inotify descriptor; nil: polling.
    private let descriptor: Int32?
    private var watched = Set<String>()

    /// Whether the kernel reports changes (false: polling).
    var isNotified: Bool { descriptor != nil }

    init(watching paths: [URL]) {
        #if os(Linux)
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        descriptor = fd >= 0 ? fd : nil
        #else
        descriptor = nil
        #endif
        watch(paths)
    }

    deinit {
        if let descriptor { close(descriptor) }
    }

    /// Watches every folder under `paths` (and the folder of each file, and
    /// of each path that does not exist yet); call again after changes, so
    /// that new folders are watched too.
    func watch(_ paths: [URL]) {
        #if os(Linux)
        guard let descriptor else { return }
        let mask = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB
                          | IN_DELETE_SELF | IN_MOVE_SELF)
        let fm = FileManager.default
        var folders = Set<String>()
        for url in paths.map(\.standardizedFileURL) {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                folders.insert(url.deletingLastPathComponent().path)
                continue
            }
            folders.insert(url.path)
            let enumerator = fm.enumerator(at: url, includingPropertiesForKeys: [.isDirectoryKey])
            while let item = enumerator?.nextObject() as? URL {
                if item.lastPathComponent.hasPrefix(".") { enumerator?.skipDescendants(); continue }
                if (try? item.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true { folders.insert(item.path) }
            }
        }
        for folder in folders.subtracting(watched) where inotify_add_watch(descriptor, folder, mask) >= 0 {
            watched.insert(folder)
        }
        #endif
    }

    /// Waits up to `timeout` for a change; true when the kernel reported one
    /// (with polling: true when the time is up, so the caller looks).
    func wait(_ timeout: Duration) -> Bool {
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard let descriptor else {
            usleep(UInt32(max(milliseconds, 0)) * 1000)
            return true
        }
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&request, 1, milliseconds) > 0 else { return false }
        drain()
        return true
    }

    /// Reads and discards the pending events: which file it was is for
    /// ``ChangeWatcher`` to say.
    private func drain() {
        guard let descriptor else { return }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while buffer.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, $0.count) }) > 0 {}
    }
}
