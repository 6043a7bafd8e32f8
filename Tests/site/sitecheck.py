"""Reading a built convbook site without a browser: its pages, their parsed
trees, ids, links and resources. Shared by the static, validator,
accessibility and browser tests."""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib

# Screen sizes (CSS pixels) of the browser tests: a desktop, and a phone (iPhone 12 to 15).
DESKTOP = (1300, 900)
PHONE = (390, 844)

EXTERNAL_LINKS = "external links (<a href>, allowed)"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def local(tag) -> str:
    """The element's name without its namespace ('{ns}svg' -> 'svg')."""
    if not isinstance(tag, str):  # comments, processing instructions
        return ""
    return tag.rsplit("}", 1)[-1]


def text_of(element) -> str:
    return "".join(element.itertext())


@dataclass(frozen=True)
class Reference:
    """One URL in a page or stylesheet: where it is, what refers to it, the URL."""
    source: str      # the page or stylesheet, relative to the site root
    kind: str        # "a[href]", "link[href]", "script[src]", "css url()", ...
    url: str

    @property
    def is_remote(self) -> bool:
        parts = urlsplit(self.url.strip())
        return parts.scheme.lower() in ("http", "https", "ftp", "ws", "wss") or self.url.strip().startswith("//")

    @property
    def is_special(self) -> bool:
        """mailto:, data:, javascript: and the like: nothing to resolve."""
        scheme = urlsplit(self.url.strip()).scheme.lower()
        return scheme not in ("", "http", "https", "ftp", "ws", "wss", "file")

    @property
    def is_resource(self) -> bool:
        """Loaded by the page itself (script, stylesheet, font, image), not followed by the reader."""
        return self.kind != "a[href]"


# Elements and attributes that hold URLs.
URL_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "script": ("src",), "img": ("src",),
    "source": ("src",), "iframe": ("src",), "embed": ("src",), "object": ("data",),
    "video": ("src", "poster"), "audio": ("src",), "track": ("src",), "input": ("src",),
    "image": ("href", XLINK_HREF), "use": ("href", XLINK_HREF), "feImage": ("href", XLINK_HREF),
}
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)


def css_urls(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    urls = [next(g for g in m.groups() if g is not None) for m in CSS_URL.finditer(css)]
    urls += [next(g for g in m.groups() if g is not None) for m in CSS_IMPORT.finditer(css)]
    return [u for u in urls if u]


class Site:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.pages = sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.html")
                            if not any(part.startswith(".") for part in p.relative_to(self.root).parts))
        self.stylesheets = sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.css"))

    def path(self, relative: str) -> Path:
        return self.root / relative

    def url(self, relative: str) -> str:
        return self.path(relative).as_uri()

    @functools.lru_cache(maxsize=None)
    def tree(self, page: str):
        data = self.path(page).read_bytes()
        return html5lib.parse(data, treebuilder="etree", namespaceHTMLElements=False)

    @functools.lru_cache(maxsize=None)
    def ids(self, page: str) -> frozenset[str]:
        return frozenset(e.get("id") for e in self.tree(page).iter() if e.get("id") is not None)

    @functools.lru_cache(maxsize=None)
    def text(self, page: str) -> str:
        body = next((e for e in self.tree(page).iter() if local(e.tag) == "body"), None)
        return text_of(body) if body is not None else ""

    def elements(self, page: str, name: str):
        return [e for e in self.tree(page).iter() if local(e.tag) == name]

    def references(self, page: str) -> list[Reference]:
        refs = []
        for element in self.tree(page).iter():
            name = local(element.tag)
            for attribute in URL_ATTRIBUTES.get(name, ()):
                value = element.get(attribute)
                if value is not None:
                    refs.append(Reference(page, f"{name}[{local(attribute)}]", value))
            srcset = element.get("srcset")
            if srcset:
                for candidate in srcset.split(","):
                    if candidate.strip():
                        refs.append(Reference(page, f"{name}[srcset]", candidate.split()[0]))
            style = element.get("style")
            if style:
                refs += [Reference(page, "style attribute url()", u) for u in css_urls(style)]
            if name == "style":
                refs += [Reference(page, "<style> url()", u) for u in css_urls(text_of(element))]
        return refs

    def stylesheet_references(self, stylesheet: str) -> list[Reference]:
        css = self.path(stylesheet).read_text(encoding="utf-8", errors="replace")
        return [Reference(stylesheet, "css url()", u) for u in css_urls(css)]

    def resolve(self, ref: Reference) -> tuple[str | None, str, str | None]:
        """(target file relative to the root or None, fragment, problem or None) of a local reference."""
        parts = urlsplit(ref.url.strip())
        if parts.scheme.lower() == "file":
            return None, parts.fragment, "file: URL (absolute path on the build machine)"
        if parts.path.startswith("/"):
            return None, parts.fragment, "root-absolute path: does not work from file://"
        if parts.path == "":
            return ref.source, unquote(parts.fragment), None
        base = self.path(ref.source).parent
        target = (base / unquote(parts.path)).resolve()
        try:
            relative = target.relative_to(self.root).as_posix()
        except ValueError:
            return None, parts.fragment, f"points outside the site: {target}"
        if target.is_dir():
            return None, parts.fragment, "points at a folder (no index page from file://)"
        if not target.is_file():
            return None, parts.fragment, f"no such file: {relative}"
        return relative, unquote(parts.fragment), None

    # The explorer figures of a page and their data.
    @functools.lru_cache(maxsize=None)
    def explorers(self, page: str) -> tuple:
        found = []
        for figure in self.tree(page).iter():
            if local(figure.tag) == "figure" and "cb-explorer" in (figure.get("class") or "").split():
                script = next((e for e in figure.iter() if local(e.tag) == "script"
                               and "cb-explorer-data" in (e.get("class") or "").split()), None)
                data = json.loads(text_of(script)) if script is not None else None
                shapes = {}
                for panel in figure.iter():
                    if "cb-explorer-panel" in (panel.get("class") or "").split():
                        shape = next((text_of(s) for s in panel.iter() if "cb-shape" in (s.get("class") or "").split()), "")
                        numbers = [int(n) for n in re.findall(r"\d+", shape)]
                        shapes[panel.get("data-tensor")] = numbers
                texts = {e.get("data-cell"): text_of(e).strip() for e in figure.iter()
                         if local(e.tag) == "td" and e.get("data-cell") is not None}
                found.append({"data": data, "shapes": shapes, "cells": frozenset(texts), "texts": texts})
        return tuple(found)

    def search_index(self) -> list[dict]:
        path = self.path("search-index.js")
        if not path.is_file():
            return []
        text = path.read_text(encoding="utf-8")
        start, end = text.index("["), text.rindex("]")
        return json.loads(text[start:end + 1])


def unflatten(index: int, shape: list[int]) -> list[int]:
    """Row-major index -> coordinates, as the explorer names cells (y[0,0,1,1])."""
    result = [0] * len(shape)
    rest = index
    for axis in reversed(range(len(shape))):
        if shape[axis] > 0:
            result[axis] = rest % shape[axis]
            rest //= shape[axis]
    return result
