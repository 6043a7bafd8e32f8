import ConvEngine
import ConvNPY
import Foundation
import Testing

@Suite struct PoolCommandTests {
    /// Writes x (2, 3, 7, 6) and a dy for a 3 × 3 window with stride 2 and padding 1 as .npy.
    func layerFolder() throws -> URL {
        let folder = try Harness.temporaryDirectory()
        let x = Tensor.randomNormal(shape: [2, 3, 7, 6], seed: 1)
        let g = try PoolGeometry(input: x.shape, parameters: PoolParameters(window: 3, stride: 2, padding: 1))
        try x.writeNPY(to: folder.appendingPathComponent("x.npy").path)
        try Tensor.randomNormal(shape: g.outputShape, seed: 2).writeNPY(to: folder.appendingPathComponent("dy.npy").path)
        return folder
    }

    func load(_ folder: URL, _ name: String) throws -> Tensor {
        try Tensor(contentsOfNPY: folder.appendingPathComponent(name).path)
    }

    @Test func maxPoolingWritesWhatTheReferenceLoopsCompute() throws {
        let folder = try layerFolder()
        let result = try Harness.convbook(["pool", "--input", "x.npy", "--mode", "max", "--window", "3", "--stride", "2",
                                           "--padding", "1", "--grad-output", "dy.npy", "--out", "out"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let p = PoolParameters(window: 3, stride: 2, padding: 1)
        let (x, dy) = (try load(folder, "x.npy"), try load(folder, "dy.npy"))
        #expect(try load(folder, "out/output.npy") == maxPoolForward(x, p))
        #expect(try load(folder, "out/grad_input.npy").maxAbsDifference(maxPoolBackward(dy, x, p)) < 1e-12)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).sorted()
        #expect(files == [".convbook-pool", "grad_input.npy", "output.npy"])
    }

    @Test(arguments: [true, false])
    func averagePoolingHonoursCountIncludePad(include: Bool) throws {
        let folder = try layerFolder()
        let result = try Harness.convbook(["pool", "--input", "x.npy", "--mode", "avg", "--window", "3", "--stride", "2",
                                           "--padding", "1", include ? "--count-include-pad" : "--no-count-include-pad",
                                           "--grad-output", "dy.npy", "--out", "out"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let p = PoolParameters(window: 3, stride: 2, padding: 1)
        let (x, dy) = (try load(folder, "x.npy"), try load(folder, "dy.npy"))
        #expect(try load(folder, "out/output.npy").maxAbsDifference(avgPoolForward(x, p, countIncludePad: include)) < 1e-12)
        #expect(try load(folder, "out/grad_input.npy").maxAbsDifference(avgPoolBackward(dy, x, p, countIncludePad: include)) < 1e-12)
    }

    @Test func withoutAGradientOnlyTheOutputIsWrittenAndAStaleGradientGoes() throws {
        let folder = try layerFolder()
        _ = try Harness.convbook(["pool", "--input", "x.npy", "--mode", "max", "--window", "2", "--stride", "2",
                                  "--padding", "1", "--out", "out"], in: folder)
        let withGradient = try Harness.convbook(["pool", "--input", "x.npy", "--mode", "max", "--window", "3", "--stride", "2",
                                                 "--padding", "1", "--grad-output", "dy.npy", "--out", "out"], in: folder)
        #expect(withGradient.status == 0, "\(withGradient.stderr)")
        let result = try Harness.convbook(["pool", "--input", "x.npy", "--mode", "avg", "--window", "2", "--out", "out"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).sorted()
        #expect(files == [".convbook-pool", "output.npy"])
        #expect(try load(folder, "out/output.npy").shape == [2, 3, 3, 3])   // stride defaults to the window
    }

    /// Each bad invocation exits non-zero with one line on stderr and writes nothing.
    @Test(arguments: [
        (["--mode", "max", "--window", "3", "--padding", "2"], "padding 2 is more than half the window 3"),
        (["--mode", "max", "--window", "9"], "no output rows"),
        (["--mode", "max", "--window", "2", "--stride", "0"], "stride must be at least 1"),
        (["--mode", "avg", "--window", "3", "--stride", "2", "--padding", "1", "--grad-output", "x.npy"],
         "upstream gradient must have the output's shape"),
        (["--mode", "max", "--window", "2", "--input", "missing.npy"], "missing.npy"),
    ])
    func badInputIsOneClearLineAndNothingWritten(extra: [String], expected: String) throws {
        let folder = try layerFolder()
        let arguments = extra.contains("--input") ? extra : ["--input", "x.npy"] + extra
        let result = try Harness.convbook(["pool"] + arguments + ["--out", "out"], in: folder)
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("convbook pool: error: "), "\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/output.npy").path))
    }

    @Test(.enabled(if: Harness.pythonHas("jax"), "JAX is not installed for the cross-check; `make test` installs it into .venv-crosscheck"))
    func agreesWithJAXOnRandomLayersAndTies() throws {
        let script = Harness.packageRoot.appendingPathComponent("Tests/crosscheck/pool_crosscheck.py").path
        let result = try Harness.run(Harness.python!, [script, Harness.convbook, "--cases", "48"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("48 passed, 0 failed"), "\(result.stdout)")
        #expect(result.stdout.contains("tie facts: ok"), "\(result.stdout)")
        // Some cases really had ties at a window's maximum: the tie rule was compared with JAX's.
        let ties = result.stdout.split(separator: " ").firstIndex(of: "with").map { result.stdout.split(separator: " ")[$0 - 1] }
        #expect(ties.flatMap { Int($0) }.map { $0 > 0 } == true, "\(result.stdout)")
    }
}
