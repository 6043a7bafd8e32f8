#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConvbookFormat
import ConvEngine
import ConvNPY

/// Offers a tensor for download from the page, as `NAME.npy` (NumPy's format),
/// in the page's "Reproduce this page" section. Names are letters, digits, `-`
/// and `_`.
///
/// ```swift
/// publish(x, as: "x")
/// ```
///
/// Its values go into the site's ledger like a shown tensor's (exact, or
/// rounding level when it went through BLAS, unless `tolerance` says).
public func publish(_ tensor: Tensor, as name: String, tolerance: Tolerance? = nil,
                    file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
    guard let folder = getenv("CONVBOOK_ARTIFACTS").map({ String(cString: $0) }) else { return }
    guard !name.isEmpty, name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) else {
        fatalError("publish: '\(name)' is not a valid file name (use letters, digits, - and _)")
    }
    PublicationCheck.entries(tensor.count, shape: tensor.shape, call: "publish", what: "the tensor '\(name)'")
    do {
        try tensor.writeNPY(to: folder + "/" + name + ".npy")
    } catch {
        fatalError("publish: cannot write \(name).npy: \(error)")
    }
    RecordChannel.emit(.artifact(.init(at: RecordChannel.site(file, line, column), name: name, shape: tensor.shape,
                                       value: PublishedValue(publishing: tensor).overriding(tolerance))))
}
