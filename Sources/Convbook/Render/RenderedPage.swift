import Foundation

/// A chapter's page as rendered, cached by everything it is made from:
/// the HTML as it is (kind `pages`), and beside it (kind `page-meta`,
/// one text a rebuild reads without decoding JSON) its downloads and its
/// search entries as the script's JSON.
struct RenderedPage {
    /// The page; nil when the published one is kept.
    var html: Data?
    var search: String
    /// The page's `.npy` downloads, and the bytes of those not kept.
    var artifacts: [ArtifactEntry]
    var artifactBytes: [String: Data] = [:]
    /// Where the published search index holds this page's text, when it is not in `search`.
    var searchPublished: Range<Int>?

    /// `page-meta`: a line per download (`name`, shape as `2x3`, digest, tab-separated), an empty line, the search text.
    var meta: Data {
        Data((artifacts.map { "\($0.name)\t\($0.shape.map(String.init).joined(separator: "x"))\t\($0.digest)\n" }.joined()
              + "\n" + search).utf8)
    }

    init(html: Data? = nil, search: String, artifacts: [ArtifactEntry]) {
        self.html = html
        self.search = search
        self.artifacts = artifacts
    }

    init?(meta data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\n\n") ?? (text.hasPrefix("\n") ? text.startIndex..<text.index(after: text.startIndex) : nil) else { return nil }
        var artifacts: [ArtifactEntry] = []
        for line in text[..<split.lowerBound].split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else { return nil }
            artifacts.append(ArtifactEntry(name: String(fields[0]), shape: fields[1].split(separator: "x").compactMap { Int($0) },
                                           digest: String(fields[2])))
        }
        self.init(search: String(text[split.upperBound...]), artifacts: artifacts)
    }

    /// A page's download: its name and shape; its bytes are in the cache by their digest (`npy`).
    struct ArtifactEntry: Codable {
        var name: String
        var shape: [Int]
        var digest: String
    }

    /// A page that the published site holds from `key`, with its search text
    /// and downloads where the stamp says they are (its entry in
    /// `search-index.js`, a ``SitePart`` with the downloads): nothing to read.
    static func published(slug: String, href: String, key: String, published: (any PublishedSite)?) -> RenderedPage? {
        guard let published, published.holds(href, madeFrom: key),
              let entry = published.part(slug, of: "search-index.js"), entry.key == key, let downloads = entry.downloads else { return nil }
        var artifacts: [ArtifactEntry] = []
        for (name, digest) in downloads {
            guard published.holds("data/\(slug)/\(name).npy", madeFrom: digest) else { return nil }
            artifacts.append(ArtifactEntry(name: name, shape: [], digest: digest))
        }
        var page = RenderedPage(search: "", artifacts: artifacts)
        page.searchPublished = entry.range
        return page
    }
}
