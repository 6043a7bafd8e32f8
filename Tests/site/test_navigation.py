"""Navigation on every width (issue 22): the menu button reaches every chapter and "On this page" below the
wide layout, the section being read is marked, the colour theme persists, every page has its icon, and
book.html links back to the site."""
from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

WIDTHS = [390, 768, 1024, 1366]
WIDE = 1152   # 72rem: above it the chapter list and "On this page" are columns beside the text


def chapter_pages(site) -> list[str]:
    """The chapter pages, in the order the index lists them."""
    return [a.get("href") for a in site.elements("index.html", "a")
            if (a.get("href") or "").endswith(".html") and a.get("href") not in ("index.html", "book.html", "bibliography.html")
            and not a.get("href").startswith(("http:", "https:"))]


def scheme(browser, value: str | None):
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                   {"features": [{"name": "prefers-color-scheme", "value": value}] if value else []})


def background_luminance(browser) -> float:
    return browser.js("""
        const c = getComputedStyle(document.body).backgroundColor;
        const unit = c.startsWith('color(') ? 1 : 255;
        const [r, g, b] = c.match(/[0-9.]+/g).slice(0, 3).map(Number).map(v => v / unit)
          .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;""")


@pytest.fixture
def clean_theme(browser, site):
    """No stored theme before and after the test, and the system's scheme not emulated."""
    def clear():
        browser.open(site.url("index.html"))
        browser.js("localStorage.clear()")
    clear()
    yield
    scheme(browser, None)
    clear()


# Whether each link is on screen and is what a click at its centre would hit.
REACHABLE = """
    return [...arguments[0].querySelectorAll('a')].map(a => {
      a.scrollIntoView({block: 'nearest'});
      // The first line of the link (a long title wraps).
      const r = a.getClientRects()[0] || a.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
      const hit = document.elementFromPoint(x, y);
      return {href: a.getAttribute('href'), visible: r.width > 0 && r.height > 0 && y >= 0 && y <= innerHeight && x >= 0 && x <= innerWidth,
              hit: !!hit && (hit === a || a.contains(hit)), at: hit ? hit.outerHTML.slice(0, 80) : null};
    });"""


@pytest.mark.parametrize("colours", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_menu_reaches_every_chapter(site, browser, artifacts, clean_theme, width, colours):
    chapters = chapter_pages(site)
    assert chapters, "the index lists the chapters"
    page = chapters[len(chapters) // 2]
    browser.viewport(width, 800, mobile=width < 800)
    try:
        scheme(browser, colours)
        browser.open(site.url(page))
        assert (background_luminance(browser) < 0.2) == (colours == "dark"), f"the page does not follow the {colours} system scheme"
        button = browser.driver.find_element(By.CSS_SELECTOR, ".menu-button")
        nav = browser.driver.find_element(By.CSS_SELECTOR, "nav.chapters")
        if width <= WIDE:
            assert button.is_displayed(), f"{width} px: no menu button"
            assert button.tag_name == "button" and button.get_attribute("aria-expanded") == "false"
            menu = browser.driver.find_element(By.ID, button.get_attribute("aria-controls"))
            assert not nav.is_displayed(), f"{width} px: the chapter list shows before the menu is opened"
            button.click()
            assert button.get_attribute("aria-expanded") == "true"
            assert menu.is_displayed()
            focused = browser.js("return document.activeElement.closest('#site-menu') !== null")
            assert focused, "opening the menu moves focus into it"
            toc = browser.driver.find_element(By.CSS_SELECTOR, "#site-menu .toc")
            assert toc.is_displayed() and toc.find_elements(By.CSS_SELECTOR, "a"), "the menu holds 'On this page'"
            out = artifacts / "screenshots"
            out.mkdir(parents=True, exist_ok=True)
            browser.driver.save_screenshot(str(out / f"menu-{width}-{colours}.png"))
        else:
            assert not button.is_displayed(), "the wide layout needs no menu button"
        links = browser.js(REACHABLE, nav)
        assert [link["href"] for link in links] == chapters, "the chapter list names every chapter in order"
        blocked = [link for link in links if not (link["visible"] and link["hit"])]
        assert not blocked, f"{width} px, {colours}: chapters not visible or not clickable: {blocked}"
        if width <= WIDE:
            browser.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
            assert button.get_attribute("aria-expanded") == "false", "Escape closes the menu"
            assert not nav.is_displayed()
            assert browser.js("return document.activeElement === document.querySelector('.menu-button')"), \
                "Escape returns focus to the menu button"
            # Following a link of the menu goes there.
            button.click()
            target = browser.driver.find_element(By.CSS_SELECTOR, f"nav.chapters a[href='{chapters[-1]}']")
            target.click()
            assert browser.driver.current_url.endswith(chapters[-1]), browser.driver.current_url
    finally:
        scheme(browser, None)
        browser.viewport(1300, 900)


def test_the_active_section_is_marked_while_scrolling(site, browser):
    chapters = chapter_pages(site)
    browser.viewport(1366, 800)
    try:
        browser.open(site.url(chapters[0]))
        ids = browser.js("return [...document.querySelectorAll('.toc a')].map(a => a.hash.slice(1))")
        assert len(ids) >= 3, "the first chapter has sections"
        for target in (ids[2], ids[-1], ids[1]):
            browser.js("const h = document.getElementById(arguments[0]);"
                       "scrollTo(0, h.getBoundingClientRect().top + scrollY - 60)", target)
            deadline = time.time() + 3
            while time.time() < deadline:
                active = browser.js("return [...document.querySelectorAll('.toc a.active')]"
                                    ".map(a => [a.hash.slice(1), a.getAttribute('aria-current')])")
                if active and active[0][0] == target:
                    break
                time.sleep(0.1)
            if target == ids[-1] and active and active[0][0] != target:
                # The last section may be too short to reach the top of the window: the one before it is read.
                continue
            assert active == [[target, "location"]], f"after scrolling to #{target}, marked: {active}"
    finally:
        browser.viewport(1300, 900)


def test_the_theme_button_persists_across_reloads(site, browser, clean_theme):
    page = chapter_pages(site)[0]
    scheme(browser, "light")
    browser.open(site.url(page))
    button = browser.driver.find_element(By.CSS_SELECTOR, ".theme-button")
    assert button.is_displayed() and button.tag_name == "button"
    assert browser.js("return document.documentElement.getAttribute('data-theme')") is None, "no choice: the system's"
    seen = []
    for _ in range(3):
        button.click()
        seen.append(browser.js("return document.documentElement.getAttribute('data-theme')"))
        if seen[-1] == "dark":
            break
    assert seen[-1] == "dark", f"the button never chose dark: {seen}"
    assert background_luminance(browser) < 0.2, "dark was chosen but the page is light"
    browser.open(site.url(page))
    assert browser.js("return document.documentElement.getAttribute('data-theme')") == "dark", "the choice is lost on reload"
    assert background_luminance(browser) < 0.2
    # Applied before the stylesheet, so the first paint is already dark: theme-init.js runs in <head>, not deferred.
    assert browser.js("const s = document.querySelector('script[src=\"theme-init.js\"]');"
                      "return !!s && !s.defer && !s.async && "
                      "s.compareDocumentPosition(document.querySelector('link[rel=stylesheet]')) & Node.DOCUMENT_POSITION_FOLLOWING")
    # Light although the system is dark, on another page too.
    scheme(browser, "dark")
    browser.open(site.url("index.html"))
    assert background_luminance(browser) < 0.2
    button = browser.driver.find_element(By.CSS_SELECTOR, ".theme-button")
    for _ in range(3):
        button.click()
        if browser.js("return document.documentElement.getAttribute('data-theme')") == "light":
            break
    browser.open(site.url(page))
    assert browser.js("return document.documentElement.getAttribute('data-theme')") == "light"
    assert background_luminance(browser) > 0.5, "light was chosen but the page is dark"


def test_every_page_has_an_icon_that_loads(site, browser):
    for page in site.pages:
        icons = [link for link in site.elements(page, "link") if "icon" in (link.get("rel") or "").split()]
        assert icons, f"{page} names no icon (browsers then ask for /favicon.ico: a 404)"
        for icon in icons:
            path = site.path(icon.get("href"))
            assert path.is_file(), f"{page}: {icon.get('href')} is missing"
            assert ET.parse(path).getroot().tag.endswith("svg")
    browser.open(site.url("index.html"))
    loaded = browser.driver.execute_async_script("""
        const done = arguments[arguments.length - 1], img = new Image();
        img.onload = () => done(img.naturalWidth > 0); img.onerror = () => done(false);
        img.src = document.querySelector('link[rel=icon]').href;""")
    assert loaded, "the icon does not load"


def test_the_book_page_links_back_to_the_site(site, browser):
    browser.viewport(390, 800, mobile=True)
    try:
        browser.open(site.url("book.html"))
        back = browser.driver.find_element(By.CSS_SELECTOR, "a[href='index.html']")
        assert back.is_displayed(), "book.html's link to the site is not on screen"
        assert browser.js("return arguments[0].getBoundingClientRect().top", back) < 800, "the way back is at the top"
        back.click()
        assert browser.driver.current_url.endswith("index.html")
    finally:
        browser.viewport(1300, 900)
