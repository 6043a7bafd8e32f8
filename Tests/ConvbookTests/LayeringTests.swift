import Foundation
import Testing

/// The generator's folders are stages in the order a build runs them, and a
/// stage may name what earlier stages define, never what a later one does:
/// then a stage can be read (and tested) knowing only the ones before it.
/// The Markdown folder names nothing outside itself at all: it is the tree
/// every stage walks, and knows no stage.
///
/// The check reads the sources: every top-level declaration (type, function,
/// constant) belongs to its folder, and every identifier a file uses (outside
/// comments and string literals, not after a `.`) that a later folder
/// declares is a violation, reported as `file:line: names X from Folder`.
@Suite struct LayeringTests {
    /// The stages, earliest first (`Install`: where convbook's own files are, and
    /// `convbook init`). Files directly in `Sources/Convbook/` are
    /// the pipeline that runs them all (`BookBuilder`); `Check` is what
    /// `convbook check` found and how it prints it (text, GitHub annotations,
    /// JUnit, JSON); `Preview` shows what it built, in a browser (`serve`,
    /// which reruns it) or on paper (`pdf`).
    static let order = ["Support", "Install", "Markdown", "Book", "Execute", "Ledger", "Inject", "Render", "Publish", "Check", "", "Preview"]

    static var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Convbook")
    }

    @Test func noStageNamesALaterStage() throws {
        let files = try Self.readSources(Self.sources)
        #expect(files.count > 50, "the sources were not found at \(Self.sources.path)")
        let violations = Layering(order: Self.order).violations(in: files)
        #expect(violations.isEmpty, "\(violations.count) violations:\n\(violations.joined(separator: "\n"))")
    }

    @Test func everyFolderIsAStage() throws {
        let folders = Set(try Self.readSources(Self.sources).map(\.folder))
        #expect(folders.subtracting(Self.order).isEmpty, "folders with no place in the order: \(folders.subtracting(Self.order).sorted())")
    }

    // The check itself, on small made-up trees: it must be able to fail.

    @Test func anEarlierStageNamingALaterOneIsFound() {
        let files = [
            Layering.File(folder: "Book", name: "Chapter.swift", text: "struct Chapter {\n    var page: RenderedPage\n}\n"),
            Layering.File(folder: "Render", name: "RenderedPage.swift", text: "struct RenderedPage {\n    var chapter: Chapter\n}\n"),
        ]
        let violations = Layering(order: ["Book", "Render"]).violations(in: files)
        #expect(violations == ["Book/Chapter.swift:2: names RenderedPage from Render"])
    }

    @Test func theMarkdownFolderNamesNothingOutsideIt() {
        let files = [
            Layering.File(folder: "Support", name: "Diagnostic.swift", text: "struct Diagnostic {}\nfunc parallelMap() {}\n"),
            Layering.File(folder: "Markdown", name: "Node.swift", text: "struct Node {\n    func f() throws(Diagnostic) { parallelMap() }\n}\n"),
        ]
        let violations = Layering(order: ["Support", "Markdown"]).violations(in: files)
        #expect(violations == ["Markdown/Node.swift:2: names Diagnostic from Support",
                               "Markdown/Node.swift:2: names parallelMap from Support"])
    }

    @Test func commentsStringsAndMembersAreNotNames() {
        let files = [
            Layering.File(folder: "Book", name: "A.swift", text: """
                /// Made for ``RenderedPage``.
                struct A { // RenderedPage
                    let text = "RenderedPage \\(1)"
                    let b = Manifest.RenderedPage.self /* RenderedPage */
                    let c = \"\"\"
                        RenderedPage
                        \"\"\"
                }

                """),
            Layering.File(folder: "Render", name: "RenderedPage.swift", text: "struct RenderedPage {}\n"),
        ]
        #expect(Layering(order: ["Book", "Render"]).violations(in: files).isEmpty)
    }

    @Test func aNameDeclaredInTwoStagesIsReported() {
        let files = [
            Layering.File(folder: "Book", name: "A.swift", text: "struct Page {}\n"),
            Layering.File(folder: "Render", name: "B.swift", text: "struct Page {}\n"),
        ]
        #expect(Layering(order: ["Book", "Render"]).violations(in: files) == ["Page is declared in Book and in Render"])
    }

    static func readSources(_ root: URL) throws -> [Layering.File] {
        var files = [Layering.File]()
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            let relative = url.path.dropFirst(root.path.count + 1).split(separator: "/")
            files.append(Layering.File(folder: relative.count > 1 ? String(relative[0]) : "", name: String(relative.last!),
                                       text: try String(contentsOf: url, encoding: .utf8)))
        }
        return files.sorted { ($0.folder, $0.name) < ($1.folder, $1.name) }
    }
}

/// Which names each folder declares, and which later folder's names a file uses.
struct Layering {
    struct File {
        var folder: String
        var name: String
        var text: String
    }

    /// The folders, earliest first.
    var order: [String]

    func violations(in files: [File]) -> [String] {
        var problems = [String]()
        var owner = [String: String]()
        for file in files {
            for name in Self.declarations(in: file.text) {
                if let other = owner[name], other != file.folder {
                    problems.append("\(name) is declared in \(other.isEmpty ? "the pipeline" : other) and in \(file.folder.isEmpty ? "the pipeline" : file.folder)")
                } else {
                    owner[name] = file.folder
                }
            }
        }
        let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        for file in files {
            guard let own = rank[file.folder] else { continue }
            for (line, identifier) in Self.identifiers(in: file.text) {
                guard let folder = owner[identifier], folder != file.folder, let theirs = rank[folder] else { continue }
                if theirs > own || file.folder == "Markdown" {
                    problems.append("\(file.folder.isEmpty ? "" : file.folder + "/")\(file.name):\(line): names \(identifier) from \(folder.isEmpty ? "the pipeline" : folder)")
                }
            }
        }
        return problems
    }

    /// The names a file declares at its top level (no indentation).
    static func declarations(in text: String) -> [String] {
        let keywords: Set<Substring> = ["struct", "enum", "class", "protocol", "actor", "typealias", "func", "let", "var"]
        let modifiers: Set<Substring> = ["public", "private", "fileprivate", "internal", "package", "final", "indirect", "nonisolated", "@usableFromInline"]
        var names = [String]()
        for line in code(text).split(separator: "\n") where !line.hasPrefix(" ") && !line.hasPrefix("\t") {
            let words = line.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "@") })
            guard let index = words.firstIndex(where: { !modifiers.contains($0) }), keywords.contains(words[index]),
                  index + 1 < words.count else { continue }
            names.append(String(words[index + 1]))
        }
        return names
    }

    /// Every identifier the code uses, with its line, except right after a `.` (a member).
    static func identifiers(in text: String) -> [(line: Int, String)] {
        var found = [(Int, String)]()
        for (number, line) in code(text).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var seen = Set<Substring>()
            var index = line.startIndex
            while index < line.endIndex {
                guard line[index].isLetter || line[index] == "_" else { index = line.index(after: index); continue }
                let start = index
                while index < line.endIndex, line[index].isLetter || line[index].isNumber || line[index] == "_" { index = line.index(after: index) }
                let word = line[start..<index]
                let member = start > line.startIndex && line[line.index(before: start)] == "."
                if !member, seen.insert(word).inserted { found.append((number + 1, String(word))) }
            }
        }
        return found
    }

    /// The text with comments and string literals blanked (their newlines kept, so lines still count).
    static func code(_ text: String) -> String {
        var out = ""
        let characters = Array(text)
        var index = 0
        func at(_ offset: Int) -> Character? { index + offset < characters.count ? characters[index + offset] : nil }
        while index < characters.count {
            let character = characters[index]
            if character == "/", at(1) == "/" {
                while index < characters.count, characters[index] != "\n" { index += 1 }
            } else if character == "/", at(1) == "*" {
                var depth = 0
                repeat {
                    if characters[index] == "/", at(1) == "*" { depth += 1; index += 2; continue }
                    if characters[index] == "*", at(1) == "/" { depth -= 1; index += 2; continue }
                    if characters[index] == "\n" { out.append("\n") }
                    index += 1
                } while depth > 0 && index < characters.count
            } else if character == "\"" {
                let triple = at(1) == "\"" && at(2) == "\""
                index += triple ? 3 : 1
                while index < characters.count {
                    if characters[index] == "\\" { index += 2; continue }
                    if characters[index] == "\n" { out.append("\n") }
                    if triple ? (characters[index] == "\"" && at(1) == "\"" && at(2) == "\"") : characters[index] == "\"" {
                        index += triple ? 3 : 1
                        break
                    }
                    index += 1
                }
                out.append("\"\"")
            } else {
                out.append(character)
                index += 1
            }
        }
        return out
    }
}
