"""A value's provenance (issue 24), in headless Chromium from file://: every kind of published value (inline
values, tensor cells, table cells, check-table rows, explorer cells) opens its popover by keyboard and by
pointer; the popover names the ledger's entry for it (its source line, read from site/manifest.json), and its
links resolve (the block on the page, the line of the code download that holds the chapter's line); Escape
closes it and returns focus; it works in book.html, whose ids are the chapters'; print hides it. The summary
under each chapter's title splits the ledger's count for the page."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from test_axe import FAILING, axe, describe as describe_violation

REPO = Path(__file__).resolve().parents[2]

# The value elements of each kind, as the page marks them (data-v: the index in the page's slice of the ledger).
KINDS = {
    "inline": "span.cb-value[data-v]",
    "tensor": "figure.cb-tensor[data-v] td",
    "table": "table.cb-table[data-v] tbody td",
    "check": "table.cb-agreement[data-v] tbody tr, table.cb-gradcheck[data-v] tbody tr",
    "explorer": "figure.cb-explorer[data-v] td[data-cell]",
}

# What an element shows and where the page says its ledger value is: the container's data-v, the element's
# place (a tensor's cells, a table's cells and a check table's rows in document order; an explorer cell's name).
WHERE = """
const element = arguments[0];
const container = element.closest('[data-v]');
const v = Number(container.dataset.v);
let k = 0, offset = 0, name = null;
if (container.matches('figure.cb-tensor')) k = [...container.querySelectorAll('td')].indexOf(element);
else if (container.matches('table.cb-table')) offset = [...container.querySelectorAll('tbody td')].indexOf(element);
else if (container.matches('table.cb-gradcheck')) offset = [...container.querySelectorAll('tbody tr')].indexOf(element);
else if (container.matches('figure.cb-explorer')) { name = element.dataset.cell.split(':')[0]; k = Number(element.dataset.cell.split(':')[1]); }
const shown = element.matches('tr') ? element.cells[1].textContent.trim() : element.textContent.trim();
return {v, k, offset, name, shown};
"""

POPOVER = """
const popover = document.getElementById('cb-prov');
if (!popover || popover.hidden) return null;
const lines = {};
popover.querySelectorAll('dt').forEach((dt) => { lines[dt.textContent] = dt.nextElementSibling.textContent; });
const active = document.activeElement;
return {
  lines, v: popover.dataset.v, k: popover.dataset.k, role: popover.getAttribute('role'),
  label: popover.getAttribute('aria-label'), display: getComputedStyle(popover).display,
  links: [...popover.querySelectorAll('a')].map((a) => ({href: a.getAttribute('href'), text: a.textContent,
    resolves: a.getAttribute('href').startsWith('#') ? !!document.getElementById(a.getAttribute('href').slice(1)) : null})),
  describedBy: active ? active.getAttribute('aria-describedby') : null,
  live: (document.querySelector('.cb-prov-live') || {}).textContent || '',
};
"""


def manifest(site) -> dict:
    return {chapter["file"].rsplit(".", 1)[0]: chapter["values"]
            for chapter in json.loads(site.path("manifest.json").read_text(encoding="utf-8"))["chapters"]}


def wait_popover(browser, timeout: float = 8.0):
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = browser.js(POPOVER)
        if shown is not None:
            return shown
        time.sleep(0.05)
    return None


def expected_entry(entries: list, where: dict) -> tuple[int, dict]:
    """The ledger entry an element shows, found from the page's marks and the ledger alone."""
    index = where["v"] + where["offset"]
    if where["name"] is not None:
        # An explorer's tensors follow its first entry, keyed "… / NAME".
        index = next(i for i in range(where["v"], len(entries)) if entries[i]["key"].endswith(" / " + where["name"]))
    return index, entries[index]


def check_popover(site, page_slug: str, shown: dict, where: dict, entries: list, how: str):
    assert shown is not None, f"{page_slug}: no popover ({how})"
    index, entry = expected_entry(entries, where)
    assert shown["role"] == "dialog" and shown["label"], shown
    assert int(shown["v"]) == index and int(shown["k"]) == where["k"], f"{how}: popover for {shown['v']}:{shown['k']}, wanted {index}"
    # The page shows the ledger's printed value there.
    printed = entry["printed"][where["k"]] if entry["kind"] not in ("rule",) else None
    if printed is not None and entry["kind"] not in ("printed",):
        assert where["shown"] == printed, f"{how}: the page shows {where['shown']!r}, the ledger {printed!r} ({entry['key']})"
    source = entry["source"].rsplit(":", 1)[0]
    assert shown["lines"]["Computed at"].startswith(source), f"{how}: {shown['lines']} vs {entry['source']}"
    assert shown["lines"]["Value class"].startswith(entry["tolerance"]["class"].replace("-", " ")), shown["lines"]
    assert "Re-derived in this browser" in shown["lines"], shown["lines"]
    if "passed" in entry:
        assert ("passed ✓" if entry["passed"] else "failed ✗") in shown["lines"]["Check"], shown["lines"]
    check_links(site, page_slug, shown, entry)


def check_links(site, page_slug: str, shown: dict, entry: dict):
    """The chapter line links to its block on the page; the download's line holds the chapter's line."""
    chapter_file, line, _ = entry["source"].rsplit(":", 2)
    local = [link for link in shown["links"] if link["href"].startswith("#")]
    for link in local:
        assert link["resolves"], f"{link['href']} is on no element of the page"
    downloads = [link for link in shown["links"] if link["href"].startswith("code/")]
    assert len(downloads) == 1, shown["links"]
    code = site.path(downloads[0]["href"])
    assert code.is_file(), f"{downloads[0]['href']} is not in the site"
    d = int(re.match(r"line (\d+) of ", downloads[0]["text"]).group(1))
    download_line = code.read_text(encoding="utf-8").split("\n")[d - 1].strip()
    chapter_line = (REPO / chapter_file).read_text(encoding="utf-8").split("\n")[int(line) - 1].strip()
    if entry["key"].startswith("inline"):
        assert download_line.startswith(f'print("{Path(chapter_file).name} line {line}:"'), download_line
    elif entry["kind"] != "printed":
        assert download_line == chapter_line, f"{downloads[0]['href']}:{d} {download_line!r} is not {chapter_file}:{line} {chapter_line!r}"


def first_of_kind(browser, selector: str):
    """The first value of the kind that is the first value of its output box (so Enter on the box reaches
    it), visible; for inline values, the first."""
    return browser.js("""
const selector = arguments[0];
for (const element of document.querySelectorAll(selector)) {
  if (element.getClientRects().length === 0) continue;
  if (element.matches('span.cb-value')) return element;
  const box = element.closest('.cb-output');
  if (!box) continue;
  const first = [...box.querySelectorAll('figure.cb-tensor[data-v] td, figure.cb-explorer[data-v] td[data-cell], table.cb-table[data-v] tbody td, table.cb-gradcheck[data-v] tbody tr, table.cb-agreement[data-v] tbody tr, table.cb-rule[data-v] tbody tr:first-child')]
    .find((e) => e.getClientRects().length > 0);
  if (first === element) return element;
}
return null;""", selector)


def page_with_every_kind(site) -> str:
    for page in site.pages:
        if page == "book.html":
            continue
        html = site.path(page).read_text(encoding="utf-8")
        if all(marker in html for marker in ('<span class="cb-value" data-v=', '<figure class="cb-tensor" data-v=',
                                              '<table class="cb-table" data-v=', '<table class="cb-agreement" data-v=',
                                              '<figure class="cb-explorer" data-v=')):
            return page
    pytest.fail("no chapter page has every kind of value")


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_opens_its_popover_by_pointer_and_keyboard(site, browser, kind):
    page = page_with_every_kind(site)
    slug = page[:-len(".html")]
    entries = manifest(site)[slug]
    browser.open(site.url(page))
    element = first_of_kind(browser, KINDS[kind])
    assert element is not None, f"{page}: no {kind} value first in its box"
    where = browser.js(WHERE, element)

    # Pointer: hovering opens it (the data is loaded then), tapping too.
    browser.js("arguments[0].scrollIntoView({block: 'center'})", element)
    ActionChains(browser.driver).move_to_element(element).perform()
    check_popover(site, slug, wait_popover(browser), where, entries, f"{kind} hovered")
    browser.js("document.getElementById('cb-prov').hidden = true")
    element.click()
    check_popover(site, slug, wait_popover(browser), where, entries, f"{kind} tapped")

    # Keyboard, from a fresh page: Tab to an inline value; Tab to the value's box, then Enter into it.
    browser.open(site.url(page))
    element = first_of_kind(browser, KINDS[kind])
    if kind == "inline":
        target = element
        for _ in range(600):
            ActionChains(browser.driver).send_keys(Keys.TAB).perform()
            if browser.js("return document.activeElement === arguments[0]", target):
                break
        assert browser.js("return document.activeElement === arguments[0]", target), "Tab never reached the inline value"
    else:
        box = browser.js("return arguments[0].closest('.cb-output')", element)
        for _ in range(900):
            ActionChains(browser.driver).send_keys(Keys.TAB).perform()
            if browser.js("return document.activeElement === arguments[0]", box):
                break
        assert browser.js("return document.activeElement === arguments[0]", box), "Tab never reached the value's box"
        ActionChains(browser.driver).send_keys(Keys.ENTER).perform()
        wait_popover(browser)
        assert browser.js("return document.activeElement === arguments[0]", element), "Enter did not move to the box's first value"
    shown = wait_popover(browser)
    check_popover(site, slug, shown, where, entries, f"{kind} by keyboard")
    assert shown["describedBy"] == "cb-prov", "the focused value does not point to its popover"
    assert shown["live"].startswith(where["shown"]), f"nothing announced: {shown['live']!r}"
    # Enter enters the popover; Escape there closes it and returns focus to the value.
    ActionChains(browser.driver).send_keys(Keys.ENTER).perform()
    assert browser.js("return document.getElementById('cb-prov').contains(document.activeElement)"), "Enter did not enter the popover"
    ActionChains(browser.driver).send_keys(Keys.ESCAPE).perform()
    assert browser.js(POPOVER) is None, "Escape did not close the popover"
    assert browser.js("return document.activeElement === arguments[0]", element), "focus did not return to the value"
    if kind != "inline":
        # Arrows move to the next value (its popover follows); Escape twice goes back to the box.
        ActionChains(browser.driver).send_keys(Keys.ARROW_RIGHT).perform()
        moved = wait_popover(browser)
        assert moved is not None and browser.js("return document.activeElement !== arguments[0]", element) \
            or browser.js("return document.activeElement === arguments[0]", element), "ArrowRight broke the focus"
        ActionChains(browser.driver).send_keys(Keys.ESCAPE).perform()
        ActionChains(browser.driver).send_keys(Keys.ESCAPE).perform()
        assert browser.js("return document.activeElement === arguments[0].closest('.cb-output')", element), \
            "Escape did not return to the box"
    assert not browser.errors()


def test_values_are_not_each_a_tab_stop(site, browser):
    """Cells of tensors and tables are reached through their box (one tab stop): none is in the tab order."""
    page = page_with_every_kind(site)
    browser.open(site.url(page))
    stops = browser.js("""return [...document.querySelectorAll('figure.cb-tensor[data-v] td, table[data-v] td, table[data-v] tr')]
      .filter((e) => e.tabIndex >= 0).length""")
    assert stops == 0


def test_the_popover_works_in_the_whole_book(site, browser):
    """In book.html a later chapter's tensor cell names that chapter's line, and its block link is that chapter's."""
    entries = manifest(site)
    browser.open(site.url("book.html"))
    element = browser.js("""
const sections = [...document.querySelectorAll('section.cb-book-chapter')];
for (const section of sections.slice(2)) {
  const cell = section.querySelector('figure.cb-tensor[data-v] td');
  if (cell) return cell;
}
return null;""")
    assert element is not None
    slug = browser.js("return arguments[0].closest('section.cb-book-chapter').id", element)
    where = browser.js(WHERE, element)
    browser.js("arguments[0].scrollIntoView({block: 'center'})", element)
    ActionChains(browser.driver).move_to_element(element).perform()
    shown = wait_popover(browser)
    check_popover(site, slug, shown, where, entries[slug], "book.html")
    local = [link["href"] for link in shown["links"] if link["href"].startswith("#")]
    assert local and all(href.startswith(f"#{slug}--cell-") for href in local), local


def test_print_hides_the_popover(site, browser):
    page = page_with_every_kind(site)
    browser.open(site.url(page))
    element = browser.js(f"return document.querySelector({json.dumps(KINDS['tensor'])})")
    element.click()
    assert wait_popover(browser) is not None
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert browser.js("return getComputedStyle(document.getElementById('cb-prov')).display") == "none"
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_axe_is_clean_with_a_popover_open(site, browser):
    page = page_with_every_kind(site)
    browser.open(site.url(page))
    element = browser.js(f"return document.querySelector({json.dumps(KINDS['inline'])})")
    element.click()
    assert wait_popover(browser) is not None
    found = axe(browser, {"include": [["#cb-prov"], [".cb-ledger-summary"]]})
    failing = [describe_violation(v, node) for v in found if v["impact"] in FAILING for node in v["nodes"]]
    assert not failing, "\n".join(failing)


def test_every_summary_splits_the_ledgers_count(site):
    """Under every chapter's title: the ledger's count for the page (site/manifest.json, value by value), and
    how many of them the browser can re-derive: the explorers' outputs and the parameter explorers' settings."""
    ledger = manifest(site)
    for page in site.pages:
        slug = page[:-len(".html")]
        if slug not in ledger:
            continue
        html = site.path(page).read_text(encoding="utf-8")
        match = re.search(r'</h1>\n<section class="cb-ledger-summary"[^>]* data-total="(\d+)" data-browser="(\d+)">', html)
        assert match, f"{page}: no summary under the title"
        total, browser_count = int(match.group(1)), int(match.group(2))
        values = ledger[slug]
        assert total == sum(len(v["printed"]) for v in values), page
        derived = sum(len(v["printed"]) for v in values
                      if v["kind"] == "parameter-explorer"
                      or (v["kind"] == "explorer" and v["key"].rsplit(" / ", 1)[-1] in ("y", "dx", "dw", "db")))
        assert browser_count == derived, f"{page}: {browser_count} re-derivable, the ledger says {derived}"
        assert (browser_count > 0) == ('class="cb-recompute-run"' in html), page
        assert f"holds {total} values of this page, in {len(values)} entr" in html.split('<footer')[1], f"{page}: the footer disagrees"


def test_a_crossed_cell_is_linked_and_focused(site, browser, tmp_path):
    """A y cell altered in a copy of the page: its ✗ in the list under the title links to it, and following
    the link focuses that cell."""
    import shutil
    page = next(p for p in site.pages if p != "book.html" and '<figure class="cb-explorer" data-v=' in site.path(p).read_text(encoding="utf-8"))
    copy = tmp_path / "site"
    shutil.copytree(site.root, copy)
    html = (copy / page).read_text(encoding="utf-8")
    altered = re.sub(r'(<td[^>]*data-cell="y:0"[^>]*>)([^<]*)(<)', lambda m: m.group(1) + "4242" + m.group(3), html, count=1)
    assert altered != html
    (copy / page).write_text(altered, encoding="utf-8")
    browser.open((copy / page).as_uri())
    button = browser.js("return document.querySelector('.cb-ledger-summary .cb-recompute-run')")
    top = browser.js("return arguments[0].getBoundingClientRect().top + window.scrollY", button)
    assert top < 1500, f"the control is {top} px down the page, not near its top"
    button.click()
    link = None
    import time
    deadline = time.monotonic() + 12
    while link is None and time.monotonic() < deadline:
        link = browser.js("return document.querySelector('.cb-ledger-summary .cb-recompute-failures a')")
        time.sleep(0.05)
    assert link is not None, browser.js("return document.querySelector('.cb-ledger-summary').textContent")
    summary = browser.js("return document.querySelector('.cb-ledger-summary .cb-recompute-summary').textContent")
    assert "1 ✗" in summary, summary
    target = browser.js("return document.getElementById(arguments[0].getAttribute('href').slice(1))", link)
    assert browser.js("return arguments[0].dataset.cell", target) == "y:0"
    link.click()
    time.sleep(0.2)
    assert browser.js("return document.activeElement.dataset.cell") == "y:0"
    # The cell's popover says the browser re-derived it, ✗.
    shown = wait_popover(browser)
    assert shown is not None and shown["lines"]["Re-derived in this browser"] == "yes, and it disagrees ✗", shown


# A value inject put into math: KaTeX's span for its \htmlData{v=N} mark.
MATH_VALUE = re.compile(r'<span class="enclosing(?: mtight)?" data-v="(\d+)">')
PROSE_VALUE = re.compile(r'<span class="cb-value" data-v="(\d+)">')


def test_every_inline_value_is_marked_once_in_prose_or_math(site):
    """Each inline entry of a page's ledger (site/manifest.json) has one element on the page: a prose value
    or a value inside a formula; no other entry is marked so."""
    ledger = manifest(site)
    in_math = 0
    for page in site.pages:
        slug = page[:-len(".html")]
        if slug not in ledger:
            continue
        html = site.path(page).read_text(encoding="utf-8")
        inline = [i for i, entry in enumerate(ledger[slug]) if entry["key"].startswith("inline")]
        math = [int(m) for m in MATH_VALUE.findall(html)]
        marked = sorted([int(m) for m in PROSE_VALUE.findall(html)] + math)
        assert marked == inline, f"{page}: marked {len(marked)} inline values, the ledger holds {len(inline)}"
        in_math += len(math)
        assert not re.search(r'<annotation encoding="application/x-tex">[^<]*\\htmlData', html), \
            f"{page}: a mark left in a formula's TeX (its MathML annotation)"
    assert in_math > 0, "no value inside math on any page"


def math_value(site) -> tuple[str, int, dict]:
    """A chapter page and a value inside its math that is a plain number, with its ledger entry."""
    ledger = manifest(site)
    for page in site.pages:
        slug = page[:-len(".html")]
        if slug not in ledger:
            continue
        for match in MATH_VALUE.finditer(site.path(page).read_text(encoding="utf-8")):
            entry = ledger[slug][int(match.group(1))]
            if entry["kind"] in ("integer", "number") and re.fullmatch(r"-?\d+", entry["printed"][0]):
                return page, int(match.group(1)), entry
    pytest.fail("no value inside math is a plain number")


def test_a_value_in_math_opens_its_popover_by_pointer_and_keyboard(site, browser):
    page, index, entry = math_value(site)
    slug = page[:-len(".html")]
    entries = manifest(site)[slug]
    printed = entry["printed"][0]
    find = "return document.querySelector(`.katex [data-v=\"${arguments[0]}\"]`)"
    browser.open(site.url(page))
    element = browser.js(find, index)
    assert element is not None
    # The formula shows the ledger's value there (KaTeX's minus sign is U+2212).
    shown = browser.js("return arguments[0].textContent.replace(/\\u200b/g, '').replace(/\\u2212/g, '-').trim()", element)
    assert shown == printed, f"the formula shows {shown!r} at data-v={index}, the ledger {printed!r}"
    where = {"v": index, "k": 0, "offset": 0, "name": None, "shown": shown}

    def check(popover, how):
        check_popover(site, slug, popover, where, entries, how)
        assert popover["lines"]["Value"].startswith(f"{printed} (inline value"), popover["lines"]

    browser.js("arguments[0].scrollIntoView({block: 'center'})", element)
    ActionChains(browser.driver).move_to_element(element).perform()
    check(wait_popover(browser), "math value hovered")
    browser.js("document.getElementById('cb-prov').hidden = true")
    element.click()
    check(wait_popover(browser), "math value tapped")

    # Keyboard, from a fresh page: the formula is the tab stop (its values sit in KaTeX's aria-hidden HTML);
    # Enter moves to its first value, the arrows along its values.
    browser.open(site.url(page))
    element = browser.js(find, index)
    formula = browser.js("return arguments[0].closest('.katex')", element)
    assert browser.js("return arguments[0].tabIndex", formula) == 0
    assert browser.js("return arguments[0].hasAttribute('tabindex')", element) is False, "a tab stop inside aria-hidden"
    for _ in range(900):
        ActionChains(browser.driver).send_keys(Keys.TAB).perform()
        if browser.js("return document.activeElement === arguments[0]", formula):
            break
    assert browser.js("return document.activeElement === arguments[0]", formula), "Tab never reached the formula"
    ActionChains(browser.driver).send_keys(Keys.ENTER).perform()
    wait_popover(browser)
    for _ in range(12):
        if browser.js("return document.activeElement === arguments[0]", element):
            break
        ActionChains(browser.driver).send_keys(Keys.ARROW_RIGHT).perform()
    assert browser.js("return document.activeElement === arguments[0]", element), "Enter and the arrows never reached the value"
    popover = wait_popover(browser)
    check(popover, "math value by keyboard")
    assert popover["describedBy"] == "cb-prov"
    assert popover["live"].startswith(printed + " (inline value"), f"nothing announced: {popover['live']!r}"
    assert browser.js("return getComputedStyle(arguments[0]).outlineStyle", element) != "none", "no focus ring"
    ActionChains(browser.driver).send_keys(Keys.ENTER).perform()
    assert browser.js("return document.getElementById('cb-prov').contains(document.activeElement)"), "Enter did not enter the popover"
    ActionChains(browser.driver).send_keys(Keys.ESCAPE).perform()
    assert browser.js(POPOVER) is None, "Escape did not close the popover"
    assert browser.js("return document.activeElement === arguments[0]", element), "focus did not return to the value"
    ActionChains(browser.driver).send_keys(Keys.ESCAPE).perform()
    assert browser.js("return document.activeElement === arguments[0]", formula), "Escape did not return to the formula"
    assert not browser.errors()


def test_a_matrix_in_math_is_quoted_whole(site, browser):
    """A tensor inside math (a bmatrix) is one value: the popover quotes it as prose prints it, all its entries."""
    ledger = manifest(site)
    for page in site.pages:
        slug = page[:-len(".html")]
        if slug not in ledger:
            continue
        found = next((int(m) for m in MATH_VALUE.findall(site.path(page).read_text(encoding="utf-8"))
                      if ledger[slug][int(m)]["kind"] == "tensor" and len(ledger[slug][int(m)]["printed"]) > 1), None)
        if found is not None:
            break
    else:
        pytest.fail("no tensor inside math")
    entry = ledger[slug][found]
    browser.open(site.url(page))
    element = browser.js("return document.querySelector(`.katex [data-v=\"${arguments[0]}\"]`)", found)
    browser.js("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
    popover = wait_popover(browser)
    assert popover is not None and int(popover["v"]) == found
    value = popover["lines"]["Value"]
    numbers = re.findall(r"-?[\d.]+(?:e[-+]?\d+)?", value.split(" (")[0])
    assert numbers == entry["printed"], f"{value!r} vs {entry['printed']}"
    assert value.endswith(f"all {len(entry['printed'])} entries)"), value
