#!/usr/bin/env bash
# Conv-layer benchmark (`make bench`): forward + backward of one layer
# (N=8, C=16, H=W=32, F=32, 3x3, stride 1, padding 1, float64) in four
# implementations, timed in one interleaved run:
#   Swift reference loops, Swift im2col + OpenBLAS dgemm,
#   NumPy naive loops, NumPy im2col + @   (Benchmarks/numpy_conv.py, started by convbench).
#
# The build log and progress go to stderr; the Markdown report goes to stdout:
#   Benchmarks/run.sh > /tmp/bench.md
# Extra arguments are passed to convbench (--rounds R, --reps K, --no-numpy, --python EXE).
# No environment variables are set or changed here (OpenBLAS runs as configured).
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --product convbench 1>&2
bin_dir="$(swift build -c release --show-bin-path)"
swift_version="$(swift --version 2>&1 | head -n 1)"

exec "$bin_dir/convbench" \
    --launcher "Benchmarks/run.sh" \
    --swift-version "$swift_version" \
    --python python3 \
    --script Benchmarks/numpy_conv.py \
    "$@"
