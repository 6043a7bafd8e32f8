#!/usr/bin/env bash
# Runs a command as if on a CPU whose BLAS kernel sums in another order:
# builds Tests/OtherKernel/other_kernel.c (cblas_dgemm and cblas_dgemv that
# add their terms from both ends inwards) and preloads it, so that convbook
# and the chapter programs it runs take their products from it.
#
#   scripts/with-other-kernel.sh .build/debug/convbook check --cache .build/other-kernel-cache
#
# It sets neither OPENBLAS_CORETYPE nor OPENBLAS_L2_SIZE: some machines set
# them on purpose.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source="$root/Tests/OtherKernel/other_kernel.c"
library="$root/.build/other-kernel/libotherkernel.so"
if [ ! -f "$library" ] || [ "$source" -nt "$library" ]; then
    mkdir -p "$(dirname "$library")"
    compiler="$(command -v cc || command -v gcc || command -v clang || true)"
    if [ -z "$compiler" ]; then
        echo "error: no C compiler (cc, gcc or clang) to build $source" >&2
        exit 1
    fi
    "$compiler" -O1 -shared -fPIC -o "$library.tmp" "$source"
    mv "$library.tmp" "$library"
fi
export LD_PRELOAD="$library${LD_PRELOAD:+:$LD_PRELOAD}"
exec "$@"
