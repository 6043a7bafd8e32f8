// swift-tools-version: 6.0
// The package the book documents; its chapters import %%NAME%% (book.toml, [build]).
import PackageDescription

let package = Package(
    name: "%%NAME%%",
    products: [
        .library(name: "%%NAME%%", targets: ["%%NAME%%"]),
    ],
    targets: [
        .target(name: "%%NAME%%"),
        .testTarget(name: "%%NAME%%Tests", dependencies: ["%%NAME%%"]),
    ]
)
