import ConvbookFormat
import Foundation

/// Compares the answer an exercise states, `{swift answer="4"} expr`, with
/// the value the chapter's code computed for `expr`: the build fails when
/// they differ, so a changed engine or chapter never leaves an answer stale.
///
/// - an integer or text must be exactly the stated one;
/// - a number must round to the stated number at the decimals it is written
///   with: "0.33" holds for 0.3333 (within 0.005), "0.333" asks for three;
///   written with an exponent, "1.5e-3", the decimals count from it;
/// - a tensor must print as the stated one, "[[1, 2], [3, 4]]", each number as above;
/// - a value that is NaN, infinite or empty, or a stated answer that is
///   empty, never matches.
///
/// ```swift
/// AnswerCheck.problem(stated: "4", computed: .integer(4))        // nil: they match
/// AnswerCheck.problem(stated: "0.33", computed: .number(1.0 / 3, tolerance: .exact))  // nil
/// AnswerCheck.problem(stated: "5", computed: .integer(4))        // "the stated answer 5 …"
/// ```
enum AnswerCheck {
    /// What is wrong with the stated answer against the computed value, or nil when they match.
    static func problem(stated raw: String, computed: PublishedValue) -> String? {
        let stated = raw.trimmingCharacters(in: .whitespaces)
        let shown = ValueText.inline(computed)
        guard !stated.isEmpty else { return "the stated answer is empty: write the value a reader should get, answer=\"…\"" }
        if computed.numbers.contains(where: { !$0.isFinite }) {
            return "the computed value \(shown) is not finite, so it cannot be the answer \(stated)"
        }
        let mismatch = "the stated answer \(stated) does not match the computed value \(shown)"
        switch computed {
        case .integer(let n):
            return Int(stated) == n ? nil : mismatch
        case .text(let text):
            if text.isEmpty { return "the computed value is empty text, so it cannot be the answer \(stated)" }
            return text == stated ? nil : mismatch
        case .number(let x, _):
            guard let matches = numberMatches(stated, x.value) else { return "the stated answer \(stated) is not a number, but the computed value \(shown) is" }
            return matches ? nil : mismatch
        case .tensor(_, let data, _):
            if data.isEmpty { return "the computed tensor is empty, so it cannot be the answer \(stated)" }
            let want = split(stated), got = split(shown)
            guard want.shape == got.shape, want.numbers.count == data.count else {
                return mismatch + " (written as a tensor of another shape)"
            }
            for (text, value) in zip(want.numbers, data) where numberMatches(text, value.value) != true {
                return mismatch + " (\(text) against \(NumberFormat.value(value.value)))"
            }
            return nil
        }
    }

    /// Whether `value` rounds to the number `text` at the decimals it is written with; nil when `text` is no number.
    static func numberMatches(_ text: String, _ value: Double) -> Bool? {
        guard let match = text.wholeMatch(of: number), let stated = Double(text), stated.isFinite else { return nil }
        guard value.isFinite else { return false }
        let decimals = (match.output.2.map { $0.count - 1 } ?? 0) - (match.output.3.flatMap { Int($0.dropFirst()) } ?? 0)
        let halfUnit = 0.5 * pow(10, Double(-decimals))
        return abs(value - stated) <= halfUnit * (1 + 1e-9)
    }

    nonisolated(unsafe) private static let number = /[-+]?(\d+)(\.\d*)?([eE][-+]?\d+)?/

    /// A tensor's text as its layout (numbers as `#`, spaces dropped) and its numbers.
    private static func split(_ text: String) -> (shape: String, numbers: [String]) {
        var shape = "", numbers = [String]()
        var rest = Substring(text.filter { !$0.isWhitespace })
        while let match = rest.firstMatch(of: number) {
            shape += rest[..<match.range.lowerBound] + "#"
            numbers.append(String(rest[match.range]))
            rest = rest[match.range.upperBound...]
        }
        return (shape + rest, numbers)
    }
}
