import Foundation

/// A throwaway book in a temporary folder: chapters written from strings,
/// built with the real `convbook` binary.
struct BookFixture {
    let root: URL

    init(_ chapters: [String: String]) throws {
        root = try Harness.temporaryDirectory()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("chapters"), withIntermediateDirectories: true)
        for (name, text) in chapters { try write(name, text) }
    }

    func write(_ chapter: String, _ text: String) throws {
        try Data(text.utf8).write(to: root.appendingPathComponent("chapters/\(chapter)"))
    }

    func remove(_ chapter: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent("chapters/\(chapter)"))
    }

    @discardableResult
    func convbook(_ arguments: String...) throws -> Harness.Result {
        try Harness.convbook(arguments, in: root)
    }

    /// `convbook` with variables added to its environment (chapters see them only through `--env`).
    @discardableResult
    func convbook(_ arguments: [String], environment: [String: String]) throws -> Harness.Result {
        try Harness.convbook(arguments, in: root, environment: environment)
    }

    func page(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("site/\(name)"), encoding: .utf8)
    }

    /// Every file of the site folder with its bytes.
    func siteSnapshot(_ folder: String = "site") -> [String: Data] {
        let base = root.appendingPathComponent(folder)
        var files = [String: Data]()
        guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return files }
        for case let path as String in enumerator {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: base.appendingPathComponent(path).path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try? Data(contentsOf: base.appendingPathComponent(path))
            }
        }
        return files
    }

    /// The names in the book's root folder (to spot leftover staging folders).
    func rootEntries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
    }

    /// Cached chapter results (files named by 64 hex digits), of `kind`.
    func cacheEntries(_ kind: String = "results") -> [URL] {
        let folder = root.appendingPathComponent(".convbook-cache/\(kind)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.count == 64 }.map { folder.appendingPathComponent($0) }
    }
}
