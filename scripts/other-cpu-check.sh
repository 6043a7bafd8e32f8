#!/usr/bin/env bash
# The committed site, judged as on another CPU (see with-other-kernel.sh):
# `convbook check` must pass, having seen values that differ within their
# tolerance (or the other kernel changed nothing and this proves nothing), and
# `convbook build` there must leave every file of the site as it is.
#
#   scripts/other-cpu-check.sh .build/debug/convbook site [--modules .build/release]
set -euo pipefail
convbook="$1"
site="${2:-site}"
shift 2 || shift $#
extra=("$@")   # passed to both convbook commands (the modules chapter programs link)
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/.build/other-kernel-cache"   # never this machine's own results
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

output="$("$root/scripts/with-other-kernel.sh" "$convbook" check --out "$site" --cache "$cache" "${extra[@]}" 2>"$work/stderr")" || {
    cat "$work/stderr" >&2
    echo "$output"
    echo "error: convbook check fails on the committed site with another BLAS kernel" >&2
    exit 1
}
echo "$output"
if ! echo "$output" | grep -Eq '[1-9][0-9]* values? differs? on this machine within'; then
    echo "error: the other BLAS kernel changed no published value, so this check saw nothing; is it preloaded?" >&2
    exit 1
fi

cp -R "$site" "$work/site"
"$root/scripts/with-other-kernel.sh" "$convbook" build --out "$work/site" --cache "$cache" "${extra[@]}" 2>"$work/stderr" || {
    cat "$work/stderr" >&2
    echo "error: convbook build fails with another BLAS kernel" >&2
    exit 1
}
tail -n 1 "$work/stderr"
if ! diff -r -q "$site" "$work/site"; then
    echo "error: convbook build with another BLAS kernel changed the files above" >&2
    exit 1
fi
echo "other CPU: check passes and a build leaves $site byte-identical"
