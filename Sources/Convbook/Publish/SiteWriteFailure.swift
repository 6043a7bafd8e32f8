import Foundation

/// A failure to write the site, told in one line about the site: Foundation's
/// errors name the staging file they failed on (`.site.convbook-new-123/convkernel.js`)
/// and come as a dump of `NSCocoaErrorDomain` fields; the reader needs to
/// know that the site folder could not be written, why, and that it was
/// left as it was.
///
///     site: error: cannot publish the site: its file system is read-only; the site was left as it was
enum SiteWriteFailure {
    /// Runs `body` (which writes the site `shown`, as the user named it),
    /// turning any error that is not already a ``Diagnostic`` into one about the site.
    static func naming<T>(_ shown: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let diagnostic as Diagnostic {
            throw diagnostic
        } catch {
            throw Diagnostic(file: shown, message: "cannot publish the site: \(reason(error)); the site was left as it was")
        }
    }

    /// Why a file operation failed, in words, from the POSIX error under Foundation's.
    static func reason(_ error: Error) -> String {
        var current: NSError? = error as NSError
        while let e = current {
            if e.domain == NSPOSIXErrorDomain { return words(errno: Int32(e.code)) }
            current = e.userInfo[NSUnderlyingErrorKey] as? NSError
        }
        let e = error as NSError
        switch (e.domain, e.code) {
        case (NSCocoaErrorDomain, NSFileWriteVolumeReadOnlyError): return words(errno: EROFS)
        case (NSCocoaErrorDomain, NSFileWriteOutOfSpaceError): return words(errno: ENOSPC)
        case (NSCocoaErrorDomain, NSFileWriteNoPermissionError): return words(errno: EACCES)
        default: return e.localizedDescription
        }
    }

    static func words(errno code: Int32) -> String {
        switch code {
        case EROFS: return "its file system is read-only"
        case ENOSPC: return "no space is left on the disk that holds it"
        case EDQUOT: return "the disk quota of the disk that holds it is used up"
        case EACCES, EPERM: return "permission to write there is denied"
        default: return String(cString: strerror(code))
        }
    }
}
