import Foundation

/// TeX as a reader would read it aloud in plain text, for the search index's
/// snippets: `\sum_{a=0}^{HH-1} x_{i+a}` becomes `∑ a=0 … HH−1 x_(i+a)`, with
/// symbols as Unicode, groups as parentheses where they are more than one
/// character, fractions as `a/b`, text and font commands reduced to their
/// argument, spacing and sizing commands to a space or nothing, and
/// environments to their cells. No backslash survives: a command it does not
/// know is dropped, keeping its arguments.
///
/// ```swift
/// MathText.text(fromTeX: #"\frac{\partial L}{\partial x}"#)   // "∂L/∂x"
/// ```
enum MathText {
    /// The plain text of `tex`.
    static func text(fromTeX tex: String) -> String {
        var reader = Reader(Array(tex.unicodeScalars))
        let text = reader.sequence(until: nil)
        return text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
    }

    /// Commands written as a symbol.
    static let symbols: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
        "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
        "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ",
        "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
        "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
        "sum": "∑", "prod": "∏", "int": "∫", "partial": "∂", "nabla": "∇", "infty": "∞",
        "cdot": "·", "times": "×", "star": "⋆", "ast": "∗", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "circ": "∘",
        "div": "÷", "pm": "±", "mp": "∓", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠",
        "approx": "≈", "sim": "∼", "equiv": "≡", "propto": "∝", "in": "∈", "notin": "∉", "subset": "⊂",
        "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "mapsto": "↦", "Rightarrow": "⇒",
        "Leftarrow": "⇐", "iff": "⇔", "implies": "⇒", "leftrightarrow": "↔",
        "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "langle": "⟨", "rangle": "⟩",
        "lvert": "|", "rvert": "|", "vert": "|", "lVert": "‖", "rVert": "‖", "Vert": "‖", "mid": "|",
        "dots": "…", "ldots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱",
        "forall": "∀", "exists": "∃", "emptyset": "∅", "cup": "∪", "cap": "∩", "setminus": "∖",
        "lbrace": "{", "rbrace": "}", "prime": "′", "top": "⊤", "ell": "ℓ",
        "max": "max", "min": "min", "log": "log", "ln": "ln", "exp": "exp", "sin": "sin", "cos": "cos",
        "tanh": "tanh", "arg": "arg", "argmax": "argmax", "argmin": "argmin", "lim": "lim", "sup": "sup", "inf": "inf",
        "det": "det",
        "quad": " ", "qquad": " ", "enspace": " ", "thinspace": " ",
    ]

    /// Commands that only style or size what follows, or their argument: dropped, the argument kept.
    static let transparent: Set<String> = [
        "text", "textrm", "textit", "textbf", "texttt", "textsf", "mathrm", "mathit", "mathbf", "mathsf", "pmb",
        "mathtt", "mathcal", "mathbb", "mathfrak", "boldsymbol", "bm", "operatorname", "mbox", "hbox",
        "displaystyle", "textstyle", "scriptstyle", "left", "right", "big", "Big", "bigg", "Bigg",
        "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "middle", "limits", "nolimits", "substack",
        "underbrace", "overbrace", "underline", "overline", "phantom", "nonumber", "notag",
    ]

    /// Accents, written after their argument as a combining mark.
    static let accents: [String: String] = [
        "tilde": "\u{303}", "widetilde": "\u{303}", "hat": "\u{302}", "widehat": "\u{302}", "bar": "\u{304}",
        "vec": "\u{20D7}", "dot": "\u{307}", "ddot": "\u{308}",
    ]

    /// Big operators whose limits read as "from … to".
    static let largeOperators: Set<String> = ["∑", "∏", "∫", "max", "min", "argmax", "argmin", "lim", "sup", "inf"]

    private struct Reader {
        let scalars: [Unicode.Scalar]
        var at = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool { at >= scalars.count }

        /// Items up to `end` (consumed) or the end of the input.
        mutating func sequence(until end: Unicode.Scalar?) -> String {
            var out = ""
            var limits = false   // after a large operator or its lower limit
            while !atEnd {
                let c = scalars[at]
                if let end, c == end { at += 1; break }
                if c == "}" && end == nil { at += 1; continue }
                if c == "_" || c == "^" {
                    at += 1
                    let argument = self.argument()
                    if limits {
                        // ∑_{a=0}^{HH-1} reads "∑ a=0 … HH−1".
                        out += c == "_" ? " " + argument + " " : "… " + argument + " "
                    } else if Self.isSimple(argument) {
                        out += String(c) + argument
                    } else {
                        out += String(c) + "(" + argument + ")"
                    }
                    continue
                }
                let item = self.item()
                out += item
                let trimmed = item.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { limits = MathText.largeOperators.contains(trimmed) }
            }
            return out
        }

        /// Whether a sub- or superscript reads without parentheses: one letter, digit or symbol, or a number.
        static func isSimple(_ text: String) -> Bool {
            let scalars = text.unicodeScalars
            if scalars.count == 1 { return true }
            return !scalars.isEmpty && scalars.allSatisfy { $0.properties.numericType != nil }
                || (text.unicodeScalars.count == 2 && text.unicodeScalars.last!.properties.generalCategory == .nonspacingMark)
        }

        /// A command's or script's argument: a group's content, or the next item.
        mutating func argument() -> String {
            skipSpaces()
            guard !atEnd else { return "" }
            if scalars[at] == "{" {
                at += 1
                return sequence(until: "}").trimmingCharacters(in: .whitespaces)
            }
            return item().trimmingCharacters(in: .whitespaces)
        }

        /// An optional `[...]` argument, skipped.
        mutating func skipOptional() {
            skipSpaces()
            guard !atEnd, scalars[at] == "[" else { return }
            while !atEnd, scalars[at] != "]" { at += 1 }
            if !atEnd { at += 1 }
        }

        mutating func skipSpaces() {
            while !atEnd, scalars[at] == " " || scalars[at] == "\n" || scalars[at] == "\t" { at += 1 }
        }

        /// One character, group or command.
        mutating func item() -> String {
            let c = scalars[at]
            at += 1
            switch c {
            case "{": return sequence(until: "}")
            case "\\": return command()
            case "-": return "−"
            case "&", "~": return " "
            case "'": return "′"
            default: return String(c)
            }
        }

        mutating func command() -> String {
            guard !atEnd else { return "" }
            let first = scalars[at]
            guard first.properties.isAlphabetic else {
                at += 1
                switch first {
                case "\\": return "; "
                case ",", ";", ":", " ", ">": return " "
                case "!", "/": return ""
                case "|": return "‖"
                default: return String(first)   // \{ \} \_ \% \# \& \$
                }
            }
            var name = ""
            while !atEnd, scalars[at].properties.isAlphabetic, scalars[at].isASCII { name.unicodeScalars.append(scalars[at]); at += 1 }
            switch name {
            case "frac", "dfrac", "tfrac", "cfrac":
                let numerator = argument(), denominator = argument()
                return Self.grouped(numerator) + "/" + Self.grouped(denominator)
            case "sqrt":
                skipOptional()
                return "√" + Self.grouped(argument())
            case "begin", "end":
                _ = argument()
                if name == "begin" { skipOptional() }
                return " "
            case "xrightarrow", "xleftarrow":
                skipOptional()
                let label = argument()
                return (name == "xrightarrow" ? " →" : " ←") + (label.isEmpty ? " " : "(" + label + ") ")
            case "href":
                _ = argument()
                return argument()
            case "htmlClass", "htmlId", "htmlStyle", "htmlData", "textcolor", "color":
                _ = argument()
                return name == "color" ? "" : argument()
            case "url":
                return argument()
            case "operatorname":
                return argument() + " "
            default:
                if let symbol = MathText.symbols[name] {
                    return symbol.count > 1 && symbol != " " ? symbol + " " : symbol
                }
                if let mark = MathText.accents[name] { return argument() + mark }
                if MathText.transparent.contains(name) { return "" }
                return ""   // unknown: dropped; what follows reads on
            }
        }

        /// `text` as one factor: in parentheses when it is more than one symbol.
        static func grouped(_ text: String) -> String {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let compact = trimmed.replacingOccurrences(of: " ", with: "")
            let plain = compact.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || $0.properties.numericType != nil || $0.properties.generalCategory == .nonspacingMark || "∂∇′".unicodeScalars.contains($0)
            }
            return plain || compact.unicodeScalars.count <= 1 ? compact : "(" + trimmed + ")"
        }
    }
}
