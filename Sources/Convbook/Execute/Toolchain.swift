import ConvbookFormat
import Foundation

/// The compiler and the prebuilt modules chapter programs compile against.
///
/// The modules (`ConvEngine` and `ConvbookRuntime`: their `.swiftmodule` files in
/// `Modules/`, and `libConvbookRuntime.so`, which bundles both) are looked for, in order, in the folder given
/// by `--modules`, in `$CONVBOOK_MODULES`, next to the `convbook` executable
/// itself, which is where `swift build` puts them, and in `../lib/convbook`
/// beside it, which is where `make install` puts them (``Installation``).
///
/// A module folder that records the compiler it was built with
/// (`compiler-version`, written by `make install`) is refused with one message
/// when the `swiftc` found now is another: a `.swiftmodule` can only be
/// imported by the compiler that wrote it.
public struct Toolchain: Sendable {
    public let swiftc: String
    /// Holds `lib*.so`.
    public let libraryDirectory: URL
    /// Holds the `.swiftmodule` files.
    public let moduleDirectory: URL
    /// The compiler's `--version` text.
    public let compilerVersion: String
    /// A hash of the compiler version and the modules and libraries: a rebuilt
    /// engine changes it, and with it every chapter's cache key.
    public let fingerprint: String
    /// The author's package (`[build] package` in `book.toml`), once built:
    /// chapter programs compile against its modules and link its library
    /// too. Its fingerprints are not in ``fingerprint``: they enter only the
    /// keys of the chapters that import it (``AuthorPackage/fingerprint(imports:)``).
    var package: AuthorPackage?

    static let modules = ["ConvEngine", "ConvNPY", "ConvbookFormat", "ConvbookRuntime"]
    /// The one shared library chapter programs link: the runtime with the engine inside.
    static let library = "libConvbookRuntime.so"

    /// Finds the toolchain; the error says where it looked.
    public static func locate(modules explicit: String? = nil, cache: URL? = nil) throws -> Toolchain {
        let folder = try moduleFolder(explicit: explicit)
        let moduleDirectory = folder.appendingPathComponent("Modules")
        let swiftc = try findCompiler()
        let version = try compilerVersion(swiftc, cache: cache)
        if let mismatch = mismatch(folder: folder, swiftc: swiftc, version: version) { throw mismatch }
        var hasher = SHA256()
        hasher.update(data: Data(version.utf8))
        let files = modules.map { moduleDirectory.appendingPathComponent("\($0).swiftmodule") }
            + [folder.appendingPathComponent(library)]
        for file in files {
            hasher.update(data: Data(file.lastPathComponent.utf8))
            hasher.update(data: try Data(contentsOf: file, options: .mappedIfSafe))
        }
        return Toolchain(swiftc: swiftc, libraryDirectory: folder, moduleDirectory: moduleDirectory,
                         compilerVersion: version, fingerprint: hasher.finalize().hexString)
    }

    /// The folder chapter programs' modules are taken from: `--modules`,
    /// `$CONVBOOK_MODULES`, else convbook's own folders (``Installation``).
    public static func moduleFolder(explicit: String?) throws(Diagnostic) -> URL {
        var candidates = [URL]()
        if let explicit { candidates.append(URL(fileURLWithPath: explicit)) }
        if let fromEnvironment = ProcessInfo.processInfo.environment["CONVBOOK_MODULES"] {
            candidates.append(URL(fileURLWithPath: fromEnvironment))
        }
        candidates += Installation.current.folders
        guard let folder = candidates.first(where: isModuleFolder) else {
            throw Diagnostic(file: "convbook", message: "cannot find the ConvEngine and ConvbookRuntime modules; looked in "
                + candidates.map(\.path).joined(separator: ", ")
                + ". Build them with `swift build` or point --modules (or CONVBOOK_MODULES) at the build folder")
        }
        return folder
    }

    /// The one message for modules built by another compiler than `swiftc`
    /// (nil when they match, or when the folder records no compiler).
    public static func mismatch(folder: URL, swiftc: String, version: String) -> Diagnostic? {
        guard let recorded = Installation.recordedCompiler(in: folder), recorded != Installation.normalized(version) else { return nil }
        let now = Installation.normalized(version)
        // Each named by its first line, unless that is the same for both (another target).
        let same = recorded.split(separator: "\n").first == now.split(separator: "\n").first
        func shown(_ text: String) -> String {
            same ? text.replacingOccurrences(of: "\n", with: ", ") : text.split(separator: "\n").first.map(String.init) ?? text
        }
        return Diagnostic(file: "convbook", message: "toolchain mismatch: the modules in \(folder.path) were built by "
            + "\(shown(recorded)), but \(swiftc) is \(shown(now)); chapter programs "
            + "cannot import modules from another compiler. Reinstall convbook with this compiler (`make install` in "
            + "convbook's source), or put the compiler it was built with first on PATH (or name it in SWIFTC)")
    }

    private static func isModuleFolder(_ folder: URL) -> Bool {
        modules.allSatisfy { module in
            FileManager.default.fileExists(atPath: folder.appendingPathComponent("Modules/\(module).swiftmodule").path)
        } && FileManager.default.fileExists(atPath: folder.appendingPathComponent(library).path)
    }

    /// `$SWIFTC`, else the first `swiftc` on `PATH`.
    public static func findCompiler() throws(Diagnostic) -> String {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment["SWIFTC"] { return chosen }
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/swiftc"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Diagnostic(file: "convbook", message: "cannot find swiftc on PATH (or set SWIFTC)")
    }

    /// `swiftc --version`, remembered in the cache folder per compiler binary
    /// (its resolved path, size and modification time): asking the compiler
    /// costs about 0.1 s, a large part of a rebuild where nothing changed.
    private static func compilerVersion(_ swiftc: String, cache: URL?) throws -> String {
        let binary = URL(fileURLWithPath: swiftc).resolvingSymlinksInPath()
        let stamp = "\(binary.path) \(FileIdentity.sizeAndDate(of: binary.path))\n"
        // The entry is `SHA256\nSTAMP\nVERSION`; one that fails its checksum is asked again.
        let remembered = cache?.appendingPathComponent("compiler-version")
        if let remembered, let text = try? String(contentsOf: remembered, encoding: .utf8),
           let newline = text.firstIndex(of: "\n") {
            let body = String(text[text.index(after: newline)...])
            if SHA256.hash(data: Data(body.utf8)).hexString == text[..<newline], body.hasPrefix(stamp) {
                return String(body.dropFirst(stamp.count))
            }
        }
        let version = try askCompilerVersion(swiftc)
        if let remembered {
            let body = stamp + version
            try? FileManager.default.createDirectory(at: remembered.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? AtomicFile.write(Array((SHA256.hash(data: Data(body.utf8)).hexString + "\n" + body).utf8), to: remembered.path)
        }
        return version
    }

    /// `swiftc --version`, asked now.
    public static func askCompilerVersion(_ swiftc: String) throws -> String {
        let outcome = try Subprocess(executable: swiftc, arguments: ["--version"]).run()
        guard outcome.succeeded else {
            throw Diagnostic(file: "convbook", message: "\(swiftc) --version failed: \(outcome.stderrText)")
        }
        return outcome.stdoutText + outcome.stderrText
    }

    /// The compiler as pages name it: `Swift 6.3.1` from its `--version` text
    /// (its first line, when that has no version number).
    var swiftVersion: String {
        let words = compilerVersion.split(whereSeparator: \.isWhitespace)
        if let at = words.firstIndex(of: "version"), at + 1 < words.count, at > 0, words[at - 1] == "Swift" { return "Swift \(words[at + 1])" }
        return compilerVersion.split(separator: "\n").first.map(String.init) ?? ""
    }

    /// The toolchain's `usr` folder (above the compiler's `bin`), which holds
    /// the Swift runtime libraries chapter programs load and the backtracer
    /// that reports their crashes.
    var runtimeFolder: String {
        URL(fileURLWithPath: swiftc).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// The arguments that compile `main.swift` into `output`.
    func compileArguments(source: URL, output: URL) -> [String] {
        ["-Onone", "-g", "-swift-version", "6", "-module-name", "Chapter", "-diagnostic-style=llvm",
         "-I", moduleDirectory.path, "-L", libraryDirectory.path,
         "-lConvbookRuntime",
         "-Xlinker", "-rpath", "-Xlinker", libraryDirectory.path]
            + (package?.compileArguments ?? [])
            + [source.path, "-o", output.path]
    }

    /// The arguments that only type-check `source` (for `fails` blocks).
    func typecheckArguments(source: URL) -> [String] {
        ["-typecheck", "-swift-version", "6", "-module-name", "Chapter", "-diagnostic-style=llvm",
         "-I", moduleDirectory.path] + (package.map { ["-I", $0.moduleDirectory.path] } ?? []) + [source.path]
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, two digits a byte (digests, cache keys).
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
