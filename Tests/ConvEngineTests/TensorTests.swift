import Testing
@testable import ConvEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct TensorTests {
    @Test func labelledLiteralsGiveShapesAndRowMajorOrder() {
        let m = Tensor(matrix: [[1, 2, 3], [4, 5, 6]])
        #expect(m.shape == [2, 3])
        #expect(m.scalars == [1, 2, 3, 4, 5, 6])
        #expect(m[1, 0] == 4)
        let image = Tensor(image: [[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
        #expect(image.shape == [2, 2, 2])
        #expect(image[1, 0, 1] == 6)
        let batch = Tensor(batch: [[[[1, 2], [3, 4]]], [[[5, 6], [7, 8]]]])
        #expect(batch.shape == [2, 1, 2, 2])
        #expect(batch[1, 0, 1, 0] == 7)
        #expect(Tensor(vector: [1, 2, 3])[2] == 3)
    }

    @Test func stridesSliceAndStack() {
        let t = Tensor.ramp(shape: [2, 3, 4])
        #expect(t.strides == [12, 4, 1])
        #expect(t.slice(1).scalars == Array(12..<24).map(Double.init))
        #expect(Tensor.stack([t.slice(0), t.slice(1)]) == t)
    }

    @Test func rampAndLinspace() {
        #expect(Tensor.ramp(shape: [3], start: 1, step: 0.5).scalars == [1, 1.5, 2])
        let l = Tensor.linspace(-1, 1, shape: [5])
        #expect(l.scalars == [-1, -0.5, 0, 0.5, 1])
    }

    @Test func arithmeticAndReductions() {
        let a = Tensor(matrix: [[1, -2], [3, 4]])
        let b = Tensor(matrix: [[0.5, 1], [1, 2]])
        #expect((a + b).scalars == [1.5, -1, 4, 6])
        #expect((a - b).scalars == [0.5, -3, 2, 2])
        #expect((a * b).scalars == [0.5, -2, 3, 8])
        #expect((2 * a).scalars == [2, -4, 6, 8])
        #expect(a.sum() == 6)
        let expectedDot: Double = 0.5 - 2 + 3 + 8
        #expect(a.dot(b) == expectedDot)
        #expect(a.maxAbsDifference(b) == 3)
        #expect(a.maxAbs() == 4)
    }

    @Test func portableLogMatchesTheCLibrary() {
        // Against the platform's log to within a couple of units in the last place.
        var g = SeededNormalGenerator(seed: 7)
        for _ in 0..<20_000 {
            let x = g.nextUniform() * 4 + 1e-300
            let ours = portableLog(x), theirs = log(x)
            #expect(abs(ours - theirs) <= 4 * abs(theirs).ulp + 1e-300, "x = \(x)")
        }
        for x in [1e-300, 1e-10, 0.5, 1, 2, 3, 1e10, 1e300] {
            #expect(abs(portableLog(x) - log(x)) <= 4 * abs(log(x)).ulp, "x = \(x)")
        }
        #expect(portableLog(1) == 0)
    }

    @Test func splitMix64MatchesTheReferenceSequence() {
        // The published SplitMix64 (Vigna's splitmix64.c) from seed 0 starts with
        // 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F.
        var g = SeededNormalGenerator(seed: 0)
        #expect(g.nextBits() == 0xE220_A839_7B1D_CDAF)
        #expect(g.nextBits() == 0x6E78_9E6A_A1B9_65F4)
        #expect(g.nextBits() == 0x06C4_5D18_8009_454F)
    }

    @Test func randomNormalIsReproducibleAndNormal() {
        let a = Tensor.randomNormal(shape: [100, 100], seed: 42)
        let b = Tensor.randomNormal(shape: [100, 100], seed: 42)
        let c = Tensor.randomNormal(shape: [100, 100], seed: 43)
        #expect(a == b)
        #expect(a != c)
        let mean = a.sum() / Double(a.count)
        let variance = a.map { ($0 - mean) * ($0 - mean) }.sum() / Double(a.count)
        #expect(abs(mean) < 0.03)          // 3 standard errors of 0.01
        #expect(abs(variance - 1) < 0.05)
        let scaled = Tensor.randomNormal(shape: [4], seed: 42, mean: 1, standardDeviation: 2)
        #expect(scaled.scalars == Tensor.randomNormal(shape: [4], seed: 42).scalars.map { 1 + 2 * $0 })
    }
}
