#!/usr/bin/env bash
# Installs convbook from a folder of built products (`make install` passes
# .build/release after building it; the tests pass their own build folder):
#
#   PREFIX/bin/convbook -> ../lib/convbook/convbook      (a relative link)
#   PREFIX/lib/convbook/convbook                         the executable
#   PREFIX/lib/convbook/Modules/*.swiftmodule            what chapter programs import
#   PREFIX/lib/convbook/libConvbookRuntime.so            what they link
#   PREFIX/lib/convbook/convbook_Convbook.resources/     the theme and the book templates
#   PREFIX/lib/convbook/compiler-version                 `swiftc --version` of the compiler that built them
#   PREFIX/lib/convbook/build-info                       commit=, modified= and repository= from git, when known
#
# convbook finds all of it from its own resolved path (Installation.swift), so
# it works from any folder. A second install replaces these files and no others.
#
#   bash scripts/install.sh PRODUCTS DESTDIR_PREFIX
#   (SWIFTC: the compiler to record; default: swiftc beside `swift` on PATH)
set -euo pipefail
products="${1:?usage: install.sh PRODUCTS_FOLDER PREFIX}"
prefix="${2:?usage: install.sh PRODUCTS_FOLDER PREFIX}"
source_dir="$(cd "$(dirname "$0")/.." && pwd)"
modules=(ConvEngine ConvNPY ConvbookFormat ConvbookRuntime)

for file in convbook libConvbookRuntime.so convbook_Convbook.resources/Theme convbook_Convbook.resources/Templates \
            "${modules[@]/#/Modules/}"; do
    case "$file" in Modules/*) file="$file.swiftmodule" ;; esac
    if [ ! -e "$products/$file" ]; then
        echo "error: $products/$file is missing; build it first (make install builds it)" >&2
        exit 1
    fi
done

if [ -z "${SWIFTC:-}" ]; then
    swift_path="$(command -v swift || true)"
    SWIFTC="$(dirname "$(readlink -f "${swift_path:-/usr/bin/swift}")")/swiftc"
fi
compiler="$("$SWIFTC" --version 2>&1)" || { echo "error: $SWIFTC --version failed: $compiler" >&2; exit 1; }

lib="$prefix/lib/convbook"
mkdir -p "$prefix/bin" "$lib/Modules"
install -m 755 "$products/convbook" "$lib/convbook"
install -m 644 "$products/libConvbookRuntime.so" "$lib/libConvbookRuntime.so"
for module in "${modules[@]}"; do
    install -m 644 "$products/Modules/$module.swiftmodule" "$lib/Modules/$module.swiftmodule"
done
rm -rf "$lib/convbook_Convbook.resources"
cp -R "$products/convbook_Convbook.resources" "$lib/convbook_Convbook.resources"
chmod -R u+rwX,go+rX,go-w "$lib/convbook_Convbook.resources"
printf '%s\n' "$compiler" > "$lib/compiler-version"
{
    if commit="$(git -C "$source_dir" rev-parse HEAD 2>/dev/null)"; then
        echo "commit=$commit"
        # Tracked files changed since that commit: --version says so.
        if [ -n "$(git -C "$source_dir" status --porcelain --untracked-files=no 2>/dev/null)" ]; then echo "modified=yes"; fi
    fi
    # The repository a new book's CI fetches convbook from (`convbook init`
    # writes it into the workflow): an https URL, so git@host:path becomes
    # https://host/path; a local path or another scheme is left out.
    if remote="$(git -C "$source_dir" remote get-url origin 2>/dev/null)"; then
        case "$remote" in
            https://*) echo "repository=$remote" ;;
            git@*:*) host="${remote#git@}"; echo "repository=https://${host%%:*}/${host#*:}" ;;
            ssh://git@*) echo "repository=https://${remote#ssh://git@}" ;;
        esac
    fi
} > "$lib/build-info"
ln -sfn ../lib/convbook/convbook "$prefix/bin/convbook"
echo "installed convbook in $prefix/bin/convbook (modules and resources in $lib)"
