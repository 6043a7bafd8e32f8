import FlyingFox
import FlyingSocks
import Foundation

/// An HTTP/1.1 server on 127.0.0.1 that serves each client with a
/// ``PreviewConnection``, within ``ServeLimits``: at most
/// ``ServeLimits/maxConnections`` connections (and never more than half the
/// process's file descriptors) are open at once, the idle ones dropped first
/// (``ConnectionRegistry``).
///
/// It uses FlyingFox's request, response and handler types and FlyingSocks'
/// sockets, but not FlyingFox's `HTTPServer`, whose request parser has no
/// size limits, takes time quadratic in a line's length and has no read
/// time-outs.
///
/// ```swift
/// let server = try LoopbackHTTPServer(port: 0, limits: ServeLimits(), handler: handler)
/// print(server.port)
/// try await server.run()
/// ```
struct LoopbackHTTPServer: Sendable {
    let limits: ServeLimits
    let handler: any HTTPHandler
    private let listener: Socket
    private let pool: any AsyncSocketPool = HTTPServer.defaultPool()

    /// Binds and listens at once, so a taken port is an error here.
    init(port: UInt16, limits: ServeLimits, handler: some HTTPHandler) throws {
        self.limits = limits
        self.handler = handler
        let socket = try Socket(domain: AF_INET, type: .stream)
        do {
            try socket.setValue(true, for: .localAddressReuse)
            try socket.bind(to: sockaddr_in.inet(ip4: "127.0.0.1", port: port))
            try socket.listen()
        } catch {
            try? socket.close()
            throw error
        }
        listener = socket
    }

    /// The port it listens on (the one chosen, for port 0).
    var port: UInt16? {
        guard case .ip4(_, let port)? = try? listener.sockname() else { return nil }
        return port
    }

    /// The most connections open at once: the limit, and at most half the
    /// file descriptors the process may open (builds need the rest).
    static func capacity(_ limits: ServeLimits) -> Int {
        var files = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &files) == 0, files.rlim_cur != rlim_t.max else { return limits.maxConnections }
        return max(1, min(limits.maxConnections, Int(clamping: files.rlim_cur / 2)))
    }

    /// Accepts and serves clients until cancelled.
    func run() async throws {
        defer { try? listener.close() }
        try await pool.prepare()
        let listening = try AsyncSocket(socket: listener, pool: pool)
        let registry = ConnectionRegistry(capacity: Self.capacity(limits))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            group.addTask {
                await withDiscardingTaskGroup { clients in
                    while !Task.isCancelled {
                        do {
                            let client = try await listening.accept()
                            guard let slot = registry.admit(descriptor: client.socket.file.rawValue) else {
                                try? client.close()   // every connection is busy: refused
                                continue
                            }
                            clients.addTask { await PreviewConnection(socket: client, limits: limits, handler: handler, slot: slot).run() }
                        } catch {
                            // Out of file descriptors, say: wait rather than spin.
                            try? await Task.sleep(for: .milliseconds(100))
                        }
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
