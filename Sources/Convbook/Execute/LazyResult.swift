import Foundation

/// A chapter's result as the execute stage hands it on: decoded (it just
/// ran), or the cache entry's bytes, checked against their SHA-256 and
/// decoded only when a later stage first needs them. In a rebuild most
/// chapters never are: their checks, ledger text, page and data files come
/// from the cache by the result's key.
typealias LazyResult = Lazy<ExecutionResult>

extension Lazy where Value == ExecutionResult {
    convenience init(cached data: Data) {
        self.init {
            // The bytes passed their checksum and the cache key names the format: they decode.
            guard let result = try? JSONDecoder().decode(ExecutionResult.self, from: data) else {
                preconditionFailure("a cached result that passed its checksum does not decode; remove the cache folder and build again")
            }
            return result
        }
    }
}
