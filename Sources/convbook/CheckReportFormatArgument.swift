import ArgumentParser
import Convbook

/// `--format text|github|junit|json` of `convbook check`: any other value is
/// a usage error that lists these.
extension CheckReportFormat: ExpressibleByArgument {}
