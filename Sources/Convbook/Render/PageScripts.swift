/// Which of the page script's files (``Theme/pageScripts`` and
/// `convkernel.js`) a page loads: the ones every page uses, and those of the
/// features its body holds, in the theme's order. A page without a parameter
/// explorer does not load the 40 KB that draw one.
///
/// Three files are loaded by no page: `convbook-core.js` loads them on first
/// use, the search's ranking with the search index, "Re-derive" with
/// `convkernel.js`, a value's provenance popover with the page's
/// `provenance/SLUG.js` (its `load`), and the previews of references
/// (with the previews file of the page a reference leads to).
///
/// ```swift
/// PageScripts.files(forBody: "<p>Prose only.</p>")
/// // ["convbook-search.js", "convbook-nav.js", "convbook-fit.js", "convbook-core.js"]
/// ```
enum PageScripts {
    /// What every page uses: the search box, the menu, fitting math and code, and the wiring.
    static let always = ["convbook-search.js", "convbook-nav.js", "convbook-fit.js", "convbook-core.js"]

    /// Each feature: the markup that `convbook-core.js` sets it up from, and the files it needs.
    static let features: [(marker: String, files: [String])] = [
        ("<figure class=\"cb-explorer\"", ["convbook-numbers.js", "convbook-explorer.js"]),
        ("<figure class=\"cb-params\"",
         ["convkernel.js", "convbook-numbers.js", "convbook-layer.js", "convbook-grid.js", "convbook-params.js"]),
    ]

    /// Loaded on first use by `convbook-core.js`, never with a page.
    static let onDemand = ["convbook-rank.js", "convbook-recompute.js", "convbook-provenance.js", "convbook-preview.js"]

    /// Every file a page may load, in load order: the kernel first, then the theme's order.
    static let order = ["convkernel.js"] + Theme.pageScripts

    /// The files a page whose body is `body` loads, in load order.
    static func files(forBody body: String) -> [String] {
        var needed = Set(always)
        for feature in features where body.contains(feature.marker) {
            needed.formUnion(feature.files)
        }
        return order.filter(needed.contains)
    }

    /// What `book.html` loads: every feature's files (it holds every chapter).
    static var everything: [String] {
        order.filter { !onDemand.contains($0) }
    }
}
