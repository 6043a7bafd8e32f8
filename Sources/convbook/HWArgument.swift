import ArgumentParser
import ConvEngine

/// `--stride 2` or `--stride 2,3` (height, width).
struct HWArgument: ExpressibleByArgument {
    let value: HW

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        switch parts.count {
        case 1:
            guard let both = parts[0] else { return nil }
            value = HW(both)
        case 2:
            guard let h = parts[0], let w = parts[1] else { return nil }
            value = HW(height: h, width: w)
        default:
            return nil
        }
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
