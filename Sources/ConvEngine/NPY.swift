// Reading and writing NumPy `.npy` files.
//
// Format reference: numpy/lib/format.py (NEP 1). A file is
//
//     "\x93NUMPY" major minor header-length header data
//
// where header-length is a little-endian UInt16 for version 1.0 and a UInt32
// for 2.0 and 3.0, and the header is a Python dict literal such as
// `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }` padded with
// spaces and a final newline (Latin-1 for 1.0 and 2.0, UTF-8 for 3.0).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Errors

/// Why an `.npy` file or byte buffer could not be read or written.
///
/// Every error carries a one-line ``message`` naming the specific problem, and a
/// ``kind`` for code that wants to react to a category of failure:
///
/// ```swift
/// do {
///     let t = try Tensor(contentsOfNPY: "weights.npy")
/// } catch let error as NPYError where error.kind == .unsupportedDType {
///     // e.g. "unsupported dtype '<i8': only '<f8' (float64) and '<f4' (float32) are supported"
/// }
/// ```
public struct NPYError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The category of an ``NPYError``.
    public enum Kind: Equatable, Sendable {
        /// The data does not start with the `\x93NUMPY` magic string.
        case notNPY
        /// A format version other than 1.0, 2.0 or 3.0.
        case unsupportedVersion
        /// The data ends inside the magic, version, header length or header.
        case truncatedHeader
        /// The header is not a valid dict literal with valid values.
        case malformedHeader
        /// One of `'descr'`, `'fortran_order'`, `'shape'` is absent.
        case missingKey
        /// `'fortran_order': True`.
        case fortranOrder
        /// A dtype other than `'<f8'` or `'<f4'`.
        case unsupportedDType
        /// A shape whose rank is not 1 to 4 (including 0-d arrays).
        case unsupportedRank
        /// Fewer data bytes than the shape and dtype need.
        case truncatedData
        /// More data bytes than the shape and dtype need.
        case trailingData
        /// Opening, reading, writing or renaming a file failed.
        case fileIO
    }

    /// The category of the failure.
    public let kind: Kind
    /// A one-line, human-readable explanation.
    public let message: String

    /// Creates an error of the given kind.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The ``message``.
    public var description: String { message }

    /// The same error with `path` prefixed to the message.
    func prefixed(withPath path: String) -> NPYError {
        NPYError(kind, "'\(path)': \(message)")
    }
}

// MARK: - Tensor API

extension Tensor {
    /// Decodes a NumPy `.npy` file held in memory.
    ///
    /// Accepts format versions 1.0, 2.0 and 3.0, dtypes `'<f8'` (float64) and
    /// `'<f4'` (float32, widened exactly to `Double`), C order, rank 1 to 4. The
    /// header dict may list its keys in any order, use single or double quotes,
    /// any whitespace and an optional trailing comma.
    ///
    /// A 0-d array (shape `()`) is rejected with ``NPYError/Kind/unsupportedRank``
    /// rather than silently reshaped to `[1]`, because `Tensor` has no rank 0;
    /// save such values with `np.atleast_1d`. Extra bytes after the array data are
    /// an error too (``NPYError/Kind/trailingData``).
    ///
    /// ```swift
    /// let t = try Tensor(npy: Tensor(vector: [1, 2, 3]).npyBytes())
    /// t.shape   // [3]
    /// ```
    ///
    /// - Throws: ``NPYError`` describing the first problem found.
    public init(npy data: [UInt8]) throws {
        self = try NPYCodec.decode(data)
    }

    /// Encodes the tensor as a NumPy `.npy` file: dtype `'<f8'`, C order.
    ///
    /// The header is byte-for-byte what `np.save` writes for the same float64
    /// array: format version 1.0 (2.0 only if the header would not fit in 65535
    /// bytes), `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`, padded
    /// with spaces and ended by `\n` so that the data starts at a multiple of 64.
    ///
    /// ```swift
    /// let bytes = Tensor(matrix: [[1, 2, 3], [4, 5, 6]]).npyBytes()
    /// bytes.count   // 128 header bytes + 6 × 8 data bytes = 176
    /// ```
    public func npyBytes() -> [UInt8] {
        NPYCodec.encode(self)
    }

    /// Reads a NumPy `.npy` file (see ``init(npy:)`` for what is accepted).
    ///
    /// ```swift
    /// let weights = try Tensor(contentsOfNPY: "/tmp/weights.npy")
    /// ```
    ///
    /// - Throws: ``NPYError``; I/O failures have kind ``NPYError/Kind/fileIO``, and
    ///   every message starts with the path.
    public init(contentsOfNPY path: String) throws {
        let bytes = try NPYFile.readAll(path: path)
        do {
            self = try NPYCodec.decode(bytes)
        } catch {
            throw error.prefixed(withPath: path)
        }
    }

    /// Writes the tensor to `path` as a NumPy `.npy` file (see ``npyBytes()``),
    /// replacing any existing file.
    ///
    /// The write is atomic: the bytes go to a temporary file in the same
    /// directory, which is flushed to disk and then renamed over `path`, so a
    /// failed write never leaves a half-written file. The new file gets the
    /// default permissions (0666 minus the umask).
    ///
    /// ```swift
    /// try Tensor.ramp(shape: [2, 3]).writeNPY(to: "/tmp/ramp.npy")
    /// // python3 -c "import numpy as np; print(np.load('/tmp/ramp.npy'))"
    /// ```
    ///
    /// - Throws: ``NPYError`` of kind ``NPYError/Kind/fileIO`` whose message
    ///   names the path and the system error.
    public func writeNPY(to path: String) throws {
        try NPYFile.writeAtomically(npyBytes(), to: path)
    }
}

// MARK: - Codec

enum NPYCodec {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"
    /// NumPy aligns the start of the data to this many bytes.
    static let alignment = 64
    /// NumPy leaves room for the first axis to grow to this many digits.
    static let growthAxisMaxDigits = 21

    enum DType: String {
        case float64 = "<f8"
        case float32 = "<f4"
        var size: Int { self == .float64 ? 8 : 4 }
    }

    // MARK: Encoding

    static func encode(_ tensor: Tensor) -> [UInt8] {
        var bytes = headerBytes(dict: headerDict(shape: tensor.shape))
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 8 * tensor.scalars.count))
        bytes.withUnsafeMutableBytes { buffer in
            for (i, value) in tensor.scalars.enumerated() {
                buffer.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: start + 8 * i, as: UInt64.self)
            }
        }
        return bytes
    }

    /// The dict text NumPy writes for a C-order float64 array, including its
    /// spare spaces for growing the first axis.
    static func headerDict(shape: [Int]) -> String {
        var dict = "{'descr': '<f8', 'fortran_order': False, 'shape': \(pythonTuple(shape)), }"
        if let first = shape.first {
            dict += String(repeating: " ", count: max(0, growthAxisMaxDigits - String(first).count))
        }
        return dict
    }

    /// Python's `repr` of a tuple of ints: `()`, `(3,)`, `(2, 3)`.
    static func pythonTuple(_ values: [Int]) -> String {
        values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
    }

    /// Magic, version, header length and the space- and newline-padded dict, as
    /// NumPy's `_wrap_header`: version 1.0 unless the header needs more than
    /// 65535 bytes, then 2.0.
    static func headerBytes(dict: String) -> [UInt8] {
        let text = Array(dict.utf8)
        let unpadded = text.count + 1  // + "\n"
        var padding = alignment - (magic.count + 2 + 2 + unpadded) % alignment
        var headerLength = unpadded + padding
        var bytes = magic
        if headerLength <= Int(UInt16.max) {
            bytes += [1, 0]
            withUnsafeBytes(of: UInt16(headerLength).littleEndian) { bytes += $0 }
        } else {
            padding = alignment - (magic.count + 2 + 4 + unpadded) % alignment
            headerLength = unpadded + padding
            bytes += [2, 0]
            withUnsafeBytes(of: UInt32(headerLength).littleEndian) { bytes += $0 }
        }
        bytes += text
        bytes += repeatElement(0x20, count: padding)
        bytes.append(0x0A)
        return bytes
    }

    // MARK: Decoding

    static func decode(_ data: [UInt8]) throws(NPYError) -> Tensor {
        if data.isEmpty {
            throw NPYError(.notNPY, "not an .npy file: the data is empty")
        }
        let prefix = data.prefix(magic.count)
        guard prefix.elementsEqual(magic.prefix(prefix.count)) else {
            let shown = prefix.map { hex($0) }.joined(separator: " ")
            throw NPYError(.notNPY, "not an .npy file: expected the magic string \\x93NUMPY, found bytes \(shown)")
        }
        guard data.count >= magic.count + 2 else {
            throw NPYError(.truncatedHeader,
                           "truncated header: the data ends after \(data.count) bytes, before the format version")
        }
        let major = data[magic.count], minor = data[magic.count + 1]
        let lengthSize: Int
        switch (major, minor) {
        case (1, 0): lengthSize = 2
        case (2, 0), (3, 0): lengthSize = 4
        default:
            throw NPYError(.unsupportedVersion,
                           "unsupported .npy format version \(major).\(minor); supported versions are 1.0, 2.0 and 3.0")
        }
        let lengthOffset = magic.count + 2
        guard data.count >= lengthOffset + lengthSize else {
            throw NPYError(.truncatedHeader,
                           "truncated header: the data ends after \(data.count) bytes, inside the \(lengthSize)-byte header length")
        }
        var headerLength = 0
        for k in 0..<lengthSize { headerLength |= Int(data[lengthOffset + k]) << (8 * k) }
        let headerStart = lengthOffset + lengthSize
        let dataStart = headerStart + headerLength
        guard data.count >= dataStart else {
            throw NPYError(.truncatedHeader,
                           "truncated header: the header length field says \(headerLength) bytes, but only \(data.count - headerStart) follow it")
        }
        let headerBytes = data[headerStart..<dataStart]
        let header: String
        if major == 3 {
            // Decoding repairs invalid UTF-8, so a faithful round trip means it was valid.
            // (String(validating:as:) would need macOS 15.)
            let decoded = String(decoding: headerBytes, as: UTF8.self)
            guard decoded.utf8.elementsEqual(headerBytes) else {
                throw NPYError(.malformedHeader, "malformed header: a version 3.0 header must be UTF-8, but it is not valid UTF-8")
            }
            header = decoded
        } else {
            // Latin-1: every byte is the Unicode scalar of the same value.
            header = String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))
        }

        let fields = try parseHeader(header)
        if fields.fortranOrder {
            throw NPYError(.fortranOrder, "Fortran-order arrays are not supported; save with np.ascontiguousarray")
        }
        guard (1...4).contains(fields.shape.count) else {
            if fields.shape.isEmpty {
                throw NPYError(.unsupportedRank,
                               "unsupported rank 0: 0-d arrays (shape ()) are not supported because Tensor needs rank 1 to 4; save with np.atleast_1d")
            }
            throw NPYError(.unsupportedRank,
                           "unsupported rank \(fields.shape.count) (shape \(fields.shape)): Tensor supports rank 1 to 4")
        }
        var count = 1
        for extent in fields.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else {
                throw NPYError(.malformedHeader, "malformed header: shape \(fields.shape) has too many elements")
            }
            count = product
        }
        let (expected, overflow) = count.multipliedReportingOverflow(by: fields.dtype.size)
        guard !overflow else {
            throw NPYError(.malformedHeader, "malformed header: shape \(fields.shape) has too many elements")
        }
        let found = data.count - dataStart
        let what = "expected \(expected) bytes of data for shape \(fields.shape) \(fields.dtype.rawValue), found \(found)"
        if found < expected {
            throw NPYError(.truncatedData, "truncated data: " + what)
        }
        if found > expected {
            throw NPYError(.trailingData, "trailing data: " + what + " (\(found - expected) unexpected bytes after the array data)")
        }

        let scalars = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            data.withUnsafeBytes { raw in
                switch fields.dtype {
                case .float64:
                    for i in 0..<count {
                        let bits = raw.loadUnaligned(fromByteOffset: dataStart + 8 * i, as: UInt64.self)
                        buffer[i] = Double(bitPattern: UInt64(littleEndian: bits))
                    }
                case .float32:
                    for i in 0..<count {
                        let bits = raw.loadUnaligned(fromByteOffset: dataStart + 4 * i, as: UInt32.self)
                        buffer[i] = Double(Float(bitPattern: UInt32(littleEndian: bits)))
                    }
                }
            }
            initialized = count
        }
        return Tensor(shape: fields.shape, scalars: scalars)
    }

    struct HeaderFields {
        var dtype: DType
        var fortranOrder: Bool
        var shape: [Int]
    }

    /// Parses and validates the header dict.
    static func parseHeader(_ header: String) throws(NPYError) -> HeaderFields {
        var parser = PyLiteralParser(header)
        let value = try parser.parseTopLevel()
        guard case .dict(let entries) = value else {
            throw NPYError(.malformedHeader, "malformed header: expected a dict literal {...}, found \(value.repr)")
        }
        let expectedKeys = ["descr", "fortran_order", "shape"]
        var values: [String: PyLiteral] = [:]
        for entry in entries {
            let key = entry.key
            guard case .string(let name) = key else {
                throw NPYError(.malformedHeader, "malformed header: dict key \(key.repr) is not a string")
            }
            guard expectedKeys.contains(name) else {
                throw NPYError(.malformedHeader,
                               "malformed header: unexpected key \(PyLiteral.string(name).repr); the header must have exactly 'descr', 'fortran_order' and 'shape'")
            }
            guard values[name] == nil else {
                throw NPYError(.malformedHeader, "malformed header: duplicate key '\(name)'")
            }
            values[name] = entry.value
        }
        for name in expectedKeys where values[name] == nil {
            throw NPYError(.missingKey, "missing key: the header has no '\(name)' key (it must have 'descr', 'fortran_order' and 'shape')")
        }

        guard case .tuple(let items) = values["shape"]! else {
            throw NPYError(.malformedHeader,
                           "malformed header: 'shape' must be a tuple of integers such as (3,) or (2, 3), found \(values["shape"]!.repr)")
        }
        var shape: [Int] = []
        for item in items {
            guard case .integer(let digits) = item else {
                throw NPYError(.malformedHeader, "malformed header: shape entry \(item.repr) is not an integer")
            }
            guard let extent = Int(digits) else {
                throw NPYError(.malformedHeader, "malformed header: shape extent \(digits) is too large")
            }
            guard extent >= 0 else {
                throw NPYError(.malformedHeader, "malformed header: shape extent \(extent) is negative")
            }
            shape.append(extent)
        }

        guard case .boolean(let fortranOrder) = values["fortran_order"]! else {
            throw NPYError(.malformedHeader,
                           "malformed header: 'fortran_order' must be True or False, found \(values["fortran_order"]!.repr)")
        }

        let descr = values["descr"]!
        guard case .string(let name) = descr, let dtype = DType(rawValue: name) else {
            var note = ""
            if case .string(let name) = descr {
                if name.hasPrefix(">") { note = " (big-endian)" }
            } else if case .list = descr {
                note = " (structured dtypes)"
            }
            throw NPYError(.unsupportedDType,
                           "unsupported dtype \(descr.repr)\(note): only '<f8' (float64) and '<f4' (float32) are supported")
        }
        return HeaderFields(dtype: dtype, fortranOrder: fortranOrder, shape: shape)
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }
}

// MARK: - Python literal parser

/// The subset of Python literals that can appear in an `.npy` header.
indirect enum PyLiteral: Equatable {
    case string(String)
    /// Decimal digits with an optional leading `-`.
    case integer(String)
    case boolean(Bool)
    case none
    case tuple([PyLiteral])
    case list([PyLiteral])
    case dict([DictEntry])

    struct DictEntry: Equatable {
        var key: PyLiteral
        var value: PyLiteral
    }

    /// Python's `repr`, for messages.
    var repr: String {
        switch self {
        case .string(let s):
            // Like Python: single quotes unless the text has ' but no ".
            let quote: Unicode.Scalar = s.contains("'") && !s.contains("\"") ? "\"" : "'"
            var out = String(quote)
            for scalar in s.unicodeScalars {
                switch scalar {
                case quote: out += "\\" + String(quote)
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                default:
                    if scalar.value < 0x20 || scalar.value == 0x7F {
                        out += "\\x" + String(NPYCodec.hex(UInt8(scalar.value)).dropFirst(2))
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + String(quote)
        case .integer(let digits): return digits
        case .boolean(let b): return b ? "True" : "False"
        case .none: return "None"
        case .tuple(let items):
            return items.count == 1 ? "(\(items[0].repr),)" : "(" + items.map(\.repr).joined(separator: ", ") + ")"
        case .list(let items): return "[" + items.map(\.repr).joined(separator: ", ") + "]"
        case .dict(let entries): return "{" + entries.map { "\($0.key.repr): \($0.value.repr)" }.joined(separator: ", ") + "}"
        }
    }
}

extension PyLiteral.DictEntry {
    init(_ key: PyLiteral, _ value: PyLiteral) {
        self.key = key
        self.value = value
    }
}

/// A recursive-descent parser for Python literals: strings (single or double
/// quotes, common escapes), integers (optional sign, Python 2 `L` suffix),
/// `True`/`False`/`None`, tuples, lists and dicts, with trailing commas and any
/// whitespace between tokens.
struct PyLiteralParser {
    private let text: [Unicode.Scalar]
    private let original: String
    private var position = 0
    private static let maxDepth = 32

    init(_ text: String) {
        self.original = text
        self.text = Array(text.unicodeScalars)
    }

    /// Parses one literal followed only by whitespace (NumPy pads with spaces and `\n`).
    mutating func parseTopLevel() throws(NPYError) -> PyLiteral {
        skipWhitespace()
        if position == text.count {
            throw NPYError(.malformedHeader, "malformed header: the header is empty")
        }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if position < text.count {
            throw failure("unexpected text after the dict")
        }
        return value
    }

    private func failure(_ what: String) -> NPYError {
        NPYError(.malformedHeader, "malformed header: \(what) at character \(position) of \(excerpt())")
    }

    /// The header as a one-line quoted string, shortened if long.
    private func excerpt() -> String {
        let limit = 120
        var trimmed = original
        while let last = trimmed.unicodeScalars.last, last == " " || last == "\n" {
            trimmed.unicodeScalars.removeLast()
        }
        var shown = PyLiteral.string(String(String.UnicodeScalarView(trimmed.unicodeScalars.prefix(limit)))).repr
        if trimmed.unicodeScalars.count > limit { shown += "..." }
        return shown
    }

    private var current: Unicode.Scalar? { position < text.count ? text[position] : nil }

    private mutating func skipWhitespace() {
        while let c = current, c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" {
            position += 1
        }
    }

    private func describeCurrent() -> String {
        guard let c = current else { return "the end of the header" }
        return PyLiteral.string(String(c)).repr
    }

    private mutating func parseValue(depth: Int) throws(NPYError) -> PyLiteral {
        guard depth < Self.maxDepth else { throw failure("literal nested too deeply") }
        skipWhitespace()
        guard let c = current else { throw failure("expected a value but the header ended") }
        switch c {
        case "'", "\"":
            return .string(try parseString())
        case "{":
            return try parseDict(depth: depth)
        case "(":
            return try parseParenthesized(depth: depth)
        case "[":
            position += 1
            return .list(try parseItems(until: "]", depth: depth))
        case "-", "+", "0"..."9":
            return .integer(try parseInteger())
        case "a"..."z", "A"..."Z", "_":
            let start = position
            while let c = current, c.properties.isAlphabetic || c == "_" || ("0"..."9").contains(c) {
                position += 1
            }
            let name = String(String.UnicodeScalarView(text[start..<position]))
            switch name {
            case "True": return .boolean(true)
            case "False": return .boolean(false)
            case "None": return .none
            default:
                position = start
                throw failure("unexpected name '\(name)' (expected a string, number, True, False, tuple or dict)")
            }
        default:
            throw failure("expected a value, found \(describeCurrent())")
        }
    }

    private mutating func parseString() throws(NPYError) -> String {
        let quote = text[position]
        let start = position
        position += 1
        var result = String.UnicodeScalarView()
        while true {
            guard let c = current, c != "\n" else {
                position = start
                throw failure("unterminated string")
            }
            position += 1
            if c == quote { return String(result) }
            guard c == "\\" else {
                result.append(c)
                continue
            }
            guard let e = current else { continue }  // reported as unterminated on the next pass
            position += 1
            switch e {
            case "\\", "'", "\"": result.append(e)
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "r": result.append("\r")
            case "0": result.append("\0")
            case "\n": break  // line continuation
            case "x":
                guard position + 2 <= text.count,
                      let value = UInt8(String(String.UnicodeScalarView(text[position..<position + 2])), radix: 16)
                else { throw failure("invalid \\x escape in string") }
                position += 2
                result.append(Unicode.Scalar(value))
            default:
                // Python keeps unknown escapes as they are.
                result.append("\\")
                result.append(e)
            }
        }
    }

    private mutating func parseInteger() throws(NPYError) -> String {
        var negative = false
        while let c = current, c == "-" || c == "+" {
            if c == "-" { negative.toggle() }
            position += 1
            skipWhitespace()
        }
        let start = position
        while let c = current, ("0"..."9").contains(c) { position += 1 }
        guard position > start else { throw failure("expected digits after the sign") }
        var digits = String(String.UnicodeScalarView(text[start..<position]))
        if let c = current, c == "L" || c == "l" {
            position += 1  // Python 2 long suffix
        } else if let c = current, c == "." || c == "e" || c == "E" || c == "j" || c == "J" || c == "x" || c == "_" {
            throw failure("unsupported number literal (only decimal integers are allowed)")
        }
        while digits.count > 1 && digits.hasPrefix("0") { digits.removeFirst() }
        return negative && digits != "0" ? "-" + digits : digits
    }

    /// `(...)`: an empty tuple, a tuple (any comma), or a parenthesized value.
    private mutating func parseParenthesized(depth: Int) throws(NPYError) -> PyLiteral {
        position += 1
        skipWhitespace()
        if current == ")" {
            position += 1
            return .tuple([])
        }
        let first = try parseValue(depth: depth + 1)
        skipWhitespace()
        if current == ")" {
            position += 1
            return first  // (3) is just 3 in Python
        }
        guard current == "," else { throw failure("expected ',' or ')' in tuple, found \(describeCurrent())") }
        position += 1
        return .tuple([first] + (try parseItems(until: ")", depth: depth)))
    }

    /// Comma-separated values up to `close`, allowing a trailing comma.
    private mutating func parseItems(until close: Unicode.Scalar, depth: Int) throws(NPYError) -> [PyLiteral] {
        var items: [PyLiteral] = []
        while true {
            skipWhitespace()
            if current == close {
                position += 1
                return items
            }
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if current == "," {
                position += 1
            } else if current != close {
                throw failure("expected ',' or '\(close)', found \(describeCurrent())")
            }
        }
    }

    private mutating func parseDict(depth: Int) throws(NPYError) -> PyLiteral {
        position += 1
        var entries: [PyLiteral.DictEntry] = []
        while true {
            skipWhitespace()
            if current == "}" {
                position += 1
                return .dict(entries)
            }
            if current == nil { throw failure("unterminated dict (missing '}')") }
            let key = try parseValue(depth: depth + 1)
            skipWhitespace()
            guard current == ":" else {
                throw failure("expected ':' after key \(key.repr), found \(describeCurrent())")
            }
            position += 1
            let value = try parseValue(depth: depth + 1)
            entries.append(PyLiteral.DictEntry(key, value))
            skipWhitespace()
            if current == "," {
                position += 1
            } else if current == nil {
                throw failure("unterminated dict (missing '}')")
            } else if current != "}" {
                throw failure("expected ',' or '}' after the value of \(key.repr), found \(describeCurrent())")
            }
        }
    }
}

// MARK: - Files

enum NPYFile {
    private static func systemError() -> String {
        String(cString: strerror(errno))
    }

    static func readAll(path: String) throws(NPYError) -> [UInt8] {
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            throw NPYError(.fileIO, "cannot open '\(path)' for reading: \(systemError())")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes.append(contentsOf: chunk[0..<n])
            } else if n == 0 {
                return bytes
            } else if errno != EINTR {
                throw NPYError(.fileIO, "cannot read '\(path)': \(systemError())")
            }
        }
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(NPYError) {
        let slash = path.lastIndex(of: "/")
        let directoryPrefix = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let directory = directoryPrefix.isEmpty ? "." : directoryPrefix
        guard !name.isEmpty, name != ".", name != ".." else {
            throw NPYError(.fileIO, "cannot write '\(path)': the path names a directory, not a file")
        }

        // A fresh file next to the destination, so that rename(2) is atomic.
        var temporary = ""
        var fd: Int32 = -1
        for _ in 0..<16 {
            let suffix = String(UInt64.random(in: .min ... .max), radix: 16)
            temporary = directoryPrefix + "." + String(name.prefix(100)) + ".tmp-" + suffix
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 || (errno != EEXIST && errno != EINTR) { break }
        }
        guard fd >= 0 else {
            throw NPYError(.fileIO, "cannot write '\(path)': cannot create a temporary file in '\(directory)': \(systemError())")
        }

        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    failure = "cannot write '\(path)': writing the temporary file failed: \(n < 0 ? systemError() : "no progress")"
                    return
                }
            }
        }
        if failure == nil && fsync(fd) != 0 {
            failure = "cannot write '\(path)': flushing the temporary file failed: \(systemError())"
        }
        if close(fd) != 0 && failure == nil {
            failure = "cannot write '\(path)': closing the temporary file failed: \(systemError())"
        }
        if failure == nil && rename(temporary, path) != 0 {
            failure = "cannot write '\(path)': renaming the temporary file into place failed: \(systemError())"
        }
        if let failure {
            unlink(temporary)
            throw NPYError(.fileIO, failure)
        }
    }
}
