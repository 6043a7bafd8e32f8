import Foundation

/// The folder a site is published in, and what may be done to it: a build
/// replaces it whole, so only a folder convbook wrote (it holds the marker,
/// ``SiteFiles/markerName``) or an empty one may be its output; the staging
/// folders beside it (``aside(_:_:)``) are where a new site is made before
/// it is renamed into place.
enum SiteFolder {
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
        if !entries.isEmpty && !entries.contains(SiteFiles.markerName) && !isEarlierSite(url) {
            throw Diagnostic(file: given, message: "the output folder holds files convbook did not write (it has no \(SiteFiles.markerName) marker); a build replaces its output folder whole, so move them or choose another --out")
        }
    }

    /// Whether the folder at `url` is a site convbook wrote since the marker exists.
    static func hasMarker(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent(SiteFiles.markerName).path)
    }

    /// A site written before the marker existed: its `manifest.json` is a
    /// convbook manifest (it has `format` and `chapters`).
    private static func isEarlierSite(_ url: URL) -> Bool {
        guard let data = try? Data(contentsOf: url.appendingPathComponent("manifest.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["format"] is Int && object["chapters"] is [Any]
    }

    /// The folders beside a site that a build of this process uses:
    /// `.NAME.convbook-new-PID` for the new files, `.NAME.convbook-old-PID`
    /// for the replaced ones, until they are all in place.
    enum Aside: String, CaseIterable {
        case new, old
    }

    /// The `kind` folder beside `url` of this process (``Aside``).
    static func aside(_ url: URL, _ kind: Aside) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).convbook-\(kind.rawValue)-\(ProcessInfo.processInfo.processIdentifier)")
    }

    /// Removes the folders beside `url` (``Aside``) whose build is no longer
    /// running (it was killed with SIGKILL).
    static func removeAbandonedStaging(beside url: URL) {
        let parent = url.deletingLastPathComponent()
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [] {
            for kind in Aside.allCases {
                let prefix = ".\(url.lastPathComponent).convbook-\(kind.rawValue)-"
                if entry.hasPrefix(prefix), let pid = Int32(entry.dropFirst(prefix.count)), !processIsAlive(pid) {
                    try? FileManager.default.removeItem(at: parent.appendingPathComponent(entry))
                }
            }
        }
    }
}
