import Foundation

/// Where `convbook diff` reads a ledger: a site folder's `manifest.json`, or
/// the one committed at a git revision (`git show REV:site/manifest.json`,
/// the path taken relative to the repository that holds the site folder).
///
/// ```swift
/// let old = try LedgerSource.revision("origin/main", site: "site").load()
/// let new = try LedgerSource.folder("site").load()
/// ```
///
/// Every failure is a ``Diagnostic`` at the manifest's path:
/// `site/manifest.json: error: 'nope' is not a revision git knows`.
public enum LedgerSource: Sendable {
    /// `FOLDER/manifest.json`.
    case folder(String)
    /// `SITE/manifest.json` as committed at a git revision, SITE being the
    /// site folder in the working tree.
    case revision(String, site: String)

    /// The ledger's name in reports: `site/manifest.json`, `site/manifest.json at HEAD~1`.
    public var name: String {
        switch self {
        case .folder(let folder): Self.manifestPath(folder)
        case .revision(let revision, let site): "\(Self.manifestPath(site)) at \(revision)"
        }
    }

    /// Reads and decodes the ledger.
    public func load() throws -> Manifest {
        switch self {
        case .folder(let folder):
            let path = Self.manifestPath(folder)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw Diagnostic(file: folder, message: "no such site folder")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Diagnostic(file: path, message: "no ledger in this site folder: build it with `convbook build`")
            }
            return try Self.decode(data, path: path)
        case .revision(let revision, let site):
            return try Self.decode(Self.show(revision, site: site), path: "\(Self.manifestPath(site)) at \(revision)")
        }
    }

    static func manifestPath(_ folder: String) -> String {
        (folder.hasSuffix("/") ? String(folder.dropLast()) : folder) + "/manifest.json"
    }

    static func decode(_ data: Data, path: String) throws -> Manifest {
        struct Format: Decodable { var format: Int? }
        guard let format = try? JSONDecoder().decode(Format.self, from: data) else {
            throw Diagnostic(file: path, message: "not JSON: not a convbook ledger")
        }
        guard format.format == Manifest.currentFormat else {
            throw Diagnostic(file: path, message: "a ledger of format \(format.format.map(String.init) ?? "unknown"); this convbook reads format \(Manifest.currentFormat): build that site again with this convbook")
        }
        do {
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw Diagnostic(file: path, message: "not a convbook ledger: \(error)")
        }
    }

    /// The bytes of `SITE/manifest.json` at `revision`, through git.
    static func show(_ revision: String, site: String) throws -> Data {
        let path = manifestPath(site)
        guard let git = Subprocess.locate(["git"]) else {
            throw Diagnostic(file: path, message: "git is not on PATH: --base reads the old ledger through it (or give --old SITE)")
        }
        // The site folder, or the nearest folder above it that exists, is in the repository.
        var folder = URL(fileURLWithPath: site).standardizedFileURL
        var below = [String]()
        while !FileManager.default.fileExists(atPath: folder.path), folder.path != "/" {
            below.insert(folder.lastPathComponent, at: 0)
            folder = folder.deletingLastPathComponent()
        }
        func run(_ arguments: [String]) throws -> Subprocess.Outcome {
            do {
                return try Subprocess(executable: git, arguments: arguments, directory: folder, timeout: 120).run()
            } catch {
                throw Diagnostic(file: path, message: "\(error)")
            }
        }
        func gitSaid(_ outcome: Subprocess.Outcome) -> String {
            let text = outcome.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? "" : " (git: \(text.split(separator: "\n").first ?? ""))"
        }
        let top = try run(["rev-parse", "--show-toplevel"])
        guard top.succeeded else {
            throw Diagnostic(file: path, message: "not in a git repository, so --base cannot read it at \(revision)\(gitSaid(top)); give --old SITE")
        }
        let root = URL(fileURLWithPath: top.stdoutText.trimmingCharacters(in: .newlines)).resolvingSymlinksInPath().path
        let real = ([folder.resolvingSymlinksInPath().path] + below).joined(separator: "/")
        guard real == root || real.hasPrefix(root + "/") else {
            throw Diagnostic(file: path, message: "the site folder is not inside the git repository at \(root)")
        }
        let relative = String(String(real.dropFirst(root.count)).drop { $0 == "/" })
        let inRepository = (relative.isEmpty ? "" : relative + "/") + "manifest.json"

        let commit = try run(["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"])
        guard commit.succeeded, !revision.isEmpty else {
            throw Diagnostic(file: path, message: "'\(revision)' is not a revision git knows in \(root)\(gitSaid(commit))")
        }
        let hash = commit.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = try run(["show", "\(hash):\(inRepository)"])
        guard shown.succeeded else {
            throw Diagnostic(file: path, message: "there is no \(inRepository) at \(revision) (commit \(hash.prefix(12)))\(gitSaid(shown))")
        }
        return shown.stdout
    }
}
