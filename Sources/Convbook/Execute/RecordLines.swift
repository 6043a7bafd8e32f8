import ConvbookFormat
import Foundation

extension Record {
    /// Decodes a records file, one JSON `Record` per line. A torn last line
    /// (the program died mid-write) is ignored; any other line that does not
    /// decode is counted in `unreadable` (a runtime library of another
    /// version wrote it).
    static func decodeLines(_ data: Data) -> (records: [Record], unreadable: Int) {
        let decoder = JSONDecoder()
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        var records = [Record]()
        var unreadable = 0
        for (index, line) in lines.enumerated() {
            if let record = try? decoder.decode(Record.self, from: Data(line)) {
                records.append(record)
            } else if index < lines.count - 1 || data.last == UInt8(ascii: "\n") {
                unreadable += 1
            }
        }
        return (records, unreadable)
    }
}
