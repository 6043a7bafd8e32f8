import Foundation

/// Where convbook's own files are: the folder holding the running executable
/// (symbolic links resolved, as `swift build` lays it out), or
/// `../lib/convbook` beside it, which is where `make install` puts the
/// modules, `libConvbookRuntime.so`, the theme's resource bundle and two
/// files it writes at install time:
///
/// - `compiler-version`: `swiftc --version` of the compiler that built the
///   modules (a `.swiftmodule` can only be imported by that compiler);
/// - `build-info`: `commit=…`, `modified=yes` (tracked files changed since that
///   commit) and `repository=…` lines, from git, when known.
///
/// ```swift
/// let here = Installation.current
/// here.recordedCompiler   // "Swift version 6.3.1 (swift-6.3.1-RELEASE)\nTarget: …", or nil in a build folder
/// here.commit             // "c522d6a…", or nil
/// ```
public struct Installation: Sendable {
    /// The folders looked in, in order.
    public let folders: [URL]

    /// The name of the file that records the compiler, beside the modules.
    public static let compilerFile = "compiler-version"
    /// The name of the file that records the commit and repository.
    public static let buildInfoFile = "build-info"
    /// The resource bundle `swift build` writes next to the executable.
    static let resourceBundle = "convbook_Convbook.resources"

    /// The installation of the running executable.
    public static let current: Installation = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        var folders = [executable, executable.deletingLastPathComponent().appendingPathComponent("lib/convbook")]
        // Where Foundation thinks the program is (the test runner, in tests).
        let main = Bundle.main.bundleURL.resolvingSymlinksInPath()
        if !folders.contains(main) { folders.append(main) }
        return Installation(folders: folders.map(\.standardizedFileURL))
    }()

    public init(folders: [URL]) {
        self.folders = folders
    }

    /// The first folder holding a file or folder `name`.
    func folder(holding name: String) -> URL? {
        folders.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(name).path) }
    }

    /// The default theme's folder: `Theme` in the resource bundle.
    var themeFolder: URL? { resource("Theme") }

    /// The templates `convbook init` writes from.
    var templateFolder: URL? { resource("Templates") }

    /// `name` in the resource bundle beside the executable; else, as
    /// SwiftPM's own `Bundle.module` falls back to the build folder it was
    /// built in, the source folder it was built from (an executable copied
    /// away from its build folder, as `ServeCommandTests` does).
    private func resource(_ name: String) -> URL? {
        if let folder = folder(holding: Self.resourceBundle + "/" + name) {
            return folder.appendingPathComponent(Self.resourceBundle + "/" + name)
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: source.path) ? source : nil
    }

    /// The compiler recorded at install time in `folder` (nil: none recorded,
    /// as in a `swift build` folder).
    public static func recordedCompiler(in folder: URL) -> String? {
        guard let text = try? String(contentsOf: folder.appendingPathComponent(compilerFile), encoding: .utf8) else { return nil }
        let trimmed = normalized(text)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// A `--version` text without trailing spaces or blank lines, to compare.
    static func normalized(_ version: String) -> String {
        version.split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// `key=value` lines of `build-info` in the first folder that has one.
    var buildInfo: [String: String] {
        guard let folder = folder(holding: Self.buildInfoFile),
              let text = try? String(contentsOf: folder.appendingPathComponent(Self.buildInfoFile), encoding: .utf8) else { return [:] }
        var info = [String: String]()
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { info[String(line[..<equals])] = value }
        }
        return info
    }

    /// The git commit convbook was built from, when `make install` knew it.
    public var commit: String? { buildInfo["commit"] }
    /// Whether tracked files differed from ``commit`` when it was installed.
    public var modified: Bool { buildInfo["modified"] == "yes" }
    /// The git repository convbook was cloned from, when `make install` knew it.
    public var repository: String? { buildInfo["repository"] }
}
