// Reading and writing NumPy `.npy` files.
//
// Format reference: numpy/lib/format.py (NEP 1). A file is
//
//     "\x93NUMPY" major minor header-length header data
//
// where header-length is a little-endian UInt16 for version 1.0 and a UInt32
// for 2.0 and 3.0, and the header is the dict NumPy writes, always in one
// form: `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }` padded
// with spaces and a final newline (Latin-1 for 1.0 and 2.0, UTF-8 for 3.0).
// The reader accepts that form and nothing wider.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ConvbookFormat
import ConvEngine

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
        /// The header is not in the form NumPy writes.
        case malformedHeader
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
    /// header must be in the one form NumPy writes,
    /// `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }` then spaces
    /// and a newline; anything else is a malformed header, named at its
    /// character.
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

    /// Where an array's data starts, its fields, and how many elements and
    /// bytes it has: everything the magic, version, header length and header
    /// say. `data` needs to hold only the bytes up to the end of the header.
    struct Layout {
        var fields: HeaderFields
        var dataStart: Int
        var count: Int
        var dataBytes: Int
    }

    /// The end of the header (where the data starts) as the first bytes say,
    /// or nil when they are too few, or not an `.npy` start ``layout(_:)``
    /// would accept.
    static func headerEnd(_ prefix: [UInt8]) -> Int? {
        guard prefix.count >= magic.count + 2, prefix.starts(with: magic) else { return nil }
        let lengthSize: Int
        switch (prefix[magic.count], prefix[magic.count + 1]) {
        case (1, 0): lengthSize = 2
        case (2, 0), (3, 0): lengthSize = 4
        default: return nil
        }
        let lengthOffset = magic.count + 2
        guard prefix.count >= lengthOffset + lengthSize else { return nil }
        var headerLength = 0
        for k in 0..<lengthSize { headerLength |= Int(prefix[lengthOffset + k]) << (8 * k) }
        return lengthOffset + lengthSize + headerLength
    }

    static func layout(_ data: [UInt8]) throws(NPYError) -> Layout {
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
        return Layout(fields: fields, dataStart: dataStart, count: count, dataBytes: expected)
    }

    /// Throws when `found` data bytes are not the `layout.dataBytes` the header asks for.
    static func checkDataSize(found: Int, _ layout: Layout) throws(NPYError) {
        let expected = layout.dataBytes
        let what = "expected \(expected) bytes of data for shape \(layout.fields.shape) \(layout.fields.dtype.rawValue), found \(found)"
        if found < expected {
            throw NPYError(.truncatedData, "truncated data: " + what)
        }
        if found > expected {
            throw NPYError(.trailingData, "trailing data: " + what + " (\(found - expected) unexpected bytes after the array data)")
        }
    }

    static func decode(_ data: [UInt8]) throws(NPYError) -> Tensor {
        let layout = try layout(data)
        try checkDataSize(found: data.count - layout.dataStart, layout)
        let (fields, dataStart, count) = (layout.fields, layout.dataStart, layout.count)
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

    /// Reads the header in the one form NumPy writes (`numpy.lib.format`:
    /// the keys sorted, each `'key': repr(value), `, then `}`), then spaces and
    /// a newline.
    static func parseHeader(_ header: String) throws(NPYError) -> HeaderFields {
        var reader = HeaderReader(text: Array(header.unicodeScalars))
        try reader.expect("{'descr': ")
        let descr = try reader.descr()
        try reader.expect(", 'fortran_order': ")
        let fortranOrder = try reader.boolean()
        try reader.expect(", 'shape': ")
        let shape = try reader.shape()
        try reader.expect(", }")
        try reader.padding()
        guard let dtype = DType(rawValue: descr) else {
            let note = descr.hasPrefix(">") ? " (big-endian)" : descr.hasPrefix("[") ? " (structured dtypes)" : ""
            let shown = descr.hasPrefix("[") ? descr : "'\(descr)'"
            throw NPYError(.unsupportedDType, "unsupported dtype \(shown)\(note): only '<f8' (float64) and '<f4' (float32) are supported")
        }
        return HeaderFields(dtype: dtype, fortranOrder: fortranOrder, shape: shape)
    }

    /// A cursor over the header's characters, for ``parseHeader(_:)``.
    struct HeaderReader {
        let text: [Unicode.Scalar]
        var at = 0

        /// `malformed header: expected 'X' at character N, found "…" in "…"`.
        func failure(_ expected: String) -> NPYError {
            let found = at < text.count ? "\"" + String(String.UnicodeScalarView(text[at..<min(at + 12, text.count)])).replacingNewlines() + "\"" : "the end"
            let whole = String(String.UnicodeScalarView(text)).trimmingTrailingSpaces()
            let shown = whole.count > 80 ? String(whole.prefix(77)) + "..." : whole
            return NPYError(.malformedHeader, "malformed header: expected \(expected.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\\n")) at character \(at + 1), found \(found), in \"\(shown.replacingNewlines())\" (NumPy writes {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), })")
        }

        mutating func expect(_ literal: String) throws(NPYError) {
            for scalar in literal.unicodeScalars {
                guard at < text.count, text[at] == scalar else { throw failure("\"\(literal)\"") }
                at += 1
            }
        }

        /// `'<f8'` (a quoted string), or a structured dtype's list, kept as written.
        mutating func descr() throws(NPYError) -> String {
            if at < text.count, text[at] == "[" {
                var depth = 0
                let start = at
                repeat {
                    if text[at] == "[" { depth += 1 } else if text[at] == "]" { depth -= 1 }
                    at += 1
                } while at < text.count && depth > 0
                guard depth == 0 else { throw failure("the end of the dtype list") }
                return String(String.UnicodeScalarView(text[start..<at]))
            }
            try expect("'")
            let start = at
            while at < text.count, text[at] != "'" { at += 1 }
            guard at < text.count else { throw failure("a closing quote") }
            defer { at += 1 }
            return String(String.UnicodeScalarView(text[start..<at]))
        }

        mutating func boolean() throws(NPYError) -> Bool {
            for (word, value) in [("True", true), ("False", false)] where text[at...].starts(with: word.unicodeScalars) {
                at += word.unicodeScalars.count
                return value
            }
            throw failure("True or False")
        }

        /// `()`, `(6,)` or `(2, 3)`.
        mutating func shape() throws(NPYError) -> [Int] {
            try expect("(")
            var extents = [Int]()
            while at < text.count, text[at] != ")" {
                let start = at
                while at < text.count, ("0"..."9").contains(text[at]) { at += 1 }
                guard at > start else { throw failure("a non-negative integer") }
                let digits = String(String.UnicodeScalarView(text[start..<at]))
                guard let extent = Int(digits) else {
                    throw NPYError(.malformedHeader, "malformed header: shape extent \(digits) is too large")
                }
                extents.append(extent)
                if extents.count == 1, at < text.count, text[at] == ",", at + 1 < text.count, text[at + 1] == ")" {
                    at += 1   // the 1-tuple's comma: (6,)
                } else if at < text.count, text[at] != ")" {
                    try expect(", ")
                }
            }
            try expect(")")
            if extents.count == 1, text[at - 2] != "," { throw NPYError(.malformedHeader, "malformed header: a shape of one axis is written (\(extents[0]),), not (\(extents[0]))") }
            return extents
        }

        /// Spaces to the end, and a final newline.
        mutating func padding() throws(NPYError) {
            while at < text.count, text[at] == " " { at += 1 }
            try expect("\n")
            guard at == text.count else { throw failure("nothing after the newline") }
        }
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }
}

// MARK: - Files

enum NPYFile {
    private static func systemError() -> String {
        String(cString: strerror(errno))
    }

    /// The largest header read from a file (NumPy writes a few hundred bytes;
    /// its own `np.load` refuses more than 10,000 by default).
    static let maxHeaderBytes = 1 << 20

    /// The whole file, read only when it is a regular file whose size is the
    /// one its header asks for: a FIFO, a device such as `/dev/zero`, a
    /// socket or a folder is refused at once (it is opened without blocking,
    /// so a FIFO with no writer does not hang), and a file whose size
    /// disagrees with its header is refused before its data is read.
    static func readAll(path: String) throws(NPYError) -> [UInt8] {
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            throw NPYError(.fileIO, "cannot open '\(path)' for reading: \(systemError())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw NPYError(.fileIO, "cannot read '\(path)': \(systemError())")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw NPYError(.fileIO, "cannot read '\(path)': it is \(kind(info.st_mode)), not a regular file (.npy files are read from regular files only)")
        }
        let size = Int(info.st_size)
        // The magic, version and header length; then the header; then, if the
        // size is the one the header asks for, the data.
        var bytes = try readBytes(fd, path, count: min(size, NPYCodec.magic.count + 2 + 4))
        if let headerEnd = NPYCodec.headerEnd(bytes) {
            guard headerEnd - bytes.count <= maxHeaderBytes else {
                throw NPYError(.malformedHeader, "'\(path)': malformed header: its length field says \(headerEnd - bytes.count) bytes, more than the \(maxHeaderBytes) read")
            }
            guard headerEnd <= size else {
                throw NPYError(.truncatedHeader, "'\(path)': truncated header: the header ends at byte \(headerEnd), but the file has \(size) bytes")
            }
            bytes += try readBytes(fd, path, count: headerEnd - bytes.count)
            do {
                try NPYCodec.checkDataSize(found: size - headerEnd, try NPYCodec.layout(bytes))
            } catch {
                throw error.prefixed(withPath: path)
            }
        }
        bytes += try readBytes(fd, path, count: size - bytes.count)
        return bytes
    }

    /// Up to `count` bytes (fewer only at the end of the file).
    private static func readBytes(_ fd: Int32, _ path: String, count: Int) throws(NPYError) -> [UInt8] {
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, min(count - filled, 1 << 24)) }
            if n > 0 {
                filled += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                throw NPYError(.fileIO, "cannot read '\(path)': \(systemError())")
            }
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(NPYError) {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw NPYError(.fileIO, error.message)
        }
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " || text.last == "\n" { text.removeLast() }
        return text
    }

    func replacingNewlines() -> String {
        String(unicodeScalars.map { $0 == "\n" ? "⏎" : Character($0) })
    }
}
