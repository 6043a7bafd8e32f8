#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConvEngine

/// Offers a tensor for download from the page, as `NAME.npy` (NumPy's format),
/// in the page's "Reproduce this page" section. Names are letters, digits, `-`
/// and `_`.
///
/// ```swift
/// publish(x, as: "x")
/// ```
public func publish(_ tensor: Tensor, as name: String, file: StaticString = #filePath, line: UInt = #line) {
    guard let folder = getenv("CONVBOOK_ARTIFACTS").map({ String(cString: $0) }) else { return }
    guard !name.isEmpty, name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) else {
        fatalError("publish: '\(name)' is not a valid file name (use letters, digits, - and _)")
    }
    do {
        try tensor.writeNPY(to: folder + "/" + name + ".npy")
    } catch {
        fatalError("publish: cannot write \(name).npy: \(error)")
    }
    var fields = RecordChannel.location(file, line)
    fields.append(("name", JSON.string(name)))
    fields.append(("shape", JSON.array(tensor.shape.map { "\($0)" })))
    RecordChannel.emit("artifact", fields)
}
