import ConvEngine
import ConvNPY
import Foundation
import Testing

@Suite struct ConvCommandTests {
    /// Writes a small layer's tensors as .npy into a fresh folder.
    func layerFolder(stride: Int = 1) throws -> URL {
        let folder = try Harness.temporaryDirectory()
        let x = Tensor.randomNormal(shape: [2, 3, 6, 5], seed: 1)
        let w = Tensor.randomNormal(shape: [4, 3, 3, 2], seed: 2)
        let b = Tensor.randomNormal(shape: [4], seed: 3)
        let g = try ConvGeometry(input: x.shape, weight: w.shape, parameters: ConvParameters(stride: HW(stride), padding: 1))
        let dy = Tensor.randomNormal(shape: g.outputShape, seed: 4)
        for (name, t) in [("x", x), ("w", w), ("b", b), ("dy", dy)] {
            try t.writeNPY(to: folder.appendingPathComponent("\(name).npy").path)
        }
        return folder
    }

    @Test func writesOutputAndGradientsThatMatchTheEngine() throws {
        let folder = try layerFolder(stride: 2)
        let result = try Harness.convbook(["conv", "--input", "x.npy", "--weight", "w.npy", "--bias", "b.npy",
                                           "--grad-output", "dy.npy", "--stride", "2", "--padding", "1", "--out", "out"],
                                          in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let p = ConvParameters(stride: 2, padding: 1)
        func load(_ name: String) throws -> Tensor { try Tensor(contentsOfNPY: folder.appendingPathComponent(name).path) }
        let (x, w, b, dy) = (try load("x.npy"), try load("w.npy"), try load("b.npy"), try load("dy.npy"))
        let reference = convBackward(dy, x, w, p)
        #expect(try load("out/output.npy").maxAbsDifference(convForward(x, w, b, p)) < 1e-12)
        #expect(try load("out/grad_input.npy").maxAbsDifference(reference.dx) < 1e-12)
        #expect(try load("out/grad_weight.npy").maxAbsDifference(reference.dw) < 1e-12)
        #expect(try load("out/grad_bias.npy").maxAbsDifference(reference.db) < 1e-12)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).sorted()
        // Besides the results, only the list of what this run wrote (so the next run can tidy up after it).
        #expect(files == [".convbook-conv", "grad_bias.npy", "grad_input.npy", "grad_weight.npy", "output.npy"])
    }

    /// Per-side padding, "same" and channels-last tensors reach the engine as the flags say:
    /// the results equal the reference loops' for the same layer (NHWC: between transposes).
    @Test(arguments: [
        (["--padding", "0,1,2,0"], Padding(top: 0, bottom: 1, left: 2, right: 0), false),
        (["--padding", "same"], Padding.same(input: HW(height: 6, width: 5), kernel: HW(height: 3, width: 2), stride: 2), false),
        (["--padding", "1,0,0,1", "--layout", "nhwc"], Padding(top: 1, bottom: 0, left: 0, right: 1), true),
    ])
    func perSidePaddingAndLayoutMatchTheEngine(flags: [String], sides: Padding, channelsLast: Bool) throws {
        let folder = try layerFolder()
        func load(_ name: String) throws -> Tensor { try Tensor(contentsOfNPY: folder.appendingPathComponent(name).path) }
        let p = ConvParameters(stride: 2, padding: sides)
        let (x, w, b) = (try load("x.npy"), try load("w.npy"), try load("b.npy"))
        let g = try ConvGeometry(input: x.shape, weight: w.shape, parameters: p)
        let dy = Tensor.randomNormal(shape: g.outputShape, seed: 5)
        let toNHWC = { (t: Tensor) in channelsLast ? t.permuted(Layout.nchwToNHWC) : t }
        let toHWIO = { (t: Tensor) in channelsLast ? t.permuted(Layout.oihwToHWIO) : t }
        if channelsLast {
            try toNHWC(x).writeNPY(to: folder.appendingPathComponent("x.npy").path)
            try toHWIO(w).writeNPY(to: folder.appendingPathComponent("w.npy").path)
        }
        try toNHWC(dy).writeNPY(to: folder.appendingPathComponent("dy2.npy").path)
        let result = try Harness.convbook(["conv", "--input", "x.npy", "--weight", "w.npy", "--bias", "b.npy",
                                           "--grad-output", "dy2.npy", "--stride", "2", "--out", "out"] + flags, in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let reference = convBackward(dy, x, w, p)
        #expect(try load("out/output.npy").maxAbsDifference(toNHWC(convForward(x, w, b, p))) < 1e-12)
        #expect(try load("out/grad_input.npy").maxAbsDifference(toNHWC(reference.dx)) < 1e-12)
        #expect(try load("out/grad_weight.npy").maxAbsDifference(toHWIO(reference.dw)) < 1e-12)
        #expect(try load("out/grad_bias.npy").maxAbsDifference(reference.db) < 1e-12)
    }

    @Test func gradcheckPrintsJSON() throws {
        let folder = try layerFolder()
        let result = try Harness.convbook(["conv", "--input", "x.npy", "--weight", "w.npy", "--grad-output", "dy.npy",
                                           "--padding", "1", "--gradcheck", "--json", "--out", "out"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Double]
        #expect(Set(object?.keys ?? [:].keys) == ["grad_input", "grad_weight", "grad_bias"])
        for (_, error) in object ?? [:] { #expect(error < 1e-7) }
    }

    @Test func aGradientCheckAboveTheThresholdFails() throws {
        let folder = try layerFolder()
        let result = try Harness.convbook(["conv", "--input", "x.npy", "--weight", "w.npy", "--padding", "1",
                                           "--gradcheck", "--threshold", "1e-30", "--out", "out"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("gradient check failed"))
    }

    /// Each bad invocation exits non-zero with one line on stderr and writes nothing.
    @Test(arguments: [
        (["--weight", "w.npy", "--stride", "0"], "stride must be at least 1"),
        (["--weight", "w.npy", "--groups", "2"], "input channels C = 3 are not divisible by groups = 2"),
        (["--weight", "w.npy", "--grad-output", "x.npy"], "upstream gradient must have the output's shape"),
        (["--weight", "w.npy", "--bias", "dy.npy"], "bias must have shape [4]"),
        (["--weight", "missing.npy"], "missing.npy"),
        (["--weight", "bad.npy"], "bad.npy"),
        (["--weight", "w.npy", "--padding", "0", "--dilation", "4"], "no output rows"),
        (["--weight", "w.npy", "--padding", "0,-1,0,0"], "padding must be non-negative, got (top 0, bottom -1, left 0, right 0)"),
        (["--weight", "w.npy", "--padding", "same", "--stride", "0"], "--padding same needs"),
        (["--weight", "b.npy", "--layout", "nhwc"], "--weight must have 4 axes with --layout nhwc"),
    ])
    func badInputIsOneClearLineAndNothingWritten(extra: [String], expected: String) throws {
        let folder = try layerFolder()
        try Data("not a numpy file".utf8).write(to: folder.appendingPathComponent("bad.npy"))
        let result = try Harness.convbook(["conv", "--input", "x.npy"] + extra + ["--out", "out"], in: folder)
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("convbook conv: error: "))
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/output.npy").path))
    }

    /// `--input` is read only from a regular file whose size is the one its
    /// header asks for: a device or a FIFO is refused at once, and so is a
    /// file too short or too long for its header, before its data is read.
    /// (Run under `timeout` and a 2 GiB `ulimit -v`, so that a reader without
    /// these checks fails here instead of hanging or filling the memory.)
    @Test func readsOnlyRegularFilesOfTheSizeTheirHeaderSays() throws {
        let folder = try layerFolder()
        let fifo = folder.appendingPathComponent("pipe.npy").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // A header for 4 doubles (32 bytes of data), then 2 GB: a sparse file, nothing on disk.
        let sparse = folder.appendingPathComponent("sparse.npy")
        try Data(Tensor(vector: [1, 2, 3, 4]).npyBytes()).write(to: sparse)
        #expect(truncate(sparse.path, 2_000_000_000) == 0)
        // A header for 10^9 doubles (8 GB) with 32 bytes after it.
        try Self.npy(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000,), }", dataBytes: 32)
            .write(to: folder.appendingPathComponent("huge.npy"))

        for (input, expected) in [
            ("/dev/zero", "cannot read '/dev/zero': it is a character device, not a regular file"),
            (fifo, "cannot read '\(fifo)': it is a FIFO, not a regular file"),
            (folder.path, "it is a folder, not a regular file"),
            ("sparse.npy", "'sparse.npy': trailing data: expected 32 bytes of data for shape [4] <f8, found 1999999872"),
            ("huge.npy", "'huge.npy': truncated data: expected 8000000000 bytes of data for shape [1000000000] <f8, found 32"),
        ] {
            let started = Date()
            let result = try Harness.run("/bin/sh", ["-c", "ulimit -v 2097152; exec timeout 20 \"$@\"", "sh", Harness.convbook,
                                                     "conv", "--input", input, "--weight", "w.npy", "--out", "out"], in: folder)
            let elapsed = Date().timeIntervalSince(started)
            #expect(result.status == 1, "\(input): status \(result.status) (124: it hung), \(result.stderr)")
            #expect(result.stderr.hasPrefix("convbook conv: error: --input ") && result.stderr.split(separator: "\n").count == 1)
            #expect(result.stderr.contains(expected), "\(input): \(result.stderr)")
            #expect(elapsed < 5, "\(input): refused after \(elapsed) s")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/output.npy").path))
    }

    /// An `.npy` file of version 1.0 with the header dict `header` (padded as
    /// NumPy pads it) and `dataBytes` zero bytes after it.
    static func npy(header: String, dataBytes: Int) -> Data {
        var text = Array(header.utf8)
        let padded = (10 + text.count + 1 + 63) / 64 * 64 - 10
        text += [UInt8](repeating: 0x20, count: padded - text.count - 1) + [0x0A]
        return Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text
                    + [UInt8](repeating: 0, count: dataBytes))
    }

    @Test func anUnwritableOutputFolderLeavesNothingHalfWritten() throws {
        let folder = try layerFolder()
        // `out` is a file, so the folder cannot be created.
        try Data().write(to: folder.appendingPathComponent("out"))
        let result = try Harness.convbook(["conv", "--input", "x.npy", "--weight", "w.npy", "--out", "out"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot create output folder out"))
    }

    @Test(.enabled(if: Harness.pythonHas("jax"), "JAX is not installed for the cross-check; `make test` installs it into .venv-crosscheck"))
    func agreesWithJAXOnRandomLayers() throws {
        let script = Harness.packageRoot.appendingPathComponent("Tests/crosscheck/conv_crosscheck.py").path
        let result = try Harness.run(Harness.python!, [script, Harness.convbook, "--cases", "40"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("40 passed, 0 failed"), "\(result.stdout)")
        // Every family ran: per-side (low, high) padding, channels last, and "same".
        #expect(result.stdout.contains("cases per family: symmetric NCHW 8, asymmetric NCHW 8, symmetric NHWC 8, asymmetric NHWC 8, same 8"),
                "\(result.stdout)")
    }
}
