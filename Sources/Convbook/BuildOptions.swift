import ConvbookFormat
import Foundation

/// How `convbook build`, `check` and `verify` run.
public struct BuildOptions: Sendable {
    /// The chapters folder.
    public var chapters = "chapters"
    /// The site folder.
    public var out = "site"
    /// Chapters compiled and run at once.
    public var jobs = max(ProcessInfo.processInfo.activeProcessorCount, 1)
    /// Whether to use (and fill) the result cache.
    public var useCache = true
    /// The cache folder; default `.convbook-cache` beside the chapters folder.
    public var cacheDirectory: String?
    /// Where the ConvEngine and ConvbookRuntime modules are; default: next to the executable.
    public var modules: String?
    /// A folder whose files replace the default theme's (templates, stylesheet, script).
    public var theme: String?
    /// Variables for the chapter programs' environment, `NAME` (its value
    /// here) or `NAME=VALUE` (see `ChapterEnvironment`); part of the cache key.
    public var environment: [String] = []
    /// Layers the engine computed, on which the build checks the page's own
    /// kernel (`convkernel.js`) besides the published examples. The
    /// `convbook` command fills this in (this library does not link the
    /// engine); nil: the examples alone.
    public var referenceLayers: (@Sendable () -> [KernelCase])?
    /// Where progress lines go (nil: nowhere).
    public var progress: (@Sendable (String) -> Void)?

    public init() {}

    var cacheURL: URL {
        if let cacheDirectory { return URL(fileURLWithPath: cacheDirectory) }
        return URL(fileURLWithPath: chapters).standardizedFileURL.deletingLastPathComponent().appendingPathComponent(".convbook-cache")
    }
}
