import Foundation
import Testing
@testable import Convbook

/// A child started before its input is known (``Subprocess/laterStdin``, as
/// the kernel check's node is while chapters compile) is timed from when it
/// gets its input: a long wait for it is no time-out, a long run after it is.
@Suite struct SubprocessTimeoutTests {
    @Test func aChildWaitingForItsInputIsNotTimedOut() throws {
        let cat = try #require(Subprocess.locate(["cat"]))
        let outcome = try Subprocess(executable: cat, arguments: [], timeout: 1, laterStdin: {
            Thread.sleep(forTimeInterval: 2.5)
            return Data("handed late".utf8)
        }).run()
        #expect(!outcome.timedOut && outcome.succeeded, "\(outcome)")
        #expect(outcome.stdout == Data("handed late".utf8))
        #expect(outcome.seconds >= 2.5)
    }

    @Test func aChildThatRunsTooLongOnceItHasItsInputIsTimedOut() throws {
        let sh = try #require(Subprocess.locate(["sh"]))
        let outcome = try Subprocess(executable: sh, arguments: ["-c", "cat >/dev/null; sleep 30"], timeout: 1, laterStdin: {
            Thread.sleep(forTimeInterval: 0.5)
            return Data("go".utf8)
        }).run()
        #expect(outcome.timedOut)
        #expect(outcome.seconds < 10)
    }
}
