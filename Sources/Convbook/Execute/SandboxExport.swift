import Foundation

/// What ``Sandbox/script`` writes back after a sandboxed run, since the
/// working folder (a tmpfs) goes with the sandbox: `used KIB`, then a
/// `left NAME` line per name in the folder, then per published tensor
/// `file NAME SIZE` followed by its SIZE bytes.
struct SandboxExport: Sendable {
    /// KiB in use in the working folder when the program ended.
    var usedKiB: Int?
    /// The names in the working folder, sorted.
    var left: [String] = []
    /// Published tensors (`NAME.npy`) with their bytes.
    var files: [String: Data] = [:]

    /// Nil when the file is missing: the script never got that far (the program took it down).
    init?(contentsOf url: URL) {
        guard let data = try? Data(contentsOf: url) else { return nil }
        self.init(data)
    }

    init(_ data: Data) {
        let bytes = [UInt8](data)
        var offset = 0
        while offset < bytes.count {
            let end = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let line = String(decoding: bytes[offset..<end], as: UTF8.self)
            offset = end + 1
            if line.hasPrefix("used ") {
                usedKiB = Int(line.dropFirst(5))
            } else if line.hasPrefix("left ") {
                left.append(String(line.dropFirst(5)))
            } else if line.hasPrefix("file ") {
                let fields = line.dropFirst(5).split(separator: " ")
                guard fields.count == 2, let size = Int(fields[1]), size >= 0, offset + size <= bytes.count else { break }
                files[String(fields[0])] = Data(bytes[offset..<(offset + size)])
                offset += size
            } else {
                break
            }
        }
        left.sort()
    }
}
