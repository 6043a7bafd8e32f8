import ConvbookFormat
import Foundation

/// What is checked in each chapter's result once it ran: what
/// ``ResultChecker`` finds (failed checks, traps that did not happen, …) and
/// what the browser kernel's check finds in its examples
/// (``BrowserKernelCheck``), which all the chapters share one node run for.
///
/// A chapter's checks are cached by the result's key, the chapter's path,
/// the kernel's digest and the generator (a new convbook may check more),
/// which fix them: a rebuild decodes no unchanged result. Checks that found
/// nothing are recorded in the build stamp by their key: while the site
/// being replaced was built with the same key, they are not even read.
struct ChapterChecks {
    /// A chapter's checks, found or waiting for the kernel check's node run.
    enum Outcome {
        /// With the checks key (nil when nothing is cached: no code, or `--no-cache`).
        case found([Diagnostic], key: String?)
        case pending(Pending)
    }

    /// What ``ResultChecker`` found in a chapter, and the examples the
    /// browser's kernel is still to recompute.
    struct Pending {
        var key: String
        var path: String
        var found: [Diagnostic]
        var cases: [BrowserKernelCheck.Case]
    }

    let cache: CacheStore?
    let kernel: BrowserKernelCheck?
    /// The engine's reference layers, which the kernel recomputes too (``BuildOptions/referenceLayers``); nil for none.
    let referenceLayers: (@Sendable () -> [KernelCase])?

    /// The checks of `chapter`, whose result has execution key `key`.
    /// `publishedKey` is the checks key the site being replaced recorded for
    /// the chapter as finding nothing, if any.
    func check(_ chapter: Chapter, key: String, result: LazyResult, publishedKey: String?) -> Outcome {
        let store = key.isEmpty ? nil : cache
        // The stated answers are no part of the program: they key the checks themselves.
        let answers = chapter.program.cells.compactMap { cell -> String? in
            if case .inline(let inline) = cell, let answer = inline.answer { "\(inline.id)=\(answer)" } else { nil }
        }
        let checksKey = CacheKind.checks.key([key, chapter.path, kernel?.digest ?? "no kernel", GeneratorStamp.value] + answers)
        if store != nil, publishedKey == checksKey { return .found([], key: checksKey) }
        if let cached = store?.load([Diagnostic].self, kind: .checks, key: checksKey) { return .found(cached, key: checksKey) }
        let locator = Locator(program: chapter.program, chapterPath: chapter.path)
        let found = ResultChecker(locator: locator).diagnostics(for: result.value)
        let cases = kernel == nil ? [] : BrowserKernelCheck.cases(in: result.value, locator: locator)
        if cases.isEmpty {
            store?.store(found, kind: .checks, key: checksKey)
            return .found(found, key: store == nil ? nil : checksKey)
        }
        return .pending(Pending(key: checksKey, path: chapter.path, found: found, cases: cases))
    }

    /// Runs the browser kernel on the pending chapters' examples and on the
    /// reference layers, all in one node process; caches each chapter's
    /// checks. Returns what they found, and the checks keys of the chapters
    /// where nothing was found, by chapter path (for the build stamp).
    func finish(_ pending: [Pending], started: BrowserKernelCheck.Started?) throws(Diagnostic) -> (diagnostics: [Diagnostic], clean: [String: String]) {
        guard let kernel else { return (pending.flatMap(\.found), [:]) }
        let gridKey = CacheKind.Tag.kernelGrid.key([kernel.digest, GeneratorStamp.value])
        var gridCases = [BrowserKernelCheck.Case]()
        var gridFound: [Diagnostic]?
        if let referenceLayers {
            gridFound = cache?.load([Diagnostic].self, kind: .checks, key: gridKey)
            if gridFound == nil {
                let cases = referenceLayers()
                gridCases = cases.enumerated().map { number, layer in
                    BrowserKernelCheck.Case(kernelCase: layer, place: { Diagnostic(file: kernel.kernelPath, message: $0) },
                                            what: "reference layer \(number + 1) of \(cases.count) (\(BrowserKernelCheck.describe(layer)))")
                }
            }
        }
        var failed = try kernel.run(pending.flatMap(\.cases) + gridCases, started: started)[...]
        var diagnostics = [Diagnostic]()
        var clean = [String: String]()
        for chapter in pending {
            let found = chapter.found + failed.prefix(chapter.cases.count).flatMap { $0 }
            failed = failed.dropFirst(chapter.cases.count)
            cache?.store(found, kind: .checks, key: chapter.key)
            if found.isEmpty && cache != nil { clean[chapter.path] = chapter.key }
            diagnostics += found
        }
        if !gridCases.isEmpty {
            gridFound = failed.flatMap { $0 }
            cache?.store(gridFound!, kind: .checks, key: gridKey)
        }
        return (diagnostics + (gridFound ?? []), clean)
    }
}
