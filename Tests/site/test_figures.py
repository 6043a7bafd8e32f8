"""Figures at every screen width, light and dark: no label wider than its cell, in every kind of figure."""
from __future__ import annotations

import pytest

# The widths (CSS px) a reader meets: a phone, a tablet upright and sideways, a laptop.
WIDTHS = (390, 768, 1024, 1366)
SCHEMES = ("light", "dark")

# Every label of a page's grid figures (svg.cb-grid: each cell's outline, a path, followed by its text) and of its
# explorers' tables, measured against its cell: what sticks out, as "where: label (w px) in a c px cell".
MEASURE = r"""
const out = [];
document.querySelectorAll('svg.cb-grid').forEach((svg, n) => {
  for (const rect of svg.querySelectorAll('path')) {
    const text = rect.nextElementSibling;
    if (!text || text.tagName.toLowerCase() !== 'text') { out.push(`grid ${n}: a cell with no label`); continue; }
    const cell = rect.getBBox(), label = text.getBBox();
    if (label.x < cell.x - 0.5 || label.x + label.width > cell.x + cell.width + 0.5)
      out.push(`grid ${n}: "${text.textContent}" (${label.width.toFixed(1)} px) in a ${cell.width} px cell`);
  }
});
document.querySelectorAll('figure.cb-explorer td[data-cell]').forEach((td) => {
  if (td.scrollWidth > td.clientWidth + 1)
    out.push(`explorer cell ${td.dataset.cell}: "${td.textContent}" (${td.scrollWidth} px) in ${td.clientWidth} px`);
});
// The parameter explorer's grids: text over a canvas box sized from the longest number (convbook-grid.js).
document.querySelectorAll('figure.cb-params .cb-params-plot').forEach((plot, n) => {
  const pre = plot.querySelector('pre.cb-params-text');
  if (!pre) return;
  const range = document.createRange();
  range.selectNodeContents(pre);
  const text = range.getBoundingClientRect(), box = plot.getBoundingClientRect();
  if (pre.textContent.trim() && (text.right > box.right + 0.5 || text.bottom > box.bottom + 0.5))
    out.push(`parameter grid ${n}: text ${text.width.toFixed(1)} × ${text.height.toFixed(1)} px in a ${box.width} × ${box.height} px box`);
});
return {grids: document.querySelectorAll('svg.cb-grid').length, wide: out};
"""


def figure_pages(site):
    return [p for p in site.pages if any(mark in site.path(p).read_text(encoding="utf-8")
                                         for mark in ('class="cb-grid"', 'class="cb-explorer"', 'class="cb-params"'))]


def scheme(browser, name):
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": name}]})


def test_figure_labels_fit_their_cells(site, browser, page):
    """At 390, 768, 1024 and 1366 px, light and dark, every SVG grid label (getBBox) lies inside its cell's
    rect, every explorer table cell holds its number, and every parameter-explorer grid's text lies inside
    its canvas box."""
    if page not in figure_pages(site):
        pytest.skip("no grid figure or explorer on this page")
    wide = []
    try:
        for name in SCHEMES:
            scheme(browser, name)
            for width in WIDTHS:
                browser.viewport(width, 900, mobile=width < 800)
                browser.open(site.url(page))
                found = browser.js(MEASURE)
                wide += [f"{width} px, {name}: {line}" for line in found["wide"]]
    finally:
        browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    assert not wide, f"{page}: {len(wide)} labels wider than their cells:\n  " + "\n  ".join(wide[:40])
