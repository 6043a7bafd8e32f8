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
struct BlockOptions: Hashable, Sendable, Codable {
    enum Mode: String, Hashable, Sendable, Codable {
        case run, norun, fails, traps
    }

    var mode: Mode = .run
    var showCode = true
    var showOutput = true
    /// Relative tolerance for an `expect` block; nil when the block has no expectation.
    var expectTolerance: Double?

    static let defaultExpectTolerance = 1e-9

    /// The words this parser accepts, for error messages.
    static let known = ["setup", "hide-code", "hide-output", "norun", "fails", "traps", "expect", "expect=<tolerance>"]

    /// Whether a fence's info string marks a Swift block at all (`swift`, or `swift` followed by options).
    static func isSwift(_ info: String) -> Bool {
        info.split(separator: " ", omittingEmptySubsequences: true).first == "swift"
    }

    /// Parses the words after `swift`. Throws a message naming an unknown or conflicting option.
    init(info: String) throws(OptionError) {
        let words = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init).dropFirst()
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
                if word.hasPrefix("expect=") {
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

    struct OptionError: Error {
        let message: String
    }
}
