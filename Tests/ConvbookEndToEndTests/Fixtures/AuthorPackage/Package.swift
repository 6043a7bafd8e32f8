// swift-tools-version:5.9
// The author's package of AuthorPackageTests: a library chapters import
// (MyLib, with its unit test) and an executable, which is not one.
import PackageDescription

let package = Package(
    name: "MyLib",
    products: [
        .library(name: "MyLib", targets: ["MyLib"]),
        .executable(name: "mytool", targets: ["mytool"]),
    ],
    targets: [
        .target(name: "MyLib"),
        .executableTarget(name: "mytool", dependencies: ["MyLib"]),
        .testTarget(name: "MyLibTests", dependencies: ["MyLib"]),
    ]
)
