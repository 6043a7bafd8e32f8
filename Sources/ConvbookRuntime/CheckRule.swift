import ConvbookFormat

/// The outcome of ``checkRule(_:over:where:stated:measured:file:line:column:)``:
/// how many settings were compared, how many the filter left out, and the
/// settings where the stated rule and the measurement disagree.
public struct RuleCheck: Sendable {
    /// A setting where the rule is false, with both values in words.
    public typealias Counterexample = Record.Rule.Counterexample

    /// Settings where the rule and the measurement were compared.
    public let checked: Int
    /// Settings the `where` filter left out.
    public let excluded: Int
    /// How many of the compared settings disagree.
    public let disagreements: Int
    /// The first few disagreeing settings, in the sweep's order.
    public let counterexamples: [Counterexample]

    /// True when at least one setting was compared and none disagreed.
    public var passed: Bool { checked > 0 && disagreements == 0 }
}

/// Checks a rule the prose states against an independent measurement, in
/// every setting of a sweep. Any setting where the two differ fails
/// `convbook build` at this line, naming the first such setting with the
/// stated and the measured value; a sweep that compares nothing fails too.
///
/// The rule is what the page claims (a formula, a count, an "always");
/// `measured` must find the same quantity another way: by running the
/// engine and looking, by brute force, by reference loops. A rule checked
/// against itself restated checks nothing.
///
/// ```swift
/// // "the rows of x that get zero gradient number max(0, r − p)", against
/// // the rows where convBackward's dx is exactly zero for a dense dy:
/// let rows = checkRule("rows of x with zero gradient",
///                      over: Sweep(["H": 3...11, "HH": 1...4, "s": 1...4, "p": 0...3]),
///                      where: { $0.H + 2 * $0.p >= $0.HH },
///                      stated: { max(0, ($0.H + 2 * $0.p - $0.HH) % $0.s - $0.p) },
///                      measured: { zeroRows(H: $0.H, HH: $0.HH, s: $0.s, p: $0.p) })
/// rows.checked     // how many settings, ready to quote with `{swift} rows.checked`
/// ```
///
/// The page shows one row: the rule, the settings compared and left out,
/// how many disagree, and ✓ or ✗ (with the first counterexample). Values are
/// compared with `==`, so a NaN never agrees. `settings` may be any sequence
/// whose elements describe themselves (a ``Sweep`` names its settings).
@discardableResult
public func checkRule<Setting: CustomStringConvertible, Value: Equatable>(
    _ label: String, over settings: some Sequence<Setting>,
    where include: (Setting) -> Bool = { _ in true },
    stated: (Setting) -> Value, measured: (Setting) -> Value,
    file: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) -> RuleCheck {
    var checked = 0, excluded = 0, disagreements = 0
    var counterexamples = [RuleCheck.Counterexample]()
    for setting in settings {
        guard include(setting) else {
            excluded += 1
            continue
        }
        checked += 1
        let claim = stated(setting), truth = measured(setting)
        if claim != truth {
            disagreements += 1
            if counterexamples.count < RuleCheck.shownCounterexamples {
                counterexamples.append(.init(setting: setting.description, stated: "\(claim)", measured: "\(truth)"))
            }
        }
    }
    let result = RuleCheck(checked: checked, excluded: excluded, disagreements: disagreements,
                           counterexamples: counterexamples)
    if RecordChannel.isActive {
        RecordChannel.emit(.rule(.init(at: RecordChannel.site(file, line, column), label: label, checked: checked,
                                       excluded: excluded, disagreements: disagreements,
                                       counterexamples: counterexamples)))
    } else {
        print("\(label): \(checked) settings compared, \(excluded) left out, \(disagreements) disagree "
              + (result.passed ? "ok" : "FAIL")
              + (counterexamples.first.map { "; first at \($0.setting): stated \($0.stated), measured \($0.measured)" } ?? ""))
    }
    return result
}

extension RuleCheck {
    /// How many counterexamples a check keeps for the page and the message.
    static let shownCounterexamples = 3
}
