import Foundation

/// When each chapter's text last changed, for the pages' footers: the date,
/// and the commit when git knows it.
///
/// The site keeps what it published (``fileName``, `history.json`: each
/// chapter's last change with the digest of the source it describes), and
/// while a chapter's source is the one recorded there the record is used, as
/// the ledger keeps published numbers. A source not recorded is looked up in
/// git: the date (`%cs`, the committer's, in no time zone of the machine's)
/// and commit of the last commit that touched the file, when the file is
/// committed and unmodified in a full clone. Otherwise (an edit not yet
/// committed, a shallow clone, no git) it is the day, in UTC, this text was
/// first built, with no commit.
///
/// So the record is made when a text is first built, usually before it is
/// committed, and never changes while the text does not: the commit that
/// adds an edit and the site built from it can be one commit, and a fresh
/// clone, an archive without `.git` or another machine rebuilds the
/// committed site byte for byte. (A commit cannot name itself, so an edit's
/// page names no commit; the date says when it changed.)
///
/// A page shows its entry, so the entry is part of the page's cache key and
/// of the build stamp's inputs (``stamp``).
struct SourceHistory: Sendable, Hashable {
    struct Change: Sendable, Hashable {
        /// The full commit hash.
        var commit: String
        /// `YYYY-MM-DD`.
        var date: String
    }

    /// By chapter file, from the folder that holds `book.toml` (``name(of:)``).
    var changes: [String: Change] = [:]
    /// The digest of the source each change describes.
    var sources: [String: String] = [:]

    /// The record in the site folder.
    static let fileName = "history.json"

    /// A chapter file as the record names it: `chapters/01-forward.md`.
    static func name(of file: URL) -> String {
        file.deletingLastPathComponent().lastPathComponent + "/" + file.lastPathComponent
    }

    private struct Record: Codable {
        var format = 1
        var chapters: [String: Entry]
        struct Entry: Codable { var source: String; var commit: String; var date: String }
    }

    /// The record to publish: sorted, so the same history writes the same bytes.
    var record: Data {
        let entries = changes.reduce(into: [String: Record.Entry]()) { entries, item in
            entries[item.key] = Record.Entry(source: sources[item.key] ?? "", commit: item.value.commit, date: item.value.date)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return ((try? encoder.encode(Record(chapters: entries))) ?? Data()) + Data("\n".utf8)
    }

    /// Each chapter's last change: the site's record where the chapter's
    /// source (`digests`, by file) is the one it describes, else git's.
    static func read(_ files: [(url: URL, digest: String)], site: URL) -> SourceHistory {
        let published = (try? Data(contentsOf: site.appendingPathComponent(fileName)))
            .flatMap { try? JSONDecoder().decode(Record.self, from: $0) }
        var history = SourceHistory()
        var unknown = [(url: URL, digest: String)]()
        for file in files {
            let name = name(of: file.url)
            if let entry = published?.chapters[name], entry.source == file.digest {
                history.changes[name] = Change(commit: entry.commit, date: entry.date)
                history.sources[name] = file.digest
            } else {
                unknown.append(file)
            }
        }
        let asked = fromGit(unknown.map(\.url))
        for file in unknown {
            // Not in git's history as it is (an edit not committed yet, no git): the day this text was first built, with no commit.
            let name = name(of: file.url)
            history.changes[name] = asked.changes[name] ?? Change(commit: "", date: today())
            history.sources[name] = file.digest
        }
        return history
    }

    /// Today in UTC, `YYYY-MM-DD`.
    static func today(_ now: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: now)
    }

    /// The last change of `file`, if git knows it.
    func change(of file: URL) -> Change? {
        changes[Self.key(file)]
    }

    /// What the entries are, for cache keys.
    func stamp(of file: URL) -> String {
        change(of: file).map { "\($0.commit) \($0.date)" } ?? "-"
    }

    var stamp: String {
        changes.keys.sorted().map { "\($0)\t\(changes[$0]!.commit)\t\(changes[$0]!.date)\t\(sources[$0] ?? "")" }.joined(separator: "\n")
    }

    /// Asks git about `files` (all in one folder): three runs of git, none
    /// for a folder outside a work tree or for no files.
    static func fromGit(_ files: [URL]) -> SourceHistory {
        guard let folder = files.first?.deletingLastPathComponent(), let git = Subprocess.locate(["git"]) else { return SourceHistory() }
        func run(_ arguments: [String]) -> String? {
            // No optional locks: reading history must not write the index of the reader's checkout.
            let outcome = try? Subprocess(executable: git, arguments: ["-C", folder.path, "--no-optional-locks", "-c", "core.quotepath=off",
                                                                       "-c", "safe.directory=*"] + arguments).run()
            guard let outcome, outcome.succeeded else { return nil }
            return outcome.stdoutText
        }
        guard let top = run(["rev-parse", "--is-shallow-repository", "--show-toplevel"])?.split(separator: "\n").map(String.init),
              top.count == 2, top[0] == "false" else { return SourceHistory() }
        let root = URL(fileURLWithPath: top[1]).resolvingSymlinksInPath().path + "/"
        // Paths as git names them, from the top of the work tree.
        var byGitPath = [String: String]()
        for file in files {
            let resolved = file.resolvingSymlinksInPath().path
            guard resolved.hasPrefix(root) else { continue }
            byGitPath[String(resolved.dropFirst(root.count))] = key(file)
        }
        let pathspecs = byGitPath.keys.sorted().map { ":(top,literal)" + $0 }
        guard !pathspecs.isEmpty, let status = run(["status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all", "--"] + pathspecs),
              let log = run(["log", "--no-renames", "--format=%x00%H %cs", "--name-only", "--"] + pathspecs) else { return SourceHistory() }
        // Changed, staged or untracked: what the history says is not what the build reads.
        let unsettled = Set(status.split(separator: "\0").map { String($0.dropFirst(3)) })
        var history = SourceHistory()
        for commit in log.split(separator: "\0") {
            let lines = commit.split(separator: "\n").map(String.init)
            guard let header = lines.first?.split(separator: " "), header.count == 2, header[0].count >= 40 else { continue }
            for name in lines.dropFirst() where !name.isEmpty {
                guard let key = byGitPath[name], !unsettled.contains(name), history.changes[key] == nil else { continue }
                history.changes[key] = Change(commit: String(header[0]), date: String(header[1]))
            }
        }
        return history
    }

    private static func key(_ file: URL) -> String {
        name(of: file)
    }
}
