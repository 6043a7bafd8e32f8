"""Accessibility smoke checks: landmarks, headings, text alternatives, and
keyboard access to the receptive-field explorer."""
from __future__ import annotations

import re

from sitecheck import local, text_of


def test_one_main_and_one_h1(site, page):
    tree = site.tree(page)
    mains = [e for e in tree.iter() if local(e.tag) == "main" or e.get("role") == "main"]
    h1s = site.elements(page, "h1")
    assert len(mains) == 1, f"{page} has {len(mains)} main landmarks"
    assert len(h1s) == 1, f"{page} has {len(h1s)} h1 elements: {[text_of(h).strip() for h in h1s]}"
    assert text_of(h1s[0]).strip(), f"{page}: the h1 is empty"


def test_page_language_and_title(site, page):
    tree = site.tree(page)
    html = next(e for e in tree.iter() if local(e.tag) == "html")
    assert html.get("lang"), f"{page}: <html> has no lang"
    titles = site.elements(page, "title")
    assert titles and text_of(titles[0]).strip(), f"{page} has no <title>"


def test_heading_levels_do_not_skip(site, page):
    headings = [(int(local(e.tag)[1]), text_of(e).strip()) for e in site.tree(page).iter()
                if re.fullmatch(r"h[1-6]", local(e.tag))]
    problems = []
    previous = 0
    for level, text in headings:
        if level > previous + 1:
            problems.append(f"h{previous or '-'} → h{level} at {text[:60]!r}")
        previous = level
    assert not problems, f"{page}: heading levels skip:\n  " + "\n  ".join(problems)


def test_images_have_alt(site, page):
    missing = [img.get("src") for img in site.elements(page, "img") if img.get("alt") is None]
    assert not missing, f"{page}: img without alt: {missing}"


def test_svg_images_have_title(site, page):
    problems = []
    for svg in site.elements(page, "svg"):
        if (svg.get("role") or "").strip() == "img":
            title = next((c for c in svg if local(c.tag) == "title"), None)
            if title is None or not text_of(title).strip():
                problems.append(svg.get("aria-label") or svg.get("class") or "svg")
    assert not problems, f"{page}: svg role=img without a <title>: {problems}"


def test_explorer_cells_are_focusable(site, browser, explorer_page):
    """After the page script (convbook-explorer.js) has run, the cells of the selected view's target can be reached with Tab
    (tabindex=0) and the other cells are out of the tab order (tabindex=-1)."""
    browser.open(site.url(explorer_page))
    result = browser.js("""
        return [...document.querySelectorAll('figure.cb-explorer')].map((figure) => {
          const selected = figure.querySelector('.cb-explorer-tabs [aria-selected="true"]');
          const target = selected ? selected.dataset.view : null;
          const cells = [...figure.querySelectorAll('td[data-cell]')];
          return {
            target,
            tabs: figure.querySelectorAll('[role="tablist"] [role="tab"]').length,
            targets: cells.filter((c) => c.dataset.cell.startsWith(target + ':')).length,
            wrong: cells.filter((c) => c.getAttribute('tabindex') !==
                                 (c.dataset.cell.startsWith(target + ':') ? '0' : '-1')).map((c) => c.dataset.cell),
          };
        });""")
    assert result, f"{explorer_page}: no explorer found in the browser"
    for number, figure in enumerate(result):
        assert figure["target"], f"explorer {number}: no tab is selected"
        assert figure["tabs"] >= 1, f"explorer {number}: no role=tab buttons"
        assert figure["targets"] > 0, f"explorer {number}: no cells of {figure['target']}"
        assert not figure["wrong"], f"explorer {number}: cells with the wrong tabindex: {figure['wrong'][:20]}"
    assert not browser.errors()
