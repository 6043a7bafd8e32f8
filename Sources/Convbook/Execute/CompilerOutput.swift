/// Reads swiftc's `-diagnostic-style=llvm` output: `file:line:col: severity: message`
/// lines, each followed by the source line and a caret line, which are dropped.
enum CompilerOutput {
    static func parse(_ text: String) -> [ExecutionResult.CompilerMessage] {
        var messages = [ExecutionResult.CompilerMessage]()
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            // The driver can report a warning once per frontend job: keep the first.
            guard let parsed = parseLine(String(line)), !messages.contains(parsed) else { continue }
            messages.append(parsed)
        }
        return messages
    }

    private static func parseLine(_ line: String) -> ExecutionResult.CompilerMessage? {
        for severity in ["error", "warning", "note"] {
            guard let range = line.range(of: ": \(severity): ") else { continue }
            let location = line[..<range.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
            guard location.count >= 3, let l = Int(location[location.count - 2]), let c = Int(location[location.count - 1]) else {
                return nil
            }
            let file = location.dropLast(2).joined(separator: ":")
            return .init(location: .init(file: file, line: l, column: c), severity: severity,
                         message: String(line[range.upperBound...]))
        }
        return nil
    }
}
