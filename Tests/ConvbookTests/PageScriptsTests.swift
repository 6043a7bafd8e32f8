import Testing
@testable import Convbook

/// A page loads the page script's files its content uses, in the theme's
/// order, and never those that `convbook-core.js` loads on first use.
@Suite struct PageScriptsTests {
    @Test func prose_loads_only_what_every_page_uses() {
        #expect(PageScripts.files(forBody: "<p>x</p>") == PageScripts.always)
        #expect(PageScripts.always.last == "convbook-core.js")
    }

    @Test func each_feature_brings_its_files_in_load_order() {
        let explorer = PageScripts.files(forBody: "<figure class=\"cb-explorer\" aria-label=\"e\">")
        #expect(explorer == ["convbook-numbers.js", "convbook-search.js", "convbook-explorer.js", "convbook-nav.js", "convbook-fit.js", "convbook-core.js"])
        let params = PageScripts.files(forBody: "<figure class=\"cb-params\" id=\"p\">")
        #expect(params.first == "convkernel.js")
        #expect(params.contains("convbook-grid.js") && params.contains("convbook-params.js"))
        #expect(!params.contains("convbook-explorer.js"))
        for files in [explorer, params, PageScripts.everything] {
            let places = files.map { PageScripts.order.firstIndex(of: $0)! }
            #expect(places == places.sorted())
        }
    }

    @Test func files_loaded_on_first_use_are_on_no_page() {
        let body = "<figure class=\"cb-explorer\"><figure class=\"cb-params\">"
        for file in PageScripts.onDemand {
            #expect(!PageScripts.files(forBody: body).contains(file))
            #expect(!PageScripts.everything.contains(file))
        }
        #expect(Set(PageScripts.everything).union(PageScripts.onDemand) == Set(PageScripts.order))
    }
}
