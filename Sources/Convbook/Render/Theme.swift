import Foundation
import Mustache

/// The templates, stylesheet and scripts pages are made with: the default
/// theme shipped with convbook (`Sources/Convbook/Theme`), where any file can
/// be replaced by a file of the same name in a theme folder (`--theme DIR`).
///
/// | file | what |
/// |---|---|
/// | `page.mustache` | a chapter page |
/// | `index.mustache` | the index page |
/// | `book.mustache` | the whole book on one page, for print (`book.html`) |
/// | `head.mustache`, `header.mustache`, `footer.mustache` | partials both pages include (the footer: last change, toolchain, ledger, links) |
/// | `favicon.svg` | the icon every page links to |
/// | `theme-init.js` | the stored colour theme, applied before the first paint |
/// | `style.css` | copied into the site |
/// | `convbook-*.js` | the page script, one file per feature, copied into the site (``pageScripts``) |
/// | `convkernel.js` | copied into the site; the build also runs it in node against the engine (``BrowserKernelCheck``) |
struct Theme {
    static let templates = ["page", "index", "book", "head", "header", "footer"]
    /// The page script's files in the order `head.mustache` and
    /// `book.mustache` load them: each uses only the ones before it, and
    /// `convbook-core.js`, last, wires the page.
    static let pageScripts = [
        "convbook-numbers.js", "convbook-layer.js", "convbook-grid.js", "convbook-rank.js", "convbook-search.js",
        "convbook-explorer.js", "convbook-provenance.js", "convbook-recompute.js", "convbook-params.js", "convbook-nav.js", "convbook-fit.js", "convbook-preview.js",
        "convbook-core.js",
    ]
    /// Copied into the site: `theme-init.js` applies the reader's colour theme before the first paint (loaded without defer).
    static let assets = ["style.css", "favicon.svg", "theme-init.js"] + pageScripts + ["convkernel.js"]

    let library: MustacheLibrary
    /// Files copied into the site as they are.
    let assets: [String: Data]
    /// The folders the theme was read from, for the preview server to watch.
    let folders: [URL]
    /// Where each asset was read from.
    var assetPaths: [String: String] = [:]
    /// SHA-256 of every file the theme was made from: part of each page's cache key.
    var digest = ""

    /// `Theme` in convbook's resource bundle, next to the executable or in
    /// `../lib/convbook` when installed (``Installation``).
    static var defaultFolder: URL? {
        Installation.current.themeFolder
    }

    /// The node script that typesets math and highlights code (part of the default theme, never copied into the site).
    static var typesetScript: URL? {
        defaultFolder?.appendingPathComponent("typeset.js")
    }

    /// The node driver that checks `convkernel.js` against the engine at
    /// build time (part of the default theme, never copied into the site).
    static var kernelCheckScript: URL? {
        defaultFolder?.appendingPathComponent("kernel-check.js")
    }

    static func load(override: String?) throws(Diagnostic) -> Theme {
        guard let base = defaultFolder else {
            throw Diagnostic(file: "convbook", message: "the default theme is missing from convbook's resources")
        }
        let custom = override.map { URL(fileURLWithPath: $0) }
        if let custom, !FileManager.default.fileExists(atPath: custom.path) {
            throw Diagnostic(file: custom.path, message: "theme folder does not exist")
        }
        func read(_ name: String) throws(Diagnostic) -> (Data, String) {
            for folder in [custom, base].compactMap({ $0 }) {
                let file = folder.appendingPathComponent(name)
                if let data = try? Data(contentsOf: file) { return (data, file.path) }
            }
            throw Diagnostic(file: base.appendingPathComponent(name).path, message: "theme file is missing")
        }
        var library = MustacheLibrary()
        var parts = [String]()
        for name in templates {
            let (data, path) = try read("\(name).mustache")
            parts.append(CacheStore.digest(data))
            do {
                try library.register(String(decoding: data, as: UTF8.self), named: name)
            } catch {
                throw Diagnostic(file: path, message: "template does not parse: \(error)")
            }
        }
        var assets = [String: Data](), assetPaths = [String: String]()
        for name in Self.assets { (assets[name], assetPaths[name]) = try read(name) }
        parts += Self.assets.compactMap { assets[$0].map(CacheStore.digest) }
        // The node scripts the build runs (never copied into the site) change pages and checks too.
        parts += [Self.typesetScript, Self.kernelCheckScript].map { script in
            script.flatMap { try? Data(contentsOf: $0) }.map(CacheStore.digest) ?? "missing"
        }
        return Theme(library: library, assets: assets, folders: [custom, base].compactMap { $0 }, assetPaths: assetPaths,
                     digest: CacheStore.key(parts))
    }

    func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }
}
