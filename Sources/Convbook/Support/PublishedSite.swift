/// The site folder a build is about to replace, as the build that wrote it
/// recorded it: which of its files were made from which key and are
/// untouched since, and where in its files their parts lie. The stages
/// before publishing (the checks, reconciliation, render) ask it so that
/// what is published already is kept, or copied, without being read; they
/// see only this view. Publishing's build stamp provides it.
///
/// ```swift
/// if published?.holds("code/01-a.swift", madeFrom: codeKey) == true { site.keep("code/01-a.swift", source: codeKey) }
/// let part = published?.part("01-a", of: "book.html")   // SitePart(key:range:extra:), formulas: part?.formulas
/// ```
protocol PublishedSite: Sendable {
    /// Whether the folder holds the file at `path`, made from `key`, as the
    /// last build left it.
    func holds(_ path: String, madeFrom key: String) -> Bool

    /// Where the file at `path` holds its part `part` (``SitePart/name(_:of:)``),
    /// while the file is as the last build left it; nil otherwise, or when
    /// the record lies beyond the file.
    func part(_ part: String, of path: String) -> SitePart?

    /// The key of the checks that found nothing in the chapter at
    /// `chapterPath` when the folder was built (checks cache no file: only the stamp holds this).
    func cleanChecks(of chapterPath: String) -> String?
}
