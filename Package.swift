// swift-tools-version: 6.1
import PackageDescription

// The pipeline, mdBook-style: the generator (`Convbook`) loads the book, executes
// and injects, then renders. It never links the engine: it compiles chapter
// programs against the `ConvEngine` and `ConvbookRuntime` modules and links them
// with `libConvbookRuntime.so`, a dynamic library that bundles both, so that one
// copy of the engine's types exists at run time. Its modules and .so sit next to
// the `convbook` binary.
let package = Package(
    name: "convbook",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ConvEngine", targets: ["ConvEngine"]),
        .library(name: "ConvNPY", targets: ["ConvNPY"]),
        .library(name: "ConvbookRuntime", type: .dynamic, targets: ["ConvbookRuntime", "ConvEngine", "ConvNPY", "ConvbookFormat"]),
        .executable(name: "convbook", targets: ["convbook"]),
    ],
    // Each dependency at one exact version (none of them depends on another
    // package), so the versions cannot float. Package.resolved is not committed:
    // on the machines this is built on, git reads github.com from a local mirror
    // whose commit ids are not GitHub's, so a resolution made here would stop a
    // clone elsewhere (and the reverse); `exact:` pins the same thing by version.
    // `PackagePinTests` fails on a dependency without `exact:`.
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
    ],
    targets: [
        // CBLAS from Debian's libopenblas-dev (cblas_dgemm for the im2col fast path).
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // cmark-gfm and its extensions; Debian's single libcmark-gfm.pc links both.
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // What convbook adds to cmark-gfm in C: TeX math as an inline syntax
        // extension (`$...$`, `$$...$$`), and access to footnote nodes.
        .target(name: "CCmarkExtensions", dependencies: ["CCmarkGFM"]),
        // SHA-256 for the cache, from OpenSSL's libcrypto.
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // GNU C library calls for the process runner (posix_spawn in a new session).
        .target(name: "CProcess"),
        .target(
            name: "ConvEngine",
            dependencies: ["CBLAS"],
            // Library evolution lets ConvEngine hide its CBLAS import
            // (@_implementationOnly), so chapter programs compile against the
            // engine's module without needing the CBLAS module map.
            swiftSettings: [.unsafeFlags(["-enable-library-evolution"])]
        ),
        // NumPy's .npy files for tensors, apart from the engine, which is math only.
        .target(name: "ConvNPY", dependencies: ["ConvEngine", "ConvbookFormat"]),
        // How numbers are written, shared by the generator and chapter programs.
        .target(name: "ConvbookFormat"),
        // What chapter programs link besides the engine: show(), inline values,
        // gradient-check tables, figures, and the structured record channel.
        .target(
            name: "ConvbookRuntime",
            dependencies: ["ConvEngine", "ConvNPY", "ConvbookFormat"]
        ),
        // The generator: load, execute and inject, render.
        .target(
            name: "Convbook",
            dependencies: [
                "CCmarkGFM",
                "CCmarkExtensions",
                "CProcess",
                "ConvbookFormat",
                "CLibCrypto",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            resources: [.copy("Theme"), .copy("Templates")]
        ),
        .executableTarget(
            name: "convbook",
            dependencies: [
                "Convbook",
                "ConvEngine",
                "ConvNPY",
                "ConvbookFormat",
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
            name: "ConvNPYTests",
            dependencies: ["ConvNPY", "ConvEngine"]
        ),
        .testTarget(
            name: "ConvbookTests",
            dependencies: ["Convbook", "ConvbookRuntime", "ConvbookFormat", "CCmarkGFM"]
        ),
        .testTarget(
            name: "ConvbookEndToEndTests",
            dependencies: ["ConvEngine", "ConvNPY", "convbook", "ConvbookRuntime"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
