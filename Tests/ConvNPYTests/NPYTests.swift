import Foundation
import Testing
import ConvEngine
@testable import ConvNPY

// MARK: - Helpers

/// Little-endian float64 bytes.
private func f8Bytes(_ values: [Double]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}

/// Little-endian float32 bytes.
private func f4Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}

private let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

/// An `.npy` file built by hand: magic, version, header length (UInt16 for 1.x,
/// UInt32 otherwise), header bytes (unpadded unless the caller pads), data.
private func handMade(version: (UInt8, UInt8) = (1, 0), headerBytes: [UInt8], data: [UInt8]) -> [UInt8] {
    var bytes = magic + [version.0, version.1]
    if version.0 == 1 {
        withUnsafeBytes(of: UInt16(headerBytes.count).littleEndian) { bytes += $0 }
    } else {
        withUnsafeBytes(of: UInt32(headerBytes.count).littleEndian) { bytes += $0 }
    }
    return bytes + headerBytes + data
}

private func handMade(version: (UInt8, UInt8) = (1, 0), header: String, data: [UInt8]) -> [UInt8] {
    handMade(version: version, headerBytes: Array(header.utf8), data: data)
}

/// A header dict with the given value texts, padded like NumPy does.
private func dict(descr: String = "'<f8'", fortran: String = "False", shape: String) -> String {
    "{'descr': \(descr), 'fortran_order': \(fortran), 'shape': \(shape), }      \n"
}

private func bitPatterns(_ t: Tensor) -> [UInt64] { t.scalars.map(\.bitPattern) }

/// Values that must survive a round trip bit for bit.
private let specialValues: [Double] = [
    -0.0, 0.0, .infinity, -.infinity,
    .leastNonzeroMagnitude, -.leastNonzeroMagnitude,        // smallest subnormals
    Double(bitPattern: 0x000F_FFFF_FFFF_FFFF),               // largest subnormal
    .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
    .pi, 1.0 / 3.0, .ulpOfOne,
    Double(sign: .minus, exponentBitPattern: 0, significandBitPattern: 0x1_2345_6789),  // negative subnormal
]

private func makeTemporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("NPYTests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// Runs `python3 -c script args...`; returns the exit status and stdout+stderr.
private func runPython(_ script: String, _ arguments: [String] = []) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

private let numpyAvailable: Bool = {
    guard let result = try? runPython("import numpy") else { return false }
    return result.status == 0
}()

// MARK: - Tests

@Suite struct NPYTests {

    // MARK: Round trips

    @Test(arguments: [[14], [2, 7], [7, 1, 2], [1, 2, 7, 1]])
    func roundTripKeepsEveryBit(shape: [Int]) throws {
        let tensor = Tensor(shape: shape, scalars: specialValues)
        let bytes = tensor.npyBytes()
        let decoded = try Tensor(npy: bytes)
        #expect(decoded.shape == shape)
        #expect(bitPatterns(decoded) == bitPatterns(tensor))
        #expect((bytes.count - 8 * tensor.count) % 64 == 0)

        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/t.npy"
        try tensor.writeNPY(to: path)
        let fromFile = try Tensor(contentsOfNPY: path)
        #expect(fromFile.shape == shape)
        #expect(bitPatterns(fromFile) == bitPatterns(tensor))
    }

    @Test func roundTripNaNAndEmptyArrays() throws {
        let nan = try Tensor(npy: Tensor(vector: [.nan, 1, -.nan]).npyBytes())
        #expect(nan.scalars[0].isNaN && nan.scalars[2].isNaN && nan.scalars[1] == 1)
        for shape in [[0], [2, 0, 3], [0, 1, 1, 1]] {
            let empty = try Tensor(npy: Tensor(zeros: shape).npyBytes())
            #expect(empty.shape == shape)
            #expect(empty.scalars.isEmpty)
        }
    }

    // MARK: Writing

    @Test func headerMatchesNumPyLayout() throws {
        let cases: [([Int], String)] = [
            ([3], "(3,)"), ([2, 3], "(2, 3)"), ([2, 3, 4], "(2, 3, 4)"), ([1, 2, 3, 4], "(1, 2, 3, 4)"),
            ([123_456, 1], "(123456, 1)"),
        ]
        for (shape, tuple) in cases {
            let bytes = Tensor(zeros: shape).npyBytes()
            #expect(Array(bytes[0..<8]) == magic + [1, 0])
            let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            let total = 10 + headerLength
            #expect(total % 64 == 0)
            #expect(bytes.count == total + 8 * shape.reduce(1, *))
            let header = String(decoding: bytes[10..<total], as: UTF8.self)
            let expectedDict = "{'descr': '<f8', 'fortran_order': False, 'shape': \(tuple), }"
            #expect(header.hasPrefix(expectedDict))
            #expect(header.hasSuffix("\n"))
            #expect(header.dropFirst(expectedDict.count).dropLast().allSatisfy { $0 == " " })
        }
        // The smallest header is exactly what np.save writes for np.zeros(3).
        let expected = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"
            + String(repeating: " ", count: 128 - 10 - 57 - 1) + "\n"
        #expect(Array(Tensor(zeros: [3]).npyBytes().prefix(128)) == magic + [1, 0, 118, 0] + Array(expected.utf8))
    }

    @Test func hugeHeaderSwitchesToVersion2() throws {
        let longDict = NPYCodec.headerDict(shape: [2]) + String(repeating: " ", count: 70_000)
        let header = NPYCodec.headerBytes(dict: longDict)
        #expect(Array(header[0..<8]) == magic + [2, 0])
        let length = header[8..<12].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(12 + length == header.count)
        #expect(header.count % 64 == 0)
        #expect(header.last == 0x0A)
        let decoded = try Tensor(npy: header + f8Bytes([1.5, -2]))
        #expect(decoded == Tensor(vector: [1.5, -2]))

        let short = NPYCodec.headerBytes(dict: NPYCodec.headerDict(shape: [2]))
        #expect(Array(short[6..<8]) == [1, 0])
    }

    // MARK: Reading

    @Test func readsFloat32() throws {
        let values: [Float] = [1.5, -0.0, .infinity, .leastNonzeroMagnitude, 0.1, -3]
        let bytes = handMade(header: dict(descr: "'<f4'", shape: "(2, 3)"), data: f4Bytes(values))
        let tensor = try Tensor(npy: bytes)
        #expect(tensor.shape == [2, 3])
        #expect(bitPatterns(tensor) == values.map { Double($0).bitPattern })
    }

    @Test(arguments: [(UInt8(2), UInt8(0)), (3, 0)])
    func readsVersions2And3(major: UInt8, minor: UInt8) throws {
        var header = dict(shape: "(2, 2)")
        // Pad so that the data starts at a multiple of 64, like NumPy (not required).
        header = String(header.dropLast()) + String(repeating: " ", count: (64 - (12 + header.count) % 64) % 64) + "\n"
        let bytes = handMade(version: (major, minor), header: header, data: f8Bytes([1, 2, 3, -4]))
        #expect((bytes.count - 32) % 64 == 0)
        #expect(try Tensor(npy: bytes) == Tensor(matrix: [[1, 2], [3, -4]]))
    }

    @Test(arguments: [
        "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}",
        "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2, 3)}",
        "{'descr':'<f8','fortran_order':False,'shape':(2,3),}",
        "  {  'fortran_order' :\tFalse ,\n 'shape' : ( 2 , 3 , ) , 'descr' : \"<f8\" ,  }  \n",
        "{'fortran_order': False, 'descr': '<f8', 'shape': (2L, 3L), }\n",
        "{'descr': '<\\x66\\x38', 'fortran_order': False, 'shape': ((2), +3), }",
    ])
    func rejectsHeadersNumPyNeverWrites(header: String) throws {
        // Python would read these dicts; NumPy never writes them, so neither does anything
        // this reader should trust. Each is named at the character where it leaves NumPy's form.
        let error = #expect(throws: NPYError.self) { try Tensor(npy: handMade(header: header, data: f8Bytes([1, 2, 3, 4, 5, 6]))) }
        #expect(error?.kind == .malformedHeader)
        #expect(error?.description.contains("at character") == true, "\(String(describing: error))")
    }

    @Test func readsTheHeaderNumPyWritesForEachShape() throws {
        for (shape, tuple) in [([6], "(6,)"), ([2, 3], "(2, 3)"), ([1, 2, 3], "(1, 2, 3)"), ([1, 1, 2, 3], "(1, 1, 2, 3)")] {
            let tensor = try Tensor(npy: handMade(header: dict(shape: tuple), data: f8Bytes([1, 2, 3, 4, 5, 6])))
            #expect(tensor.shape == shape)
        }
    }

    @Test func acceptsEveryRankFrom1To4() throws {
        for (tuple, shape) in [("(6,)", [6]), ("(3, 2)", [3, 2]), ("(1, 3, 2)", [1, 3, 2]), ("(1, 2, 3, 1)", [1, 2, 3, 1])] {
            let tensor = try Tensor(npy: handMade(header: dict(shape: tuple), data: f8Bytes([1, 2, 3, 4, 5, 6])))
            #expect(tensor.shape == shape)
            #expect(tensor.scalars == [1, 2, 3, 4, 5, 6])
        }
    }

    // MARK: Errors

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var kind: NPYError.Kind
        var fragments: [String]
        var testDescription: String { name }
    }

    static let errorCases: [ErrorCase] = {
        let six = f8Bytes([1, 2, 3, 4, 5, 6])
        func header(_ text: String, data: [UInt8] = six) -> [UInt8] { handMade(header: text, data: data) }
        func malformed(_ name: String, _ text: String, _ fragments: [String]) -> ErrorCase {
            ErrorCase(name: name, bytes: header(text), kind: .malformedHeader, fragments: ["malformed header"] + fragments)
        }
        return [
            ErrorCase(name: "empty", bytes: [], kind: .notNPY, fragments: ["not an .npy file", "empty"]),
            ErrorCase(name: "zip magic", bytes: Array("PK\u{03}\u{04}rest".utf8), kind: .notNPY,
                      fragments: ["not an .npy file", "\\x93NUMPY", "0x50 0x4b 0x03 0x04"]),
            ErrorCase(name: "version 4.0", bytes: handMade(version: (4, 0), header: dict(shape: "(6,)"), data: six),
                      kind: .unsupportedVersion, fragments: ["unsupported .npy format version 4.0"]),
            ErrorCase(name: "version 1.1", bytes: magic + [1, 1, 0, 0], kind: .unsupportedVersion, fragments: ["version 1.1"]),
            ErrorCase(name: "magic only", bytes: magic, kind: .truncatedHeader, fragments: ["truncated header", "format version"]),
            ErrorCase(name: "cut in length", bytes: magic + [2, 0, 64, 0], kind: .truncatedHeader,
                      fragments: ["truncated header", "4-byte header length"]),
            ErrorCase(name: "cut in header", bytes: magic + [1, 0, 118, 0] + Array("{'descr': '<f8'".utf8), kind: .truncatedHeader,
                      fragments: ["truncated header", "118 bytes", "only 15"]),
            // The header must be the one form NumPy writes; anything else is named at its character.
            malformed("not a dict", "[1, 2]", ["expected \"{'descr': \" at character 1", "found \"[1, 2]"]),
            malformed("empty header", "   \n", ["expected \"{'descr': \" at character 1"]),
            malformed("missing colon", "{'descr' '<f8'}", ["expected \"{'descr': \" at character 9"]),
            malformed("double quotes", "{\"descr\": '<f8', 'fortran_order': False, 'shape': (2, 3), }      \n", ["at character 2"]),
            malformed("keys in another order", "{'fortran_order': False, 'descr': '<f8', 'shape': (2, 3), }      \n", ["at character 3"]),
            malformed("unterminated string", "{'descr': '<f8}\n", ["expected a closing quote"]),
            malformed("unterminated dict", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)", ["expected \", }\"", "found the end"]),
            malformed("no trailing comma", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}      \n", ["expected \", }\""]),
            malformed("missing comma", "{'descr': '<f8' 'fortran_order': False}", ["expected \", 'fortran_order': \""]),
            malformed("text after dict", dict(shape: "(2, 3)") + "x", ["expected nothing after the newline"]),
            malformed("no newline", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }      ", ["expected \"\\n\"", "found the end"]),
            malformed("lowercase false", dict(fortran: "false", shape: "(2, 3)"), ["expected True or False"]),
            malformed("fortran_order not bool", dict(fortran: "0", shape: "(2, 3)"), ["expected True or False", "found \"0,"]),
            malformed("shape not tuple", dict(shape: "(6)"), ["a shape of one axis is written (6,), not (6)"]),
            malformed("shape list", dict(shape: "[2, 3]"), ["expected \"(\""]),
            malformed("negative extent", dict(shape: "(2, -3)"), ["expected a non-negative integer", "found \"-3)"]),
            malformed("float extent", dict(shape: "(2.0, 3)"), ["expected \", \"", "found \".0, 3)"]),
            malformed("string extent", dict(shape: "('2', 3)"), ["expected a non-negative integer"]),
            malformed("huge extent", dict(shape: "(99999999999999999999999,)"), ["shape extent 99999999999999999999999 is too large"]),
            malformed("overflowing size", dict(shape: "(4294967296, 4294967296)"), ["too many elements"]),
            malformed("duplicate key", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'shape': (6,)}", ["expected \", }\" at character 59"]),
            malformed("extra key", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", ["expected \", }\" at character 59"]),
            ErrorCase(name: "version 3 invalid UTF-8",
                      bytes: handMade(version: (3, 0), headerBytes: Array("{'descr': '<f8', ".utf8) + [0xFF, 0xFE] + Array("}\n".utf8), data: six),
                      kind: .malformedHeader, fragments: ["not valid UTF-8"]),
            ErrorCase(name: "missing descr", bytes: header("{'fortran_order': False, 'shape': (2, 3)}"), kind: .malformedHeader,
                      fragments: ["expected \"{'descr': \" at character 3"]),
            ErrorCase(name: "missing fortran_order", bytes: header("{'descr': '<f8', 'shape': (2, 3)}"), kind: .malformedHeader,
                      fragments: ["expected \", 'fortran_order': \""]),
            ErrorCase(name: "missing shape", bytes: header("{'descr': '<f8', 'fortran_order': False}"), kind: .malformedHeader,
                      fragments: ["expected \", 'shape': \""]),
            ErrorCase(name: "Fortran order", bytes: header(dict(fortran: "True", shape: "(2, 3)")), kind: .fortranOrder,
                      fragments: ["Fortran-order arrays are not supported; save with np.ascontiguousarray"]),
            ErrorCase(name: "int64", bytes: header(dict(descr: "'<i8'", shape: "(2, 3)")), kind: .unsupportedDType,
                      fragments: ["unsupported dtype '<i8'", "only '<f8' (float64) and '<f4' (float32)"]),
            ErrorCase(name: "big-endian", bytes: header(dict(descr: "'>f8'", shape: "(2, 3)")), kind: .unsupportedDType,
                      fragments: ["unsupported dtype '>f8'", "big-endian"]),
            ErrorCase(name: "float16", bytes: header(dict(descr: "'<f2'", shape: "(2, 3)")), kind: .unsupportedDType,
                      fragments: ["unsupported dtype '<f2'"]),
            ErrorCase(name: "dtype name", bytes: header(dict(descr: "'float64'", shape: "(2, 3)")), kind: .unsupportedDType,
                      fragments: ["unsupported dtype 'float64'"]),
            ErrorCase(name: "structured", bytes: header(dict(descr: "[('a', '<f8')]", shape: "(2, 3)")), kind: .unsupportedDType,
                      fragments: ["unsupported dtype [('a', '<f8')]", "structured"]),
            ErrorCase(name: "0-d", bytes: header(dict(shape: "()"), data: f8Bytes([1])), kind: .unsupportedRank,
                      fragments: ["unsupported rank 0", "0-d arrays (shape ())"]),
            ErrorCase(name: "rank 5", bytes: header(dict(shape: "(1, 1, 1, 2, 3)")), kind: .unsupportedRank,
                      fragments: ["unsupported rank 5", "[1, 1, 1, 2, 3]", "rank 1 to 4"]),
            ErrorCase(name: "truncated f8", bytes: header(dict(shape: "(2, 3)"), data: Array(six.dropLast(8))), kind: .truncatedData,
                      fragments: ["expected 48 bytes of data for shape [2, 3] <f8, found 40"]),
            ErrorCase(name: "truncated f4", bytes: header(dict(descr: "'<f4'", shape: "(2, 3)"), data: f4Bytes([1, 2, 3, 4, 5])),
                      kind: .truncatedData, fragments: ["expected 24 bytes of data for shape [2, 3] <f4, found 20"]),
            ErrorCase(name: "trailing data", bytes: header(dict(shape: "(2, 3)"), data: six + [0, 0, 0]), kind: .trailingData,
                      fragments: ["trailing data", "expected 48 bytes of data for shape [2, 3] <f8, found 51",
                                  "3 unexpected bytes after the array data"]),
        ]
    }()

    @Test(arguments: errorCases)
    func rejectsWithSpecificMessage(_ errorCase: ErrorCase) {
        let error = #expect(throws: NPYError.self) { try Tensor(npy: errorCase.bytes) }
        guard let error else { return }
        #expect(error.kind == errorCase.kind, "\(error)")
        for fragment in errorCase.fragments {
            #expect(error.description.contains(fragment), "message \(error.description.debugDescription) should mention \(fragment.debugDescription)")
        }
        #expect(!error.description.contains("\n"), "message must be one line: \(error.description.debugDescription)")
    }

    // MARK: Files

    @Test func writeReplacesAtomicallyAndLeavesNoTemporaryFiles() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/weights.npy"
        try Tensor.ramp(shape: [2, 3]).writeNPY(to: path)
        try Tensor(vector: [7]).writeNPY(to: path)  // replaces the file
        #expect(try Tensor(contentsOfNPY: path) == Tensor(vector: [7]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["weights.npy"])
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(data) == Tensor(vector: [7]).npyBytes())
    }

    @Test func failedWriteLeavesNothingBehind() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }

        // Missing directory: the temporary file cannot even be created.
        let missing = directory + "/no-such-dir/out.npy"
        let error = #expect(throws: NPYError.self) { try Tensor(vector: [1]).writeNPY(to: missing) }
        #expect(error?.kind == .fileIO)
        #expect(error?.description.contains(missing) == true, "\(String(describing: error))")
        #expect(error?.description.contains("No such file or directory") == true, "\(String(describing: error))")

        // A non-empty directory in the way: the data is written, but the rename fails.
        let blocker = directory + "/blocked.npy"
        try FileManager.default.createDirectory(atPath: blocker + "/inside", withIntermediateDirectories: true)
        let renameError = #expect(throws: NPYError.self) { try Tensor(vector: [1]).writeNPY(to: blocker) }
        #expect(renameError?.kind == .fileIO)
        #expect(renameError?.description.contains("'\(blocker)'") == true, "\(String(describing: renameError))")
        #expect(renameError?.description.contains("renaming") == true, "\(String(describing: renameError))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["blocked.npy"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: blocker) == ["inside"])

        // A path ending in a slash names a directory.
        let slash = #expect(throws: NPYError.self) { try Tensor(vector: [1]).writeNPY(to: directory + "/") }
        #expect(slash?.description.contains("names a directory") == true)
    }

    @Test func readErrorsNameThePath() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let missing = directory + "/missing.npy"
        let openError = #expect(throws: NPYError.self) { try Tensor(contentsOfNPY: missing) }
        #expect(openError?.kind == .fileIO)
        #expect(openError?.description == "cannot open '\(missing)' for reading: No such file or directory")

        let readError = #expect(throws: NPYError.self) { try Tensor(contentsOfNPY: directory) }
        #expect(readError?.kind == .fileIO)
        #expect(readError?.description.contains("cannot read '\(directory)'") == true, "\(String(describing: readError))")

        let garbage = directory + "/garbage.npy"
        try Data("hello".utf8).write(to: URL(fileURLWithPath: garbage))
        let parseError = #expect(throws: NPYError.self) { try Tensor(contentsOfNPY: garbage) }
        #expect(parseError?.kind == .notNPY)
        #expect(parseError?.description.hasPrefix("'\(garbage)': not an .npy file") == true, "\(String(describing: parseError))")
    }

    // MARK: NumPy interoperability

    @Suite(.enabled(if: numpyAvailable, "python3 with NumPy is not available, so NumPy interoperability is not tested"))
    struct WithNumPy {
        @Test func swiftReadsWhatNumPyWrites() throws {
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let script = """
                import sys, numpy as np
                d = sys.argv[1]
                np.save(d + '/special.npy', np.array([-0.0, np.inf, -np.inf, 5e-324, 2.225073858507201e-308,
                                                      1.7976931348623157e308, 1/3, 0.1]))
                np.save(d + '/r2.npy', np.arange(6).reshape(2, 3) * 0.25 - 1)
                np.save(d + '/r3.npy', np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7)
                np.save(d + '/r4.npy', np.sqrt(np.arange(120.0)).reshape(2, 3, 4, 5))
                np.save(d + '/f4.npy', (np.arange(6, dtype=np.float32) / np.float32(3)).reshape(2, 3))
                np.save(d + '/empty.npy', np.zeros((0, 3)))
                np.save(d + '/fortran.npy', np.asfortranarray(np.arange(6.0).reshape(2, 3)))
                np.save(d + '/int.npy', np.arange(3, dtype='<i8'))
                np.save(d + '/scalar.npy', np.float64(1.5))
                for v in [(2, 0), (3, 0)]:
                    with open(d + '/v%d.npy' % v[0], 'wb') as f:
                        np.lib.format.write_array(f, np.arange(5.0) - 2, version=v)
                """
            let result = try runPython(script, [directory])
            try #require(result.status == 0, "python3 failed: \(result.output)")

            let special = try Tensor(contentsOfNPY: directory + "/special.npy")
            let expectedSpecial: [Double] = [-0.0, .infinity, -.infinity, .leastNonzeroMagnitude,
                                             Double(bitPattern: 0x000F_FFFF_FFFF_FFFF), .greatestFiniteMagnitude, 1.0 / 3.0, 0.1]
            #expect(bitPatterns(special) == expectedSpecial.map(\.bitPattern))
            #expect(try Tensor(contentsOfNPY: directory + "/r2.npy") == Tensor.ramp(shape: [2, 3], start: -1, step: 0.25))
            let r3 = try Tensor(contentsOfNPY: directory + "/r3.npy")
            #expect(r3.shape == [2, 3, 4] && r3.scalars == (0..<24).map { Double($0) / 7 })
            let r4 = try Tensor(contentsOfNPY: directory + "/r4.npy")
            #expect(r4.shape == [2, 3, 4, 5] && r4.scalars == (0..<120).map { Double($0).squareRoot() })
            let f4 = try Tensor(contentsOfNPY: directory + "/f4.npy")
            #expect(f4.shape == [2, 3] && f4.scalars == (0..<6).map { Double(Float($0) / 3) })
            #expect(try Tensor(contentsOfNPY: directory + "/empty.npy").shape == [0, 3])
            #expect(try Tensor(contentsOfNPY: directory + "/v2.npy") == Tensor(vector: [-2, -1, 0, 1, 2]))
            #expect(try Tensor(contentsOfNPY: directory + "/v3.npy") == Tensor(vector: [-2, -1, 0, 1, 2]))

            let fortran = #expect(throws: NPYError.self) { try Tensor(contentsOfNPY: directory + "/fortran.npy") }
            #expect(fortran?.kind == .fortranOrder)
            let int = #expect(throws: NPYError.self) { try Tensor(contentsOfNPY: directory + "/int.npy") }
            #expect(int?.description.contains("'<i8'") == true)
            let scalar = #expect(throws: NPYError.self) { try Tensor(contentsOfNPY: directory + "/scalar.npy") }
            #expect(scalar?.kind == .unsupportedRank)
        }

        @Test func numpyReadsWhatSwiftWrites() throws {
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try Tensor(vector: specialValues).writeNPY(to: directory + "/special.npy")
            try Tensor.ramp(shape: [2, 3], start: -1, step: 0.25).writeNPY(to: directory + "/r2.npy")
            try Tensor(shape: [2, 3, 4], scalars: (0..<24).map { Double($0) / 7 }).writeNPY(to: directory + "/r3.npy")
            try Tensor(shape: [2, 3, 4, 5], scalars: (0..<120).map { Double($0).squareRoot() }).writeNPY(to: directory + "/r4.npy")
            try Tensor(zeros: [0, 3]).writeNPY(to: directory + "/empty.npy")
            try Tensor(zeros: [1_234_567_890_123, 0]).writeNPY(to: directory + "/wide.npy")

            let specialLiterals = specialValues.map { value -> String in
                value.isInfinite ? (value < 0 ? "-np.inf" : "np.inf") : "float.fromhex('\(hexFloat(value))')"
            }
            let script = """
                import sys, io, numpy as np
                d = sys.argv[1]
                expected = {
                    'special': np.array([\(specialLiterals.joined(separator: ", "))]),
                    'r2': np.arange(6).reshape(2, 3) * 0.25 - 1,
                    'r3': np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7,
                    'r4': np.sqrt(np.arange(120.0)).reshape(2, 3, 4, 5),
                    'empty': np.zeros((0, 3)),
                    'wide': np.zeros((1234567890123, 0)),
                }
                failures = []
                for name, want in expected.items():
                    path = d + '/' + name + '.npy'
                    got = np.load(path)
                    if got.dtype != np.float64 or got.shape != want.shape:
                        failures.append(f'{name}: got {got.dtype} {got.shape}, want float64 {want.shape}')
                    elif not np.array_equal(got, want) or not np.array_equal(got.view(np.uint64), want.view(np.uint64)):
                        failures.append(f'{name}: values differ: {got!r} vs {want!r}')
                    buffer = io.BytesIO()
                    np.save(buffer, want)
                    with open(path, 'rb') as f:
                        ours = f.read()
                    if ours != buffer.getvalue():
                        failures.append(f'{name}: bytes differ from np.save: {ours[:128]!r} vs {buffer.getvalue()[:128]!r}')
                print('\\n'.join(failures))
                sys.exit(1 if failures else 0)
                """
            let result = try runPython(script, [directory])
            #expect(result.status == 0, "NumPy check failed:\n\(result.output)")
        }
    }
}

/// `float.hex()`-style text for a Double, so Python gets the exact bits.
private func hexFloat(_ value: Double) -> String {
    let sign = value.sign == .minus ? "-" : ""
    let magnitude = abs(value)
    if magnitude == 0 { return sign + "0x0p+0" }
    let bits = magnitude.bitPattern
    let exponentBits = Int(bits >> 52)
    let fraction = String(bits & 0x000F_FFFF_FFFF_FFFF, radix: 16)
    let paddedFraction = String(repeating: "0", count: 13 - fraction.count) + fraction
    if exponentBits == 0 {
        return sign + "0x0.\(paddedFraction)p-1022"
    }
    return sign + "0x1.\(paddedFraction)p\(exponentBits - 1023)"
}
