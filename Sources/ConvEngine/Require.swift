/// Checks a precondition of the math and stops with `message` if it fails.
///
/// Unlike `precondition`, whose message an optimised (`-O`) build drops, this
/// keeps the message in every build, so a chapter that misuses the engine
/// gets the same explanation from a debug and a release engine (and the same
/// published page).
@inline(__always)
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
             file: StaticString = #file, line: UInt = #line) {
    if !condition() {
        fatalError(message(), file: file, line: line)
    }
}
