"""Display math and code that fit, on every screen and on paper (convbook-fit.js, style.css).

On screen, a display equation or code block wider than its box must be a region that says so: the class
cb-scrolls (faded edges), role="region", tabindex="0" and a label. In print nothing is wider than the page,
and the PDF that `convbook pdf` prints holds every line of the book's code.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from sitecheck import text_of

REPO = Path(__file__).resolve().parents[2]
WIDTHS = (390, 768, 1024, 1366)
SCHEMES = ("light", "dark")
# The PDF's text width in CSS pixels: A4 (210 mm) less the @page margins (16 mm each side), at 96 px an inch.
PRINT_WIDTH = round((210 - 2 * 16) / 25.4 * 96)

OVERFLOWING = """
const pageWidth = arguments[0];
const boxes = [...document.querySelectorAll('.katex-display'),
               ...document.querySelectorAll('main pre:not(.cb-params-text):not(.cb-params-probe)')];
const name = (e) => (e.matches('pre') ? 'pre' : 'equation') + ' ' + (e.closest('[id]') ? '#' + e.closest('[id]').id : '')
  + ' "' + e.textContent.replace(/\\s+/g, ' ').slice(0, 50) + '"';
const cued = (e) => e.classList.contains('cb-scrolls') && e.getAttribute('role') === 'region' && e.tabIndex === 0
  && (e.getAttribute('aria-label') || '').length > 0 && getComputedStyle(e).backgroundImage.includes('gradient');
return {
  count: boxes.length,
  clipped: boxes.filter((e) => e.scrollWidth > e.clientWidth + 1 && !cued(e))
                .map((e) => name(e) + ': ' + e.scrollWidth + ' px in ' + e.clientWidth + ' px'),
  scrolling: boxes.filter((e) => e.scrollWidth > e.clientWidth + 1).length,
  wide: pageWidth ? boxes.filter((e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > pageWidth + 1)
                         .map((e) => name(e) + ': ' + Math.round(e.getBoundingClientRect().right) + ' px') : [],
};
"""


# Brings each chapter of book.html on screen in turn (nothing on other pages), waiting for the
# IntersectionObserver that fits it, then goes back to the top.
SCROLL_THROUGH_THE_BOOK = """
const done = arguments[arguments.length - 1];
const chapters = [...document.querySelectorAll('.cb-book-chapter')];
let i = 0;
(function next() {
  if (i >= chapters.length) { window.scrollTo(0, 0); setTimeout(() => done(chapters.length), 50); return; }
  chapters[i++].scrollIntoView();
  requestAnimationFrame(() => setTimeout(next, 40));
})();
"""


def emulate(browser, width: int, height: int, media: str = "", scheme: str = "light"):
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "media": media, "features": [{"name": "prefers-color-scheme", "value": scheme}]})


def reset(browser):
    browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_math_and_code_fit_or_scroll_with_a_cue(site, browser, width, scheme):
    """At each width, light and dark, on every page: no display equation or code block is wider than its
    box unless it is a focusable, labelled region with the scroll cue."""
    clipped, seen = [], 0
    try:
        emulate(browser, width, 900, scheme=scheme)
        for page in site.pages:
            browser.open(site.url(page))
            # Closed <details> (the PyTorch checks) opened, as a reader would: their code is fitted then.
            browser.driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "document.querySelectorAll('details:not([open])').forEach((d) => { d.open = true; });"
                "setTimeout(() => requestAnimationFrame(() => done(true)), 50);")
            # book.html fits a chapter when it comes near the screen: the reader's scroll through the book.
            browser.driver.execute_async_script(SCROLL_THROUGH_THE_BOOK)
            found = browser.js(OVERFLOWING, 0)
            seen += found["count"]
            clipped += [f"{page}: {line}" for line in found["clipped"]]
    finally:
        reset(browser)
    assert seen > 0 or not any(site.elements(p, "pre") for p in site.pages)
    assert not clipped, f"{len(clipped)} clipped at {width} px ({scheme}) with no scroll cue:\n  " + "\n  ".join(clipped[:30])


def test_nothing_is_wider_than_the_printed_page(site, browser):
    """In print emulation of book.html at the PDF's text width, no pre or display equation is wider than the page."""
    if not site.path("book.html").is_file():
        pytest.skip("the site has no book.html")
    try:
        emulate(browser, PRINT_WIDTH, 1000, media="print")
        browser.open(site.url("book.html"))
        found = browser.js(OVERFLOWING, PRINT_WIDTH)
    finally:
        reset(browser)
    assert not found["wide"], (f"{len(found['wide'])} of {found['count']} wider than the {PRINT_WIDTH} px page:\n  "
                               + "\n  ".join(found["wide"][:30]))


def squeezed(text: str) -> str:
    """Text without white space and "-": a code line wrapped in the PDF reads the same as on one line
    (pdftotext drops a "-" at the end of a line, as a hyphen)."""
    return re.sub(r"[\s-]+", "", text)


def convbook() -> str:
    """The convbook to print with: $CONVBOOK, else the debug build (built now if it is missing;
    SwiftPM waits for a build already running)."""
    named = os.environ.get("CONVBOOK")
    if named:
        return named
    binary = REPO / ".build" / "debug" / "convbook"
    if not binary.exists():
        subprocess.run(["swift", "build", "--product", "convbook"], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL, timeout=1800)
    return str(binary)


def test_the_pdf_holds_every_code_line(site, tmp_path):
    """`convbook pdf` of the site; pdftotext of it contains every line of every code block of book.html
    (white space and "-" aside, so wrapped lines count once rejoined)."""
    if not site.path("book.html").is_file():
        pytest.skip("the site has no book.html")
    lines = []
    for pre in site.elements("book.html", "pre"):
        if "cb-code" in (pre.get("class") or "").split():
            lines += [squeezed(line) for line in text_of(pre).splitlines() if line.strip()]
    assert lines, "book.html has no code"
    pdf = tmp_path / "book.pdf"
    subprocess.run([convbook(), "pdf", "--site", str(site.root), "--out", str(pdf), "--chapters", str(REPO / "chapters")],
                   check=True, capture_output=True, timeout=600)
    # pdftotext's two readings: -raw, in the order printed, keeps a "-" that ends a wrapped line (the other
    # takes it for a hyphen) but may put a figure between the two pages of a code line; the default reading
    # order may put a wrapped comment's end apart. A line is there when either reading has it. Page numbers go.
    texts = []
    for mode in (["-raw"], []):
        raw = subprocess.run(["pdftotext", *mode, "-enc", "UTF-8", str(pdf), "-"], check=True,
                             capture_output=True, text=True).stdout
        texts.append(squeezed("\n".join(line for line in raw.splitlines() if not line.strip().isdigit())))
    missing = [line for line in lines if not any(line in text for text in texts)]
    assert not missing, f"{len(missing)} of {len(lines)} code lines are not in the PDF's text, e.g.:\n  " + "\n  ".join(missing[:20])
