import Foundation

/// Whether a process with this id exists (it may belong to another user):
/// how the cache's work folders and a site's staging folders tell a build
/// still running from one that was killed and left them behind.
func processIsAlive(_ pid: Int32) -> Bool {
    pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
}
