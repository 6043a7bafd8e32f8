"""The search box in headless Chromium, from file://: the index loads on first
use, the queries of issue 22 find what they should in the right order, matches
are marked, snippets read math as text, and the keyboard works (an ARIA
combobox over a listbox)."""
from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait


def entries_with(site, word: str) -> list[dict]:
    return [e for e in site.search_index() if word in (e["s"] + " " + e["x"]).lower()]


def search(browser, site, query: str, page: str = "index.html") -> list[str]:
    """Type query into the box of page; the results' hrefs (as written), best first."""
    browser.open(site.url(page))
    field = browser.driver.find_element(By.ID, "search-input")
    field.click()
    field.send_keys(query)
    WebDriverWait(browser.driver, 5).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results [role=option]"))
    return browser.js("return Array.from(document.querySelectorAll('#search-results a[role=option]'), a => a.getAttribute('href'))")


@pytest.fixture
def needs_book(site):
    """The queries below are about this book's chapters."""
    if not (site.path("11-tiny-cnn.html").is_file() and entries_with(site, "softmax")):
        pytest.skip("not the convbook book")


@pytest.mark.parametrize("start", ["index.html", "01-forward.html"])
def test_the_index_loads_on_first_use_only(site, browser, start):
    page = start
    browser.open(site.url(page))
    loaded = "return [!!window.CONVBOOK_SEARCH, Array.from(document.scripts, s => s.src).filter(s => s.endsWith('search-index.js')).length]"
    assert browser.js(loaded) == [False, 0], f"{page} loads search-index.js before the search box is used"
    assert "search-index.js" not in site.path(page).read_text(encoding="utf-8")
    browser.driver.find_element(By.ID, "search-input").click()
    WebDriverWait(browser.driver, 5).until(lambda d: d.execute_script(loaded) == [True, 1])
    assert not browser.errors()


def test_softmax_ranks_chapter_11_first(site, browser, needs_book):
    hrefs = search(browser, site, "softmax")
    assert hrefs[0].startswith("11-tiny-cnn.html"), hrefs
    # Every section that says it more than a passing mention comes before the ones that mention it once.
    chapters = [h.split(".html")[0] for h in hrefs]
    assert chapters[:3] == ["11-tiny-cnn"] * 3, hrefs


def test_a_typo_finds_the_convolution_pages(site, browser, needs_book):
    hrefs = search(browser, site, "convolutoin")
    pages = {h.split("#")[0] for h in hrefs}
    holding = {e["u"].split("#")[0] for e in entries_with(site, "convolution")}
    assert pages and pages <= holding, hrefs
    assert "01-forward.html#cross-correlation-or-convolution" in hrefs[:3], hrefs


def test_a_heading_term_ranks_its_section_first(site, browser, needs_book):
    # Each word is said more often, or in shorter sections, elsewhere: only the heading puts these first.
    assert search(browser, site, "rotated")[0] == "03-two-dimensions.html#sec-2d-rotated"
    assert search(browser, site, "swapping")[0] == "02-vector.html#swapping-the-two-formulas"
    assert search(browser, site, "dilation")[0] == "08-beyond.html#sec-dilation"


def test_matches_are_marked_and_snippets_read_math_as_text(site, browser, needs_book):
    search(browser, site, "cross-correlated")
    marks = browser.js("return Array.from(document.querySelectorAll('#search-results mark'), m => m.textContent.toLowerCase())")
    assert "cross" in marks and "correlated" in marks, marks
    # A snippet around a display formula: the sum of chapter 3 reads as text, no TeX.
    search(browser, site, "dilation written out")
    snippets = browser.js("return Array.from(document.querySelectorAll('#search-results .where'), w => w.textContent)")
    assert any("∑" in s for s in snippets), snippets
    for s in snippets:
        assert not re.search(r"\\[a-zA-Z]+|[_^]\{", s), f"TeX in a snippet: {s}"


def test_enter_opens_the_first_result_and_arrows_move(site, browser, needs_book):
    hrefs = search(browser, site, "softmax", page="02-vector.html")
    field = browser.driver.find_element(By.ID, "search-input")
    assert field.get_attribute("role") == "combobox" and field.get_attribute("aria-expanded") == "true"
    field.send_keys(Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    second = browser.driver.find_element(By.ID, field.get_attribute("aria-activedescendant"))
    assert second.get_attribute("href").endswith(hrefs[1]) and second.get_attribute("aria-selected") == "true"
    field.send_keys(Keys.ARROW_UP)
    assert browser.driver.find_element(By.ID, field.get_attribute("aria-activedescendant")).get_attribute("href").endswith(hrefs[0])
    # Enter with no result made active opens the first.
    field.send_keys(Keys.ARROW_UP, Keys.ENTER)
    WebDriverWait(browser.driver, 5).until(lambda d: d.current_url.endswith(hrefs[0]))
    assert not browser.errors()
