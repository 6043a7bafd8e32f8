import Foundation
import Testing

/// Two builds of one site with one cache take turns (README, Reliability).
@Suite struct BuildLockTests {
    @Test func aSecondBuildOfTheSameSiteWaitsAndNamesTheFirst() throws {
        let book = try BookFixture(["01-slow.md": "# Slow\n\n```swift\nimport Glibc\nsleep(5)\nprint(\"done\")\n```\n"])
        let first = Process()
        first.executableURL = URL(fileURLWithPath: Harness.convbook)
        first.arguments = ["build"]
        first.currentDirectoryURL = book.root
        first.standardError = FileHandle.nullDevice
        try first.run()
        // The first holds the lock once its process id is in the lock file.
        let locks = book.root.appendingPathComponent(".convbook-cache/locks")
        var held = false
        for _ in 0..<300 where !held {   // up to 30 s
            held = ((try? FileManager.default.contentsOfDirectory(atPath: locks.path)) ?? []).contains { name in
                (try? String(contentsOf: locks.appendingPathComponent(name), encoding: .utf8)) == "\(first.processIdentifier)\n"
            }
            if !held { usleep(100_000) }
        }
        #expect(held, "the first build never took the lock")
        let second = try book.convbook("build")
        let secondEnded = Date()
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("convbook: waiting for convbook (PID \(first.processIdentifier)), which is building \(book.root.appendingPathComponent("site").path), to finish"),
                "\(second.stderr)")
        #expect(Date().timeIntervalSince(secondEnded) < 1, "the second build ended before the first")
        #expect(try book.page("01-slow.html").contains("done"))
        // The lock is free again: a third build does not wait.
        #expect(!(try book.convbook("build")).stderr.contains("waiting for"))
    }
}
