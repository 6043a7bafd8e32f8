/// Every combination of a few named integer ranges: the settings a rule is
/// checked over (``checkRule(_:over:where:stated:measured:file:line:column:)``).
/// The first name varies slowest, so settings come in a fixed order.
///
/// ```swift
/// let sweep = Sweep(["H": 3...11, "HH": 1...4, "s": 1...4, "p": 0...3])
/// sweep.count                       // 9 · 4 · 4 · 4 = 576
/// for setting in sweep {
///     setting.H + 2 * setting.p     // each name reads as a property
/// }
/// ```
///
/// In prose, `{swift} sweep` reads "H from 3 to 11, HH from 1 to 4, s from 1
/// to 4 and p from 0 to 3", so the page never restates the ranges by hand.
public struct Sweep: Sequence, Sendable, CustomStringConvertible {
    let names: [String]
    let ranges: [ClosedRange<Int>]

    /// The ranges in the order written (a `KeyValuePairs`, not a dictionary,
    /// so the order, and with it the first counterexample, never changes).
    public init(_ axes: KeyValuePairs<String, ClosedRange<Int>>) {
        names = axes.map(\.key)
        ranges = axes.map(\.value)
        precondition(Set(names).count == names.count, "a sweep names each setting once: \(names)")
    }

    /// The ranges in words: `H from 3 to 11, HH from 1 to 4 and s from 1 to 4`.
    public var description: String {
        let parts = zip(names, ranges).map { name, range in
            range.count == 1 ? "\(name) = \(range.lowerBound)" : "\(name) from \(range.lowerBound) to \(range.upperBound)"
        }
        guard parts.count > 1 else { return parts.first ?? "no setting" }
        return parts.dropLast().joined(separator: ", ") + " and " + parts.last!
    }

    /// How many settings the sweep holds.
    public var count: Int { ranges.reduce(1) { $0 * $1.count } }

    public func makeIterator() -> AnyIterator<Setting> {
        var next: [Int]? = ranges.contains(where: \.isEmpty) ? nil : ranges.map(\.lowerBound)
        return AnyIterator {
            guard let current = next else { return nil }
            // Odometer: the last name turns fastest.
            var values = current
            var axis = values.count - 1
            while axis >= 0 {
                if values[axis] < ranges[axis].upperBound {
                    values[axis] += 1
                    break
                }
                values[axis] = ranges[axis].lowerBound
                axis -= 1
            }
            next = axis < 0 ? nil : values
            return Setting(names: names, values: current)
        }
    }

    /// One setting of a ``Sweep``: each name reads as a property
    /// (`setting.HH`), and the setting describes itself as `H = 5, HH = 2, s = 1`.
    @dynamicMemberLookup
    public struct Setting: CustomStringConvertible, Sendable, Hashable {
        public let names: [String]
        public let values: [Int]

        public subscript(dynamicMember name: String) -> Int { self[name] }

        public subscript(_ name: String) -> Int {
            guard let index = names.firstIndex(of: name) else {
                fatalError("this sweep has no setting called \(name); it has \(names.joined(separator: ", "))")
            }
            return values[index]
        }

        public var description: String {
            zip(names, values).map { "\($0) = \($1)" }.joined(separator: ", ")
        }
    }
}
