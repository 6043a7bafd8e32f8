#!/usr/bin/env python3
"""The reader's side in headless Chromium, for BENCHMARKS.md: how long "Recompute on this page" takes on
each page (the largest is book.html, every example of the book), and how long one control change of the
parameter explorer takes, from the input event to the page laid out again, for every setting of every
explorer's engine table (all with H, W <= 12).

    .venv-site/bin/python Benchmarks/browser_perf.py site --reps 7

Needs what the site tests need (scripts/site-tests.sh installs it: selenium, Chromium, chromedriver).
Times are measured inside the page with performance.now(), the median of --reps runs each.
"""
import argparse, json, os, re, shutil, statistics, sys, tempfile
from pathlib import Path

RECOMPUTE = """
const button = document.querySelector('.cb-recompute-run');
if (!button) return null;
const started = performance.now();
button.click();
document.body.offsetHeight;              // the marks laid out too
const ms = performance.now() - started;
const result = document.querySelector('.cb-recompute-result').dataset;
return {ms, checked: Number(result.checked), bad: Number(result.bad)};
"""

CHANGE = """
const figure = document.querySelectorAll('figure.cb-params')[arguments[0]];
const times = [];
for (const settings of arguments[1]) {
  const started = performance.now();
  for (const [name, value] of Object.entries(settings)) {
    const input = figure.querySelector(`input[data-param="${name}"]`);
    if (Number(input.value) === value) continue;
    input.value = String(value);
    input.dispatchEvent(new Event('input', {bubbles: true}));
  }
  document.body.offsetHeight;            // style and layout of what changed
  times.push(performance.now() - started);
}
return times;
"""

SINGLE = """
// One control moved by one step, as a key press does: the case a reader feels.
const figure = document.querySelectorAll('figure.cb-params')[arguments[0]];
const times = [];
for (const input of figure.querySelectorAll('input[data-param]')) {
  for (const step of [1, -1]) {
    const next = Number(input.value) + step;
    if (next < Number(input.min) || next > Number(input.max)) continue;
    const started = performance.now();
    input.value = String(next);
    input.dispatchEvent(new Event('input', {bubbles: true}));
    document.body.offsetHeight;
    times.push(performance.now() - started);
  }
}
return times;
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("site")
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "site"))
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")
    site = Path(args.site).resolve()
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    profile = tempfile.mkdtemp(prefix="browser-perf-")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1300,900", f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    try:
        pages = sorted(p.name for p in site.glob("*.html") if 'class="cb-recompute"' in p.read_text(encoding="utf-8"))
        print("Recompute on this page (median of %d, ms):" % args.reps)
        for page in pages:
            driver.get((site / page).as_uri())
            runs = [driver.execute_script(RECOMPUTE) for _ in range(args.reps)]
            assert all(r["bad"] == 0 for r in runs), runs
            print(f"  {page:28s} {runs[0]['checked']:6d} values  {statistics.median(r['ms'] for r in runs):7.2f} ms"
                  f"  (max {max(r['ms'] for r in runs):.2f})")
        print("Parameter explorer, one control change to laid out (ms):")
        for page in pages:
            if page == "book.html":
                continue
            html = (site / page).read_text(encoding="utf-8")
            tables = [json.loads(m.group(1).replace("<\\/", "</")) for m in re.finditer(
                r'<script type="application/json" class="cb-params-data">(.*?)</script>', html, re.S)]
            for number, data in enumerate(tables):
                driver.get((site / page).as_uri())
                grid, steps = [], []
                for _ in range(args.reps):
                    grid += driver.execute_script(CHANGE, number, [row["settings"] for row in data["table"]])
                    steps += driver.execute_script(SINGLE, number)
                # The largest layer the controls allow (the most cells to draw), then one step from it.
                driver.execute_script(CHANGE, number, [{"H": 16, "W": 16, "C": 2, "F": 2, "HH": 1, "WW": 1,
                                                        "sh": 1, "sw": 1, "ph": 3, "pw": 3, "dh": 1, "dw": 1}])
                largest = []
                for _ in range(args.reps):
                    largest += driver.execute_script(SINGLE, number)
                print(f"  {page} explorer {number} ({data['label']}): one step median {statistics.median(steps):.2f},"
                      f" max {max(steps):.2f} over {len(steps)}; jump to a table setting median {statistics.median(grid):.2f},"
                      f" max {max(grid):.2f} over {len(grid)}; one step from H = W = 16, C = F = 2, p = 3:"
                      f" median {statistics.median(largest):.2f}, max {max(largest):.2f}")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
