import ConvbookFormat
import Foundation
import Testing

/// The value classes by which `check` and `verify` judge a recomputed value.
@Suite struct ToleranceTests {
    @Test func exactMeansTheSameBits() {
        #expect(Tolerance.exact.firstDisagreement(published: [1, 2, 3], computed: [1, 2, 3]) == nil)
        #expect(Tolerance.exact.firstDisagreement(published: [1, 2, 3], computed: [1, 2 * (1 + 1e-15), 3]) == 1)
        #expect(Tolerance.exact.firstDisagreement(published: [0.0], computed: [-0.0]) == 0)
        // The page can show a NaN on purpose; exact means the same NaN again.
        #expect(Tolerance.exact.firstDisagreement(published: [.nan], computed: [.nan]) == nil)
    }

    @Test func relativeIsJudgedAgainstTheValuesScale() {
        let r = Tolerance.relative(1e-9)
        #expect(r.firstDisagreement(published: [1000, 1e-14], computed: [1000 * (1 + 1e-12), -3e-14]) == nil)
        // 1e-6 on an entry of 1 is 1e-9 of this tensor's scale: rounding noise of the large entries is that big.
        #expect(r.firstDisagreement(published: [1000, 1], computed: [1000, 1 + 1e-6]) == nil)
        #expect(r.firstDisagreement(published: [1000, 1], computed: [1000, 1 + 1e-5]) == 1)
        #expect(r.firstDisagreement(published: [0, 0], computed: [0, 0]) == nil)
    }

    @Test func aMillionthFailsEveryClassButAnErrorMeasuresDigits() {
        for tolerance in [Tolerance.exact, .rounding, .relative(1e-12), .absolute(1e-9)] {
            #expect(tolerance.firstDisagreement(published: [3.25], computed: [3.25 * (1 + 1e-6)]) == 0, "\(tolerance)")
        }
        // An error measure is judged by its bound and its size, not its digits.
        #expect(Tolerance.errorMeasure(bound: 1e-7).firstDisagreement(published: [6.5e-11], computed: [6.5e-11 * (1 + 1e-6)]) == nil)
    }

    @Test func errorMeasuresKeepTheirBoundAndOrderOfMagnitude() {
        let e = Tolerance.errorMeasure(bound: 1e-12)
        #expect(e.firstDisagreement(published: [3.553e-15], computed: [1.776e-15]) == nil)   // seen on another CPU
        #expect(e.firstDisagreement(published: [1e-16], computed: [8.9e-16]) == nil)          // both below bound/1000
        #expect(e.firstDisagreement(published: [0], computed: [8.9e-16]) == 0)                // but a zero is no measure of 8.9e-16
        #expect(e.firstDisagreement(published: [3.5e-15], computed: [4e-14]) == 0)            // ten times larger
        #expect(e.firstDisagreement(published: [3.5e-15], computed: [2e-12]) == 0)            // above the bound
        let g = Tolerance.errorMeasure(bound: 1e-7)
        #expect(g.firstDisagreement(published: [6.534e-11, 5.929e-12], computed: [7.267e-11, 1.362e-11]) == nil)
    }

    /// A tampered ledger (issue 20): no class lets a zero stand for a
    /// non-zero, or a number stand for one of the other sign.
    @Test func aContradictionInKindFailsEveryClass() {
        let g = Tolerance.errorMeasure(bound: 1e-7)
        #expect(g.firstDisagreement(published: [0.0], computed: [2.2e-11]) == 0)
        #expect(g.firstDisagreement(published: [2.2e-11], computed: [0.0]) == 0)
        #expect(g.firstDisagreement(published: [0.0], computed: [0.0]) == nil)
        for tolerance in [Tolerance.absolute(1e-9), .relative(1e-9), .rounding] {
            #expect(tolerance.firstDisagreement(published: [0], computed: [1e-13]) == 0, "\(tolerance)")
            #expect(tolerance.firstDisagreement(published: [-1e-13], computed: [1e-13]) == 0, "\(tolerance)")
            #expect(tolerance.firstDisagreement(published: [-0.0], computed: [0.0]) == nil, "\(tolerance)")
        }
        // In a tensor under a relative class, an entry within rounding of zero for the tensor's scale is noise.
        #expect(Tolerance.rounding.firstDisagreement(published: [1000, 0], computed: [1000, 1e-13]) == nil)
        #expect(Tolerance.rounding.firstDisagreement(published: [1000, 0], computed: [1000, 1e-5]) == 1)
    }

    @Test func nanInfinityAndEmptyFailEveryToleranceClass() {
        for tolerance in [Tolerance.rounding, .absolute(1), .errorMeasure(bound: 1)] {
            #expect(tolerance.firstDisagreement(published: [.nan], computed: [.nan]) == 0, "\(tolerance)")
            #expect(tolerance.firstDisagreement(published: [1], computed: [.nan]) == 0, "\(tolerance)")
            #expect(tolerance.firstDisagreement(published: [.infinity], computed: [.infinity]) == 0, "\(tolerance)")
            #expect(tolerance.firstDisagreement(published: [1, 2], computed: [1]) == 1, "\(tolerance)")
        }
        #expect(Tolerance.errorMeasure(bound: 1).firstDisagreement(published: [0.1], computed: [-0.1]) == 0)
    }

    @Test func codableRoundTrip() throws {
        for tolerance in [Tolerance.exact, .relative(1e-9), .absolute(0.5), .errorMeasure(bound: 1e-7)] {
            let data = try JSONEncoder().encode(tolerance)
            #expect(try JSONDecoder().decode(Tolerance.self, from: data) == tolerance)
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Tolerance.self, from: Data(#"{"class":"loose"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Tolerance.self, from: Data(#"{"class":"relative"}"#.utf8)) }
    }
}
