import Testing
@testable import Convbook

/// cmark-gfm is not thread-safe; ``CmarkGFM`` serialises parses behind a
/// lock, so parsing from many tasks at once must neither crash nor differ.
struct MarkdownConcurrencyTests {
    @Test func parsesFromManyTasksAtOnce() async {
        let sources = (0..<16).map { index in
            """
            # Chapter \(index)

            | a | b |
            |---|:-:|
            | ~~\(index)~~ | $x_\(index)$ |

            Visit www.example.com/\(index) and `{swift} f(\(index))`.

            $$
            \\sum_{i=1}^{\(index)} i
            $$

            <title>filtered</title>
            """
        }
        let renderer = MarkdownHTMLRenderer(unsafe: true)
        let expected = sources.map { renderer.render(MarkdownParser.parse(source: $0, path: "c.md")) }
        let results = await withTaskGroup(of: (Int, String).self) { group in
            for round in 0..<8 {
                for (index, source) in sources.enumerated() {
                    group.addTask {
                        _ = round
                        let document = MarkdownParser.parse(source: source, path: "c\(index).md")
                        return (index, MarkdownHTMLRenderer(unsafe: true).render(document))
                    }
                }
            }
            var results: [(Int, String)] = []
            for await result in group { results.append(result) }
            return results
        }
        #expect(results.count == 128)
        for (index, html) in results {
            #expect(html == expected[index])
        }
        #expect(expected[3].contains("<del>3</del>"))
        #expect(expected[3].contains("&lt;title>filtered&lt;/title>"))
    }
}
