import ConvEngine
import ConvNPY

/// Reads a NumPy `.npy` file that the chapter's front matter names in
/// `files` (a path relative to the chapter's folder). Such files are copied
/// into the program's working folder, and their bytes are part of the
/// chapter's cache key, so editing one reruns the chapter.
///
/// ```swift
/// // front matter:  files: inputs/x.npy, inputs/w.npy
/// let x = loadNPY("inputs/x.npy")
/// ```
///
/// A file the front matter does not name is not there: the program stops
/// with a message that says so.
public func loadNPY(_ path: String) -> Tensor {
    do {
        return try Tensor(contentsOfNPY: path)
    } catch {
        fatalError("loadNPY: \(error) (a file the program reads must be named in the chapter's front matter, files: \(path))")
    }
}
