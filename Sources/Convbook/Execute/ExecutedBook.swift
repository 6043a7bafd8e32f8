import Foundation

/// The book as the execute stage hands it on: every chapter with its result,
/// the book's labels checked, and the results checked (nothing failed, or
/// execution would have thrown ``BuildFailure``).
struct ExecutedBook {
    var config: BookConfig
    var chapters: [Chapter]
    /// The book's labels, and its bibliography.
    var references: CrossReferences
    var bibliography: Bibliography?
    /// Decoded when first needed (``LazyResult``).
    var results: [LazyResult]
    /// What names each result in the page cache: its execution cache key
    /// (reconciliation adds a digest of the published numbers it kept).
    var resultKeys: [String]
    /// What the chapters' names, order and bibliography are (``BookLinks/check(_:linkedFiles:chaptersFolder:cache:)``).
    var namesKey: String
    /// The checks key of each chapter (by path) whose checks found nothing,
    /// for the build stamp (``ChapterChecks``).
    var cleanChecks: [String: String]
    var report: BuildReport
    /// The compiler that ran the chapters, as pages name it (``Toolchain/swiftVersion``).
    var toolchain = ""
    /// When each chapter last changed, as git records it (set by the builder).
    var history = SourceHistory()
}
