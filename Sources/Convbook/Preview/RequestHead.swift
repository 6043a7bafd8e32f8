import FlyingFox
import Foundation

/// The request line and header fields of one HTTP/1.x request, as
/// ``RequestHeadReader`` found them.
struct RequestHead: Equatable {
    var method: String
    /// The request target as sent (percent-encoded, with its query).
    var target: String
    var version: String
    var fields: [Field]

    struct Field: Equatable {
        var name: String
        var value: String
    }

    /// Parses a head: its lines, each ending in LF or CR LF, up to and with the
    /// blank line. Nil when it is not an HTTP/1.0 or 1.1 request head (a line
    /// folded onto the next, a field name with spaces, a control character,
    /// a second `Host` or `Content-Length`).
    init?(_ bytes: ArraySlice<UInt8>) {
        var lines = bytes.split(separator: Self.lf, omittingEmptySubsequences: false).map { line in
            line.last == Self.cr ? line.dropLast() : line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first else { return nil }
        let parts = requestLine.split(separator: Self.space, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(Self.isTokenByte),
              !parts[1].isEmpty, parts[1].allSatisfy({ (0x21...0x7E).contains($0) }),
              parts[2].elementsEqual("HTTP/1.1".utf8) || parts[2].elementsEqual("HTTP/1.0".utf8) else { return nil }
        method = String(decoding: parts[0], as: UTF8.self)
        target = String(decoding: parts[1], as: UTF8.self)
        version = String(decoding: parts[2], as: UTF8.self)
        fields = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: Self.colon) else { return nil }
            let name = line[..<colon]
            var value = line[(colon + 1)...]
            while let first = value.first, first == Self.space || first == Self.tab { value = value.dropFirst() }
            while let last = value.last, last == Self.space || last == Self.tab { value = value.dropLast() }
            guard !name.isEmpty, name.allSatisfy(Self.isTokenByte),
                  value.allSatisfy({ $0 == Self.tab || $0 >= 0x20 && $0 != 0x7F }) else { return nil }
            fields.append(Field(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
        }
        // One Host (RFC 9112 3.2: more is a 400) and one Content-Length: a second
        // one would leave which is meant to whoever reads the request next.
        for unique in ["Host", "Content-Length"] {
            guard fields.lazy.filter({ $0.name.caseInsensitiveCompare(unique) == .orderedSame }).count <= 1 else { return nil }
        }
    }

    /// The first value of the field `name` (compared without case).
    func value(of name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Whether the connection stays open after the response: HTTP/1.1 unless
    /// the client asks to close; HTTP/1.0 never.
    var keepsAlive: Bool {
        guard version == "HTTP/1.1" else { return false }
        let options = (value(of: "Connection") ?? "").lowercased().split(separator: ",")
        return !options.contains { $0.trimmingCharacters(in: .whitespaces) == "close" }
    }

    /// The length of the body that follows: 0 when there is none, nil when it
    /// is chunked or its length is not a number.
    var bodyLength: Int? {
        if value(of: "Transfer-Encoding") != nil { return nil }
        guard let length = value(of: "Content-Length") else { return 0 }
        return length.utf8.allSatisfy { (0x30...0x39).contains($0) } ? Int(length) : nil
    }

    /// The request as FlyingFox's handlers take it, without a body.
    var request: HTTPRequest {
        var headers = HTTPHeaders()
        for field in fields { headers.addValue(field.value, for: HTTPHeader(field.name)) }
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return HTTPRequest(method: HTTPMethod(method), version: HTTPVersion(version),
                           target: HTTPRequest.Target(path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : ""),
                           headers: headers, body: HTTPBodySequence())
    }

    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let colon = UInt8(ascii: ":")

    /// A byte of a method or field name (RFC 9110 `tchar`).
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
