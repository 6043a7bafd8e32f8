/// Finds request heads in a connection's bytes as they arrive, within
/// ``ServeLimits``: every byte is searched once for a line end, so the time
/// is linear in the bytes received, and no more than the limits (plus one
/// read) are kept before a head is refused.
///
/// ```swift
/// var reader = RequestHeadReader(limits: ServeLimits())
/// let head = try reader.next(adding: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
/// ```
struct RequestHeadReader {
    /// Why a head is refused, with the status that says so.
    enum Failure: Error, Equatable {
        /// The request line is longer than ``ServeLimits/maxRequestLineBytes``: 414.
        case requestLineTooLong
        /// The head is larger than ``ServeLimits/maxHeadBytes``: 431.
        case headTooLarge
        /// Not an HTTP/1.x request head: 400.
        case malformed
    }

    let limits: ServeLimits

    /// Bytes received and not used yet: the start of the next head, or what
    /// followed the last one (a body, or a pipelined request).
    private var buffered: [UInt8] = []
    /// How far `buffered` has been searched for line ends.
    private var scanned = 0
    /// Where the line being read starts.
    private var lineStart = 0
    /// Where the request line starts (empty lines before it are skipped).
    private var headStart = 0
    private var requestLineDone = false

    init(limits: ServeLimits) {
        self.limits = limits
    }

    /// Whether bytes of a next request (or of a body) have arrived.
    var hasBufferedBytes: Bool { !buffered.isEmpty }

    /// Adds `bytes` to what arrived before and returns the next complete
    /// head, or nil while it is incomplete. Call it without bytes to look for
    /// a head among the bytes already received.
    mutating func next(adding bytes: [UInt8] = []) throws(Failure) -> RequestHead? {
        buffered += bytes
        while let newline = buffered[scanned...].firstIndex(of: RequestHead.lf) {
            let lineEnd = newline > lineStart && buffered[newline - 1] == RequestHead.cr ? newline - 1 : newline
            let isEmpty = lineEnd == lineStart
            scanned = newline + 1
            lineStart = scanned
            if !requestLineDone {
                if isEmpty {
                    headStart = scanned
                    continue
                }
                guard lineEnd - headStart <= limits.maxRequestLineBytes else { throw .requestLineTooLong }
                requestLineDone = true
            } else if isEmpty {
                guard scanned <= limits.maxHeadBytes else { throw .headTooLarge }
                guard let head = RequestHead(buffered[headStart..<scanned]) else { throw .malformed }
                buffered.removeFirst(scanned)
                (scanned, lineStart, headStart, requestLineDone) = (0, 0, 0, false)
                return head
            }
        }
        scanned = buffered.count   // no line end in the rest: never search it again
        if !requestLineDone && buffered.count - headStart > limits.maxRequestLineBytes + 1 { throw .requestLineTooLong }
        if buffered.count > limits.maxHeadBytes { throw .headTooLarge }
        return nil
    }

    /// Drops up to `count` received bytes that follow the last head (its
    /// body); returns how many it dropped.
    mutating func discard(upTo count: Int) -> Int {
        let dropped = min(count, buffered.count)
        buffered.removeFirst(dropped)
        return dropped
    }
}
