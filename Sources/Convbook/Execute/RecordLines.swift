import ConvbookFormat
import Foundation

extension Record {
    /// Decodes a records file, one JSON `Record` per line; a torn last line
    /// (the program died mid-write) is ignored.
    static func decodeLines(_ data: Data) -> [Record] {
        let decoder = JSONDecoder()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(Record.self, from: Data($0)) }
    }
}
