#!/usr/bin/env python3
"""Page weight and book.html's DOMContentLoaded, in headless Chromium, for two sites in one run (issue 22):

    .venv-site/bin/python Benchmarks/page_weight.py --before /tmp/site-before/site --after site --reps 5

Each site folder is served by a local HTTP server (Python's, no compression, so the bytes are the
uncompressed ones) and every page is opened with the browser cache disabled. The weight of a page is what
it loads until it has settled (the load event, web fonts ready, then a quiet moment): the HTML, scripts,
stylesheets, fonts and data, from the Performance API (the navigation entry and the resource entries,
`decodedBodySize`). book.html's DOMContentLoaded is `domContentLoadedEventEnd` of its navigation entry,
the median of --reps loads (min and max in brackets), the two sites' loads alternating.

Targets: each chapter page <= 450 KB; book.html's DOMContentLoaded <= 2 s. Prints a Markdown report
(for BENCHMARKS.md); --json FILE writes the raw numbers too. Needs what the site tests need
(scripts/site-tests.sh installs selenium, Chromium and chromedriver into .venv-site/).
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

WEIGHT_TARGET_KB = 450
DCL_TARGET_MS = 2000
# Every page but the site's own (the index, the whole book, the bibliography) is a chapter's: chapter
# files need no number prefix when book.toml names the order.
NOT_CHAPTERS = {"index.html", "book.html", "bibliography.html"}

RESOURCES = """
const done = arguments[arguments.length - 1];
document.fonts.ready.then(() => setTimeout(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const entries = [{name: location.href, type: 'html', bytes: nav.decodedBodySize}];
  for (const e of performance.getEntriesByType('resource')) {
    entries.push({name: e.name, type: e.initiatorType, bytes: e.decodedBodySize});
  }
  done({entries, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
        nodes: document.getElementsByTagName('*').length});
}, 500));
"""


def kind(name: str, initiator: str) -> str:
    """html, js, css, font or data, from the URL's extension."""
    path = name.split("?")[0].split("#")[0].lower()
    for suffix, label in ((".html", "html"), (".js", "js"), (".css", "css"), (".woff2", "font"), (".woff", "font"),
                          (".ttf", "font"), (".otf", "font")):
        if path.endswith(suffix):
            return label
    return "html" if initiator == "html" else "data"


class Server:
    """A folder over http://127.0.0.1:PORT/, in a thread."""

    def __init__(self, folder: Path):
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass
        handler = functools.partial(Quiet, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    profile = tempfile.mkdtemp(prefix="page-weight-chromium-")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--force-device-scale-factor=1", "--window-size=1366,900", f"--user-data-dir={profile}",
                     "--no-first-run", "--disable-extensions", "--disable-background-networking",
                     "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(120)
    driver.set_script_timeout(60)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return driver, profile


def measure_page(driver, url: str) -> dict:
    driver.get("about:blank")
    driver.get(url)
    result = driver.execute_async_script(RESOURCES)
    by_kind: dict[str, int] = {}
    for e in result["entries"]:
        label = kind(e["name"], e["type"])
        by_kind[label] = by_kind.get(label, 0) + int(e["bytes"] or 0)
    return {"total": sum(by_kind.values()), "by_kind": by_kind, "requests": len(result["entries"]),
            "dcl": result["dcl"], "load": result["load"], "nodes": result["nodes"]}


def measure_sites(driver, folders: dict[str, Path], reps: int) -> dict[str, dict]:
    """Every page's weight on each site, then book.html's timings, the sites' loads alternating (so that
    the load of a shared machine falls on both alike)."""
    servers = {name: Server(folder.resolve()) for name, folder in folders.items()}
    try:
        sites = {}
        for name, folder in folders.items():
            pages = sorted(p.name for p in folder.glob("*.html"))
            sites[name] = {"pages": {page: measure_page(driver, servers[name].base + page) for page in pages},
                           "book": []}
        for _ in range(reps):
            for name, folder in folders.items():
                if (folder / "book.html").is_file():
                    sites[name]["book"].append(measure_page(driver, servers[name].base + "book.html"))
    finally:
        for server in servers.values():
            server.close()
    return sites


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB"


def report(sites: dict[str, dict]) -> str:
    names = list(sites)
    lines = ["| page | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    pages = sorted(set().union(*(s["pages"] for s in sites.values())))
    for page in pages:
        cells = []
        for name in names:
            m = sites[name]["pages"].get(page)
            cells.append("–" if m is None else f"{kb(m['total'])} ({m['requests']})")
        lines.append(f"| `{page}` | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Chapter pages (target ≤ %d KB each):" % WEIGHT_TARGET_KB)
    lines.append("")
    lines.append("| site | lightest | heaviest | over target | heaviest by kind |")
    lines.append("|---|---:|---:|---:|---|")
    for name in names:
        chapters = {p: m for p, m in sites[name]["pages"].items() if p not in NOT_CHAPTERS}
        if not chapters:
            continue
        heaviest = max(chapters, key=lambda p: chapters[p]["total"])
        lightest = min(chapters, key=lambda p: chapters[p]["total"])
        over = sum(1 for m in chapters.values() if m["total"] > WEIGHT_TARGET_KB * 1024)
        parts = ", ".join(f"{k} {kb(v)}" for k, v in sorted(chapters[heaviest]["by_kind"].items(), key=lambda kv: -kv[1]))
        lines.append(f"| {name} | {kb(chapters[lightest]['total'])} | {kb(chapters[heaviest]['total'])} "
                     f"(`{heaviest}`) | {over} of {len(chapters)} | {parts} |")
    lines.append("")
    lines.append("book.html (target: DOMContentLoaded ≤ %d ms):" % DCL_TARGET_MS)
    lines.append("")
    lines.append("| site | DOMContentLoaded, median (min–max) | load event, median | elements | weight |")
    lines.append("|---|---:|---:|---:|---:|")
    for name in names:
        runs = sites[name]["book"]
        if not runs:
            continue
        dcl = [r["dcl"] for r in runs]
        load = [r["load"] for r in runs]
        lines.append(f"| {name} | {statistics.median(dcl):,.0f} ms ({min(dcl):,.0f}–{max(dcl):,.0f}) | "
                     f"{statistics.median(load):,.0f} ms | {runs[0]['nodes']:,} | {kb(runs[0]['total'])} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="the site folder before the change")
    parser.add_argument("--after", type=Path, required=True, help="the site folder after the change")
    parser.add_argument("--reps", type=int, default=5, help="loads of book.html per site (default 5)")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = parser.parse_args()
    folders = {name: path for name, path in (("before", args.before), ("after", args.after)) if path}
    for name, path in folders.items():
        if not (path / "index.html").is_file():
            parser.error(f"--{name} {path}: not a built site (no index.html)")
    driver, profile = browser()
    try:
        started = time.monotonic()
        sites = measure_sites(driver, folders, args.reps)
        print(f"measured in {time.monotonic() - started:.0f} s", file=sys.stderr)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; weights: HTML + JS + CSS + fonts + data "
          "loaded (uncompressed), requests in brackets\n")
    print(report(sites))
    if args.json:
        args.json.write_text(json.dumps(sites, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
