"""axe-core on every page, desktop (1366 px) and phone (390 px), light and dark: no serious or critical
violation.

axe-core comes from the `axe-selenium-python` package (Tests/site/requirements.txt), which bundles it
(axe.min.js, 4.10): it is injected into the page from the disk, nothing is loaded from a CDN. Violations of
impact "minor" and "moderate" are reported at the end of the run, not failed.
"""
from __future__ import annotations

import time

import pytest

from sitecheck import PHONE

DEVICES = {"desktop": (1366, 900, False), "phone": (PHONE[0], PHONE[1], True)}
SCHEMES = ("light", "dark")
FAILING = ("serious", "critical")
AXE_TIMEOUT = 300
# book.html is every chapter on one page (~70k elements): axe on all of it blocks the page for minutes, longer
# than a WebDriver command may take. Its chapters are the chapter pages' markup, checked there; on book.html
# axe checks the rest (title, contents, recompute).
CONTEXT = {"book.html": {"include": [["html"]], "exclude": [[".cb-book-chapter"]]}}


def axe(browser, context: dict | str = "html") -> list[dict]:
    """The violations axe-core finds on the page shown (in `context`, axe's include/exclude). axe runs in
    the page while the test asks every second whether it is done."""
    from axe_selenium_python import Axe

    browser.driver.set_script_timeout(100)       # under WebDriver's own 120 s: a slow step fails, not hangs
    try:
        Axe(browser.driver).inject()
        return poll(browser, context)
    finally:
        browser.driver.set_script_timeout(15)


def poll(browser, context) -> list[dict]:
    browser.js("""window.cbAxe = null;
                  axe.run(arguments[0], {resultTypes: ["violations"]})
                    .then((r) => { window.cbAxe = {violations: r.violations}; },
                          (e) => { window.cbAxe = {error: String(e)}; });""", context)
    deadline = time.monotonic() + AXE_TIMEOUT
    while (result := browser.js("return window.cbAxe")) is None:
        assert time.monotonic() < deadline, f"axe-core did not finish in {AXE_TIMEOUT} s"
        time.sleep(1)
    assert "error" not in result, f"axe-core failed: {result['error']}"
    return result["violations"]


def describe(violation: dict, node: dict) -> str:
    checks = node.get("any") or node.get("all") or node.get("none") or [{}]
    message = checks[0].get("message", "") or violation.get("help", "")
    return f"{violation['impact']} {violation['id']}: {message[:200]} at {' '.join(map(str, node['target']))[:120]}"


def test_axe_finds_violations(browser, tmp_path):
    """The check can fail: grey on grey text and an image without alt are found."""
    page = tmp_path / "poor.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>poor</title></head><body><main>'
                    '<h1>Poor</h1><p style="color:#aaa;background:#bbb">hard to read</p>'
                    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10">'
                    '</main></body></html>')
    browser.open(page.as_uri())
    found = {v["id"] for v in axe(browser) if v["impact"] in FAILING}
    assert {"color-contrast", "image-alt"} <= found, found


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("device", DEVICES)
def test_axe(site, browser, page, device, scheme, report):
    width, height, mobile = DEVICES[device]
    try:
        browser.viewport(width, height, mobile)
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": scheme}]})
        browser.open(site.url(page))
        violations = axe(browser, CONTEXT.get(page, "html"))
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    failing = []
    for violation in violations:
        for node in violation["nodes"]:
            line = describe(violation, node)
            if violation["impact"] not in FAILING:
                report("axe-core: minor and moderate violations (not failures)", f"{page} {device} {scheme}: {line}")
            else:
                failing.append(line)
    assert not failing, (f"{page} ({device} {width} px, {scheme}): {len(failing)} serious or critical axe-core "
                         "violations:\n  " + "\n  ".join(failing))
