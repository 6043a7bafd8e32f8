import Foundation
import Testing
@testable import Convbook

/// `convbook serve`'s request head reader: what it accepts, where its limits
/// are, and that its time grows linearly with what it is sent.
@Suite struct RequestHeadReaderTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func readsAHeadWhateverHowItArrives() throws {
        let text = "\r\nGET /a%20b?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nX-Spaces: \t value \t\r\nEmpty:\r\n\r\n"
        let expected = RequestHead(Self.bytes(text)[2...])
        #expect(expected?.method == "GET" && expected?.target == "/a%20b?q=1" && expected?.version == "HTTP/1.1")
        #expect(expected?.fields == [.init(name: "Host", value: "127.0.0.1:8000"), .init(name: "X-Spaces", value: "value"),
                                     .init(name: "Empty", value: "")])
        for size in [1, 2, 7, 4096] {
            var reader = RequestHeadReader(limits: ServeLimits())
            var heads = [RequestHead]()
            var rest = Self.bytes(text)[...]
            while !rest.isEmpty {
                if let head = try reader.next(adding: Array(rest.prefix(size))) { heads.append(head) }
                rest = rest.dropFirst(size)
            }
            #expect(heads == [expected].compactMap { $0 }, "in pieces of \(size)")
            #expect(!reader.hasBufferedBytes)
        }
    }

    @Test func keepsWhatFollowsAHeadForTheNextRequest() throws {
        var reader = RequestHeadReader(limits: ServeLimits())
        let first = try reader.next(adding: Self.bytes("GET /1 HTTP/1.1\n\nGET /2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /3"))
        #expect(first?.target == "/1" && first?.keepsAlive == true)
        let second = try reader.next()
        #expect(second?.target == "/2" && second?.keepsAlive == false)
        #expect(try reader.next() == nil)
        #expect(try reader.next(adding: Self.bytes(" HTTP/1.1\r\nConnection: Close\r\n\r\n"))?.keepsAlive == false)
    }

    @Test func bodiesAreMeasuredNotRead() throws {
        var reader = RequestHeadReader(limits: ServeLimits())
        let head = try #require(try reader.next(adding: Self.bytes("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcdeGET")))
        #expect(head.bodyLength == 5)
        #expect(reader.discard(upTo: 5) == 5)
        #expect(try reader.next(adding: Self.bytes(" / HTTP/1.1\r\n\r\n"))?.method == "GET")
        #expect(RequestHead(Self.bytes("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")[...])?.bodyLength == nil)
        #expect(RequestHead(Self.bytes("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")[...])?.bodyLength == nil)
        #expect(RequestHead(Self.bytes("GET / HTTP/1.1\r\n\r\n")[...])?.bodyLength == 0)
    }

    @Test(arguments: [
        "GET  / HTTP/1.1", "GET / HTTP/2.0", "GET /a b HTTP/1.1", "G(T / HTTP/1.1", "GET / HTTP/1.1\r\nNo colon",
        "GET / HTTP/1.1\r\nBad name: x", "GET / HTTP/1.1\r\nA: b\r\n folded", "GET / HTTP/1.1\r\nA: b\u{1}c",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nhOST: example.com",
        "POST / HTTP/1.1\r\nContent-Length: 0\r\ncontent-length: 5",
    ])
    func refusesWhatIsNotAHead(_ text: String) {
        var reader = RequestHeadReader(limits: ServeLimits())
        #expect(throws: RequestHeadReader.Failure.malformed) { try reader.next(adding: Self.bytes(text + "\r\n\r\n")) }
    }

    @Test func limitsAreExact() throws {
        var limits = ServeLimits()
        limits.maxRequestLineBytes = 20
        limits.maxHeadBytes = 60
        let line = "GET /\(String(repeating: "a", count: 6)) HTTP/1.1"   // 20 bytes
        var reader = RequestHeadReader(limits: limits)
        #expect(try reader.next(adding: Self.bytes(line + "\r\n\r\n")) != nil)
        reader = RequestHeadReader(limits: limits)
        #expect(throws: RequestHeadReader.Failure.requestLineTooLong) { try reader.next(adding: Self.bytes("GET /aaaaaaa HTTP/1.1\r\n")) }
        // Without its end: refused once it cannot fit any more (20 bytes and a CR fit).
        reader = RequestHeadReader(limits: limits)
        #expect(try reader.next(adding: Self.bytes(String(repeating: "a", count: 21))) == nil)
        #expect(throws: RequestHeadReader.Failure.requestLineTooLong) { try reader.next(adding: [UInt8(ascii: "a")]) }
        // The head: 60 bytes pass, 61 do not, however they arrive.
        let field = "X: " + String(repeating: "v", count: 60 - 22 - 5 - 2)
        reader = RequestHeadReader(limits: limits)
        #expect(try reader.next(adding: Self.bytes(line + "\r\n" + field + "\r\n\r\n")) != nil)
        reader = RequestHeadReader(limits: limits)
        #expect(throws: RequestHeadReader.Failure.headTooLarge) { try reader.next(adding: Self.bytes(line + "\r\n" + field + "v\r\n\r\n")) }
        reader = RequestHeadReader(limits: limits)
        #expect(throws: RequestHeadReader.Failure.headTooLarge) { try reader.next(adding: Self.bytes(String(repeating: "\r\n", count: 31))) }
    }

    /// Without limits in the way, 4 MB of header arriving in 4 KB reads is read
    /// in about the time of one pass over it (the old parser took seconds for 50 KB).
    @Test func takesTimeLinearInTheBytesSent() throws {
        var limits = ServeLimits()
        limits.maxHeadBytes = 1 << 40
        limits.maxRequestLineBytes = 1 << 40
        let clock = ContinuousClock()
        var times = [Duration]()
        for size in [1 << 20, 4 << 20] {
            let text = Self.bytes("GET / HTTP/1.1\r\nX-Big: " + String(repeating: "b", count: size) + "\r\n\r\n")
            var reader = RequestHeadReader(limits: limits)
            var head: RequestHead?
            times.append(clock.measure {
                var start = 0
                while start < text.count {
                    head = try? reader.next(adding: Array(text[start..<min(start + 4096, text.count)]))
                    start += 4096
                }
            })
            #expect(head?.fields.first?.value.count == size)
        }
        // A ratio, not a time: the machine is shared, and a loaded one made
        // an absolute bound fail. Linear is 4 times, quadratic 16.
        #expect(times[1] < times[0] * 10, "4 times the bytes took \(times[1] / times[0]) times as long: \(times)")
    }
}
