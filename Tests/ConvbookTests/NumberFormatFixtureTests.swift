import ConvbookFormat
import Foundation
import Testing

/// `NumberFormat.value` on the table the page script's `formatValue` is also
/// tested on (`Tests/fixtures/number-format.tsv`, read by `Tests/js/numbers.test.js`
/// too), so that the numbers a page publishes and the ones its parameter
/// explorer writes cannot drift apart.
@Suite struct NumberFormatFixtureTests {
    /// One row: the double, its decimal text for people, the expected text and why the row is there.
    struct Row {
        let bits: String
        let value: Double
        let input: String
        let text: String
        let what: String
    }

    static let file = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/number-format.tsv")

    static func rows() throws -> [Row] {
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        return try lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3, fields[0].count == 16, let bits = UInt64(fields[0], radix: 16) else {
                throw FixtureError(line: String(line))
            }
            return Row(bits: fields[0], value: Double(bitPattern: bits), input: fields[1], text: fields[2],
                       what: fields.count > 3 ? fields[3] : "")
        }
    }

    struct FixtureError: Error, CustomStringConvertible {
        let line: String
        var description: String { "\(NumberFormatFixtureTests.file.path): not bits, input, text, what: \(line)" }
    }

    @Test func everyInputReadsAsItsBits() throws {
        let rows = try Self.rows()
        #expect(rows.count >= 40)
        for row in rows {
            let read = try #require(Double(row.input), "\(row.input) is not a number")
            #expect(row.value.isNaN ? read.isNaN : read.bitPattern == row.value.bitPattern, "\(row.input) does not read as \(row.bits)")
        }
    }

    @Test func valueWritesEveryRowsText() throws {
        for row in try Self.rows() {
            #expect(NumberFormat.value(row.value) == row.text, "\(row.input) (\(row.what))")
        }
    }
}
