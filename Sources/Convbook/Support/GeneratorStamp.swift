import Foundation

/// The generator's own executable (path, size, time): part of every cache key
/// whose value a new convbook may compute differently, so a new convbook
/// loads, checks and renders every chapter anew.
enum GeneratorStamp {
    static let value: String = {
        let path = Bundle.main.executablePath ?? CommandLine.arguments[0]
        return "\(path) \(FileIdentity.sizeAndDate(of: path))"
    }()
}
