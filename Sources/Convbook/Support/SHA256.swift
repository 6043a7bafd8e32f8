import CLibCrypto
import Foundation

/// SHA-256, from OpenSSL's libcrypto (Debian's `libssl-dev`): what names and
/// checks every cache entry. A system library, so that a fresh clone does not
/// compile a copy of BoringSSL.
///
/// ```swift
/// var hasher = SHA256()
/// hasher.update(data: Data("abc".utf8))
/// let hex = hasher.finalize().hexString   // "ba7816bf…"
/// ```
struct SHA256 {
    private let context: OpaquePointer

    init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            fatalError("OpenSSL cannot make a SHA-256 context")
        }
        self.context = context
    }

    mutating func update<Bytes: DataProtocol>(data: Bytes) {
        for region in data.regions {
            region.withUnsafeBytes { buffer in
                _ = EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
            }
        }
    }

    /// The digest; the hasher is used up.
    func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        EVP_MD_CTX_free(context)
        return digest
    }

    static func hash<Bytes: DataProtocol>(data: Bytes) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: data)
        return hasher.finalize()
    }
}
