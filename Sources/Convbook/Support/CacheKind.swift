/// Every kind of entry in the ``CacheStore`` (each a folder, `ROOT/NAME/`),
/// and beside each the version its keys begin with: bump a version when what
/// its entries hold, or what their key is made of, changes, and every old
/// entry of the kind becomes a miss. Keys are made here (``key(_:)``), so a
/// version is written once.
///
/// ```swift
/// let key = CacheKind.ledger.key([folder, file, path, sourceDigest, resultKey])   // CacheStore.key(["ledger-2", ...])
/// store.storeData(text, kind: .ledger, key: key)
/// ```
enum CacheKind: String, CaseIterable, Sendable {
    /// A chapter's result, by its program, the compiler, the modules, the
    /// flags and the environment.
    case results
    /// A chapter loaded (front matter, names, its program unparsed), by the file's bytes.
    case chapters
    /// A loaded chapter's cells, under its `chapters` key (decoded only when the chapter runs).
    case cells
    /// The book-wide check of labels, citations and links that found nothing.
    case links
    /// What the checks of a chapter's result, and the browser kernel's, found.
    case checks
    /// A chapter's page, its HTML as it is; the version begins the book's
    /// context, from which each page's key is made.
    case pages
    /// Beside a page, under its key: its downloads and its search text.
    case pageMeta = "page-meta"
    /// A page's `.npy` download, by the digest of its bytes.
    case npy
    /// A chapter's part of `book.html`, by its page's key and the book's slugs.
    case book
    /// A file's typeset formulas; the version begins the math context.
    case katex
    /// A code block highlighted; the version begins the code context.
    case highlight
    /// A chapter's text in the ledger, `manifest.json`.
    case ledger
    /// What the last build published into a site folder (its build stamp), by the folder.
    case builds
    /// How long a chapter took to compile and run, by its result's key and
    /// by its file (its last known time, which `build --shard` balances by).
    case timings

    /// The folder of its entries.
    var name: String { rawValue }

    /// The version its keys begin with; nil for a kind keyed by its content
    /// (`npy`: the digest of the bytes) or by a place (`builds`: the site
    /// folder; the stamp carries its format in its first line).
    var version: String? {
        switch self {
        case .results: "convbook-cache-5"
        case .chapters, .cells: "chapter-load-6"
        case .links: "links-1"
        case .checks: "checks-3"
        case .pages, .pageMeta: "page-4"
        case .book: "book-part-1"
        case .katex: "katex-2"
        case .highlight: "highlight-1"
        case .ledger: "ledger-2"
        case .timings: "timings-1"
        case .npy, .builds: nil
        }
    }

    /// A key of this kind: ``CacheStore/key(_:)`` of the version and `parts`.
    func key(_ parts: [String]) -> String {
        guard let version else { preconditionFailure("\(name) entries are not keyed by a version") }
        return CacheStore.key([version] + parts)
    }

    /// Versioned keys that are not the first key of a kind: a second key
    /// of a kind's folder, the keys that fix a published file no cache
    /// entry holds (recorded in the build stamp), and the digest of a build's inputs.
    enum Tag: String, CaseIterable, Sendable {
        /// The kernel check on the engine's reference layers, kept with the `checks`.
        case kernelGrid = "kernel-grid-1"
        /// A chapter's standalone program, `code/SLUG.swift`.
        case code = "code-1"
        /// `bibliography.html`.
        case bibliographyPage = "bibliography-page-1"
        /// Everything a site is made from (the digest its build stamp compares).
        case buildInputs = "build-stamp-1"
        /// A page's previews file, `previews/SLUG.js`, by its page's key.
        case previews = "previews-1"

        var version: String { rawValue }

        /// ``CacheStore/key(_:)`` of the version and `parts`.
        func key(_ parts: [String]) -> String {
            CacheStore.key([version] + parts)
        }
    }
}
