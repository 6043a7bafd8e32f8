import Foundation

/// KaTeX's stylesheet and fonts, copied from Debian's `libjs-katex` and
/// `fonts-katex` into `site/katex/`, so pages typeset offline and from
/// `file://` with nothing loaded from elsewhere.
enum KaTeXAssets {
    static let folder = URL(fileURLWithPath: "/usr/share/javascript/katex")

    /// The installed KaTeX (its stylesheet's size and time, which change with
    /// the Debian package): part of each page's cache key.
    static var stamp: String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("katex.min.css").path)
        return "katex \((attributes?[.size] as? NSNumber)?.intValue ?? -1) \((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1)"
    }

    static func add(to site: inout SiteFiles) throws {
        let css = folder.appendingPathComponent("katex.min.css")
        let fonts = folder.appendingPathComponent("fonts").resolvingSymlinksInPath()
        guard let stylesheet = try? Data(contentsOf: css),
              let names = try? FileManager.default.contentsOfDirectory(atPath: fonts.path), !names.isEmpty else {
            throw Diagnostic(file: folder.path, message: "KaTeX's stylesheet or fonts are missing (Debian: apt-get install libjs-katex fonts-katex)")
        }
        site.add("katex/katex.min.css", stylesheet)
        for name in names.sorted() where name.hasPrefix("KaTeX_") {
            guard let data = try? Data(contentsOf: fonts.appendingPathComponent(name)) else { continue }
            site.add("katex/fonts/\(name)", data)
        }
    }
}
