"""The receptive-field explorer as a keyboard user and a phone reader meet it: the ARIA tabs pattern, and a tap
that leaves what it highlights on the screen."""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.keys import Keys

TABS = r"""
const figure = document.querySelectorAll('figure.cb-explorer')[arguments[0]];
const list = figure.querySelector('.cb-explorer-tabs');
const tabs = [...list.querySelectorAll('button')];
const panel = figure.querySelector('.cb-explorer-view');
return {
  listRole: list.getAttribute('role'),
  roles: tabs.map((t) => t.getAttribute('role')),
  ids: tabs.map((t) => t.id),
  controls: tabs.map((t) => t.getAttribute('aria-controls')),
  selected: tabs.filter((t) => t.getAttribute('aria-selected') === 'true').map((t) => t.dataset.view),
  tabbable: tabs.filter((t) => t.tabIndex === 0).map((t) => t.dataset.view),
  views: tabs.map((t) => t.dataset.view),
  active: document.activeElement === null ? null : (document.activeElement.dataset || {}).view || null,
  panelRole: panel && panel.getAttribute('role'),
  panelId: panel && panel.id,
  labelledBy: panel && panel.getAttribute('aria-labelledby'),
  shown: [...figure.querySelectorAll('.cb-explorer-panel')].filter((p) => !p.hidden).map((p) => p.dataset.tensor),
};
"""


def first_explorers(site, page):
    # book.html repeats the chapters' explorers: its first one is enough there.
    explorers = site.explorers(page)
    return range(1 if page == "book.html" else len(explorers))


def test_explorer_tabs_follow_aria_pattern(site, browser, explorer_page):
    """role=tablist of role=tab buttons, each with aria-controls naming the role=tabpanel, which is
    aria-labelledby the selected tab; one tab in the tab order (roving tabindex); Right/Left (wrapping), Home
    and End move the focus and select."""
    page = explorer_page
    browser.viewport(1366, 900)
    try:
        browser.open(site.url(page))
        driver = browser.driver
        for number in first_explorers(site, page):
            where = f"{page} explorer {number}"
            state = browser.js(TABS, number)
            views = state["views"]
            assert state["listRole"] == "tablist" and set(state["roles"]) == {"tab"}, f"{where}: roles {state}"
            assert state["panelRole"] == "tabpanel" and state["panelId"], f"{where}: no tab panel with an id"
            assert len(set(state["ids"])) == len(views) and all(state["ids"]), f"{where}: tab ids {state['ids']}"
            assert state["controls"] == [state["panelId"]] * len(views), f"{where}: aria-controls {state['controls']}"

            def expect(view, why):
                s = browser.js(TABS, number)
                assert s["selected"] == [view], f"{where} after {why}: selected {s['selected']}, wanted {view}"
                assert s["tabbable"] == [view], f"{where} after {why}: tab order holds {s['tabbable']}"
                assert s["active"] == view, f"{where} after {why}: the focus is on {s['active']}"
                assert s["labelledBy"] == s["ids"][views.index(view)], f"{where} after {why}: panel {s['labelledBy']}"
                want = next(v for v in site.explorers(page)[number]["data"]["views"] if v["target"] == view)
                assert sorted(s["shown"]) == sorted(want["panels"]), f"{where} after {why}: shows {s['shown']}"

            browser.js("document.querySelectorAll('figure.cb-explorer')[arguments[0]]"
                       ".querySelector('[role=tab][tabindex=\"0\"]').focus()", number)
            assert browser.js(TABS, number)["active"] == views[0], f"{where}: the first tab is not the tabbable one"
            n = len(views)
            for key, at, name in ((Keys.ARROW_RIGHT, 1 % n, "Right"), (Keys.ARROW_LEFT, 0, "Left"),
                                  (Keys.ARROW_LEFT, n - 1, "Left from the first"), (Keys.ARROW_RIGHT, 0, "Right from the last"),
                                  (Keys.END, n - 1, "End"), (Keys.HOME, 0, "Home")):
                ActionChains(driver, duration=0).send_keys(key).perform()
                expect(views[at], name)
        assert not browser.errors()
    finally:
        browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# The bottom of what is fixed or sticky at the top of the viewport (the site's header bar): what is under it is
# not seen.
INSET = r"""
const inset = () => {
  for (let e = document.elementFromPoint(window.innerWidth / 2, 1); e && e !== document.body; e = e.parentElement) {
    if (e.closest('.cb-params-controls')) continue;   // a parameter explorer's sticky controls, measured apart
    const position = getComputedStyle(e).position;
    if (position === 'fixed' || position === 'sticky') return Math.max(0, e.getBoundingClientRect().bottom);
  }
  return 0;
};
"""

HIGHLIGHTED = INSET + r"""
const figure = document.querySelectorAll('figure.cb-explorer')[arguments[0]];
const top = inset(), bottom = document.documentElement.clientHeight;
return [...figure.querySelectorAll('.hl-source-x, .hl-source-w, .hl-target')].map((c) => {
  const r = c.getBoundingClientRect();
  return {cell: c.dataset.cell, top: r.top, bottom: r.bottom, inside: r.top >= top && r.bottom <= bottom};
});
"""


def settle(browser):
    """Wait for a (smooth) scroll to end."""
    last, still = None, 0
    for _ in range(100):
        now = browser.js("return window.scrollY")
        still = still + 1 if now == last else 0
        if still >= 3:
            return
        last = now
        time.sleep(0.05)


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)], ids=["phone", "desktop"])
def test_explorer_tap_keeps_highlights_visible(site, browser, explorer_page, width, height):
    """A tap on a y cell scrolled to the top of the screen (on a phone its x and w cells are then above it, off the
    screen) or to the bottom (on a desktop the taller x then runs below it): afterwards every highlighted cell,
    the tapped one included, is within the viewport."""
    page = explorer_page
    browser.viewport(width, height, mobile=width < 800)
    browser.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    try:
        browser.open(site.url(page))
        for number in first_explorers(site, page):
            data = site.explorers(page)[number]["data"]
            view = next(v for v in data["views"] if v["target"] == "y")
            cases = [(index, place) for index in sorted({min(map(int, view["cells"])), max(map(int, view["cells"]))})
                     for place in ("start", "end")]
            for index, place in cases:
                name = f"y:{index}"
                box = browser.js(INSET + """
                    const figure = document.querySelectorAll('figure.cb-explorer')[arguments[0]];
                    figure.querySelector('[role=tab][data-view="y"]').click();
                    const cell = figure.querySelector(`td[data-cell="${arguments[1]}"]`);
                    cell.scrollIntoView({block: arguments[2]});
                    window.scrollBy(0, arguments[2] === 'end' ? 4 : -4 - inset());
                    const r = cell.getBoundingClientRect();
                    return {x: r.left + r.width / 2, y: r.top + r.height / 2};""", number, name, place)
                tap = ActionBuilder(browser.driver, mouse=PointerInput(interaction.POINTER_TOUCH, "finger"))
                tap.pointer_action.move_to_location(int(box["x"]), int(box["y"])).pointer_down().pointer_up()
                tap.perform()
                settle(browser)
                cells = browser.js(HIGHLIGHTED, number)
                where = f"{page} explorer {number}, tap on {name} at the {place} of the screen, {width} px"
                assert any(c["cell"] == name for c in cells), f"{where}: the tap highlighted {cells}"
                hidden = [c for c in cells if not c["inside"]]
                assert not hidden, f"{where}: highlighted cells off the screen: {hidden}"
        assert not browser.errors()
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
        browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# ---------------------------------------------------------------------------
# The parameter explorer: a slider and the grids it changes on the screen together.

GRIDS = r"""
const figure = document.querySelectorAll('figure.cb-params')[arguments[0]];
return [...figure.querySelectorAll('.cb-params-grid')].map((g) => g.dataset.rows + 'x' + g.dataset.cols + ':' + g.dataset.values);
"""

SEEN = INSET + r"""
const figure = document.querySelectorAll('figure.cb-params')[arguments[0]];
const slider = figure.querySelector(`input[data-param="${arguments[1]}"]`);
const top = inset(), bottom = document.documentElement.clientHeight;
const controls = figure.querySelector('.cb-params-controls').getBoundingClientRect();
const s = slider.getBoundingClientRect();
const grids = [...figure.querySelectorAll('.cb-params-grid')].map((g) => {
  const r = g.getBoundingClientRect();
  // What of the grid is seen: below the header and the controls, above the bottom of the screen.
  return Math.max(0, Math.min(r.bottom, bottom) - Math.max(r.top, top, controls.bottom));
});
return {slider: s.top >= top - 0.5 && s.bottom <= bottom + 0.5, sliderTop: s.top, grids, top, bottom};
"""


def parameter_explorer_pages(site):
    return [p for p in site.pages if 'class="cb-params"' in site.path(p).read_text(encoding="utf-8")]


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)], ids=["phone", "desktop"])
def test_slider_and_the_grids_it_changes_are_seen_together(site, browser, width, height):
    """For every slider of every parameter explorer (book.html's first one for book.html): with the slider in
    the middle of the screen, and again with the reader scrolled down to the last grid (dx's stamps), a step of
    the slider (arrow key) leaves the slider on the screen and at least 24 px of some grid that changed in view
    (not under the page's header or the controls)."""
    pages = parameter_explorer_pages(site)
    if not pages:
        pytest.skip("no page of this site has a parameter explorer")
    browser.viewport(width, height, mobile=width < 800)
    problems = []
    try:
        for page in pages:
            browser.open(site.url(page))
            count = browser.js("return document.querySelectorAll('figure.cb-params').length")
            for number in range(1 if page == "book.html" else count):
                keys = browser.js("return [...document.querySelectorAll('figure.cb-params')[arguments[0]]"
                                  ".querySelectorAll('input[data-param]')].map((i) => i.dataset.param)", number)
                for key in keys:
                    for place in ("slider", "stamps"):
                        before = browser.js(GRIDS, number)
                        step = browser.js("""
                            const figure = document.querySelectorAll('figure.cb-params')[arguments[0]];
                            const slider = figure.querySelector(`input[data-param="${arguments[1]}"]`);
                            const target = arguments[2] === 'slider' ? slider : figure.querySelector('.cb-params-stamps');
                            target.scrollIntoView({block: 'center'});
                            slider.focus({preventScroll: true});
                            return Number(slider.value) < Number(slider.max) ? 'right' : 'left';""", number, key, place)
                        ActionChains(browser.driver, duration=0).send_keys(
                            Keys.ARROW_RIGHT if step == "right" else Keys.ARROW_LEFT).perform()
                        after = browser.js(GRIDS, number)
                        seen = browser.js(SEEN, number, key)
                        changed = [k for k, (a, b) in enumerate(zip(before, after)) if a != b]
                        ActionChains(browser.driver, duration=0).send_keys(
                            Keys.ARROW_LEFT if step == "right" else Keys.ARROW_RIGHT).perform()
                        if not changed:
                            continue   # an invalid layer: the grids are hidden and the reason is shown instead
                        where = f"{page} explorer {number}, {key} ({place} in view) at {width} px"
                        if not seen["slider"]:
                            problems.append(f"{where}: the slider is off the screen (top {seen['sliderTop']:.0f})")
                        elif max(seen["grids"][k] for k in changed) < 24:
                            problems.append(f"{where}: no changed grid in view ({seen['grids']})")
        assert not browser.errors()
    finally:
        browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not problems, f"{len(problems)} slider changes out of sight:\n  " + "\n  ".join(problems[:30])
