"""Links and resources, checked on the files alone (no browser)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from sitecheck import EXTERNAL_LINKS, Reference


def check_local(site, refs: list[Reference]) -> list[str]:
    """Problems with the local references: missing files, missing #fragments."""
    problems = []
    for ref in refs:
        if ref.is_remote or ref.is_special or ref.url.strip() in ("", "#"):
            continue
        target, fragment, problem = site.resolve(ref)
        if problem:
            problems.append(f"{ref.kind} {ref.url!r}: {problem}")
        elif fragment and target.endswith(".html") and fragment not in site.ids(target):
            problems.append(f"{ref.kind} {ref.url!r}: {target} has no element with id {fragment!r}")
    return problems


def test_internal_links_resolve(site, page):
    """Every local href/src of the page names a file of the site, and every #fragment an id on its target."""
    problems = check_local(site, site.references(page))
    assert not problems, f"{page}:\n  " + "\n  ".join(problems)


def test_stylesheet_urls_resolve(site, stylesheet):
    """Every url() of a stylesheet (fonts, images) names a file of the site."""
    problems = check_local(site, site.stylesheet_references(stylesheet))
    assert not problems, f"{stylesheet}:\n  " + "\n  ".join(problems)


def test_search_index_links_resolve(site):
    """Every entry of search-index.js leads to a page and heading that exist."""
    entries = site.search_index()
    if not (site.path("search-index.js")).is_file():
        pytest.fail("the site has no search-index.js")
    assert entries, "search-index.js lists no entries"
    refs = [Reference("index.html", f"search entry {e.get('s')!r}", e["u"]) for e in entries]
    problems = check_local(site, refs)
    assert not problems, "search-index.js:\n  " + "\n  ".join(problems)


def test_no_remote_resources_in_pages(site, page, report):
    """No script, stylesheet, font or image comes from the network; external <a href> links are reported."""
    remote = []
    for ref in site.references(page):
        if not ref.is_remote:
            continue
        if ref.is_resource:
            remote.append(f"{ref.kind} {ref.url}")
        else:
            report(EXTERNAL_LINKS, f"{page}: {ref.url}")
    assert not remote, f"{page} loads from the network:\n  " + "\n  ".join(remote)


def test_no_remote_resources_in_stylesheets(site, stylesheet):
    remote = [f"{ref.kind} {ref.url}" for ref in site.stylesheet_references(stylesheet) if ref.is_remote]
    assert not remote, f"{stylesheet} loads from the network:\n  " + "\n  ".join(remote)


def test_site_has_pages(site):
    assert "index.html" in site.pages
    chapters = [p for p in site.pages if p != "index.html"]
    assert chapters, "the site has no chapter pages"
    # Every chapter is reachable from the index page.
    linked = {urlsplit(r.url).path for r in site.references("index.html") if r.kind == "a[href]"}
    missing = [p for p in chapters if p not in linked]
    assert not missing, f"chapters not linked from index.html: {missing}"


def test_explorer_data_names_existing_cells(site, explorer_page):
    """Every cell that an explorer's JSON names (targets and both sources, in every view) is a
    td[data-cell] of that figure, and every cell of each target tensor has an entry."""
    problems = []
    for number, explorer in enumerate(site.explorers(explorer_page)):
        data, cells = explorer["data"], explorer["cells"]
        if not data or not data.get("views"):
            problems.append(f"explorer {number}: no JSON data (script.cb-explorer-data) or no views")
            continue
        for view in data["views"]:
            target, (first, second) = view["target"], view["sources"]
            targets = {c for c in cells if c.split(":")[0] == target}
            listed = {f"{target}:{k}" for k in view["cells"]}
            if targets != listed:
                problems.append(f"explorer {number}, {target}: cells {sorted(targets - listed)[:5]} have no entry, "
                                f"entries {sorted(listed - targets)[:5]} have no cell")
            for k, entry in view["cells"].items():
                if len(entry["a"]) != len(entry["b"]):
                    problems.append(f"explorer {number}, {target}:{k}: {len(entry['a'])} {first} cells but "
                                    f"{len(entry['b'])} {second} cells")
                missing = [f"{first}:{i}" for i in entry["a"] if f"{first}:{i}" not in cells]
                missing += [f"{second}:{i}" for i in entry["b"] if f"{second}:{i}" not in cells]
                if missing:
                    problems.append(f"explorer {number}, {target}:{k}: no such cells {missing[:5]}")
    assert not problems, f"{explorer_page}:\n  " + "\n  ".join(problems[:20])
