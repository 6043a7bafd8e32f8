import Convbook
import Foundation

/// What `convbook --version` prints: the version (with the commit `make
/// install` recorded), the compiler the modules were built with, and the
/// `swiftc` found now; the toolchain mismatch message when they differ.
///
///     convbook 0.1.0 (commit c522d6a…)
///     modules: /usr/local/lib/convbook, built by Swift version 6.3.1 (swift-6.3.1-RELEASE)
///     swiftc: /usr/bin/swiftc, Swift version 6.3.1 (swift-6.3.1-RELEASE)
struct VersionText {
    var lines: [String] = []
    var mismatch: Diagnostic?

    init() {
        let installation = Installation.current
        lines.append("convbook \(ConvbookVersion.number)" + (installation.commit.map { " (commit \($0)" + (installation.modified ? ", with local changes" : "") + ")" } ?? ""))
        let folder = try? Toolchain.moduleFolder(explicit: nil)
        if let folder {
            let recorded = Installation.recordedCompiler(in: folder)
            lines.append("modules: \(folder.path), " + (recorded.map { "built by " + $0.replacingOccurrences(of: "\n", with: ", ") }
                ?? "compiler not recorded (a build folder; `make install` records it)"))
        } else {
            lines.append("modules: not found (build them with `swift build`, or point CONVBOOK_MODULES at them)")
        }
        do {
            let swiftc = try Toolchain.findCompiler()
            let version = try Toolchain.askCompilerVersion(swiftc)
            lines.append("swiftc: \(swiftc), " + version.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: ", "))
            if let folder { mismatch = Toolchain.mismatch(folder: folder, swiftc: swiftc, version: version) }
        } catch {
            lines.append("swiftc: \(error)")
        }
    }
}
