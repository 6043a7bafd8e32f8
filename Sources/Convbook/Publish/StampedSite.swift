import Foundation

/// The site folder a build replaces, as its ``BuildStamp`` recorded it: the
/// ``PublishedSite`` the stages before publishing are given. A record counts
/// only while its file is as the stamp found it (size, time, inode).
///
/// ```swift
/// let published = stamp?.site(in: outURL)
/// published?.holds("01-a.html", madeFrom: pageKey)
/// ```
struct StampedSite: PublishedSite {
    let stamp: BuildStamp
    let folder: URL

    func holds(_ path: String, madeFrom key: String) -> Bool {
        stamp.key(of: path) == key && stamp.untouched(path, in: folder)
    }

    func part(_ part: String, of path: String) -> SitePart? {
        guard let record = stamp.part(part, of: path), stamp.untouched(path, in: folder),
              let size = stamp.files[path]?.size, record.range.upperBound <= size else { return nil }
        return record
    }

    func cleanChecks(of chapterPath: String) -> String? {
        stamp.cleanChecks(of: chapterPath)
    }
}
