"""Site tests for a built convbook site: `pytest Tests/site --site DIR`.

scripts/site-tests.sh installs what they need and runs them. Findings that are
reported rather than failed (external links, validator warnings) are printed at
the end of the run and written to .artifacts/site-tests/report.txt.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from sitecheck import DESKTOP, EXTERNAL_LINKS, Site

REPO = Path(__file__).resolve().parents[2]


def pytest_addoption(parser):
    group = parser.getgroup("site")
    group.addoption("--site", default=os.environ.get("SITE_DIR"),
                    help="the built site to test (default: $SITE_DIR)")
    group.addoption("--artifacts", default=str(REPO / ".artifacts"),
                    help="where screenshots and the report go (default: .artifacts/)")


def pytest_configure(config):
    site = config.getoption("--site")
    if not site:
        raise pytest.UsageError("name the site to test: --site DIR (or SITE_DIR=DIR)")
    root = Path(site)
    if not (root / "index.html").is_file():
        raise pytest.UsageError(f"{root} is not a built site: it has no index.html")
    config.site = Site(root)
    config.site_report = {EXTERNAL_LINKS: []}   # section title -> list of lines
    config.vnu_run = None


def pytest_collection_finish(session):
    # Start the HTML checker now, in the background, if a validator test is to run: it works while the
    # browser tests do.
    if any(item.module.__name__ == "test_validator" for item in session.items):
        import validation
        session.config.vnu_run = validation.Run(session.config.site)


def pytest_unconfigure(config):
    run = getattr(config, "vnu_run", None)
    if run is not None:
        run.stop()


def pytest_generate_tests(metafunc):
    site = metafunc.config.site
    if "page" in metafunc.fixturenames:
        metafunc.parametrize("page", site.pages)
    if "stylesheet" in metafunc.fixturenames:
        metafunc.parametrize("stylesheet", site.stylesheets)
    if "explorer_page" in metafunc.fixturenames:
        pages = [p for p in site.pages if site.explorers(p)]
        metafunc.parametrize("explorer_page", pages or [pytest.param(
            None, id="no-explorer", marks=pytest.mark.skip(reason="no page of this site has a .cb-explorer figure"))])
    if "explorer_case" in metafunc.fixturenames:
        cases = []
        # book.html repeats every chapter's explorers; one of them there is enough to show they work on it.
        for page in site.pages:
            for number, explorer in enumerate(site.explorers(page)):
                if page == "book.html" and number > 0:
                    break
                views = (explorer["data"] or {}).get("views", [])
                for view in views:
                    for mode in ("hover", "focus"):
                        cases.append(pytest.param((page, number, view["target"], mode),
                                                  id=f"{page}-{number}-{view['target']}-{mode}"))
        if not cases:
            cases = [pytest.param(None, id="no-explorer",
                                  marks=pytest.mark.skip(reason="no page of this site has a .cb-explorer figure"))]
        metafunc.parametrize("explorer_case", cases)


@pytest.fixture(scope="session")
def site(pytestconfig) -> Site:
    return pytestconfig.site


@pytest.fixture(scope="session")
def report(pytestconfig):
    """report(section, line): something to tell the reader that is not a failure."""
    def add(section: str, line: str):
        pytestconfig.site_report.setdefault(section, []).append(line)
    return add


@pytest.fixture(scope="session")
def artifacts(pytestconfig) -> Path:
    path = Path(pytestconfig.getoption("--artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    # Screenshots of this run only: none left over from another site.
    for old in (path / "screenshots").glob("*.png"):
        old.unlink()
    return path


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    report = getattr(config, "site_report", None)
    if not report:
        return
    lines = []
    for section in sorted(report):
        entries = sorted(set(report[section]))
        lines.append(f"{section} ({len(entries)}):")
        lines += [f"  {entry}" for entry in entries] or ["  (none)"]
    terminalreporter.section("site report")
    for line in lines:
        terminalreporter.write_line(line)
    out = Path(config.getoption("--artifacts")) / "site-tests"
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------
# The browser: Debian's Chromium, headless, driven by Debian's chromedriver.

class Browser:
    """One headless Chromium for the session; logs are collected per page load."""

    def __init__(self, driver):
        self.driver = driver

    def drain_log(self) -> list[dict]:
        return self.driver.get_log("browser")

    def errors(self) -> list[str]:
        """SEVERE console entries (console.error, uncaught exceptions, failed loads) since the last call."""
        return [f"{e.get('source', '?')}: {e['message']}" for e in self.drain_log() if e.get("level") == "SEVERE"]

    def open(self, url: str, reuse: bool = False):
        """Load url (again, unless reuse and it is the page already shown)."""
        if reuse and self.driver.current_url == url:
            return
        self.drain_log()
        self.driver.get(url)
        # Wait for the load event's work and for web fonts (KaTeX's) to settle.
        self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "document.fonts.ready.then(() => done(true), () => done(false));")

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def viewport(self, width: int, height: int, mobile: bool = False):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


@pytest.fixture(scope="session")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")   # never let Selenium Manager fetch anything
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not chromium or not chromedriver:
        pytest.fail("Chromium and chromedriver are needed (Debian: chromium chromium-driver; "
                    "scripts/site-tests.sh installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="site-tests-chromium-")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=en-US",
                     f"--window-size={DESKTOP[0]},{DESKTOP[1]}", f"--user-data-dir={profile}",
                     "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                     "--disable-background-networking", "--disable-sync", "--disable-component-update",
                     # No network at all: a page that needed one fails visibly, fast.
                     "--host-resolver-rules=MAP * ~NOTFOUND"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=chromedriver)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(15)
    try:
        yield Browser(driver)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
