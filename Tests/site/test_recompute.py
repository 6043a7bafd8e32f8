"""The reader's own check, in headless Chromium from file://: "Recompute on this page" (convkernel.js
re-derives every published example and parameter-explorer setting) and the live parameter explorer.

Every page with examples must recompute all ✓; a copy of a page with one published value altered, in a
table or in the page's data, must show ✗ for that value alone; every control of the parameter explorer
must drive its sizes and drawings to what the engine computed at build time (the figure's table)."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from sitecheck import DESKTOP

RECOMPUTE = """
const section = document.querySelector('.cb-recompute');
if (!section) return null;
const button = section.querySelector('.cb-recompute-run');
button.click();
const result = section.querySelector('.cb-recompute-result');
const cells = (cls) => [...document.querySelectorAll('.' + cls)].map((e) => e.dataset.cell || e.getAttribute('title') || '');
return {
  checked: Number(result.dataset.checked), ok: Number(result.dataset.ok), bad: Number(result.dataset.bad),
  maxDiff: result.dataset.maxDiff, ms: Number(result.dataset.ms), text: result.textContent,
  badCells: [...document.querySelectorAll('td.cb-bad')].map((e) => e.dataset.cell || ''),
  okCells: document.querySelectorAll('td.cb-ok').length,
  tableCells: [...document.querySelectorAll('figure.cb-explorer td[data-cell]')].length,
  badItems: [...result.querySelectorAll('li')].map((e) => e.textContent),
};
"""


def pages_with(site, marker: str) -> list[str]:
    return [p for p in site.pages if marker in site.path(p).read_text(encoding="utf-8")]


@pytest.fixture(scope="module")
def site_copy(site, tmp_path_factory) -> Path:
    """A copy of the whole site, for pages altered by hand."""
    copy = tmp_path_factory.mktemp("tampered") / "site"
    shutil.copytree(site.root, copy)
    return copy


def recompute(browser, url: str) -> dict:
    browser.open(url)
    result = browser.js(RECOMPUTE)
    assert result is not None, f"{url}: no .cb-recompute section"
    errors = browser.errors()
    assert not errors, f"{url}: console errors while recomputing:\n  " + "\n  ".join(errors)
    return result


def test_every_page_with_examples_has_the_control(site):
    """A page with an explorer or a parameter explorer has the control; a page without has none."""
    for page in site.pages:
        html = site.path(page).read_text(encoding="utf-8")
        examples = '<figure class="cb-explorer"' in html or '<figure class="cb-params"' in html
        has = 'class="cb-recompute"' in html
        assert has == examples or (page == "book.html" and has), f"{page}: examples {examples}, control {has}"
        if examples:
            assert '<script src="convkernel.js"' in html, f"{page} does not load convkernel.js"


@pytest.mark.parametrize("marker", ['class="cb-recompute"'])
def test_recompute_is_all_ticks(site, browser, report, marker):
    """Every value on every page with examples recomputes to ✓: all table cells of every explorer are
    judged, nothing is ✗, and the largest difference is reported."""
    pages = pages_with(site, marker)
    assert pages, "no page has a recompute control"
    for page in pages:
        r = recompute(browser, site.url(page))
        assert r["bad"] == 0 and not r["badCells"], f"{page}: ✗ for {r['badCells']} {r['badItems']}"
        assert r["checked"] > 0 and r["ok"] == r["checked"], f"{page}: {r}"
        # Every table cell of every explorer is judged, ✓.
        assert r["okCells"] >= r["tableCells"] > 0 or '<figure class="cb-explorer"' not in site.path(page).read_text(), \
            f"{page}: {r['okCells']} cells marked ✓ of {r['tableCells']}"
        report("recompute on this page (headless Chromium, one run each)",
               f"{page}: {r['checked']} values, largest difference {r['maxDiff']}, {r['ms']:.1f} ms")


def tamper(site_copy: Path, page: str, change) -> str:
    """Writes a copy of page with change(html) applied beside the site copy's pages; returns its URL."""
    html = (site_copy / page).read_text(encoding="utf-8")
    altered = change(html)
    assert altered != html, "the alteration changed nothing"
    target = site_copy / ("tampered-" + page)
    target.write_text(altered, encoding="utf-8")
    return target.as_uri()


def explorer_page(site) -> str:
    return next(p for p in pages_with(site, '<figure class="cb-explorer"') if p != "book.html"
                and "dx" in json.dumps([e["data"] for e in site.explorers(p)]))


def test_an_altered_table_cell_alone_is_a_cross(site, site_copy, browser):
    """A y cell's number changed in the HTML: that cell, and nothing else, is ✗."""
    page = explorer_page(site)
    def change(html):
        return re.sub(r'(<td[^>]*data-cell="y:1"[^>]*>)([^<]*)(<)',
                      lambda m: m.group(1) + str(float(m.group(2)) + 1 if m.group(2).strip() else "1") + m.group(3),
                      html, count=1)
    r = recompute(browser, tamper(site_copy, page, change))
    assert r["badCells"] == ["y:1"], r
    assert r["bad"] == 1, r


def test_an_altered_input_cell_alone_is_a_cross(site, site_copy, browser):
    """An x cell's number changed in the HTML (x is an input: the recomputation uses the data, so only
    the shown cell disagrees with it)."""
    page = explorer_page(site)
    def change(html):
        return re.sub(r'(<td[^>]*data-cell="x:0"[^>]*>)([^<]*)(<)',
                      lambda m: m.group(1) + "12345" + m.group(3), html, count=1)
    r = recompute(browser, tamper(site_copy, page, change))
    assert r["badCells"] == ["x:0"] and r["bad"] == 1, r


def test_an_altered_data_value_alone_is_a_cross(site, site_copy, browser):
    """One dx value changed in the page's data (not its tables): exactly one ✗, named in the list."""
    page = explorer_page(site)
    def change(html):
        start = html.index('"dx":{"data":[') + len('"dx":{"data":[')
        end = min(i for i in (html.index(",", start), html.index("]", start)))
        value = float(html[start:end])
        return html[:start] + repr(value + 0.5) + html[end:]
    r = recompute(browser, tamper(site_copy, page, change))
    assert r["bad"] == 1 and not r["badCells"], r
    assert len(r["badItems"]) == 1 and "dx" in r["badItems"][0], r


def test_an_altered_explorer_table_value_alone_is_a_cross(site, site_copy, browser):
    """One number of a parameter explorer's engine table changed: exactly one ✗."""
    page = next(p for p in pages_with(site, '<figure class="cb-params"') if p != "book.html")
    def change(html):
        return re.sub(r'("outHeight":)(\d+)', lambda m: m.group(1) + str(int(m.group(2)) + 1), html, count=1)
    r = recompute(browser, tamper(site_copy, page, change))
    assert r["bad"] == 1, r
    assert len(r["badItems"]) == 1, r


# ---------------------------------------------------------------------------
# The parameter explorer

SET_AND_READ = """
const figure = document.querySelectorAll('figure.cb-params')[arguments[0]];
const settings = arguments[1];
const started = performance.now();
for (const [name, value] of Object.entries(settings)) {
  const input = figure.querySelector(`input[data-param="${name}"]`);
  if (!input) return {missing: name};
  if (Number(input.value) === value) continue;
  input.value = String(value);
  input.dispatchEvent(new Event('input', {bubbles: true}));
}
const ms = performance.now() - started;
const size = figure.querySelector('.cb-params-size');
const unreached = figure.querySelector('.cb-params-unreached');
const transposed = figure.querySelector('.cb-params-transposed');
const values = (selector) => [...figure.querySelectorAll(selector)].map((e) => Number(e.dataset.value));
const words = (text) => (text || '').split(/\\s+/).filter((w) => w !== '').map(Number);
return {
  ms,
  outHeight: Number(size.dataset.outHeight), outWidth: Number(size.dataset.outWidth), sizeText: size.textContent,
  unreachedRows: words(unreached.dataset.rows), unreachedCols: words(unreached.dataset.cols),
  cover: [...figure.querySelectorAll('.cb-params-stamps td[data-count]')].map((e) => Number(e.dataset.count)),
  dx: values('.cb-params-stamps td[data-value]'),
  y: values('.cb-params-y td[data-value]'),
  dilated: figure.querySelectorAll('.cb-params-dilated td').length,
  padCells: figure.querySelectorAll('.cb-params-xpad td').length,
  aH: Number(transposed.dataset.aHeight), aW: Number(transposed.dataset.aWidth),
};
"""


def parameter_explorers(site):
    found = []
    for page in pages_with(site, '<figure class="cb-params"'):
        if page == "book.html":
            continue
        html = site.path(page).read_text(encoding="utf-8")
        for number, match in enumerate(re.finditer(
                r'<script type="application/json" class="cb-params-data">(.*?)</script>', html, re.S)):
            found.append((page, number, json.loads(match.group(1).replace("<\\/", "</"))))
    return found


def test_chapters_place_parameter_explorers(site):
    """Chapters 1, 7 and 8 each place a parameter explorer."""
    pages = {page for page, _, _ in parameter_explorers(site)}
    for chapter in ("01-", "07-", "08-"):
        assert any(p.startswith(chapter) for p in pages), f"no parameter explorer in chapter {chapter}: {sorted(pages)}"


def test_every_setting_matches_the_engine(site, browser, report):
    """For every setting of every parameter explorer's engine table (each control one step either way from
    the start, and more), the page shows the engine's output size, unreached rows and columns, cover
    counts, leftover a, and the seeded example's y and dx; and every control moved the drawings."""
    explorers = parameter_explorers(site)
    assert explorers, "no parameter explorer on any page"
    slowest = 0.0
    for page, number, data in explorers:
        browser.open(site.url(page))
        assert len(data["table"]) >= 20, f"{page}: only {len(data['table'])} settings in the engine's table"
        moved = set()
        initial = data["initial"]
        for row in data["table"]:
            s = row["settings"]
            shown = browser.js(SET_AND_READ, number, s)
            assert "missing" not in shown, f"{page}: no control for {shown.get('missing')}"
            where = f"{page} explorer {number} at {s}"
            assert (shown["outHeight"], shown["outWidth"]) == (row["outHeight"], row["outWidth"]), f"{where}: {shown['sizeText']}"
            assert shown["unreachedRows"] == row["unreachedRows"] and shown["unreachedCols"] == row["unreachedCols"], where
            assert shown["cover"] == row["cover"], f"{where}: cover {shown['cover']}"
            assert (shown["aH"], shown["aW"]) == (row["aH"], row["aW"]), where
            assert shown["y"] == row["y"]["data"], f"{where}: y {shown['y']} vs {row['y']['data']}"
            assert shown["dx"] == row["dx"]["data"], f"{where}: dx {shown['dx']} vs {row['dx']['data']}"
            assert shown["padCells"] == (s["H"] + 2 * s["ph"]) * (s["W"] + 2 * s["pw"]), f"{where}: x_pad has {shown['padCells']} cells"
            assert shown["dilated"] == (s["sh"] * (row["outHeight"] - 1) + 1) * (s["sw"] * (row["outWidth"] - 1) + 1), where
            slowest = max(slowest, shown["ms"])
            moved |= {name for name in s if s[name] != initial[name]}
        assert moved >= {"H", "W", "HH", "WW", "sh", "sw", "ph", "pw", "dh", "dw", "C", "F"}, f"{page}: never moved {moved}"
        errors = browser.errors()
        assert not errors, f"{page}: console errors:\n  " + "\n  ".join(errors)
    report("parameter explorer (headless Chromium)", f"slowest settings change, all controls at once: {slowest:.1f} ms")


def test_an_invalid_layer_is_explained_not_thrown(site, browser):
    """A filter larger than x_pad: the explorer says why there is no output, and nothing throws."""
    page, number, _ = parameter_explorers(site)[0]
    browser.open(site.url(page))
    shown = browser.js(SET_AND_READ, number, {"H": 1, "ph": 0, "HH": 5, "dh": 3})
    assert shown["outHeight"] <= 0, shown
    assert shown["sizeText"].strip(), shown
    assert not browser.errors()


def test_keyboard_alone_drives_the_explorer_and_the_recompute(site, browser, artifacts):
    """Tab reaches a control of the explorer; arrow keys change it and the output size follows; Tab on to
    the recompute button and Enter runs it. Screenshots of both go with the others."""
    page, number, data = parameter_explorers(site)[0]
    browser.open(site.url(page))
    driver = browser.driver
    body = driver.find_element(By.TAG_NAME, "body")
    body.click()
    target = browser.js("""
        const input = document.querySelectorAll('figure.cb-params')[arguments[0]].querySelector('input[data-param="H"]');
        input.scrollIntoView({block: 'center'}); return input;""", number)
    # Tab from the element just before the figure until the H control has the focus.
    browser.js("""const figure = document.querySelectorAll('figure.cb-params')[arguments[0]];
        const before = document.createElement('a'); before.href = '#'; before.id = 'cb-probe'; before.textContent = 'probe';
        figure.before(before); before.focus();""", number)
    for _ in range(40):
        if driver.switch_to.active_element == target:
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element == target, "Tab never reached the H control"
    before = browser.js("return document.querySelectorAll('figure.cb-params')[arguments[0]].querySelector('.cb-params-size').dataset.outHeight", number)
    target.send_keys(Keys.ARROW_RIGHT)
    after = browser.js("return document.querySelectorAll('figure.cb-params')[arguments[0]].querySelector('.cb-params-size').dataset.outHeight", number)
    value = browser.js("return arguments[0].value", target)
    assert int(value) == data["initial"]["H"] + 1, value
    assert before != after or data["initial"]["sh"] > 1, (before, after)
    out = artifacts / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    browser.js("document.querySelectorAll('figure.cb-params')[arguments[0]].scrollIntoView()", number)
    driver.save_screenshot(str(out / "parameter-explorer.png"))
    button = driver.find_element(By.CSS_SELECTOR, ".cb-recompute-run")
    browser.js("arguments[0].scrollIntoView({block: 'center'})", button)
    button.send_keys(Keys.ENTER)
    result = browser.js("return document.querySelector('.cb-recompute-result').dataset")
    assert int(result["checked"]) > 0 and int(result["bad"]) == 0, result
    driver.save_screenshot(str(out / "recompute.png"))
    assert not browser.errors()
