import FlyingFox
import FlyingSocks

/// The body of a `text/event-stream` response: the events of one
/// ``ReloadChannel`` subscription as bytes, sent with chunked encoding as they
/// come. It ends when the channel finishes or the connection's task is
/// cancelled (the server is stopping).
struct ReloadEventStream: AsyncBufferedSequence {
    typealias Element = UInt8

    let events: AsyncStream<String>

    func makeAsyncIterator() -> Iterator {
        Iterator(events: events.makeAsyncIterator())
    }

    /// The response body for `HTTPResponse(body:)`.
    var body: HTTPBodySequence {
        HTTPBodySequence(from: self)
    }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var events: AsyncStream<String>.Iterator
        private var pending = [UInt8]()

        init(events: AsyncStream<String>.Iterator) {
            self.events = events
        }

        mutating func next() async throws -> UInt8? {
            if pending.isEmpty {
                guard let event = await events.next() else { return nil }
                pending = Array(event.utf8)
            }
            return pending.isEmpty ? nil : pending.removeFirst()
        }

        mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? {
            if !pending.isEmpty {
                defer { pending = [] }
                return pending
            }
            // One event per chunk, whatever the suggested size: events are small.
            while let event = await events.next() {
                if !event.isEmpty { return Array(event.utf8) }
            }
            return nil
        }
    }
}
