import FlyingFox
import FlyingSocks
import Foundation

/// One client of the preview server, from its first byte to its close: reads
/// request heads with a ``RequestHeadReader``, hands each request to the
/// handler and writes the response, within ``ServeLimits``.
///
/// A head that is too large or malformed is answered (414, 431, 400), and so
/// is a method in lowercase (501, since FlyingFox's handlers would take `get`
/// for GET), and the connection closed; a client that is idle, slow to send a request or slow to
/// take a response is disconnected without an answer. Responses of unknown
/// length (the live-reload event stream) are sent chunked: FlyingFox's
/// `HTTPBodySequence` of unknown length encodes its chunks itself.
struct PreviewConnection {
    let socket: AsyncSocket
    let limits: ServeLimits
    let handler: any HTTPHandler
    /// Its place among the server's connections: idle while it waits for a request.
    let slot: ConnectionRegistry.Slot

    /// The bytes asked of the socket at a time, and the most sent at a time
    /// under one write time-out.
    private static let readSize = 4096
    private static let writeSize = 64 * 1024

    /// Serves requests until the client closes, asks to close, or breaks a limit.
    func run() async {
        defer {
            slot.release()   // before the close, so the registry never shuts a reused descriptor
            try? socket.close()
        }
        var reader = RequestHeadReader(limits: limits)
        do {
            while true {
                let head: RequestHead
                do {
                    head = try await nextHead(&reader)
                } catch let failure as RequestHeadReader.Failure {
                    switch failure {
                    case .requestLineTooLong: await refuse(.uriTooLong)
                    case .headTooLarge: await refuse(.requestHeaderFieldsTooLarge)
                    case .malformed: await refuse(.badRequest)
                    }
                    return
                }
                // Methods are case-sensitive (RFC 9110): `get` is not GET, but FlyingFox's
                // HTTPMethod would make it so.
                guard !head.method.utf8.contains(where: { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }) else {
                    return await refuse(.notImplemented)
                }
                guard let length = head.bodyLength, length <= limits.maxBodyBytes else {
                    return await refuse(.payloadTooLarge)
                }
                try await skipBody(length, &reader)
                let response = await respond(to: head.request)
                try await write(response, to: head)
                guard head.keepsAlive else { return }
            }
        } catch {
            // Idle, too slow, gone, or a write failed: close without an answer.
        }
    }

    /// The next request head: the first byte must come within the idle
    /// time-out, the whole head within the request time-out after it.
    private func nextHead(_ reader: inout RequestHeadReader) async throws -> RequestHead {
        if let head = try reader.next() { return head }
        let clock = ContinuousClock()
        var deadline = reader.hasBufferedBytes ? clock.now + limits.requestTimeout : nil
        if deadline == nil { slot.idle() }
        defer { slot.busy() }
        while true {
            let bytes = try await read(within: deadline.map { $0 - clock.now } ?? limits.idleTimeout)
            if deadline == nil {
                deadline = clock.now + limits.requestTimeout
                slot.busy()
            }
            if let head = try reader.next(adding: bytes) { return head }
        }
    }

    /// Reads and drops a body of `length` bytes within the request time-out.
    private func skipBody(_ length: Int, _ reader: inout RequestHeadReader) async throws {
        var left = length - reader.discard(upTo: length)
        let deadline = ContinuousClock.now + limits.requestTimeout
        while left > 0 {
            left -= try await read(within: deadline - .now, atMost: left).count
        }
    }

    private func read(within duration: Duration, atMost count: Int = readSize) async throws -> [UInt8] {
        let socket = socket
        return try await Deadline.run(within: duration) { try await socket.read(atMost: min(count, Self.readSize)) }
    }

    private func respond(to request: HTTPRequest) async -> HTTPResponse {
        do {
            return try await handler.handleRequest(request)
        } catch {
            return HTTPResponse(statusCode: .internalServerError)
        }
    }

    /// Writes the response to `head` (its header only, for HEAD); each piece
    /// must be taken within the idle time-out.
    private func write(_ response: HTTPResponse, to head: RequestHead?) async throws {
        guard case .httpBody(let body) = response.payload else {
            return try await write(HTTPResponse(statusCode: .internalServerError), to: head)
        }
        var headers = response.headers
        if let count = body.count {
            if headers[.contentLength] == nil { headers[.contentLength] = String(count) }
        } else {
            headers[.transferEncoding] = "chunked"   // the body comes chunk-encoded
        }
        if head?.keepsAlive != true { headers[.connection] = "close" }
        var text = "HTTP/1.1 \(response.statusCode.code) \(response.statusCode.phrase)\r\n"
        for (name, value) in headers.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            text += "\(name.rawValue): \(value)\r\n"
        }
        try await send(Data((text + "\r\n").utf8))
        guard head?.method != "HEAD" else { return }
        for try await data in body where !data.isEmpty {
            try await send(data)
        }
    }

    private func send(_ data: Data) async throws {
        let socket = socket
        var start = data.startIndex
        while start < data.endIndex {
            let piece = data[start..<min(start + Self.writeSize, data.endIndex)]
            try await Deadline.run(within: limits.idleTimeout) { try await socket.write(piece) }
            start = piece.endIndex
        }
    }

    /// Answers with `status` and closes: after the answer, what the client
    /// still sends is read and dropped for a moment (at most 2 s and 4 MiB),
    /// so that closing with unread bytes does not reset the connection before
    /// the client has read the answer.
    private func refuse(_ status: HTTPStatusCode) async {
        let response = HTTPResponse(statusCode: status, headers: [.contentType: "text/plain; charset=utf-8"],
                                    body: Data("\(status.code) \(status.phrase)\n".utf8))
        guard (try? await write(response, to: nil)) != nil else { return }
        _ = shutdown(socket.socket.file.rawValue, Int32(SHUT_WR))
        let socket = socket
        _ = try? await Deadline.run(within: .seconds(2)) {
            var drained = 0
            while drained < 4 * 1024 * 1024 {
                drained += try await socket.read(atMost: Self.readSize).count
            }
        }
    }
}
