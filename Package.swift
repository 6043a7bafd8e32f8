// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "convbook",
    platforms: [.macOS(.v13)],
    products: [
        // Dynamic, so that chapter programs can be compiled and linked against it
        // by `convbook build` without the generator itself linking the engine.
        .library(name: "ConvEngine", type: .dynamic, targets: ["ConvEngine"]),
        .executable(name: "convbook", targets: ["convbook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // CBLAS from Debian's libopenblas-dev (cblas_dgemm for the im2col fast path).
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "ConvEngine",
            dependencies: ["CBLAS"]
        ),
        .executableTarget(
            name: "convbook",
            dependencies: [
                "ConvEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "convbench",
            dependencies: ["ConvEngine"],
            path: "Benchmarks/convbench"
        ),
        .testTarget(
            name: "ConvEngineTests",
            dependencies: ["ConvEngine"]
        ),
        .testTarget(
            name: "ConvbookEndToEndTests",
            dependencies: ["ConvEngine", "convbook"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
