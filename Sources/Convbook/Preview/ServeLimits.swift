/// What `convbook serve` accepts from a client. Any web page the author visits
/// can make the browser send requests to 127.0.0.1, so a request that is too
/// large, too slow or never comes must cost little and end promptly.
///
/// - A request line (method, target, version) longer than
///   ``maxRequestLineBytes`` is answered 414 (URI Too Long), a request head
///   (request line and header fields) larger than ``maxHeadBytes`` 431
///   (Request Header Fields Too Large), a body larger than ``maxBodyBytes``
///   (or a chunked one) 413; then the connection is closed.
/// - At most ``maxConnections`` connections are open at once: at the cap, a
///   new connection takes the place of the one idle the longest, and is
///   refused only when every one is busy (``ConnectionRegistry``).
/// - A connection with no request under way for ``idleTimeout`` is closed, and
///   so is one whose request has not fully arrived ``requestTimeout`` after its
///   first byte, or whose client takes no part of a response for
///   ``idleTimeout``.
public struct ServeLimits: Sendable {
    /// The longest request line, in bytes (8 KiB).
    public var maxRequestLineBytes = 8 * 1024
    /// The largest request head, in bytes (32 KiB).
    public var maxHeadBytes = 32 * 1024
    /// The largest request body that is read (and ignored), in bytes (64 KiB).
    public var maxBodyBytes = 64 * 1024
    /// How long a connection may wait for a request, or a client for a response (30 s).
    public var idleTimeout: Duration = .seconds(30)
    /// How long a request may take to arrive, from its first byte (10 s).
    public var requestTimeout: Duration = .seconds(10)
    /// The most connections open at once (512; never more than half the file descriptors).
    public var maxConnections = 512

    public init() {}
}
