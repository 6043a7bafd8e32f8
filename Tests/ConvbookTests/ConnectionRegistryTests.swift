import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Convbook

/// `convbook serve`'s connection cap: at the cap the connection idle the
/// longest is shut down for a new one; busy ones are kept.
@Suite struct ConnectionRegistryTests {
    /// A connected pair of sockets: the server's end and the client's.
    static func pair() -> (server: Int32, client: Int32) {
        var ends: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
        return (ends[0], ends[1])
    }

    /// Whether the client's end sees the server's end shut down.
    static func isShutDown(_ client: Int32) -> Bool {
        var byte: UInt8 = 0
        return recv(client, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
    }

    @Test func dropsTheConnectionIdleTheLongestAndKeepsBusyOnes() throws {
        let registry = ConnectionRegistry(capacity: 3)
        let pairs = (0..<6).map { _ in Self.pair() }
        defer { for (server, client) in pairs { close(server); close(client) } }

        let a = try #require(registry.admit(descriptor: pairs[0].server))
        let b = try #require(registry.admit(descriptor: pairs[1].server))
        let c = try #require(registry.admit(descriptor: pairs[2].server))
        a.busy()
        a.idle()   // a is idle again, since after c: b is now the one idle the longest
        b.idle()   // already idle: no newer for it
        #expect(registry.count == 3)
        let d = try #require(registry.admit(descriptor: pairs[3].server))
        #expect(Self.isShutDown(pairs[1].client) && !Self.isShutDown(pairs[0].client) && !Self.isShutDown(pairs[2].client))
        #expect(registry.count == 3)

        // Busy connections are kept; with none idle, a new one is refused.
        for slot in [a, c, d] { slot.busy() }
        #expect(registry.admit(descriptor: pairs[4].server) == nil)
        #expect(registry.count == 3)

        // A released connection frees its place; a dropped one's release changes nothing.
        c.release()
        b.release()
        #expect(registry.count == 2)
        #expect(registry.admit(descriptor: pairs[5].server) != nil)
        #expect(!Self.isShutDown(pairs[0].client) && !Self.isShutDown(pairs[2].client) && !Self.isShutDown(pairs[3].client))
    }
}
