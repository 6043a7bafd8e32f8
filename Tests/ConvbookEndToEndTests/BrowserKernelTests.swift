import ConvEngine
import Foundation
import Testing

/// The page's own kernel (`convkernel.js`) is checked in node on every build,
/// and the parameter explorer's engine table: end to end through the binary.
@Suite struct BrowserKernelTests {
    static let kernel = Harness.packageRoot.appendingPathComponent("Sources/Convbook/Theme/convkernel.js")

    static let dilatedChapter = """
        # Dilated

        ```swift
        let x = Tensor.randomNormal(shape: [1, 1, 6, 6], seed: 1)
        let w = Tensor.randomNormal(shape: [1, 1, 2, 2], seed: 2)
        let dy = Tensor.randomNormal(shape: [1, 1, 6, 6], seed: 3)
        explore(x, w, nil, ConvParameters(padding: 1, dilation: 2), dy: dy, label: "holes")
        ```

        """

    /// A theme whose `convkernel.js` is the shipped one with `from` replaced by `to`.
    static func theme(in book: BookFixture, replacing from: String, with to: String) throws -> String {
        let source = try String(contentsOf: kernel, encoding: .utf8)
        #expect(source.contains(from), "the kernel no longer has \(from)")
        let folder = book.root.appendingPathComponent("bent-theme")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(source.replacingOccurrences(of: from, with: to).utf8).write(to: folder.appendingPathComponent("convkernel.js"))
        return folder.path
    }

    @Test func theShippedKernelPassesAndIsInTheSite() throws {
        let book = try BookFixture(["01-dilated.md": Self.dilatedChapter])
        let result = try book.convbook("build")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(book.siteSnapshot()["convkernel.js"] == (try Data(contentsOf: Self.kernel)))
        let page = try book.page("01-dilated.html")
        // The kernel comes with "Recompute on this page", loaded on first use by convbook-core.js.
        #expect(page.contains("<script src=\"convbook-core.js\" defer></script>"))
        #expect(!page.contains("<script src=\"convkernel.js\""))
        #expect(page.contains("class=\"cb-recompute-run\""))
        #expect(page.contains("\"example\":{\"id\":\"holes\",\"parameters\":{\"dilation\":[2,2]"))
    }

    @Test func aKernelThatDisagreesFailsTheBuildAtTheExampleAndNamesTheReferenceLayers() throws {
        let book = try BookFixture(["01-dilated.md": Self.dilatedChapter])
        #expect(try book.convbook("build").status == 0)
        let before = book.siteSnapshot()
        // dx a hair off whenever the dilation is above 1: the groups-1 example and some reference layers.
        let theme = try Self.theme(in: book, replacing: "dx.data[xk] += d * w.data[wk];",
                                   with: "dx.data[xk] += (L.dh > 1 ? 1 + 1e-9 : 1) * d * w.data[wk];")
        let result = try book.convbook("build", "--theme", theme)
        #expect(result.status == 1)
        #expect(result.stderr.contains("chapters/01-dilated.md:7:"), "\(result.stderr)")
        #expect(result.stderr.contains("error: the browser's kernel (\(theme)/convkernel.js) disagrees with the engine on dx of the example 'holes': relative difference 1.000e-09, above 1.000e-12"))
        #expect(result.stderr.contains("\(theme)/convkernel.js: error: the browser's kernel (\(theme)/convkernel.js) disagrees with the engine on dx of reference layer "))
        #expect(result.stderr.contains("dilation (2, ") || result.stderr.contains("dilation (3, "))
        #expect(book.siteSnapshot() == before)
        // The same bug for groups alone: no example of this book has groups, the reference layers do.
        let grouped = try Self.theme(in: book, replacing: "const g = Math.floor(f / Fg);", with: "const g = 0;")
        let second = try book.convbook("build", "--theme", grouped)
        #expect(second.status == 1)
        #expect(!second.stderr.contains("chapters/01-dilated.md"))
        #expect(second.stderr.contains("groups 2)") || second.stderr.contains("groups 3)"), "\(second.stderr)")
    }

    @Test func aKernelThatAnswersNaNNeverPasses() throws {
        let book = try BookFixture(["01-dilated.md": Self.dilatedChapter])
        let theme = try Self.theme(in: book, replacing: "y.data[((n * F + f) * Hout + i) * Wout + j] = sum;",
                                   with: "y.data[((n * F + f) * Hout + i) * Wout + j] = NaN;")
        let result = try book.convbook("build", "--theme", theme)
        #expect(result.status == 1)
        #expect(result.stderr.contains("disagrees with the engine on y of the example 'holes': relative difference"), "\(result.stderr)")
    }

    @Test func theParameterExplorerCarriesTheEnginesTable() throws {
        let book = try BookFixture(["01-sizes.md": """
            # Sizes

            ```swift hide-code
            exploreParameters(input: HW(height: 6, width: 5), filter: 3, ConvParameters(stride: 2, padding: 1), label: "sizes")
            ```

            """])
        let result = try book.convbook("build")
        #expect(result.status == 0, "\(result.stderr)")
        let page = try book.page("01-sizes.html")
        #expect(page.contains("class=\"cb-recompute-run\""))
        let start = try #require(page.range(of: "<script type=\"application/json\" class=\"cb-params-data\">"))
        let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
        let data = try #require(try JSONSerialization.jsonObject(with: Data(page[start.upperBound..<end.lowerBound].utf8)) as? [String: Any])
        let table = try #require(data["table"] as? [[String: Any]])
        #expect(table.count >= 20)
        // The first row is the initial layer; every row agrees with a count made here, tap by tap.
        #expect((table[0]["settings"] as? [String: Int]) == ["H": 6, "W": 5, "HH": 3, "WW": 3, "sh": 2, "sw": 2,
                                                              "ph": 1, "pw": 1, "dh": 1, "dw": 1, "C": 1, "F": 1])
        for row in table {
            let s = try #require(row["settings"] as? [String: Int])
            let (H, W, HH, WW) = (s["H"]!, s["W"]!, s["HH"]!, s["WW"]!)
            let (sh, sw, ph, pw, dh, dw) = (s["sh"]!, s["sw"]!, s["ph"]!, s["pw"]!, s["dh"]!, s["dw"]!)
            let outH = (H + 2 * ph - dh * (HH - 1) - 1) / sh + 1, outW = (W + 2 * pw - dw * (WW - 1) - 1) / sw + 1
            #expect(row["outHeight"] as? Int == outH && row["outWidth"] as? Int == outW, "\(s)")
            var cover = [Int](repeating: 0, count: H * W)
            var rows = Set<Int>(), cols = Set<Int>()
            for i in 0..<outH { for a in 0..<HH { rows.insert(i * sh + a * dh) } }
            for j in 0..<outW { for b in 0..<WW { cols.insert(j * sw + b * dw) } }
            for i in 0..<outH { for j in 0..<outW { for a in 0..<HH { for b in 0..<WW {
                let (r, q) = (i * sh + a * dh - ph, j * sw + b * dw - pw)
                if r >= 0 && r < H && q >= 0 && q < W { cover[r * W + q] += 1 }
            } } } }
            #expect(row["cover"] as? [Int] == cover, "\(s)")
            #expect(row["unreachedRows"] as? [Int] == (0..<(H + 2 * ph)).filter { !rows.contains($0) }, "\(s)")
            #expect(row["unreachedCols"] as? [Int] == (0..<(W + 2 * pw)).filter { !cols.contains($0) }, "\(s)")
            #expect(row["aH"] as? Int == (H + 2 * ph - dh * (HH - 1) - 1) % sh)
            let y = try #require(row["y"] as? [String: Any])
            #expect(y["shape"] as? [Int] == [1, s["F"]!, outH, outW])
        }
        // Its values are in the ledger, so `convbook check` judges them.
        #expect(try String(contentsOf: book.root.appendingPathComponent("site/manifest.json"), encoding: .utf8).contains("\"kind\":\"parameter-explorer\""))
    }

    @Test func aParameterExplorerOutsideItsRangeIsAnErrorAtItsLine() throws {
        let book = try BookFixture(["01-sizes.md": """
            # Sizes

            ```swift
            exploreParameters(input: 17, filter: 3, label: "too-big")
            ```

            """])
        let result = try book.convbook("build")
        #expect(result.status == 1)
        #expect(result.stderr.contains("chapters/01-sizes.md:4:"), "\(result.stderr)")
        #expect(result.stderr.contains("H = 17 is outside the explorer's range 1...16"))
    }
}
