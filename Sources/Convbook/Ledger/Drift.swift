/// One difference `convbook check` found at a chapter line: a published value
/// that changed beyond its tolerance, appeared or went away, or a page whose
/// prose, code or structure changed. The ``diagnostic`` is what the text
/// format prints; the ``kind`` and, where the drift concerns one value, the
/// ``published`` and ``computed`` forms are what the machine-read formats
/// (`--format json`, `junit`, `github`) add.
///
///     let drift = Drift(Diagnostic(file: "chapters/01-unit.md", line: 5, column: 1,
///                                  message: "tensor 't' entry [1] published as 2.0, computed 2.5 on this machine (tolerance exact)"),
///                       kind: .changed, published: "2.0", computed: "2.5")
///     drift.description   // "chapters/01-unit.md:5:1: error: tensor 't' entry [1] published as 2.0, …"
public struct Drift: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// What changed. The raw values are part of `--format json` and `junit`
    /// (a failure's `type`), so they never change meaning.
    public enum Kind: String, Sendable, CaseIterable {
        /// A value (numbers or text) changed beyond its tolerance.
        case changed
        /// The chapter computes a value the published site does not have.
        case new
        /// The published site has a value the chapter no longer computes.
        case removed
        /// A value's kind or shape changed (`tensor of shape (2, 3)` → `(3, 2)`).
        case form
        /// The chapter gives a value another tolerance than it was published with.
        case tolerance
        /// The ledger's number is not what the page prints: the manifest was edited by hand.
        case ledgerEdited = "ledger-edited"
        /// The page differs in prose, code or structure, with every value as published.
        case page
    }

    public var diagnostic: Diagnostic
    public var kind: Kind
    /// The value as published: a number with every digit, a text, a tolerance
    /// or a form (by ``kind``); nil where the drift is not about one value.
    public var published: String?
    /// The value as computed on this machine, in the same form as ``published``.
    public var computed: String?

    public init(_ diagnostic: Diagnostic, kind: Kind, published: String? = nil, computed: String? = nil) {
        self.diagnostic = diagnostic
        self.kind = kind
        self.published = published
        self.computed = computed
    }

    /// The diagnostic, `file:line:col: error: message`.
    public var description: String { diagnostic.description }

    /// By the diagnostic's place.
    public static func < (a: Drift, b: Drift) -> Bool {
        a.diagnostic != b.diagnostic ? a.diagnostic < b.diagnostic : a.kind.rawValue < b.kind.rawValue
    }
}
