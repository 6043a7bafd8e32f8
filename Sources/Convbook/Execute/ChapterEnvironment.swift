import Foundation

/// The environment a chapter program runs in. It is fixed and documented, so
/// that what a chapter prints depends only on what the cache key holds, and
/// everything in it that can vary is part of that key (``fingerprint``):
///
/// - fixed: `PATH=/usr/local/bin:/usr/bin:/bin`, `LANG` and `LC_ALL` `C.UTF-8`,
///   `TZ=UTC`, and `HOME` and `TMPDIR` set to the run's own work folder;
/// - passed through from this machine, because they configure BLAS and the
///   loader rather than the chapter: `OPENBLAS_*`, `GOTO_*`, `OMP_*`,
///   `LD_PRELOAD` and `LD_LIBRARY_PATH`;
/// - chosen by the author: `--env NAME` (its value here) or `--env NAME=VALUE`;
/// - convbook's own: `CONVBOOK_RECORDS`, `CONVBOOK_ARTIFACTS`,
///   `CONVBOOK_TRAP_BLOCK`, `SWIFT_BACKTRACE`.
///
/// Nothing else of the caller's environment reaches the program.
struct ChapterEnvironment: Sendable, Hashable {
    static let machinePrefixes = ["OPENBLAS_", "GOTO_", "OMP_"]
    static let machineNames: Set<String> = ["LD_PRELOAD", "LD_LIBRARY_PATH"]

    /// The variables that pass through or were chosen, by name.
    let passed: [String: String]

    /// `choices` are `NAME` or `NAME=VALUE`; `environment` is this process's;
    /// `gradientThreshold` is the book's default for `checkGradients`
    /// (`CONVBOOK_GRADIENT_THRESHOLD`).
    init(choices: [String], environment: [String: String], gradientThreshold: Double? = nil) throws(Diagnostic) {
        var passed = environment.filter { name, _ in
            Self.machineNames.contains(name) || Self.machinePrefixes.contains { name.hasPrefix($0) }
        }
        for choice in choices {
            let name = String(choice.prefix { $0 != "=" })
            guard name.first.map({ $0 == "_" || $0.isLetter }) == true,
                  name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else {
                throw Diagnostic(file: "convbook", message: "--env \(choice): '\(name)' is not a variable name (letters, digits and _, not starting with a digit)")
            }
            guard !name.hasPrefix("CONVBOOK_"), name != "SWIFT_BACKTRACE" else {
                throw Diagnostic(file: "convbook", message: "--env \(choice): \(name) is set by convbook itself")
            }
            if choice.contains("=") {
                passed[name] = String(choice.dropFirst(name.count + 1))
            } else {
                passed[name] = environment[name] ?? ""
            }
        }
        if let gradientThreshold { passed["CONVBOOK_GRADIENT_THRESHOLD"] = "\(gradientThreshold)" }
        self.passed = passed
    }

    /// What the cache key must hold: every variable that varies, sorted.
    var fingerprint: String {
        passed.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
    }

    /// The whole environment of one run, whose work folder is `folder`.
    func variables(folder: URL) -> [String: String] {
        var variables = passed
        variables["PATH"] = "/usr/local/bin:/usr/bin:/bin"
        variables["LANG"] = "C.UTF-8"
        variables["LC_ALL"] = "C.UTF-8"
        variables["TZ"] = "UTC"
        variables["HOME"] = folder.path
        variables["TMPDIR"] = folder.path
        return variables
    }
}
