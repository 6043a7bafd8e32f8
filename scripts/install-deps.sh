#!/usr/bin/env bash
# Installs the Debian packages named on the command line that are not installed yet.
# Root runs apt-get directly, others through sudo; without apt-get it names the
# packages and fails, so the reader knows what to install by other means.
set -euo pipefail

missing=()
for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing system packages: ${missing[*]}" >&2
    echo "       this system has no apt-get; install the equivalents of these Debian packages and re-run." >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "error: missing system packages: ${missing[*]}; run as root or install sudo:" >&2
    echo "       apt-get install ${missing[*]}" >&2
    exit 1
fi

echo "installing missing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >&2
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
