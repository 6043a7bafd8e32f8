/// The link of a bibliography entry: its `url` when it is an `http(s)` URL,
/// else its `doi` as `https://doi.org/DOI`. A reader clicks these in
/// `bibliography.html` and each chapter's references, so nothing else may
/// become a link: a `javascript:` URL (in any case, after any spaces), a
/// path or text with spaces is an error at its line in the `.bib` file.
enum BibliographyLink {
    /// Why the field's value cannot be a link, or nil if it can.
    /// `field` is `url` or `doi` (lower case), `value` as the parser cleaned it.
    static func problem(field: String, value: String) -> String? {
        switch field {
        case "url":
            return isWebURL(value) ? nil
                : "url = {\(shown(value))} is not an http:// or https:// URL; only those become links"
        case "doi":
            return doiPath(value) != nil ? nil
                : "doi = {\(shown(value))} is not a DOI (10.NNNN/…, or a https://doi.org/ URL)"
        default:
            return nil
        }
    }

    /// The link of an entry whose fields passed ``problem(field:value:)``.
    static func href(url: String?, doi: String?) -> String? {
        if let url, isWebURL(url) { return url }
        if let doi, let path = doiPath(doi) { return "https://doi.org/" + path }
        return nil
    }

    /// An `http://` or `https://` URL with a host, without spaces or control characters.
    static func isWebURL(_ value: String) -> Bool {
        let lower = value.lowercased()
        guard let scheme = ["https://", "http://"].first(where: { lower.hasPrefix($0) }),
              value.count > scheme.count else { return false }
        return !value.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F || $0.properties.isWhitespace }
    }

    /// A DOI's `10.…/…` part: the value itself, or the path of a `doi.org`
    /// URL or a `doi:` name; nil if it is none of those.
    static func doiPath(_ value: String) -> String? {
        var doi = Substring(value)
        for prefix in ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"]
        where doi.lowercased().hasPrefix(prefix) {
            doi = doi.dropFirst(prefix.count)
            break
        }
        guard doi.hasPrefix("10."), let slash = doi.firstIndex(of: "/"), doi.index(after: slash) < doi.endIndex,
              doi[doi.index(doi.startIndex, offsetBy: 3)..<slash].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              !doi.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0.properties.isWhitespace }) else { return nil }
        return String(doi)
    }

    /// A value as a message shows it: at most 60 characters.
    private static func shown(_ value: String) -> String {
        value.count > 60 ? String(value.prefix(57)) + "..." : value
    }
}
