import Foundation

/// One example of a spec file in the cmark test format.
struct MarkdownSpecExample: Sendable {
    /// 1-based, in file order (the spec's example numbers).
    var number: Int
    /// Line of the opening example fence.
    var line: Int
    var section: String
    var markdown: String
    /// The HTML the spec expects (the CLI, not this, is the reference).
    var html: String
}

/// The GFM spec corpus in `Tests/gfm`, and the `cmark-gfm` command-line tool
/// that serves as the reference renderer.
enum MarkdownSpecCorpus {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("gfm")
    static let cli = "/usr/bin/cmark-gfm"

    /// Whether the corpus and the CLI are on this machine.
    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("spec.txt").path)
            && FileManager.default.isExecutableFile(atPath: cli)
    }

    /// The examples of `file`: each between a line of 32 backticks plus
    /// ` example` and a line of 32 backticks, `.` between input and output,
    /// `→` standing for a tab.
    static func examples(in file: String) throws -> [MarkdownSpecExample] {
        let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
        let fence = String(repeating: "`", count: 32)
        var examples: [MarkdownSpecExample] = []
        var section = ""
        var current: (line: Int, markdown: [String], html: [String], inHTML: Bool)?
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            if var example = current {
                if line == fence {
                    func joined(_ lines: [String]) -> String {
                        lines.map { $0.replacingOccurrences(of: "→", with: "\t") + "\n" }.joined()
                    }
                    examples.append(MarkdownSpecExample(
                        number: examples.count + 1, line: example.line, section: section,
                        markdown: joined(example.markdown), html: joined(example.html)))
                    current = nil
                } else if line == "." && !example.inHTML {
                    example.inHTML = true
                    current = example
                } else {
                    if example.inHTML { example.html.append(line) } else { example.markdown.append(line) }
                    current = example
                }
            } else if line.hasPrefix(fence + " example") {
                current = (index + 1, [], [], false)
            } else if line.hasPrefix("#") {
                section = line.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
            }
        }
        return examples
    }

    /// What `cmark-gfm -e table -e strikethrough -e autolink -e tagfilter`
    /// (plus `--unsafe` if asked) prints for `markdown`.
    static func reference(_ markdown: String, unsafe: Bool) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cli)
        process.arguments = (unsafe ? ["--unsafe"] : []) + ["-e", "table", "-e", "strikethrough", "-e", "autolink", "-e", "tagfilter"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // Spec inputs are small: write all, then read all.
        input.fileHandleForWriting.write(Data(markdown.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
