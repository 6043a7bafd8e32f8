"""Reference previews (convbook-preview.js) in Chromium, on the built pages: for each kind of reference the
site has (section, equation, figure, table, exercise, pitfall, citation), on its own page and from another
page, and in book.html, hovering the link or focusing it from the keyboard shows a card with the target's
text, read here from the target's page with html5lib (not by the code under test); Escape closes it; the
card is a tooltip named by the link's aria-describedby and holds nothing focusable; the mouse can move into
it; a touch tap follows the link and shows nothing; print hides it; its text is readable in both themes;
axe-core finds nothing serious in it.
"""
from __future__ import annotations

import re
import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from sitecheck import local, text_of
from test_axe import FAILING, axe, describe

TARGET = re.compile(r"^(?:[\w.-]+--)?(sec|eq|fig|tbl|ex|pit|ref)-.")
KINDS = ("sec", "eq", "fig", "tbl", "ex", "pit", "ref")
NOT_CHAPTERS = {"index.html", "book.html", "bibliography.html"}
WAIT = 5.0


def chapter_article(site, page):
    return next((e for e in site.tree(page).iter() if local(e.tag) == "article" and "chapter" in (e.get("class") or "")), None)


def reference_links(site, page):
    """(href, target page, id, kind) of each link of the chapter's text to a target (not those in a closed
    answer, which a reader cannot reach until it is opened)."""
    article = chapter_article(site, page)
    if article is None:
        return
    hidden = {e for d in article.iter() if local(d.tag) == "details" for e in d.iter()}
    for a in article.iter():
        anchor = "anchor" in (a.get("class") or "").split()       # a heading's own "#"
        href = a.get("href") if local(a.tag) == "a" and a not in hidden and not anchor else None
        if not href or "#" not in href or "://" in href:
            continue
        file, fragment = href.split("#", 1)
        match = TARGET.match(fragment)
        if match and (file == "" or ("/" not in file and file.endswith(".html"))):
            yield href, file or page, fragment, match.group(1)


def cases(site):
    """The first reference of each kind on its own page and from another page, and in book.html one of
    each kind it has, from the site itself."""
    found = {}
    for page in site.pages:
        if page in NOT_CHAPTERS or "/" in page:
            continue
        for href, target_page, target, kind in reference_links(site, page):
            found.setdefault((kind, "here" if target_page == page else "there"), (page, href, target_page, target))
    book = {}
    if "book.html" in site.pages:
        for href, target_page, target, kind in reference_links(site, "book.html"):
            book.setdefault(kind, ("book.html", href, target_page, target))
    listed = [(f"{kind}-{where}", found[(kind, where)]) for kind in KINDS for where in ("here", "there") if (kind, where) in found]
    listed += [(f"{kind}-book", book[kind]) for kind in ("eq", "ref", "sec") if kind in book]
    return listed


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        listed = cases(metafunc.config.site)
        metafunc.parametrize("case", [c for _, c in listed], ids=[name for name, _ in listed])


def squash(text: str) -> str:
    return " ".join(text.split())


def plain(element) -> str:
    """The text of an element without its formulas (KaTeX spans) and heading anchors, as a reader reads the prose."""
    parts = []

    def walk(node):
        classes = (node.get("class") or "").split()
        if "katex" in classes or "anchor" in classes or local(node.tag) == "details":
            if node.tail:
                parts.append(node.tail)
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if node.tail:
            parts.append(node.tail)
    parts.append(element.text or "")
    for child in element:
        walk(child)
    return squash("".join(parts))


def siblings_after(parent, element):
    children = list(parent)
    return children[children.index(element) + 1:]


def expected(site, target_page, target, kind):
    """What the card must show, from the target's page: (texts the card's prose holds, TeX of its formulas)."""
    tree = site.tree(target_page)
    parents = {child: parent for parent in tree.iter() for child in parent}
    element = next(e for e in tree.iter() if e.get("id") == target)
    tex = [squash(text_of(a)) for a in element.iter() if local(a.tag) == "annotation"]
    if kind == "sec":
        first = next((e for e in siblings_after(parents[element], element)
                      if local(e.tag) == "p" or re.fullmatch(r"h[1-6]", local(e.tag))), None)
        texts = [plain(element)]
        if first is not None and local(first.tag) == "p" and plain(first):
            texts.append(plain(first)[:60])
        return texts, []
    if kind == "eq":
        return [], tex
    if kind in ("fig", "tbl"):
        caption = next((e for e in element.iter() if local(e.tag) == "figcaption"), None)
        return [plain(caption)] if caption is not None else [], []
    if kind in ("ex", "pit"):
        paragraphs = [e for e in element if local(e.tag) == "p"]
        return [plain(p)[:60] for p in paragraphs[:2] if plain(p)], []
    return [plain(element)], tex


CARD = """
const card = document.getElementById('cb-preview');
if (!card || card.hidden) return null;
const copy = card.cloneNode(true);
copy.querySelectorAll('.katex').forEach((k) => k.remove());
const box = card.getBoundingClientRect();
return {
  text: copy.textContent.replace(/\\s+/g, ' ').trim(),
  tex: [...card.querySelectorAll('annotation')].map((a) => a.textContent.replace(/\\s+/g, ' ').trim()),
  role: card.getAttribute('role'),
  focusable: card.querySelectorAll('a[href], button, input, select, textarea, [tabindex], details, summary').length,
  ids: card.querySelectorAll('[id]').length,
  width: box.width, height: box.height, top: box.top, left: box.left,
  display: getComputedStyle(card).display,
};
"""


def link_element(browser, href):
    find = """
        const link = [...document.querySelectorAll('article.chapter a[href]:not(.anchor)')].find((a) => a.getAttribute('href') === arguments[0]);
        if (link) link.scrollIntoView({block: 'center'});
        return link;"""
    link = browser.js(find, href)
    assert link is not None, f"no link to {href}"
    # book.html lays its chapters out as they come near (content-visibility): the link moves once they have; again.
    time.sleep(0.3)
    return browser.js(find, href)


def park(browser):
    """The pointer on the page's heading area, away from every link."""
    header = browser.driver.find_elements(By.CSS_SELECTOR, "header")
    ActionChains(browser.driver, duration=0).move_to_element(header[0]).perform()


def wait_card(browser, shown=True, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while True:
        card = browser.js(CARD)
        if (card is not None) == shown:
            return card
        assert time.monotonic() < deadline, f"the card did not {'show' if shown else 'close'} within {timeout} s"
        time.sleep(0.05)


def open_card(browser, link, mode):
    if mode == "hover":
        ActionChains(browser.driver, duration=0).move_to_element(link).perform()
    else:
        # Keyboard focus: from the link, Shift+Tab away and Tab back.
        browser.js("arguments[0].focus({preventScroll: true})", link)
        ActionChains(browser.driver, duration=0).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        ActionChains(browser.driver, duration=0).send_keys(Keys.TAB).perform()
        assert browser.js("return document.activeElement === arguments[0]", link), "Tab did not return to the link"
    return wait_card(browser)


@pytest.mark.parametrize("mode", ["hover", "focus"])
def test_reference_preview_shows_the_target(site, browser, case, mode):
    """Hovering or focusing the reference shows its target's text; the card is the link's description,
    holds nothing focusable and no id; Escape closes it."""
    page, href, target_page, target = case
    kind = TARGET.match(target).group(1)
    browser.open(site.url(page))
    park(browser)
    link = link_element(browser, href)
    card = open_card(browser, link, mode)
    texts, tex = expected(site, target_page, target, kind)
    assert texts or tex, f"nothing to expect of {target_page}#{target}"
    for text in texts:
        assert text in card["text"], f"{page} -> {href} ({mode}): the card does not read {text!r}: {card['text'][:300]!r}"
    for formula in tex:
        assert formula in card["tex"], f"{page} -> {href} ({mode}): the card has no formula {formula[:80]!r}"
    if kind == "eq":
        number = browser.js("return document.querySelector('#cb-preview .cb-eqno')?.textContent || ''")
        assert re.fullmatch(r"\(\d+(\.\d+)*\)", number), f"the equation's number is missing: {number!r}"
    assert card["role"] == "tooltip"
    assert card["focusable"] == 0 and card["ids"] == 0, card
    assert "cb-preview" in (link.get_attribute("aria-describedby") or "").split()
    assert not browser.errors(), browser.errors()

    ActionChains(browser.driver, duration=0).send_keys(Keys.ESCAPE).perform()
    wait_card(browser, shown=False, timeout=1)
    assert "cb-preview" not in (link.get_attribute("aria-describedby") or "").split()
    if mode == "hover":
        time.sleep(0.7)      # the pointer is still on the link: Escape keeps it closed
        assert browser.js(CARD) is None, "the card came back after Escape with the pointer still on the link"


def first_case(site, kind, where="here"):
    for name, case in cases(site):
        if name == f"{kind}-{where}":
            return case
    pytest.skip(f"no {kind} reference {where} in this site")


def test_mouse_moves_into_the_card_and_leaving_closes_it(site, browser):
    page, href, _, _ = first_case(site, "eq", "there")
    browser.open(site.url(page))
    park(browser)
    link = link_element(browser, href)
    open_card(browser, link, "hover")
    card = browser.driver.find_element(By.ID, "cb-preview")
    ActionChains(browser.driver, duration=0).move_to_element(card).perform()
    time.sleep(0.8)
    assert browser.js(CARD) is not None, "the card closed while the pointer was over it"
    park(browser)
    wait_card(browser, shown=False, timeout=2)


def test_hover_waits_before_opening(site, browser):
    page, href, _, _ = first_case(site, "sec", "here")
    browser.open(site.url(page))
    park(browser)
    link = link_element(browser, href)
    ActionChains(browser.driver, duration=0).move_to_element(link).perform()
    assert browser.js(CARD) is None, "the card opened at once on hover"
    ActionChains(browser.driver, duration=0).move_to_element(link).perform()
    wait_card(browser)


def test_touch_tap_follows_the_link_and_shows_nothing(site, browser):
    page, href, _, target = first_case(site, "sec", "here")
    driver = browser.driver
    browser.open(site.url(page))
    link = link_element(browser, href)
    box = browser.js("const r = arguments[0].getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2};", link)
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    try:
        point = [{"x": box["x"], "y": box["y"]}]
        driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": point})
        driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        deadline = time.monotonic() + WAIT
        while browser.js("return decodeURIComponent(location.hash)") != "#" + target:
            assert time.monotonic() < deadline, "the tap did not follow the link"
            time.sleep(0.05)
        time.sleep(0.8)
        assert browser.js(CARD) is None, "a touch tap showed the card"
    finally:
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})


def contrast(a, b) -> float:
    def luminance(rgb):
        def channel(c):
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = (channel(float(v)) for v in rgb[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_card_is_readable_in_both_themes_and_axe_finds_nothing(site, browser, theme, report):
    page, href, _, _ = first_case(site, "pit", "there")
    browser.open(site.url(page))
    browser.js("document.documentElement.setAttribute('data-theme', arguments[0])", theme)
    park(browser)
    open_card(browser, link_element(browser, href), "hover")
    colours = browser.js("""
        const rgb = (v) => v.match(/[\\d.]+/g).map(Number);
        const card = getComputedStyle(document.getElementById('cb-preview'));
        const body = getComputedStyle(document.body);
        return {fg: rgb(card.color), bg: rgb(card.backgroundColor), page: rgb(body.backgroundColor)};""")
    assert colours["bg"][:3] == colours["page"][:3], f"the card's background {colours['bg']} is not the page's {colours['page']}"
    assert contrast(colours["fg"], colours["bg"]) >= 7, f"{theme}: the card's text contrast is {contrast(colours['fg'], colours['bg']):.1f}"
    violations = axe(browser, {"include": [["#cb-preview"]]})
    failing = [describe(v, n) for v in violations if v["impact"] in FAILING for n in v["nodes"]]
    for v in violations:
        if v["impact"] not in FAILING:
            for n in v["nodes"]:
                report("axe (minor, moderate)", f"previews {theme}: {describe(v, n)}")
    assert not failing, "\n".join(failing)


def test_print_hides_the_card(site, browser):
    page, href, _, _ = first_case(site, "eq", "here")
    browser.open(site.url(page))
    park(browser)
    open_card(browser, link_element(browser, href), "hover")
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert browser.js("return getComputedStyle(document.getElementById('cb-preview')).display") == "none"
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_no_page_loads_the_previews_before_use(site, browser):
    """The previews script and files load on first use only: a page opened and left alone has neither."""
    page, _, _, _ = first_case(site, "eq", "there")
    browser.open(site.url(page))
    names = browser.js("return performance.getEntriesByType('resource').map((e) => e.name)")
    assert not [n for n in names if "preview" in n], names
