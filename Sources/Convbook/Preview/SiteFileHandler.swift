import FlyingFox
import Foundation

/// Serves the files of the site folder, and nothing outside it.
///
/// Only `GET` and `HEAD`. The request path is taken raw and decoded segment
/// by segment: a `.` or `..` segment (also percent-encoded), an encoded `/`,
/// a NUL or a backslash is refused with 403, and so is any path whose real
/// location (after resolving symlinks) is not inside the site folder. Hidden
/// names are not served. `/` and folders serve their `index.html`; a folder
/// asked for without its trailing slash is redirected to it, so relative links
/// work. With a reload channel (`serve`), HTML responses get the
/// ``LiveReloadScript``; without one (`pdf`), files are served as they are.
/// The files are never changed.
struct SiteFileHandler: HTTPHandler {
    /// The site folder (it is replaced wholesale by every build; it is
    /// resolved again for every request).
    let root: URL
    /// The live-reload channel whose version HTML responses carry; nil: none.
    let channel: ReloadChannel?

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard Self.isLocalHost(request) else { return Self.plain(.forbidden, "only local requests are served\n") }
        guard request.method == .GET || request.method == .HEAD else {
            var response = Self.plain(.methodNotAllowed, "only GET and HEAD\n")
            response.headers[HTTPHeader("Allow")] = "GET, HEAD"
            return response
        }
        switch Self.resolve(request.target.path(percentEncoded: true), in: root) {
        case .badRequest:
            return Self.plain(.badRequest, "bad request path\n")
        case .forbidden:
            return Self.plain(.forbidden, "outside the site folder\n")
        case .redirect(let location):
            return HTTPResponse(statusCode: .movedPermanently, headers: [.location: location, .contentType: "text/plain; charset=utf-8"],
                                body: Data("see \(location)\n".utf8))
        case .notFound:
            let page = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Not found</title></head>"
                + "<body><p>convbook serve: not found in the site folder.</p></body></html>\n"
            return respond(request, status: .notFound, data: Data(page.utf8), contentType: Self.contentTypes["html"]!)
        case .file(let url):
            guard let data = try? Data(contentsOf: url) else {
                return Self.plain(.notFound, "not found\n")
            }
            return respond(request, status: .ok, data: data, contentType: Self.contentType(for: url))
        }
    }

    private func respond(_ request: HTTPRequest, status: HTTPStatusCode, data: Data, contentType: String) -> HTTPResponse {
        let body = contentType.hasPrefix("text/html") ? channel.map { LiveReloadScript.inject(into: data, version: $0.version) } ?? data : data
        var headers: HTTPHeaders = [
            .contentType: contentType,
            .cacheControl: "no-store",
            HTTPHeader("X-Content-Type-Options"): "nosniff",
        ]
        if request.method == .HEAD {
            headers[.contentLength] = String(body.count)
            return HTTPResponse(statusCode: status, headers: headers, body: Data())
        }
        return HTTPResponse(statusCode: status, headers: headers, body: body)
    }

    private static func plain(_ status: HTTPStatusCode, _ text: String) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"], body: Data(text.utf8))
    }

    // MARK: Paths

    enum Resolution: Equatable {
        case file(URL)
        case redirect(String)
        case notFound
        case forbidden
        case badRequest
    }

    /// Maps a raw (percent-encoded) request path to a regular file inside `root`.
    static func resolve(_ rawPath: String, in root: URL) -> Resolution {
        // Origin-form only ("/..."), printable ASCII only (no spaces, CR or LF).
        guard rawPath.hasPrefix("/"), rawPath.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { return .badRequest }
        let rawSegments = rawPath.split(separator: "/", omittingEmptySubsequences: true)
        var segments = [String]()
        for raw in rawSegments {
            guard let segment = raw.removingPercentEncoding else { return .badRequest }
            if segment == "." || segment == ".." || segment.contains("/") || segment.contains("\\") || segment.contains("\0") {
                return .forbidden
            }
            if segment.hasPrefix(".") { return .notFound }
            segments.append(segment)
        }
        guard let base = realPath(root.path) else { return .notFound }
        let candidate = segments.isEmpty ? base : base + "/" + segments.joined(separator: "/")
        guard let real = realPath(candidate) else { return .notFound }
        guard isInside(real, base) else { return .forbidden }
        switch fileKind(real) {
        case .regular:
            return .file(URL(fileURLWithPath: real))
        case .directory:
            guard rawPath.hasSuffix("/") else {
                // Rebuilt from the segments, so never "//host" (an off-site redirect).
                return .redirect("/" + rawSegments.joined(separator: "/") + "/")
            }
            guard let index = realPath(real + "/index.html") else { return .notFound }
            guard isInside(index, base) else { return .forbidden }
            return fileKind(index) == .regular ? .file(URL(fileURLWithPath: index)) : .notFound
        case .other:
            return .notFound
        }
    }

    private static func isInside(_ path: String, _ base: String) -> Bool {
        path == base || path.hasPrefix(base.hasSuffix("/") ? base : base + "/")
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private enum FileKind { case regular, directory, other }

    private static func fileKind(_ path: String) -> FileKind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .other }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    // MARK: Headers

    static let contentTypes: [String: String] = [
        "html": "text/html; charset=utf-8",
        "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8",
        "json": "application/json",
        "svg": "image/svg+xml",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "gif": "image/gif",
        "ico": "image/x-icon",
        "woff2": "font/woff2",
        "woff": "font/woff",
        "ttf": "font/ttf",
        "otf": "font/otf",
        "npy": "application/octet-stream",
        "swift": "text/plain; charset=utf-8",
        "md": "text/plain; charset=utf-8",
        "txt": "text/plain; charset=utf-8",
    ]

    static func contentType(for url: URL) -> String {
        contentTypes[url.pathExtension.lowercased()] ?? "application/octet-stream"
    }

    /// Whether the Host header names this machine's loopback address (a page
    /// on another site that rebinds its DNS name to 127.0.0.1 is refused).
    static func isLocalHost(_ request: HTTPRequest) -> Bool {
        guard let host = request.headers[.host]?.lowercased() else { return true }
        let name: Substring
        if host.hasPrefix("[") {
            name = host[...(host.firstIndex(of: "]") ?? host.index(before: host.endIndex))]
        } else {
            name = host.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        }
        return ["127.0.0.1", "localhost", "[::1]"].contains(name)
    }
}
