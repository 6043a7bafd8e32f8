import ConvbookFormat
import ConvEngine
import ConvNPY
import Foundation

/// The folder a layer command (`convbook conv`, `convbook pool`) writes its
/// `.npy` results into, with a ledger file that lists what the last run
/// wrote, so that the next run can remove results it does not write again
/// (a stale `grad_input.npy` from a run with --grad-output) and nothing else.
struct ResultFolder {
    let path: String
    /// The ledger's file name inside the folder (one per command).
    let ledgerName: String

    /// Reads a tensor for the option `flag`; a failure is one line naming the flag.
    static func load(_ path: String, _ flag: String) throws -> Tensor {
        do {
            return try Tensor(contentsOfNPY: path)
        } catch {
            throw CommandFailure("\(flag) \(error)")
        }
    }

    /// Writes every result with ``AtomicFile`` (never half written; a failure
    /// leaves the file as it was), then removes the results of an earlier run
    /// that this one did not write.
    func write(_ results: [(name: String, tensor: Tensor)]) throws {
        let fm = FileManager.default
        let directory = URL(fileURLWithPath: path)
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("cannot create output folder \(path): \(error.localizedDescription)")
        }
        let ledger = directory.appendingPathComponent(ledgerName)
        let earlier = ((try? String(contentsOf: ledger, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        for (name, tensor) in results {
            do {
                try AtomicFile.write(tensor.npyBytes(), to: directory.appendingPathComponent("\(name).npy").path)
            } catch {
                throw CommandFailure(error.message)
            }
        }
        let written = results.map { "\($0.name).npy" }
        for name in earlier where !written.contains(name) && !name.contains("/") && name.hasSuffix(".npy") {
            try? fm.removeItem(at: directory.appendingPathComponent(name))
        }
        try? AtomicFile.write(Array((written.joined(separator: "\n") + "\n").utf8), to: ledger.path)
    }
}
