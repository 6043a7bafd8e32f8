"""Exercises in the browser and on paper: each answer is a closed <details> whose text a reader does not
see until they open it, with the mouse or the keyboard; it is styled in light and in dark; and the PDF
that `convbook pdf` prints holds every answer (a closed <details> would hide it on paper)."""
from __future__ import annotations

import re
import subprocess

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from sitecheck import text_of
from test_fit import convbook, emulate, reset, squeezed, REPO

PAGES = ("01-forward.html", "99-authoring.html")

STATE = """
return [...document.querySelectorAll('details.cb-answer')].map(d => {
  const body = [...d.children].filter(e => e.tagName !== 'SUMMARY');
  // A closed <details> keeps its content laid out but unrendered (content-visibility), which checkVisibility sees.
  const shown = body.some(e => e.checkVisibility() && e.getBoundingClientRect().height > 0);
  return {open: d.open, shown, focused: document.activeElement === d.querySelector('summary'),
          label: d.querySelector('summary').textContent, exercise: d.closest('.cb-exercise').id};
});"""


@pytest.mark.parametrize("chapter", PAGES)
def test_answers_are_hidden_until_opened_by_keyboard(site, browser, chapter):
    browser.open(site.url(chapter))
    before = browser.js(STATE)
    assert before, f"{chapter} has no answer"
    for state in before:
        assert state["label"] == "Answer" and not state["open"] and not state["shown"], state
    for index in range(len(before)):
        summary = browser.driver.find_elements("css selector", "details.cb-answer > summary")[index]
        browser.js("arguments[0].focus()", summary)
        ActionChains(browser.driver, duration=0).send_keys(Keys.ENTER).perform()
        state = browser.js(STATE)[index]
        assert state["focused"] and state["open"] and state["shown"], f"Enter did not open the answer of #{state['exercise']}: {state}"
        ActionChains(browser.driver, duration=0).send_keys(Keys.SPACE).perform()
        state = browser.js(STATE)[index]
        assert not state["open"] and not state["shown"], f"Space did not close the answer of #{state['exercise']}: {state}"


@pytest.mark.parametrize("scheme", ("light", "dark"))
def test_exercises_are_styled_in_both_schemes(site, browser, scheme):
    browser.open(site.url(PAGES[0]))
    try:
        emulate(browser, 1024, 800, scheme=scheme)
        style = browser.js("""
            const e = document.querySelector('.cb-exercise'), s = document.querySelector('.cb-answer > summary');
            const bg = getComputedStyle(document.body).backgroundColor;
            return {border: getComputedStyle(e).borderLeftColor, title: getComputedStyle(e.querySelector('.cb-exercise-title')).color,
                    summary: getComputedStyle(s).color, panel: getComputedStyle(s.parentElement).backgroundColor, bg};""")
    finally:
        reset(browser)
    assert style["title"] == style["summary"] == style["border"], style
    assert style["panel"] != style["bg"], f"the answer has no panel of its own in {scheme}: {style}"


def test_the_pdf_holds_every_answer(site, tmp_path):
    """`convbook pdf` of the site: pdftotext of it holds the text of every answer of book.html."""
    if not site.path("book.html").is_file():
        pytest.skip("the site has no book.html")
    # An answer's last words (its start may be a formula, which pdftotext reads in an order of its own).
    answers = [squeezed(text_of(d))[-40:]
               for d in site.elements("book.html", "details") if "cb-answer" in (d.get("class") or "").split()]
    assert answers, "book.html has no answers"
    pdf = tmp_path / "book.pdf"
    subprocess.run([convbook(), "pdf", "--site", str(site.root), "--out", str(pdf), "--chapters", str(REPO / "chapters")],
                   check=True, capture_output=True, timeout=600)
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    text = squeezed("\n".join(line for line in raw.splitlines() if not line.strip().isdigit()))
    missing = [a for a in answers if a not in text]
    assert not missing, f"{len(missing)} of {len(answers)} answers are not in the PDF, e.g. {missing[:3]}"
