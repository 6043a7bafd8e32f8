import Foundation
import Testing

/// The reference page's pitfall checklist links to every warning callout of
/// the book, each of which has a label to link to. (That each link reaches
/// its callout is the build's link check.)
@Suite struct PitfallChecklistTests {
    @Test func theChecklistLinksEveryWarning() throws {
        let chapters = Harness.packageRoot.appendingPathComponent("chapters")
        let reference = try String(contentsOf: chapters.appendingPathComponent("12-reference.md"), encoding: .utf8)
        let checklist = reference.components(separatedBy: "## Pitfall checklist").dropFirst().first?
            .components(separatedBy: "\n## ").first ?? ""
        #expect(!checklist.isEmpty, "12-reference.md has no '## Pitfall checklist' section")
        var warnings = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: chapters.path).sorted()
        where file.hasSuffix(".md") && file != "99-authoring.md" {
            let lines = try String(contentsOf: chapters.appendingPathComponent(file), encoding: .utf8).components(separatedBy: "\n")
            for (index, line) in lines.enumerated() where line.hasPrefix("> [!WARNING]") || line.hasPrefix("> [!CAUTION]") {
                warnings += 1
                guard let open = line.range(of: "{#"), line.hasSuffix("}") else {
                    Issue.record("\(file):\(index + 1): a warning without a label, so the checklist cannot link to it")
                    continue
                }
                let label = String(line[open.upperBound..<line.index(before: line.endIndex)])
                #expect(checklist.contains("(\(file)#\(label))"), "\(file):\(index + 1): the checklist does not link to #\(label)")
            }
        }
        #expect(warnings >= 18)
    }
}
