"""The reader's own check, in headless Chromium from file://: "Re-derive" under each chapter's title
(convkernel.js re-derives every published example and parameter-explorer setting) and the live parameter
explorer.

Every page with examples must recompute all ✓; a copy of a page with one published value altered, in a
table or in the page's data, must show ✗ for that value alone; every control of the parameter explorer
must drive its sizes and drawings to what the engine computed at build time (the figure's table)."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from sitecheck import DESKTOP

# Presses the button, then waits (the script and convkernel.js load on first use) until the result is shown.
RECOMPUTE = """
const done = arguments[arguments.length - 1];
let section = document.querySelector('.cb-ledger-summary .cb-recompute-run, .cb-recompute .cb-recompute-run');
if (!section) { done(null); return; }
section = section.parentElement;
const button = section.querySelector('.cb-recompute-run');
const result = section.querySelector('.cb-recompute-result');
delete result.dataset.checked;
button.click();
const started = Date.now();
(function wait() {
  if (result.dataset.checked === undefined && Date.now() - started < 12000) { setTimeout(wait, 20); return; }
  const cells = (cls) => [...document.querySelectorAll('.' + cls)].map((e) => e.dataset.cell || e.getAttribute('title') || '');
  done({
    checked: Number(result.dataset.checked), ok: Number(result.dataset.ok), bad: Number(result.dataset.bad),
    browser: Number(result.dataset.browser), built: Number(result.dataset.built), total: Number(result.dataset.total),
    maxDiff: result.dataset.maxDiff, ms: Number(result.dataset.ms), text: result.textContent,
    badCells: [...document.querySelectorAll('td.cb-bad')].map((e) => e.dataset.cell || ''),
    okCells: document.querySelectorAll('td.cb-ok').length,
    tableCells: [...document.querySelectorAll('figure.cb-explorer td[data-cell]')].length,
    badItems: [...result.querySelectorAll('li')].map((e) => e.textContent),
    badLinks: [...result.querySelectorAll('li a')].map((a) => {
      const target = document.getElementById(a.getAttribute('href').slice(1));
      return target ? (target.dataset.cell || target.id) : null;
    }),
  });
})();
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
    result = browser.driver.execute_async_script(RECOMPUTE)
    assert result is not None, f"{url}: no re-derive control"
    errors = browser.errors()
    assert not errors, f"{url}: console errors while recomputing:\n  " + "\n  ".join(errors)
    return result


def test_every_page_with_examples_has_the_control(site):
    """A page with an explorer or a parameter explorer has the control; a page without has none."""
    for page in site.pages:
        html = site.path(page).read_text(encoding="utf-8")
        examples = '<figure class="cb-explorer"' in html or '<figure class="cb-params"' in html
        has = 'class="cb-recompute-run"' in html
        assert has == examples or (page == "book.html" and has), f"{page}: examples {examples}, control {has}"
        if examples:
            # convkernel.js comes with the page where a parameter explorer needs it, else on first use.
            assert '<script src="convbook-core.js"' in html, f"{page} does not load convbook-core.js"
            assert site.path("convkernel.js").is_file() and site.path("convbook-recompute.js").is_file()
            assert '<script src="convbook-recompute.js"' not in html, f"{page} loads the recompute script up front"


@pytest.mark.parametrize("marker", ['class="cb-recompute-run"'])
def test_recompute_is_all_ticks(site, browser, report, marker):
    """Every value on every page with examples recomputes to ✓: all table cells of every explorer are
    judged, nothing is ✗, and the largest difference is reported."""
    pages = pages_with(site, marker)
    assert pages, "no page has a recompute control"
    for page in pages:
        r = recompute(browser, site.url(page))
        assert r["bad"] == 0 and not r["badCells"], f"{page}: ✗ for {r['badCells']} {r['badItems']}"
        # Every value the browser re-derives is ✓, and with those verified at build time they are the ledger's count.
        assert r["checked"] > 0 and r["browser"] > 0 and r["ok"] == r["browser"], f"{page}: {r}"
        assert r["ok"] + r["bad"] + r["built"] == r["total"] == ledger_count(site, page), f"{page}: {r}"
        # Every table cell of every explorer is judged, ✓.
        assert r["okCells"] >= r["tableCells"] > 0 or '<figure class="cb-explorer"' not in site.path(page).read_text(), \
            f"{page}: {r['okCells']} cells marked ✓ of {r['tableCells']}"
        report("recompute on this page (headless Chromium, one run each)",
               f"{page}: {r['ok']} of {r['browser']} values re-derived ✓, {r['built']} verified at build time, "
               f"{r['total']} in the ledger; {r['checked']} comparisons, largest difference {r['maxDiff']}, {r['ms']:.1f} ms")


def ledger_count(site, page: str) -> int:
    """The values site/manifest.json holds for a chapter's page (a tensor's entries one by one); for
    book.html, every chapter's."""
    manifest = json.loads(site.path("manifest.json").read_text(encoding="utf-8"))
    return sum(len(value["printed"]) for chapter in manifest["chapters"]
               if page == "book.html" or chapter["file"].rsplit(".", 1)[0] + ".html" == page
               for value in chapter["values"])


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
    # Its ✗ in the list links to the cell.
    assert r["badLinks"] == ["y:1"], r


def test_an_altered_input_cell_alone_is_a_cross(site, site_copy, browser):
    """An x cell's number changed in the HTML (x is an input: the recomputation uses the data, so only
    the shown cell disagrees with it)."""
    page = explorer_page(site)
    def change(html):
        return re.sub(r'(<td[^>]*data-cell="x:0"[^>]*>)([^<]*)(<)',
                      lambda m: m.group(1) + "12345" + m.group(3), html, count=1)
    r = recompute(browser, tamper(site_copy, page, change))
    # x is not re-derived (no re-derived value is wrong), but the cell is ✗, listed and linked.
    assert r["badCells"] == ["x:0"] and r["bad"] == 0, r
    assert r["badLinks"] == ["x:0"] and len(r["badItems"]) == 1, r


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
const words = (text) => (text || '').split(/\\s+/).filter((w) => w !== '').map(Number);
// A grid as the reader sees it: each block's text cut into its cells (cell (r, q) is line r from character
// q·n to (q + 1)·n), beside its data hooks.
const grid = (selector) => {
  const element = figure.querySelector(selector);
  const cols = Number(element.dataset.cols), width = Number(element.dataset.cellChars);
  const blocks = [...element.querySelectorAll('pre')].map((pre) => pre.textContent.split('\\n'));
  return {
    rows: Number(element.dataset.rows), cols, width, values: words(element.dataset.values),
    lines: blocks.map((lines) => lines.length), lineLengths: blocks.flat().map((line) => line.length),
    cells: blocks.flat().flatMap((line) => Array.from({length: cols}, (_, q) => line.slice(q * width, (q + 1) * width))),
    canvases: element.querySelectorAll('canvas').length, cellsInDom: element.querySelectorAll('td').length,
  };
};
return {
  ms,
  outHeight: Number(size.dataset.outHeight), outWidth: Number(size.dataset.outWidth), sizeText: size.textContent,
  unreachedRows: words(unreached.dataset.rows), unreachedCols: words(unreached.dataset.cols),
  aH: Number(transposed.dataset.aHeight), aW: Number(transposed.dataset.aWidth),
  counts: words(figure.querySelector('.cb-params-stamps').dataset.counts),
  xpad: grid('.cb-params-xpad'), y: grid('.cb-params-y'), dilated: grid('.cb-params-dilated'),
  stamps: grid('.cb-params-stamps'),
};
"""


def check_grid(where: str, name: str, grid: dict, rows: int, cols: int, blocks: int):
    """A grid's hooks have its size, and its text is rows lines of cols cells of the same width per block."""
    assert (grid["rows"], grid["cols"]) == (rows, cols), f"{where}: {name} is {grid['rows']} × {grid['cols']}"
    assert grid["lines"] == [rows] * blocks, f"{where}: {name} shows {grid['lines']} lines, wanted {blocks} × {rows}"
    assert set(grid["lineLengths"]) == {cols * grid["width"]}, f"{where}: {name} lines of {set(grid['lineLengths'])} characters"
    assert len(grid["values"]) == blocks * rows * cols, f"{where}: {name} has {len(grid['values'])} values"
    assert grid["canvases"] == blocks and grid["cellsInDom"] == 0, where
    # A cell is its number right-aligned with at least one space before it.
    assert all(cell[0] == " " for cell in grid["cells"]), f"{where}: {name} has a cell with no space before it"


def shown_numbers(where: str, name: str, cells: list[str]) -> list[float]:
    try:
        return [float(cell.strip()) for cell in cells]
    except ValueError as error:
        raise AssertionError(f"{where}: {name} shows a cell that is not a number: {error}") from None


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
    counts, leftover a, and the seeded example's y and dx: on the grids' data hooks and in the text the
    reader sees (every y and dx number, every #k count, at its cell's place in the line); and every control
    moved the drawings."""
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
            Ho, Wo = row["outHeight"], row["outWidth"]
            assert (shown["outHeight"], shown["outWidth"]) == (Ho, Wo), f"{where}: {shown['sizeText']}"
            assert shown["unreachedRows"] == row["unreachedRows"] and shown["unreachedCols"] == row["unreachedCols"], where
            assert shown["counts"] == row["cover"], f"{where}: cover {shown['counts']}"
            assert (shown["aH"], shown["aW"]) == (row["aH"], row["aW"]), where

            y = shown["y"]
            check_grid(where, "y", y, Ho, Wo, s["F"])
            assert y["values"] == row["y"]["data"], f"{where}: y {y['values']} vs {row['y']['data']}"
            assert shown_numbers(where, "y", y["cells"]) == row["y"]["data"], f"{where}: y shows {y['cells']}"

            stamps = shown["stamps"]
            check_grid(where, "dx", stamps, s["H"], s["W"], s["C"])
            assert stamps["values"] == row["dx"]["data"], f"{where}: dx {stamps['values']} vs {row['dx']['data']}"
            parts = [re.fullmatch(r"\s*(-?\d+) #(\d+)\s*", cell) for cell in stamps["cells"]]
            assert all(parts), f"{where}: dx cells not 'value #count': {stamps['cells']}"
            assert [float(m.group(1)) for m in parts] == row["dx"]["data"], f"{where}: dx shows {stamps['cells']}"
            assert [int(m.group(2)) for m in parts] == row["cover"] * s["C"], f"{where}: counts shown {stamps['cells']}"

            Hp, Wp = s["H"] + 2 * s["ph"], s["W"] + 2 * s["pw"]
            xpad = shown["xpad"]
            check_grid(where, "x_pad", xpad, Hp, Wp, 1)
            assert shown_numbers(where, "x_pad", xpad["cells"]) == xpad["values"], f"{where}: x_pad shows {xpad['cells']}"
            padding = [xpad["values"][r * Wp + q] for r in range(Hp) for q in range(Wp)
                       if not (s["ph"] <= r < s["ph"] + s["H"] and s["pw"] <= q < s["pw"] + s["W"])]
            assert padding == [0] * len(padding), f"{where}: x_pad's padding is not zero"

            Hd, Wd = s["sh"] * (Ho - 1) + 1, s["sw"] * (Wo - 1) + 1
            dilated = shown["dilated"]
            check_grid(where, "dilated dy", dilated, Hd, Wd, 1)
            for k, (cell, value) in enumerate(zip(dilated["cells"], dilated["values"])):
                if (k // Wd) % s["sh"] == 0 and (k % Wd) % s["sw"] == 0:
                    assert cell.strip() and float(cell) == value, f"{where}: dilated dy cell {k} shows {cell!r}, data {value}"
                else:
                    assert not cell.strip() and value == 0, f"{where}: the stride's hole {k} shows {cell!r}, data {value}"

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
    result = browser.driver.execute_async_script("""
        const done = arguments[arguments.length - 1], result = document.querySelector('.cb-recompute-result');
        const started = Date.now();
        (function wait() {
          if (result.dataset.checked === undefined && Date.now() - started < 12000) { setTimeout(wait, 20); return; }
          done({...result.dataset});
        })();""")
    assert int(result["checked"]) > 0 and int(result["bad"]) == 0, result
    driver.save_screenshot(str(out / "recompute.png"))
    assert not browser.errors()


# The y grid: pointing, the keyboard, and the canvases under the numbers.

CELL_AT = """
// Where cell (r, q) of block b of a grid is on the screen (the box of its last character, where its number
// ends), from the plot's centre too (for the pointer), and the colour its canvas paints under it.
const figure = document.querySelectorAll('figure.cb-params')[arguments[0]];
const element = figure.querySelector(arguments[1]);
const [b, r, q] = [arguments[2], arguments[3], arguments[4]];
const plot = element.querySelectorAll('.cb-params-plot')[b];
const pre = plot.querySelector('pre'), canvas = plot.querySelector('canvas');
const lines = pre.textContent.split('\\n'), width = Number(element.dataset.cellChars);
let offset = (q + 1) * width - 1;
for (let k = 0; k < r; k++) offset += lines[k].length + 1;
const range = document.createRange();
range.setStart(pre.firstChild, offset);
range.setEnd(pre.firstChild, offset + 1);
const glyph = range.getBoundingClientRect(), box = canvas.getBoundingClientRect(), middle = plot.getBoundingClientRect();
const x = glyph.left + glyph.width / 2, y = glyph.top + glyph.height / 2;
const pixel = canvas.getContext('2d').getImageData(Math.floor((x - box.left) * canvas.width / box.width),
                                                   Math.floor((y - box.top) * canvas.height / box.height), 1, 1).data;
return {dx: x - (middle.left + middle.width / 2), dy: y - (middle.top + middle.height / 2),
        text: range.toString(), pixel: Array.from(pixel)};
"""

COLOUR = """
// The page's colour --name as a canvas paints it: [r, g, b, a].
const canvas = document.createElement('canvas');
canvas.width = canvas.height = 1;
const context = canvas.getContext('2d');
context.fillStyle = getComputedStyle(document.documentElement).getPropertyValue(arguments[0]).trim();
context.fillRect(0, 0, 1, 1);
return Array.from(context.getImageData(0, 0, 1, 1).data);
"""

Y_STATE = """
const figure = document.querySelectorAll('figure.cb-params')[arguments[0]];
const grid = figure.querySelector('.cb-params-y'), live = figure.querySelector('.cb-params-cell');
return {selected: grid.dataset.selected, live: live.textContent, polite: live.getAttribute('aria-live'),
        focused: document.activeElement === grid};
"""


def describe_cell(s: dict, row: dict, f: int, i: int, j: int) -> str:
    """What the explorer says of y[0, f, i, j]: its value and its window in x_pad."""
    Ho, Wo = row["outHeight"], row["outWidth"]
    value = row["y"]["data"][(f * Ho + i) * Wo + j]

    def span(one, many, start, d, k):
        end = start + d * (k - 1)
        if end == start:
            return f"{one} {start}"
        taps = f" (taps on {', '.join(str(start + t * d) for t in range(k))})" if d > 1 else ""
        return f"{many} {start}–{end}{taps}"
    return (f"y[0, {f}, {i}, {j}] = {value:g}: window {span('row', 'rows', i * s['sh'], s['dh'], s['HH'])}, "
            f"{span('column', 'columns', j * s['sw'], s['dw'], s['WW'])} of x_pad")


def initial_row(data: dict) -> dict:
    return next(row for row in data["table"] if row["settings"] == data["initial"])


def check_window_lit(browser, number: int, s: dict, f: int, i: int, j: int, where: str):
    """The canvases light y[0, f, i, j], its first tap in x_pad and its entry of the dilated dy."""
    for selector, r, q, colour in ((".cb-params-y", i, j, "--hl-y"), (".cb-params-xpad", i * s["sh"], j * s["sw"], "--hl-x"),
                                   (".cb-params-dilated", i * s["sh"], j * s["sw"], "--hl-w")):
        block = f if selector == ".cb-params-y" else 0
        cell = browser.js(CELL_AT, number, selector, block, r, q)
        assert cell["pixel"] == browser.js(COLOUR, colour), f"{where}: {selector} cell ({r}, {q}) painted {cell['pixel']}"


def test_keyboard_moves_through_y(site, browser):
    """Tab reaches the y grid, one stop for the whole grid, which selects its first cell; the arrow keys (and
    Home, End) move the selection; the aria-live line names the cell, its value and its window; the selected
    cell and its window are painted."""
    page, number, data = parameter_explorers(site)[0]
    s, row = data["initial"], initial_row(data)
    Ho, Wo = row["outHeight"], row["outWidth"]
    assert Ho > 1 and Wo > 2, f"{page}: the first explorer starts too small to move in: {Ho} × {Wo}"
    browser.open(site.url(page))
    driver = browser.driver
    grid = browser.js("""const grid = document.querySelectorAll('figure.cb-params')[arguments[0]].querySelector('.cb-params-y');
        grid.scrollIntoView({block: 'center'}); return grid;""", number)
    assert grid.get_attribute("tabindex") == "0" and grid.get_attribute("role") in ("grid", "application"), grid
    assert (grid.get_attribute("aria-label") or "").strip(), "the y grid has no aria-label"
    assert browser.js("return arguments[0].querySelectorAll('[tabindex], a, button, input').length", grid) == 0
    browser.js("""const figure = document.querySelectorAll('figure.cb-params')[arguments[0]];
        const before = document.createElement('a'); before.href = '#'; before.id = 'cb-probe'; before.textContent = 'probe';
        figure.before(before); before.focus();""", number)
    for _ in range(60):
        if driver.switch_to.active_element == grid:
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element == grid, "Tab never reached the y grid"
    state = browser.js(Y_STATE, number)
    assert state["polite"] == "polite", state
    assert state["selected"] == "0,0,0" and state["live"] == describe_cell(s, row, 0, 0, 0), state
    check_window_lit(browser, number, s, 0, 0, 0, "on focus")
    for key, at in ((Keys.ARROW_RIGHT, (0, 0, 1)), (Keys.ARROW_DOWN, (0, 1, 1)), (Keys.ARROW_RIGHT, (0, 1, 2)),
                    (Keys.ARROW_UP, (0, 0, 2)), (Keys.ARROW_LEFT, (0, 0, 1)), (Keys.END, (0, 0, Wo - 1)),
                    (Keys.HOME, (0, 0, 0)), (Keys.ARROW_UP, (0, 0, 0))):
        grid.send_keys(key)
        state = browser.js(Y_STATE, number)
        assert state["focused"], f"{key!r} moved the focus away"
        assert state["selected"] == ",".join(map(str, at)), (key, state)
        assert state["live"] == describe_cell(s, row, *at), (key, state)
        check_window_lit(browser, number, s, *at, where=f"after {key!r}")
    assert not browser.errors()


def test_pointing_at_a_y_cell_lights_its_window(site, browser):
    """The pointer over the number of a y cell selects that cell (computed from the pointer's position over the
    canvas and text): the hook, the aria-live line and the canvases follow it, cell after cell."""
    page, number, data = parameter_explorers(site)[0]
    s, row = data["initial"], initial_row(data)
    Ho, Wo = row["outHeight"], row["outWidth"]
    browser.open(site.url(page))
    plot = browser.js("""const plot = document.querySelectorAll('figure.cb-params')[arguments[0]].querySelector('.cb-params-y .cb-params-plot');
        plot.scrollIntoView({block: 'center'}); return plot;""", number)
    for i, j in ((1, 1), (0, 0), (Ho - 1, Wo - 1), (1, Wo - 2)):
        cell = browser.js(CELL_AT, number, ".cb-params-y", 0, i, j)
        assert cell["text"].strip(), f"cell ({i}, {j}) ends in a space: {cell}"
        ActionChains(browser.driver).move_to_element_with_offset(plot, round(cell["dx"]), round(cell["dy"])).perform()
        state = browser.js(Y_STATE, number)
        assert state["selected"] == f"0,{i},{j}", (i, j, state)
        assert state["live"] == describe_cell(s, row, 0, i, j), state
        check_window_lit(browser, number, s, 0, i, j, f"pointing at ({i}, {j})")
    assert not browser.errors()


def test_grids_follow_the_colour_scheme(site, browser, artifacts):
    """The canvases take their colours from the page's light or dark scheme and are painted again when it
    changes; the numbers stay readable (contrast at least 4.5) on every colour a cell can have."""
    page, number, data = parameter_explorers(site)[0]
    browser.open(site.url(page))
    s = dict(data["initial"], sh=1, sw=1, dh=1, dw=1, ph=1, pw=1)   # every row and column reached
    browser.js(SET_AND_READ, number, s)
    browser.js("document.querySelectorAll('figure.cb-params')[arguments[0]].querySelector('.cb-params-grids').scrollIntoView()", number)
    contrast = """
        const lum = (c) => c.slice(0, 3).map((v) => v / 255).map((v) => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
                                         .reduce((sum, v, k) => sum + [0.2126, 0.7152, 0.0722][k] * v, 0);
        const text = getComputedStyle(document.querySelector('.cb-params-text')).color.match(/[0-9.]+/g).map(Number);
        const [a, b] = [lum(text), lum(arguments[0])].sort((p, q) => q - p);
        return (a + 0.05) / (b + 0.05);"""
    seen = {}
    try:
        for scheme in ("light", "dark"):
            browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                           {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            pad = browser.js(COLOUR, "--pad")
            for _ in range(50):
                painted = browser.js(CELL_AT, number, ".cb-params-xpad", 0, 0, 0)["pixel"]
                if painted == pad:
                    break
                browser.js("return new Promise((done) => requestAnimationFrame(() => done()))")
            assert painted == pad, f"{scheme}: x_pad's padding painted {painted}, --pad is {pad}"
            seen[scheme] = pad
            stamp = browser.js(CELL_AT, number, ".cb-params-stamps", 0, 0, 0)["pixel"]
            assert stamp in [browser.js(COLOUR, f"--cover-{k}") for k in range(1, 5)], f"{scheme}: stamp painted {stamp}"
            for name in ("--pad", "--cover-1", "--cover-4", "--hl-x", "--hl-w", "--hl-y"):
                ratio = browser.js(contrast, browser.js(COLOUR, name))
                assert ratio >= 4.5, f"{scheme}: the numbers on {name} have contrast {ratio:.2f}"
            out = artifacts / "screenshots"
            out.mkdir(parents=True, exist_ok=True)
            browser.driver.save_screenshot(str(out / f"parameter-explorer-{scheme}.png"))
        # Printing from the dark scheme: painted in the light colours while printing, dark again after.
        browser.js("window.dispatchEvent(new Event('beforeprint'))")
        printed = browser.js(CELL_AT, number, ".cb-params-xpad", 0, 0, 0)["pixel"]
        browser.js("window.dispatchEvent(new Event('afterprint'))")
        after = browser.js(CELL_AT, number, ".cb-params-xpad", 0, 0, 0)["pixel"]
        assert printed == seen["light"] and after == seen["dark"], (printed, after, seen)
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    assert seen["light"] != seen["dark"], seen
    assert not browser.errors()
