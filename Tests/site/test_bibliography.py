"""The bibliography as a reader meets it, on the files alone (no browser):
bibliography.html and each chapter's list of references are sorted author–date
(author, then year), nothing reads "n.d." or names the project's working
material, and every entry with a URL links it."""
from __future__ import annotations

import re
import unicodedata

import pytest

from sitecheck import local, text_of

BIBLIOGRAPHY = "bibliography.html"
INTERNAL = re.compile(r"seed document|n\.d\.", re.IGNORECASE)
URL = re.compile(r"https?://\S+")
YEAR = re.compile(r"^(\d{4})[a-z]?$")


def reference_lists(site, page: str):
    """The <ul> after the page's "Bibliography" (h1) or "References" (h2) heading, with that heading's id."""
    for parent in site.tree(page).iter():
        children = list(parent)
        for heading, following in zip(children, children[1:]):
            if heading.get("id") in ("bibliography", "cb-references") and local(following.tag) == "ul":
                yield heading.get("id"), following


def entries(ul):
    """Each item's reference: the span whose id is ref-KEY."""
    for item in ul:
        span = next((e for e in item.iter() if (e.get("id") or "").startswith("ref-")), None)
        assert span is not None, "an item of the list has no ref- span"
        yield span


def fold(text: str) -> str:
    """Case and accents ignored, leading brackets or quotation marks and "A", "An", "The" skipped."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"^[^\w]+", "", plain)
    return re.sub(r"^(a|an|the) ", "", plain)


def order_key(span) -> tuple[str, str]:
    """(the author slot, family name first, or the title; the year, or "~" when undated) as the entry shows them.
    "Dumoulin, Vincent" sorts before "Dumoulin, Vincent, and Francesco Visin", whatever their years."""
    sentences = text_of(span).split(". ")
    year = next((s for s in sentences[1:3] if YEAR.match(s.rstrip("."))), "~")
    return fold(sentences[0]), year


def pages_with_references(site):
    return [p for p in site.pages if p != "book.html" and any(True for _ in reference_lists(site, p))]


def test_the_bibliography_page_is_sorted_by_author_then_year(site):
    lists = list(reference_lists(site, BIBLIOGRAPHY))
    assert lists, "bibliography.html has no list after its heading"
    keys = [order_key(span) for span in entries(lists[0][1])]
    assert len(keys) > 1, "the bibliography lists fewer than two works"
    out_of_order = [(a, b) for a, b in zip(keys, keys[1:]) if a > b]
    assert not out_of_order, f"bibliography.html is not sorted by author, then year: {out_of_order}"


def test_each_chapters_references_are_sorted(site):
    pages = pages_with_references(site)
    assert pages, "no chapter has a list of references"
    problems = []
    for page in pages:
        for _, ul in reference_lists(site, page):
            keys = [order_key(span) for span in entries(ul)]
            problems += [f"{page}: {a} before {b}" for a, b in zip(keys, keys[1:]) if a > b]
    assert not problems, "\n  ".join(problems)


def test_no_entry_or_citation_reads_no_date_or_internal_wording(site):
    problems = []
    for page in [BIBLIOGRAPHY] + pages_with_references(site):
        for _, ul in reference_lists(site, page):
            problems += [f"{page} {s.get('id')}: {text_of(s)[:80]}" for s in entries(ul) if INTERNAL.search(text_of(s))]
        for cite in site.tree(page).iter():
            if (cite.get("id") or "").startswith("cite-") and INTERNAL.search(text_of(cite)):
                problems.append(f"{page} {cite.get('id')}: {text_of(cite)}")
    assert not problems, "\n  ".join(problems)
    assert not re.search(r"seed document", site.text(BIBLIOGRAPHY), re.IGNORECASE)


def test_every_entry_with_a_url_links_it(site):
    lists = list(reference_lists(site, BIBLIOGRAPHY))
    problems, linked = [], 0
    for span in entries(lists[0][1]):
        links = [a.get("href") for a in span.iter() if local(a.tag) == "a"]
        for url in URL.findall(text_of(span)):
            url = url.rstrip(".,;)")
            if url in links:
                linked += 1
            elif not any(link.startswith(url) for link in links):
                problems.append(f"{span.get('id')}: {url} is not a link")
    assert not problems, "\n  ".join(problems)
    assert linked, "no entry of the bibliography links its URL"


def test_entries_of_the_books_bibtex_file_link_their_url(site):
    """Where the site's book is beside it (references.bib next to site/), each cited entry with a url links it."""
    bib = site.root.parent / "references.bib"
    if not bib.is_file():
        pytest.skip("no references.bib beside the site")
    urls = dict(re.findall(r"@\w+\{([^,\s]+),(?:[^@]*?)\burl\s*=\s*\{([^}]*)\}", bib.read_text(encoding="utf-8")))
    ids = {span.get("id")[4:]: span for span in entries(next(reference_lists(site, BIBLIOGRAPHY))[1])}
    problems = [f"{key}: {url}" for key, url in urls.items()
                if key in ids and url not in [a.get("href") for a in ids[key].iter() if local(a.tag) == "a"]]
    assert not problems, "entries whose url is not a link on bibliography.html:\n  " + "\n  ".join(problems)
