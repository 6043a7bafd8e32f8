import Testing
@testable import %%NAME%%

@Test func triangularAddsTheNumbersUpToN() {
    for n in 0...50 {
        #expect(triangular(n) == (0...n).reduce(0, +))
    }
}
