/// convbook's version: the one place it is written. `convbook --version`
/// prints it with the commit `make install` recorded (see ``Installation``).
///
/// ```swift
/// ConvbookVersion.number   // "0.1.0"
/// ```
public enum ConvbookVersion {
    public static let number = "0.1.0"
}
