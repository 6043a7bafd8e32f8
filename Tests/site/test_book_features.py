"""Cross-references, citations and callouts in the browser: every reference is
a link that lands on the element it names, and callouts are styled in light
and in dark mode (the authoring chapter uses each feature)."""
from __future__ import annotations

import re

import pytest

AUTHORING = "99-authoring.html"
KINDS = {"Section": "h", "Equation": "equation", "Figure": "figure", "Table": "figure"}


def reference_links(browser):
    """The page's cross-reference links: their text, and where they point."""
    return browser.js("""
        return [...document.querySelectorAll('article a[href*="#"]')]
          .filter(a => /^(Section|Equation|Figure|Table|Chapter) [(]?[0-9]/.test(a.textContent))
          .map(a => ({text: a.textContent, href: a.getAttribute('href')}));""")


def test_references_land_on_their_targets(site, browser):
    browser.open(site.url(AUTHORING))
    links = reference_links(browser)
    kinds = {link["text"].split(" ")[0] for link in links}
    assert {"Section", "Equation", "Figure", "Table"} <= kinds, f"the authoring chapter refers to each kind: {kinds}"
    for link in links:
        browser.open(site.url(AUTHORING), reuse=True)
        page, _, fragment = link["href"].partition("#")
        browser.js("window.scrollTo(0, 0)")
        browser.driver.find_element("css selector", f'article a[href="{link["href"]}"]').click()
        landed = browser.js("""
            const id = decodeURIComponent(location.hash.slice(1));
            const target = document.getElementById(id);
            if (!target) return {id, found: false};
            const box = target.getBoundingClientRect();
            return {id, found: true, tag: target.tagName.toLowerCase(), cls: target.className,
                    caption: (target.querySelector(':scope > figcaption') || {}).textContent || '',
                    text: target.textContent.slice(0, 200), top: box.top, height: innerHeight,
                    page: location.pathname.split('/').pop()};""")
        assert landed["found"], f"{link}: no element #{landed['id']} on {landed.get('page')}"
        assert landed["id"] == fragment
        assert (page or AUTHORING) == landed["page"]
        assert -2 <= landed["top"] < landed["height"], f"{link}: #{fragment} is not in view after the click ({landed['top']})"
        kind, number = link["text"].split(" ", 1)
        if kind == "Section":
            assert re.fullmatch(r"h[1-6]", landed["tag"]), landed
        elif kind == "Equation":
            assert "cb-equation" in landed["cls"] and number.strip("()") in landed["text"], landed
        else:   # a numbered figure or table shows its number in its caption
            assert landed["tag"] == "figure" and landed["caption"].startswith(link["text"] + ":"), landed


def test_citations_link_to_references_and_back(site, browser):
    browser.open(site.url(AUTHORING))
    cites = browser.js("return [...document.querySelectorAll('article span[id^=\"cite-\"] a')].map(a => a.getAttribute('href'))")
    assert cites, "the authoring chapter cites"
    for href in cites:
        assert browser.js("return !!document.getElementById(arguments[0])", href[1:]), href
    browser.open(site.url("bibliography.html"))
    back = browser.js("return [...document.querySelectorAll('article a[href*=\"#cite-\"]')].map(a => a.getAttribute('href'))")
    assert back, "the bibliography links back to each citation"
    for href in back:
        page, _, fragment = href.partition("#")
        assert fragment in site.ids(page), f"bibliography.html links to {href}, which does not exist"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_callouts_are_styled(site, browser, artifacts, scheme):
    browser.open(site.url(AUTHORING))
    try:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
        callouts = browser.js("""
            // rgb(0-255 …) or color(srgb 0-1 …), as getComputedStyle gives colours.
            const lum = c => { const unit = c.startsWith('color(') ? 1 : 255;
                               const [r, g, b] = c.match(/[0-9.]+/g).slice(0, 3).map(Number).map(v => v / unit)
                                 .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
                               return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
            const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
            return [...document.querySelectorAll('.cb-callout')].map(c => {
              const s = getComputedStyle(c), title = c.querySelector('.cb-callout-title');
              const page = getComputedStyle(document.body).backgroundColor;
              c.scrollIntoView();
              return {cls: c.className, role: c.getAttribute('role'), border: s.borderLeftColor, width: s.borderLeftWidth,
                      background: s.backgroundColor, title: title && title.textContent,
                      titleContrast: contrast(getComputedStyle(title).color, s.backgroundColor === 'rgba(0, 0, 0, 0)' ? page : s.backgroundColor),
                      textContrast: contrast(getComputedStyle(c.querySelector('p:not(.cb-callout-title)')).color, s.backgroundColor),
                      icon: !!title.querySelector('svg[aria-hidden="true"]')};
            });""")
        assert callouts, "the authoring chapter has a callout"
        out = artifacts / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        browser.driver.save_screenshot(str(out / f"callout-{scheme}.png"))
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    for c in callouts:
        assert c["role"] == "note" and c["icon"] and c["title"], c
        assert float(c["width"].rstrip("px")) >= 3, c
        assert c["titleContrast"] >= 3, f"{scheme}: the title is hard to read: {c}"
        assert c["textContrast"] >= 4.5, f"{scheme}: the text is hard to read: {c}"
    test_callouts_are_styled.borders = getattr(test_callouts_are_styled, "borders", {})
    test_callouts_are_styled.borders[scheme] = [c["border"] for c in callouts]
    if len(test_callouts_are_styled.borders) == 2:
        light, dark = test_callouts_are_styled.borders["light"], test_callouts_are_styled.borders["dark"]
        assert all(a != b for a, b in zip(light, dark)), f"callouts have their own dark colours: {light} {dark}"
