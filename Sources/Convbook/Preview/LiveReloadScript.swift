import Foundation

/// The `<script>` the preview server adds to every HTML response (never to
/// the files on disk): it listens to the server's event stream and reloads
/// the page when the build version differs from the one it was served with.
/// Browsers without `EventSource` poll the version once a second instead.
enum LiveReloadScript {
    static let eventsPath = "/__convbook/events"
    static let versionPath = "/__convbook/version"
    /// The attribute that marks the added element.
    static let marker = "data-convbook-serve"

    /// The element for a page served at `version` (letters, digits and dots only).
    static func tag(version: String) -> String {
        """
        <script \(marker)>(function () {
          var served = "\(version)";
          function check(version) { if (version && version !== served) { location.reload(); } }
          if (window.EventSource) {
            new EventSource("\(eventsPath)").onmessage = function (event) { check(event.data); };
          } else {
            setInterval(function () {
              fetch("\(versionPath)", { cache: "no-store" }).then(function (r) { return r.text(); }).then(check, function () {});
            }, 1000);
          }
        })();</script>
        """
    }

    /// `html` with the element inserted before its last `</body>` (or at the end).
    static func inject(into html: Data, version: String) -> Data {
        let script = Data(tag(version: version).utf8)
        for closing in ["</body>", "</BODY>", "</Body>"] {
            if let range = html.range(of: Data(closing.utf8), options: .backwards) {
                var result = html
                result.replaceSubrange(range.lowerBound..<range.lowerBound, with: script)
                return result
            }
        }
        return html + script
    }
}
