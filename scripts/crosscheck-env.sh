#!/usr/bin/env bash
# Makes .venv-crosscheck, a Python environment with NumPy and JAX (CPU) from PyPI,
# for the tests that check the engine against an independent framework.
# If it cannot be made (no python3, no venv module, no PyPI), those tests are
# skipped with a visible message rather than failing the build.
set -uo pipefail
cd "$(dirname "$0")/.."
venv=.venv-crosscheck
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import numpy, jax" 2>/dev/null; then
    exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "warning: no python3: the NumPy and JAX cross-checks will be skipped" >&2
    exit 0
fi
rm -rf "$venv"
if ! python3 -m venv --system-site-packages "$venv" >&2; then
    echo "warning: python3 -m venv failed (Debian: apt-get install python3-venv): the JAX cross-check will be skipped" >&2
    rm -rf "$venv"
    exit 0
fi
echo "installing NumPy and JAX into $venv for the cross-checks" >&2
if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check numpy "jax[cpu]" >&2; then
    echo "warning: pip could not install JAX: the JAX cross-check will be skipped" >&2
fi
exit 0
