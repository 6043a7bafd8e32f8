/// What a Swift code block asks for, from the words after `swift` in its
/// fence's info string.
///
/// | info string | runs | page shows |
/// |---|---|---|
/// | `swift` | yes | code and output |
/// | `swift setup` | yes | nothing |
/// | `swift hide-code` | yes | output only |
/// | `swift hide-output` | yes | code only |
/// | `swift norun` | no | code only |
/// | `swift fails` | must not compile | code and the compiler's message |
/// | `swift traps` | must trap | code, output and the trap's message |
/// | `swift expect` | yes; output must match the next `output` block | code and output |
///
/// `expect` takes an optional numeric tolerance, `expect=1e-6` (default 1e-9,
/// relative): numbers in the output are compared within it, other text exactly.
///
/// `label=fig-name` or `label=tbl-name` numbers the block's output as a
/// figure or a table ("Figure 3.1") that `@fig-name` can refer to;
/// `caption="…"` (in double quotes when it has spaces) is its caption.
struct BlockOptions: Hashable, Sendable, Codable {
    enum Mode: String, Hashable, Sendable, Codable {
        case run, norun, fails, traps
    }

    var mode: Mode = .run
    var showCode = true
    var showOutput = true
    /// Relative tolerance for an `expect` block; nil when the block has no expectation.
    var expectTolerance: Double?
    /// `label=fig-…` or `label=tbl-…`, and `caption="…"`.
    var label: String?
    var caption: String?

    static let defaultExpectTolerance = 1e-9

    /// The words this parser accepts, for error messages.
    static let known = ["setup", "hide-code", "hide-output", "norun", "fails", "traps", "expect", "expect=<tolerance>",
                        "label=fig-<name>", "label=tbl-<name>", "caption=\"<text>\""]

    /// Whether a fence's info string marks a Swift block at all (`swift`, or `swift` followed by options).
    static func isSwift(_ info: String) -> Bool {
        info.split(separator: " ", omittingEmptySubsequences: true).first == "swift"
    }

    /// Parses the words after `swift`. Throws a message naming an unknown or conflicting option.
    init(info: String) throws(OptionError) {
        let words = try Self.words(info).dropFirst()
        var modes = [Mode]()
        for word in words {
            switch word {
            case "setup": showCode = false; showOutput = false
            case "hide-code": showCode = false
            case "hide-output": showOutput = false
            case "norun": modes.append(.norun)
            case "fails": modes.append(.fails)
            case "traps": modes.append(.traps)
            case "expect": expectTolerance = Self.defaultExpectTolerance
            default:
                if word.hasPrefix("label=") {
                    let name = String(word.dropFirst("label=".count))
                    guard name.hasPrefix("fig-") || name.hasPrefix("tbl-"), name.count > 4,
                          name.allSatisfy({ MarkdownReferenceSyntax.isKeyCharacter($0) }) else {
                        throw OptionError(message: "'\(word)': a block's label is fig-<name> or tbl-<name>")
                    }
                    label = name
                } else if word.hasPrefix("caption=") {
                    caption = String(word.dropFirst("caption=".count))
                } else if word.hasPrefix("expect=") {
                    guard let tolerance = Double(word.dropFirst("expect=".count)), tolerance >= 0 else {
                        throw OptionError(message: "'\(word)': the tolerance after 'expect=' must be a non-negative number")
                    }
                    expectTolerance = tolerance
                } else {
                    throw OptionError(message: "unknown code block option '\(word)'; known options: \(Self.known.joined(separator: ", "))")
                }
            }
        }
        guard modes.count <= 1 else {
            throw OptionError(message: "code block options \(modes.map { "'\($0.rawValue)'" }.joined(separator: " and ")) cannot be combined")
        }
        mode = modes.first ?? .run
        if expectTolerance != nil && mode != .run {
            throw OptionError(message: "'expect' needs a block that runs; it cannot be combined with '\(mode.rawValue)'")
        }
    }

    init() {}

    /// The info string's words; a double-quoted part (`caption="a b"`) stays in its word, without the quotes.
    private static func words(_ info: String) throws(OptionError) -> [String] {
        var words: [String] = [], current = "", quoted = false, started = false
        for c in info {
            if c == "\"" { quoted.toggle(); started = true; continue }
            if !quoted && (c == " " || c == "\t") {
                if started { words.append(current) }
                current = ""; started = false
                continue
            }
            current.append(c); started = true
        }
        guard !quoted else { throw OptionError(message: "a double quote in the code block options is never closed") }
        if started { words.append(current) }
        return words
    }

    struct OptionError: Error {
        let message: String
    }
}
