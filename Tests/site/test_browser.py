"""Every page in headless Chromium, opened from file:// as a reader would."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from sitecheck import DESKTOP, PHONE, unflatten

SEARCH_WORD = "padding"


def test_harness_sees_console_errors(browser, tmp_path):
    """The console check can fail: a page that throws and misses a file is caught."""
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title>'
                    '<script src="missing.js"></script></head>'
                    '<body><script>throw new Error("site-tests-probe")</script></body></html>')
    browser.open(page.as_uri())
    errors = browser.errors()
    assert any("site-tests-probe" in e for e in errors), errors
    assert any("missing.js" in e for e in errors), errors


def test_no_console_errors(site, browser, page, report):
    """No console error, uncaught exception or failed load while the page loads and its scripts run;
    console warnings are reported."""
    browser.open(site.url(page))
    entries = browser.drain_log()
    for e in entries:
        if e.get("level") == "WARNING":
            report("browser console warnings (not failures)", f"{page}: {e.get('message', '')[:200]}")
    errors = [f"{e.get('source', '?')}: {e['message']}" for e in entries if e.get("level") == "SEVERE"]
    assert not errors, f"{page}: console errors:\n  " + "\n  ".join(errors)


FORMULAS = """
const top = (root) => [...root.querySelectorAll('.katex')].filter((e) => !e.parentElement.closest('.katex')).length;
const article = document.querySelector('article.chapter');
const loaded = [...document.fonts].filter((f) => f.family.replace(/"/g, '').startsWith('KaTeX') && f.status === 'loaded');
return {
  page: top(document),
  article: article ? top(article) : null,
  declared: article ? article.getAttribute('data-formula-count') : null,
  errors: [...document.querySelectorAll('.katex-error')].map((e) => e.textContent.slice(0, 80)),
  katexFontsLoaded: loaded.length,
  katexRuleWorks: (() => { const k = document.querySelector('.katex'); return k ? getComputedStyle(k).fontFamily : null; })(),
};
"""


def test_formulas_typeset(site, browser, page):
    """As many top-level .katex elements as the chapter declares, no .katex-error, KaTeX's CSS and fonts in use."""
    browser.open(site.url(page))
    f = browser.js(FORMULAS)
    assert not f["errors"], f"{page}: .katex-error elements: {f['errors']}"
    if f["declared"] is None:
        assert page == "index.html", f"{page} has no article.chapter[data-formula-count]"
        assert f["page"] == 0, f"{page}: {f['page']} formulas outside any chapter article"
        return
    declared = int(f["declared"])
    assert f["article"] == declared, f"{page}: {f['article']} formulas typeset in the article, {declared} declared"
    assert f["page"] == declared, f"{page}: {f['page']} formulas on the page, {declared} declared"
    if declared:
        assert f["katexRuleWorks"] and "KaTeX" in f["katexRuleWorks"], \
            f"{page}: katex.min.css is not applied (font-family {f['katexRuleWorks']!r})"
        assert f["katexFontsLoaded"] > 0, f"{page}: no KaTeX font loaded"


OVERFLOW = """
// The outermost elements that stick out to the right of the layout viewport, outside any scroll container.
const width = document.documentElement.clientWidth;
const sticksOut = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > width + 1; };
const clipped = (e) => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
  if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
const found = [];
for (const e of document.querySelectorAll('body *')) {
  if (!sticksOut(e) || clipped(e)) continue;
  if (e.parentElement && e.parentElement !== document.body && sticksOut(e.parentElement) && !clipped(e.parentElement)) continue;
  found.push({tag: e.tagName.toLowerCase(), cls: e.className && e.className.baseVal === undefined ? e.className : '',
              right: Math.round(e.getBoundingClientRect().right), text: (e.textContent || '').trim().slice(0, 50)});
}
return {width, scrollWidth: document.documentElement.scrollWidth, found};
"""

# Overflow on phones that is known and whose fix belongs to the theme (style.css), not to this test:
# a plain Markdown table (no class; the generator's matrices are table.cb-matrix).
# The widths a reader meets (issue 22): phone, tablet, small laptop, desktop; each light and dark.
SCREEN_WIDTHS = (390, 768, 1024, 1366)
SCHEMES = ("light", "dark")


def test_screenshots(site, browser, page, artifacts):
    """Screenshots at 390, 768, 1024 and 1366 px, light and dark, into .artifacts/screenshots/
    (PAGE-WIDTH-SCHEME.png); then the page must not scroll sideways at any of those widths."""
    out = artifacts / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(page).with_suffix("").as_posix().replace("/", "__")
    overflow = {}
    try:
        for width in SCREEN_WIDTHS:
            height, mobile = (PHONE[1], True) if width < 600 else (DESKTOP[1], False)
            browser.viewport(width, height, mobile)
            for scheme in SCHEMES:
                browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
                    "features": [{"name": "prefers-color-scheme", "value": scheme}]})
                browser.open(site.url(page))
                layout = browser.js("return document.documentElement.clientWidth")
                assert layout == width, f"the layout viewport is {layout} px wide, wanted {width}"
                target = out / f"{stem}-{width}-{scheme}.png"
                assert browser.driver.save_screenshot(str(target)), f"no screenshot for {target}"
                assert target.stat().st_size > 1000
                overflow[f"{width} px {scheme}"] = browser.js(OVERFLOW)
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    wide = []
    for name, o in overflow.items():
        if o["scrollWidth"] <= o["width"] + 1:
            continue
        for f in o["found"] or [{"tag": "?", "cls": "", "right": o["scrollWidth"], "text": ""}]:
            wide.append(f"{name}: <{f['tag']} class={f['cls']!r}> reaches {f['right']} px in a {o['width']} px viewport"
                        f" ({f['text']!r})")
    # No exceptions: style.css gives chapter tables a scroll container, so a
    # wide table that makes the page scroll sideways is a regression.
    assert not wide, f"{page} scrolls sideways:\n  " + "\n  ".join(wide)


# ---------------------------------------------------------------------------
# Search

def pages_with_word(site, word):
    return [p for p in site.pages if word in site.text(p).lower()]


@pytest.mark.parametrize("start", ["index.html", "chapter"])
def test_search_finds_word(site, browser, start):
    word = SEARCH_WORD
    if not pages_with_word(site, word):
        pytest.skip(f"no page of this site contains {word!r}")
    page = start if start == "index.html" else next(p for p in site.pages if p != "index.html")
    browser.open(site.url(page))
    driver = browser.driver
    field = driver.find_element(By.ID, "search-input")
    field.click()
    field.send_keys(word)
    WebDriverWait(driver, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results li a"))
    links = driver.find_elements(By.CSS_SELECTOR, "#search-results li a")
    hrefs = [a.get_attribute("href") for a in links]
    assert hrefs, "no search results"
    for href in hrefs:
        parts = urlsplit(href)
        assert parts.scheme == "file", f"result {href} is not a local page"
        target = Path(unquote(parts.path))
        assert target.is_file(), f"result {href}: no such page"
        relative = target.resolve().relative_to(site.root).as_posix()
        assert word in site.text(relative).lower(), f"result {href}: {relative} does not contain {word!r}"
        if parts.fragment:
            assert unquote(parts.fragment) in site.ids(relative), f"result {href}: no id {parts.fragment!r}"
    # Following the first result lands on a page that shows the word. The box
    # is a combobox: focus stays in it, ArrowDown makes the first result active.
    first = hrefs[0]
    field.send_keys(Keys.ARROW_DOWN)
    active = field.get_attribute("aria-activedescendant")
    assert active and driver.find_element(By.ID, active).get_attribute("href") == first, \
        "ArrowDown does not reach the first result"
    field.send_keys(Keys.ENTER)
    WebDriverWait(driver, 5).until(lambda d: d.current_url.split("#")[0] == first.split("#")[0]
                                   and d.execute_script("return document.readyState") == "complete")
    assert word in driver.find_element(By.TAG_NAME, "main").text.lower()
    assert not browser.errors()


def test_search_reports_no_match(site, browser):
    browser.open(site.url("index.html"))
    field = browser.driver.find_element(By.ID, "search-input")
    field.send_keys("zqxjkvbw")
    WebDriverWait(browser.driver, 5).until(
        lambda d: d.find_element(By.ID, "search-results").text.strip() == "No matches")
    field.send_keys(Keys.ESCAPE)
    assert browser.js("return document.getElementById('search-results').children.length") == 0
    assert field.get_attribute("value") == ""


# ---------------------------------------------------------------------------
# The receptive-field explorer

STATE = """
const figure = document.querySelectorAll('figure.cb-explorer')[arguments[0]];
const cells = (cls) => [...figure.querySelectorAll('.' + cls)].map((c) => c.dataset.cell).sort();
return {
  target: cells('hl-target'), x: cells('hl-source-x'), w: cells('hl-source-w'),
  sum: figure.querySelector('.cb-explorer-sum').textContent,
  active: document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.cell || null : null,
};
"""


def pick_cells(view) -> list[int]:
    """The target cell with the most terms, and one more (the last cell) to see the highlight move."""
    counts = {int(k): len(v["a"]) for k, v in view["cells"].items()}
    busiest = max(sorted(counts), key=lambda k: counts[k])
    last = max(counts)
    return [busiest] if last == busiest else [last, busiest]


def expected_state(view, index, explorer):
    """What hovering cell `index` of the view's target must show: the JSON's source cells highlighted, and
    the sum written out from them in the numbers the figure's own tables show (an independent reading of
    what convbook-explorer.js writes: names from the lists, numbers from the cells' text)."""
    entry = view["cells"][str(index)]
    first, second = view["sources"]
    shapes, texts = explorer["shapes"], explorer["texts"]

    def name(tensor, i):
        return f"{tensor}[{','.join(map(str, unflatten(i, shapes[tensor])))}]"

    def shown(tensor, i):
        text = texts[f"{tensor}:{i}"]
        return f"({text})" if text.startswith("-") else text

    symbols, numbers = [], []
    if view["target"] == "y" and "b" in shapes and len(shapes["y"]) == 4:
        f = unflatten(index, shapes["y"])[1]
        symbols.append(f"b[{f}]")
        numbers.append(texts[f"b:{f}"])
    for i, j in zip(entry["a"], entry["b"]):
        symbols.append(f"{name(first, i)}·{name(second, j)}")
        numbers.append(f"{shown(first, i)}·{shown(second, j)}")
    target = name(view["target"], index)
    value = texts[f"{view['target']}:{index}"]
    if symbols:
        text = f"{target} = {' + '.join(symbols)}\n  = {' + '.join(numbers)}\n  = {value}"
    else:
        text = f"{target} = 0: no window reaches this cell, so nothing flows into it"
    return {
        "target": [f"{view['target']}:{index}"],
        "x": sorted(f"{first}:{i}" for i in set(entry["a"])),
        "w": sorted(f"{second}:{i}" for i in set(entry["b"])),
        "name": target,
        "text": text,
    }


def test_explorer_highlights_sources(site, browser, explorer_case):
    """Hovering or focusing a cell of the target highlights exactly the source cells the page's JSON lists
    for it, and writes its sum; on every tab (y, dx, dw)."""
    page, number, target, mode = explorer_case
    explorer = site.explorers(page)[number]
    view = next(v for v in explorer["data"]["views"] if v["target"] == target)
    driver = browser.driver
    # The tab click below resets the figure (highlights cleared, hint shown), so a page left by the
    # previous case is reused rather than loaded again.
    browser.open(site.url(page), reuse=True)
    header = driver.find_element(By.CSS_SELECTOR, "header")
    # Park the pointer on the sticky header so that no stray mouseover reaches the figure.
    ActionChains(driver, duration=0).move_to_element(header).perform()
    tab = browser.js("""
        const figure = document.querySelectorAll('figure.cb-explorer')[arguments[0]];
        const tab = figure.querySelector(`.cb-explorer-tabs button[data-view="${arguments[1]}"]`);
        if (tab) tab.scrollIntoView({block: 'center'});
        return tab;""", number, target)
    assert tab is not None, f"{page} explorer {number}: no tab for {target}"
    tab.click()
    shown = browser.js("""
        const figure = document.querySelectorAll('figure.cb-explorer')[arguments[0]];
        return {
          selected: [...figure.querySelectorAll('.cb-explorer-tabs button')]
                      .filter((b) => b.getAttribute('aria-selected') === 'true').map((b) => b.dataset.view),
          panels: [...figure.querySelectorAll('.cb-explorer-panel')].filter((p) => !p.hidden).map((p) => p.dataset.tensor),
          sum: figure.querySelector('.cb-explorer-sum').textContent,
        };""", number)
    assert shown["selected"] == [target], f"selected tabs {shown['selected']} after clicking {target}"
    assert sorted(shown["panels"]) == sorted(view["panels"]), \
        f"panels shown {shown['panels']}, the view lists {view['panels']}"
    assert shown["sum"].strip() == view["hint"].strip()

    for index in pick_cells(view):
        if mode == "hover":
            cell = browser.js("""
                const figure = document.querySelectorAll('figure.cb-explorer')[arguments[0]];
                const cell = figure.querySelector(`td[data-cell="${arguments[1]}"]`);
                if (cell) cell.scrollIntoView({block: 'center'});
                return cell;""", number, f"{target}:{index}")
            assert cell is not None, f"{page} explorer {number}: no cell {target}:{index}"
            ActionChains(driver, duration=0).move_to_element(cell).perform()
        else:
            ActionChains(driver, duration=0).move_to_element(header).perform()
            # Focus the target cell next to this one in the tab order, then Tab (or Shift+Tab) to it.
            backwards = browser.js("""
                const figure = document.querySelectorAll('figure.cb-explorer')[arguments[0]];
                const cells = [...figure.querySelectorAll(`td[data-cell^="${arguments[1]}:"]`)];
                const at = cells.findIndex((c) => c.dataset.cell === `${arguments[1]}:${arguments[2]}`);
                if (at < 0) return null;
                cells[at].scrollIntoView({block: 'center'});
                let neighbour = cells[at - 1], backwards = false;
                if (at === 0 && cells.length > 1) { neighbour = cells[1]; backwards = true; }
                if (at === 0 && cells.length === 1) neighbour = [...figure.querySelectorAll('.cb-explorer-tabs button')].pop();
                neighbour.focus({preventScroll: true});
                return backwards;""", number, target, index)
            assert backwards is not None, f"{page} explorer {number}: no cell {target}:{index}"
            chain = ActionChains(driver, duration=0)
            if backwards:
                chain.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT)
            else:
                chain.send_keys(Keys.TAB)
            chain.perform()
        state = browser.js(STATE, number)
        want = expected_state(view, index, explorer)
        where = f"{page} explorer {number}, {target}:{index} by {mode}"
        if mode == "focus":
            assert state["active"] == f"{target}:{index}", f"{where}: Tab went to {state['active']}"
        assert state["target"] == want["target"], f"{where}: target cells {state['target']}"
        assert state["x"] == want["x"], f"{where}: {view['sources'][0]} cells {state['x']}, JSON lists {want['x']}"
        assert state["w"] == want["w"], f"{where}: {view['sources'][1]} cells {state['w']}, JSON lists {want['w']}"
        assert want["name"] in state["sum"], f"{where}: the sum {state['sum']!r} does not name {want['name']}"
        assert state["sum"] == want["text"], f"{where}: the sum {state['sum']!r} is not the tables' {want['text']!r}"
    assert not browser.errors()
