import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// `convbook pdf` as a user runs it: what the printed page may load, and
/// where the PDF may be written.
@Suite struct PDFCommandTests {
    static let canPrint = Harness.which("chromium") != nil && Harness.which("pdftotext") != nil && Harness.which("pdfimages") != nil

    /// A 37 × 23 red PNG (a size no other image in the fixture has).
    static func png(width: Int, height: Int) -> Data {
        func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
            let typed = Array(type.utf8) + body
            return bigEndian(UInt32(body.count)) + typed + bigEndian(crc32(typed))
        }
        let header = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0]
        let row: [UInt8] = [0] + [UInt8](repeating: 0, count: 3 * width).enumerated().map { $0.offset % 3 == 0 ? 255 : 0 }
        let raw = [[UInt8]](repeating: row, count: height).flatMap { $0 }
        return Data([0x89] + Array("PNG\r\n".utf8) + [0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlibStored(raw)) + chunk("IEND", []))
    }

    /// The page's raw HTML that points at files outside the site.
    static func hostileHTML(secretText: String, secretImage: String) -> String {
        """
        <p>INJECTED-MARKER</p>
        <object data="file:///etc/passwd" width="600" height="300"></object>
        <object data="file://\(secretText)" width="600" height="300"></object>
        <img src="file://\(secretImage)" width="200" height="120">
        <iframe src="file://\(secretText)" width="600" height="200"></iframe>
        <iframe src="file:///etc/passwd" width="600" height="200"></iframe>
        """
    }

    /// `<object>`, `<img>` and `<iframe>` pointing at `file://` load nothing
    /// into the PDF: the page is printed from a server on 127.0.0.1 that
    /// serves only the site folder. A chapter cannot hold such HTML (raw HTML
    /// is text unless `raw-html = true`, and then these tags are refused at
    /// their line: HostileInputTests), so it is written into the built
    /// `book.html` itself, as a site edited by hand would hold it.
    @Test(.enabled(if: canPrint, "needs chromium and poppler-utils (make pdf-deps)"), .timeLimit(.minutes(5)))
    func thePrintedPageLoadsOnlyTheSitesOwnFiles() throws {
        let outside = try Harness.temporaryDirectory()
        let marker = "CONVBOOK-SECRET-\(UUID().uuidString.prefix(8))"
        let secretText = outside.appendingPathComponent("secret.txt").path
        let secretImage = outside.appendingPathComponent("secret.png").path
        try Data("\(marker)\n".utf8).write(to: URL(fileURLWithPath: secretText))
        try Self.png(width: 37, height: 23).write(to: URL(fileURLWithPath: secretImage))
        let passwd = try String(contentsOfFile: "/etc/passwd", encoding: .utf8).split(separator: "\n").first.map(String.init) ?? "root:x:0:0"
        let html = Self.hostileHTML(secretText: secretText, secretImage: secretImage)

        let book = try BookFixture(["01-a.md": "# Alpha\n\nThe chapter's own prose.\n"])
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        let page = book.root.appendingPathComponent("site/book.html")
        var text = try String(contentsOf: page, encoding: .utf8)
        let end = try #require(text.range(of: "</main>") ?? text.range(of: "</body>"))
        text.insert(contentsOf: html, at: end.lowerBound)
        try Data(text.utf8).write(to: page)

        // Printed twice: the second replaces the first PDF.
        for _ in 0..<2 {
            let printed = try book.convbook("pdf", "--out", "out/book.pdf")
            #expect(printed.status == 0, "\(printed.stderr)")
        }
        let pdf = book.root.appendingPathComponent("out/book.pdf").path
        let printedText = try Harness.run(Harness.which("pdftotext")!, [pdf, "-"]).stdout
        #expect(printedText.contains("The chapter's own prose") && printedText.contains("INJECTED-MARKER"), "\(printedText)")
        #expect(!printedText.contains(marker), "the secret file is in the PDF")
        #expect(!printedText.contains(passwd), "/etc/passwd is in the PDF")
        let images = try Harness.run(Harness.which("pdfimages")!, ["-list", pdf]).stdout.split(separator: "\n").dropFirst(2)
        let sizes = images.map { $0.split(separator: " ", omittingEmptySubsequences: true) }.filter { $0.count > 4 }.map { "\($0[3])x\($0[4])" }
        #expect(!sizes.contains("37x23"), "the outside image is in the PDF: \(sizes)")
    }

    /// `--out` writes a new file or replaces a PDF, and nothing else: not a
    /// chapter, `book.toml`, a site page, a device, a FIFO or a folder, and
    /// nothing inside the chapters or site folder (also through a symlinked
    /// folder). Each is refused before Chromium starts, and left as it was.
    @Test func theOutputIsANewFileOrAPDFOutsideTheBook() throws {
        let book = try BookFixture(["01-a.md": "# Alpha\n\nProse.\n"])
        try Data("[book]\ntitle = \"T\"\n".utf8).write(to: book.root.appendingPathComponent("book.toml"))
        let built = try book.convbook("build")
        #expect(built.status == 0, "\(built.stderr)")
        let root = book.root
        try Data("my notes\n".utf8).write(to: root.appendingPathComponent("notes.txt"))
        #expect(mkfifo(root.appendingPathComponent("pipe.pdf").path, 0o600) == 0)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("folder.pdf"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("link").path, withDestinationPath: "chapters")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("alias.pdf").path, withDestinationPath: "notes.txt")
        // A character device of its own (the kind of /dev/full), where the system allows making one.
        let device = root.appendingPathComponent("full.pdf").path
        let haveDevice = mknod(device, S_IFCHR | 0o666, dev_t(1 << 8 | 7)) == 0

        var cases = [
            ("chapters/01-a.md", "is inside the chapters folder (chapters)"),
            ("chapters/new.pdf", "is inside the chapters folder (chapters)"),
            ("chapters", "is the chapters folder"),
            ("link/new.pdf", "is inside the chapters folder (chapters)"),
            ("site/index.html", "is inside the site folder (site)"),
            ("./site/sub/new.pdf", "is inside the site folder (site)"),
            ("book.toml", "exists and is not a PDF (it does not start with %PDF-)"),
            ("notes.txt", "exists and is not a PDF (it does not start with %PDF-)"),
            ("pipe.pdf", "is a FIFO, not a regular file"),
            ("folder.pdf", "is a folder, not a regular file"),
            ("alias.pdf", "is a symbolic link, not a regular file"),
        ]
        if haveDevice { cases.append(("full.pdf", "is a character device, not a regular file")) }
        let before = Self.regularFiles(in: root)
        for (out, expected) in cases {
            let refused = try Harness.run("/usr/bin/timeout", ["20", Harness.convbook, "pdf", "--out", out], in: root)
            #expect(refused.status == 1, "--out \(out): \(refused.stderr)")
            #expect(refused.stderr.hasPrefix("\(out): error: ") && refused.stderr.split(separator: "\n").count == 1
                    && refused.stderr.contains(expected), "--out \(out): \(refused.stderr)")
        }
        #expect(Self.regularFiles(in: root) == before, "a refused --out changed a file")
        var info = stat()
        if haveDevice { #expect(lstat(device, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "the device was replaced") }
        #expect(lstat(root.appendingPathComponent("pipe.pdf").path, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    }

    /// Every regular file under `folder` with its bytes (a FIFO or a device is never opened).
    static func regularFiles(in folder: URL) -> [String: Data] {
        var files = [String: Data]()
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return files }
        for case let path as String in enumerator {
            var info = stat()
            let full = folder.appendingPathComponent(path).path
            if lstat(full, &info) == 0, info.st_mode & S_IFMT == S_IFREG { files[path] = FileManager.default.contents(atPath: full) }
        }
        return files
    }
}

private func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
}

private func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

/// `bytes` as a zlib stream of stored (uncompressed) blocks.
private func zlibStored(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x78, 0x01]
    var start = 0
    repeat {
        let end = min(start + 65_535, bytes.count)
        let length = UInt16(end - start)
        out += [end == bytes.count ? 1 : 0, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        out += bytes[start..<end]
        start = end
    } while start < bytes.count
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in bytes {
        a = (a + UInt32(byte)) % 65_521
        b = (b + a) % 65_521
    }
    return out + bigEndian(b << 16 | a)
}
