import Foundation

/// KaTeX's stylesheet and fonts, copied from Debian's `libjs-katex` and
/// `fonts-katex` into `site/katex/`, so pages typeset offline and from
/// `file://` with nothing loaded from elsewhere.
enum KaTeXAssets {
    static let folder = URL(fileURLWithPath: "/usr/share/javascript/katex")

    /// The installed KaTeX (its stylesheet's size and time, which change with
    /// the Debian package): part of each page's cache key.
    static var stamp: String {
        "katex " + FileIdentity.sizeAndDate(of: folder.appendingPathComponent("katex.min.css").path)
    }

    /// Adds the stylesheet and fonts. A file the published site holds,
    /// untouched, from the same installed file (its size and time) is kept
    /// without being read.
    static func add(to site: inout SiteFiles, keeping published: (any PublishedSite)? = nil) throws {
        let fonts = folder.appendingPathComponent("fonts").resolvingSymlinksInPath()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: fonts.path), !names.isEmpty,
              FileManager.default.fileExists(atPath: folder.path + "/katex.min.css") else {
            throw Diagnostic(file: folder.path, message: "KaTeX's stylesheet or fonts are missing (Debian: apt-get install libjs-katex fonts-katex)")
        }
        var files: [(path: String, installed: String)] = [("katex/katex.min.css", folder.path + "/katex.min.css")]
        for name in names.sorted() where name.hasPrefix("KaTeX_") {
            files.append(("katex/fonts/" + name, fonts.path + "/" + name))
        }
        for (path, installed) in files {
            guard let identity = FileIdentity(path: installed) else { continue }
            let key = "katex \(installed) \(identity.sizeAndTime)"
            if let published, published.holds(path, madeFrom: key) {
                site.keep(path, source: key)
            } else if let data = FileManager.default.contents(atPath: installed) {
                site.add(path, data, source: key)
            }
        }
    }
}
