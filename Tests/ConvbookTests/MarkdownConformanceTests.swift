import Foundation
import Testing
@testable import Convbook

/// The GFM spec corpus through our pipeline (``MarkdownParser`` with the math
/// extension, then ``MarkdownHTMLRenderer``) against the `cmark-gfm` CLI with
/// `-e table -e strikethrough -e autolink -e tagfilter`, in both the
/// generator's mode (`--unsafe`, raw HTML passes) and cmark's default (safe).
///
/// Every example must match byte for byte, except those where the math
/// extension legitimately changes the meaning because the input holds a valid
/// math span. For spec.txt that list is empty: of the five examples holding
/// a `$` (113, 139, 308, 647, 671), none has math — the `$` sits in a code
/// fence's info string, an HTML block, a backslash escape (`\$`), a
/// processing instruction (`<?php echo $a; ?>`) and `hello $.;'there`
/// (no closer). extensions.txt has no `$` at all.
@Suite(.enabled(if: MarkdownSpecCorpus.isAvailable, "needs the GFM corpus and the cmark-gfm CLI"))
struct MarkdownConformanceTests {
    /// spec.txt examples whose output may differ because they contain math.
    static let specMathExceptions: Set<Int> = []
    /// extensions.txt examples whose output may differ because they contain math.
    static let extensionsMathExceptions: Set<Int> = []

    @Test("spec.txt (unsafe, then safe)", arguments: [true, false])
    func spec(unsafe: Bool) throws {
        let examples = try MarkdownSpecCorpus.examples(in: "spec.txt")
        #expect(examples.count == 673)
        try check(examples, file: "spec.txt", unsafe: unsafe, exceptions: Self.specMathExceptions)
    }

    @Test("extensions.txt (unsafe, then safe)", arguments: [true, false])
    func extensions(unsafe: Bool) throws {
        let examples = try MarkdownSpecCorpus.examples(in: "extensions.txt")
        #expect(examples.count == 28)
        try check(examples, file: "extensions.txt", unsafe: unsafe, exceptions: Self.extensionsMathExceptions)
    }

    private func check(_ examples: [MarkdownSpecExample], file: String, unsafe: Bool, exceptions: Set<Int>) throws {
        let renderer = MarkdownHTMLRenderer(unsafe: unsafe)
        var withMath: Set<Int> = []
        var differing: Set<Int> = []
        var rendererFailures: [String] = []
        for example in examples {
            let reference = try MarkdownSpecCorpus.reference(example.markdown, unsafe: unsafe)
            // The renderer alone, without the math extension: must always match.
            let plain = renderer.render(MarkdownParser.parse(source: example.markdown, path: file,
                                                             options: .init(math: false, footnotes: false)))
            if plain != reference {
                rendererFailures.append("example \(example.number) (\(example.section)):\n\(example.markdown)--- ours\n\(plain)--- cmark-gfm\n\(reference)")
            }
            // The full pipeline.
            let document = MarkdownParser.parse(source: example.markdown, path: file, options: .init(footnotes: false))
            let mathNodes = MarkdownNodeCollector.collect(document.root) {
                switch $0.kind {
                case .math, .inlineExpression: true
                default: false
                }
            }
            if !mathNodes.isEmpty { withMath.insert(example.number) }
            let ours = renderer.render(document)
            if ours != reference { differing.insert(example.number) }
        }
        let mode = unsafe ? "--unsafe" : "safe"
        print("[\(file), \(mode)] \(examples.count - rendererFailures.count)/\(examples.count) match without math; "
              + "\(examples.count - differing.count)/\(examples.count) match with math; "
              + "math in \(withMath.sorted()), differing \(differing.sorted())")
        #expect(rendererFailures.isEmpty, "\(rendererFailures.count) mismatches:\n\(rendererFailures.prefix(5).joined(separator: "\n"))")
        #expect(differing == withMath, "outputs differ exactly where there is math")
        #expect(withMath == exceptions, "math found exactly in the documented exceptions")
    }
}
