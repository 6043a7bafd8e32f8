import ConvbookFormat
import Foundation

/// The author's Swift package (`[build] package` and `products` in
/// `book.toml`, ``PackageSetting``), built so that chapter programs can
/// `import` its library products beside the runtime.
///
/// ```swift
/// let package = try AuthorPackage.build(setting, swiftc: "/usr/bin/swiftc", cacheFolder: cache)
/// package.compileArguments                  // -I …/Modules -L … -lConvbookAuthorPackage -rpath …
/// package.fingerprint(imports: ["MyLib"])   // changes when MyLib's code does
/// ```
///
/// **How it links.** SwiftPM builds an automatic library product (the
/// usual `.library(name:targets:)`) as modules and object files, not as a
/// shared library, and no flag of `swift build` makes it one. So convbook
/// writes a small package of its own in the cache folder
/// (`CACHE/package/DIGEST/`) whose one product is a dynamic library,
/// `libConvbookAuthorPackage.so`, depending on the author's products by
/// path: SwiftPM links their object files (and those of whatever they
/// depend on, other packages included) into it, and puts their modules in
/// its `Modules/`. Chapter programs compile against those modules and link
/// that library, as they link the runtime's; the sandbox lets them read its
/// folder. The build is SwiftPM's (release, incremental), its output in the
/// cache folder, never beside the chapters or in the published site.
///
/// **What reruns.** Each module the products are made of gets the
/// fingerprint of its product: a hash of the product's modules and object
/// files. A chapter's cache key holds the fingerprints of the modules it
/// imports (``ChapterProgram/importedModules``), so an edit to the package
/// reruns only the chapters that import what changed.
struct AuthorPackage: Sendable {
    /// The package as `book.toml` names it.
    let setting: PackageSetting
    /// SwiftPM's release folder of convbook's package: the library and `Modules/`.
    let binDirectory: URL
    /// For each module of the products: the fingerprint of the product(s) it belongs to.
    let moduleFingerprints: [String: String]

    /// The dynamic library chapter programs link (`lib\(library).so`).
    static let library = "ConvbookAuthorPackage"

    var moduleDirectory: URL { binDirectory.appendingPathComponent("Modules") }
    var libraryFile: URL { binDirectory.appendingPathComponent("lib\(Self.library).so") }

    /// What compiling a chapter program adds: the modules, the library, and where it is found when the program runs.
    var compileArguments: [String] {
        ["-I", moduleDirectory.path, "-L", binDirectory.path, "-l\(Self.library)",
         "-Xlinker", "-rpath", "-Xlinker", binDirectory.path]
    }

    /// What a chapter program importing `imports` depends on in the package:
    /// the fingerprints of the products those modules belong to, or "" when
    /// it imports none of them (its key is then what it would be without a package).
    func fingerprint(imports: [String]) -> String {
        Set(imports.compactMap { moduleFingerprints[$0] }).sorted().joined(separator: " ")
    }

    /// Checks the products, builds them, and fingerprints them. Every
    /// failure is one diagnostic at the `book.toml` line that caused it,
    /// with SwiftPM's and the compiler's output.
    static func build(_ setting: PackageSetting, swiftc: String, cacheFolder: URL,
                      progress: (@Sendable (String) -> Void)? = nil) throws(Diagnostic) -> AuthorPackage {
        let swift = swiftDriver(besides: swiftc)
        let manifest = try DumpedPackage.read(setting, swift: swift)
        var targets = Set<String>()
        for product in setting.products {
            guard let found = manifest.products.first(where: { $0.name == product }) else {
                throw setting.errorAtProducts("package '\(manifest.name)' at \(setting.folder.path) has no product '\(product)' (its products: \(manifest.productList))")
            }
            guard found.isLibrary else {
                throw setting.errorAtProducts("product '\(product)' is not a library of package '\(manifest.name)' at \(setting.folder.path), so chapters cannot import it (its products: \(manifest.productList))")
            }
            targets.formUnion(found.targets)
        }

        let wrapper = cacheFolder.appendingPathComponent("package").appendingPathComponent(String(CacheStore.digest(Data(setting.folder.path.utf8)).prefix(16)))
        do {
            try writeIfChanged(wrapperManifest(setting), to: wrapper.appendingPathComponent("Package.swift"))
            try writeIfChanged(targets.sorted().map { "@_exported import \($0)\n" }.joined(),
                               to: wrapper.appendingPathComponent("Sources/\(library)/Exports.swift"))
        } catch {
            throw setting.errorAtPath("cannot write the package build's files in \(wrapper.path): \(error)")
        }
        progress?("building the package \(setting.folder.path) (swift build -c release, products \(setting.products.joined(separator: ", ")))")
        let arguments = ["build", "-c", "release", "--package-path", wrapper.path, "--product", library]
        let built: Subprocess.Outcome
        do {
            built = try Subprocess(executable: swift, arguments: arguments).run()
        } catch {
            throw setting.errorAtPath("cannot run \(swift): \(error)")
        }
        guard built.succeeded else {
            throw setting.errorAtPath("the package at \(setting.folder.path) did not build (products \(setting.products.joined(separator: ", ")); "
                                      + "swift build -c release, in \(wrapper.path)):\n" + compilerOutput(built))
        }
        let bin = wrapper.appendingPathComponent(".build/release").resolvingSymlinksInPath()
        let package = AuthorPackage(setting: setting, binDirectory: bin, moduleFingerprints: [:])
        guard FileManager.default.fileExists(atPath: package.libraryFile.path) else {
            throw setting.errorAtPath("swift build reported success but made no \(package.libraryFile.path)")
        }
        return AuthorPackage(setting: setting, binDirectory: bin,
                             moduleFingerprints: fingerprints(manifest, products: setting.products, bin: bin, library: package.libraryFile))
    }

    /// `swift` beside the compiler, else on PATH.
    private static func swiftDriver(besides swiftc: String) -> String {
        let sibling = URL(fileURLWithPath: swiftc).deletingLastPathComponent().appendingPathComponent("swift").path
        return FileManager.default.isExecutableFile(atPath: sibling) ? sibling : (Subprocess.locate(["swift"]) ?? "swift")
    }

    /// The manifest of convbook's package: one dynamic library that depends
    /// on the author's products by path.
    private static func wrapperManifest(_ setting: PackageSetting) -> String {
        // SwiftPM names a package added by path after its folder.
        let identity = setting.folder.lastPathComponent.lowercased()
        let products = setting.products.map { ".product(name: \($0.debugDescription), package: \(identity.debugDescription))" }
        return """
            // swift-tools-version:5.9
            // Written by convbook: the author's products (book.toml's [build] package and products) as one shared library for chapter programs.
            import PackageDescription

            let package = Package(
                name: "\(library)",
                products: [.library(name: "\(library)", type: .dynamic, targets: ["\(library)"])],
                dependencies: [.package(path: \(setting.folder.path.debugDescription))],
                targets: [.target(name: "\(library)", dependencies: [\(products.joined(separator: ", "))])]
            )

            """
    }

    /// Written only when different, so SwiftPM sees nothing new when nothing is.
    private static func writeIfChanged(_ text: String, to file: URL) throws {
        if let old = try? Data(contentsOf: file), old == Data(text.utf8) { return }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(Array(text.utf8), to: file.path)
    }

    /// What SwiftPM printed, without its progress lines (`[3/7] Compiling …`).
    static func compilerOutput(_ outcome: Subprocess.Outcome) -> String {
        let lines = (outcome.stdoutText + "\n" + outcome.stderrText).split(separator: "\n", omittingEmptySubsequences: true)
        let kept = lines.filter { line in
            !(line.firstMatch(of: #/^\[\d+/\d+\] /#) != nil || line.hasPrefix("Building for ") || line.hasPrefix("Fetching ")
              || line.hasPrefix("Computing version") || line.hasPrefix("Creating working copy"))
        }
        return (kept.isEmpty ? lines : kept).joined(separator: "\n")
    }

    /// Each product's fingerprint, given to every module it is made of: a
    /// hash of the modules and object files of its targets and of the
    /// targets they depend on in the package; when it depends on another
    /// package's products, of the whole library too.
    private static func fingerprints(_ manifest: DumpedPackage, products: [String], bin: URL, library: URL) -> [String: String] {
        var result = [String: [String]]()
        for name in products {
            guard let product = manifest.products.first(where: { $0.name == name }) else { continue }
            let (closure, external) = manifest.closure(of: product.targets)
            var hasher = SHA256()
            hasher.update(data: Data("product \(name)\n".utf8))
            var files = [URL]()
            for target in closure.sorted() {
                files.append(bin.appendingPathComponent("Modules/\(target).swiftmodule"))
                let objects = bin.appendingPathComponent("\(target).build")
                files += ((try? FileManager.default.contentsOfDirectory(atPath: objects.path)) ?? []).filter { $0.hasSuffix(".o") }.sorted()
                    .map { objects.appendingPathComponent($0) }
            }
            if external { files.append(library) }
            for file in files {
                hasher.update(data: Data("\(file.lastPathComponent)\n".utf8))
                hasher.update(data: (try? Data(contentsOf: file, options: .mappedIfSafe)) ?? Data("missing".utf8))
            }
            let fingerprint = hasher.finalize().hexString
            for target in closure { result[target, default: []].append(fingerprint) }
        }
        return result.mapValues { $0.sorted().joined(separator: "+") }
    }

    /// What `swift package dump-package` says of the author's package.
    struct DumpedPackage: Sendable {
        struct Product: Sendable, Hashable {
            var name: String
            var kind: String
            var targets: [String]
            var isLibrary: Bool { kind == "library" }
        }
        var name: String
        var products: [Product]
        /// Each target's dependencies: the package's own targets by name, and whether it uses another package's products.
        var dependencies: [String: (targets: [String], external: Bool)]

        /// "MyLib (library), mytool (executable)".
        var productList: String {
            products.isEmpty ? "none" : products.map { "\($0.name) (\($0.kind))" }.joined(separator: ", ")
        }

        /// The package's targets `targets` need, them included, and whether any uses another package's product.
        func closure(of targets: [String]) -> (Set<String>, external: Bool) {
            var seen = Set<String>(), pending = targets, external = false
            while let target = pending.popLast() {
                guard seen.insert(target).inserted else { continue }
                if let needs = dependencies[target] {
                    pending += needs.targets
                    external = external || needs.external
                }
            }
            return (seen, external)
        }

        static func read(_ setting: PackageSetting, swift: String) throws(Diagnostic) -> DumpedPackage {
            let dumped: Subprocess.Outcome
            do {
                dumped = try Subprocess(executable: swift, arguments: ["package", "dump-package", "--package-path", setting.folder.path]).run()
            } catch {
                throw setting.errorAtPath("cannot run \(swift): \(error)")
            }
            guard dumped.succeeded,
                  let json = try? JSONSerialization.jsonObject(with: dumped.stdout) as? [String: Any] else {
                throw setting.errorAtPath("cannot read the package at \(setting.folder.path) (swift package dump-package failed):\n" + compilerOutput(dumped))
            }
            let products = (json["products"] as? [[String: Any]] ?? []).map { product in
                Product(name: product["name"] as? String ?? "",
                        kind: (product["type"] as? [String: Any])?.keys.sorted().first ?? "unknown",
                        targets: product["targets"] as? [String] ?? [])
            }
            let targetList = json["targets"] as? [[String: Any]] ?? []
            let names = Set(targetList.compactMap { $0["name"] as? String })
            var dependencies = [String: (targets: [String], external: Bool)]()
            for target in targetList {
                guard let name = target["name"] as? String else { continue }
                var local = [String](), external = false
                for dependency in target["dependencies"] as? [[String: Any]] ?? [] {
                    // {"byName": [NAME, condition]}, {"target": [NAME, condition]}, {"product": [NAME, PACKAGE, …]}
                    if let byName = (dependency["byName"] ?? dependency["target"]) as? [Any], let dependencyName = byName.first as? String,
                       names.contains(dependencyName) {
                        local.append(dependencyName)
                    } else {
                        external = true
                    }
                }
                dependencies[name] = (local, external)
            }
            return DumpedPackage(name: json["name"] as? String ?? setting.folder.lastPathComponent, products: products, dependencies: dependencies)
        }
    }
}
