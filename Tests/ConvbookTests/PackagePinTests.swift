import Foundation
import Testing

/// Dependency versions do not float: every package `Package.swift` depends
/// on is pinned with `exact:`, and what SwiftPM resolved (when a
/// `Package.resolved` is there) is that version and nothing else.
@Suite struct PackagePinTests {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `.package(url: "…/NAME", exact: "1.2.3")` lines, by lowercased package name.
    static func pins(in manifest: String) -> (pinned: [String: String], unpinned: [String]) {
        var pinned = [String: String](), unpinned = [String]()
        for line in manifest.split(separator: "\n") where line.contains(".package(") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
            let name = line.firstMatch(of: /url: "[^"]*\/([^"\/]+?)(?:\.git)?"/).map { String($0.1).lowercased() } ?? String(line)
            if let version = line.firstMatch(of: /exact: "([0-9]+\.[0-9]+\.[0-9]+)"/) {
                pinned[name] = String(version.1)
            } else {
                unpinned.append(name)
            }
        }
        return (pinned, unpinned)
    }

    @Test func everyDependencyIsPinnedExactly() throws {
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let (pinned, unpinned) = Self.pins(in: manifest)
        #expect(!pinned.isEmpty, "no dependency found in Package.swift")
        #expect(unpinned.isEmpty, "dependencies without an exact version: \(unpinned)")
        // What was resolved in this checkout, if anything, is exactly what is pinned.
        guard let data = FileManager.default.contents(atPath: Self.root.appendingPathComponent("Package.resolved").path) else { return }
        struct Resolved: Decodable {
            struct Pin: Decodable {
                struct State: Decodable { var version: String? }
                var identity: String
                var state: State
            }
            var pins: [Pin]
        }
        let resolved = try JSONDecoder().decode(Resolved.self, from: data)
        for pin in resolved.pins {
            #expect(pinned[pin.identity] == pin.state.version, "\(pin.identity) resolved at \(pin.state.version ?? "no version"), pinned at \(pinned[pin.identity] ?? "nothing")")
        }
    }

    @Test func aRangeIsNotAPin() {
        let manifest = """
            .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
            .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
            .package(url: "https://github.com/swhitty/FlyingFox.git", "0.27.1"..<"0.28.0"),
            """
        let (pinned, unpinned) = Self.pins(in: manifest)
        #expect(pinned == ["swift-argument-parser": "1.8.2"])
        #expect(unpinned == ["tomlkit", "flyingfox"])
    }
}
