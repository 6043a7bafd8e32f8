#!/usr/bin/env python3
"""Checks `convbook conv` against JAX, an independent framework.

For a grid of random layers (batch, channels, filters, odd sizes, stride,
padding, dilation, groups) it writes x, w, b, dy as .npy, runs
`convbook conv`, and compares output.npy and the three gradients with
jax.lax.conv_general_dilated and its vector-Jacobian product, in float64.

The cases take turns through five families: symmetric padding in NCHW;
padding of its own on each side, given to JAX as (low, high) pairs, in NCHW;
the same two with channels-last tensors (`--layout nhwc`, JAX's
dimension_numbers ("NHWC", "HWIO", "NHWC")); and `--padding same` against
JAX's padding="SAME" (either layout).

usage: conv_crosscheck.py CONVBOOK [--cases N] [--seed S]
Prints one line per failing case, one line counting the cases of each family,
and closes with "N passed, M failed".
Exit status: 0 all passed, 1 a mismatch, 3 JAX is not importable (skipped).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

from jax_or_skip import jax, jnp  # noqa: E402 - exits 3 (skipped) without JAX


FAMILIES = ("symmetric NCHW", "asymmetric NCHW", "symmetric NHWC", "asymmetric NHWC", "same")


def reference(x, w, b, dy, stride, padding, dilation, groups, layout):
    """y, dx, dw, db from JAX; padding is "SAME" or [(top, bottom), (left, right)]."""
    numbers = ("NCHW", "OIHW", "NCHW") if layout == "nchw" else ("NHWC", "HWIO", "NHWC")

    def layer(x, w, b):
        y = jax.lax.conv_general_dilated(
            x, w, window_strides=stride, padding=padding, rhs_dilation=dilation,
            dimension_numbers=numbers, feature_group_count=groups, precision=jax.lax.Precision.HIGHEST)
        return y + (b[None, :, None, None] if layout == "nchw" else b[None, None, None, :])
    y, vjp = jax.vjp(layer, jnp.asarray(x), jnp.asarray(w), jnp.asarray(b))
    dx, dw, db = vjp(jnp.asarray(dy))
    return [np.asarray(t) for t in (y, dx, dw, db)]


def draw(rng, family):
    """A random valid layer of the family: tensors in its layout, and how to pad."""
    layout = "nhwc" if "NHWC" in family or (family == "same" and rng.integers(0, 2) == 1) else "nchw"
    while True:
        groups = int(rng.integers(1, 4))
        C, F = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
        N, H, W = int(rng.integers(1, 4)), int(rng.integers(1, 12)), int(rng.integers(1, 12))
        HH, WW = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        dilation = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        if family == "same":
            # JAX's own SAME rule decides the sizes: ceil(H/s) outputs per axis.
            pairs, Ho, Wo = "SAME", -(-H // stride[0]), -(-W // stride[1])
        else:
            if family.startswith("symmetric"):
                p = (int(rng.integers(0, 3)), int(rng.integers(0, 3)))
                pairs = [(p[0], p[0]), (p[1], p[1])]
            else:
                pairs = [(int(rng.integers(0, 4)), int(rng.integers(0, 4))) for _ in range(2)]
                if pairs[0][0] == pairs[0][1] and pairs[1][0] == pairs[1][1]:
                    continue
            Ho = H + pairs[0][0] + pairs[0][1] - dilation[0] * (HH - 1) - 1
            Wo = W + pairs[1][0] + pairs[1][1] - dilation[1] * (WW - 1) - 1
            if Ho < 0 or Wo < 0:
                continue
            Ho, Wo = Ho // stride[0] + 1, Wo // stride[1] + 1
        x = rng.standard_normal((N, C, H, W))
        w = rng.standard_normal((F, C // groups, HH, WW))
        b = rng.standard_normal(F)
        dy = rng.standard_normal((N, F, Ho, Wo))
        if layout == "nhwc":
            x, w, dy = x.transpose(0, 2, 3, 1), w.transpose(2, 3, 1, 0), dy.transpose(0, 2, 3, 1)
        return x, w, b, dy, stride, pairs, dilation, groups, layout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("convbook")
    parser.add_argument("--cases", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    passed = failed = 0
    counts = dict.fromkeys(FAMILIES, 0)
    with tempfile.TemporaryDirectory() as tmp:
        for case in range(args.cases):
            family = FAMILIES[case % len(FAMILIES)]
            x, w, b, dy, stride, pairs, dilation, groups, layout = draw(rng, family)
            folder = os.path.join(tmp, str(case))
            os.makedirs(folder)
            for name, array in (("x", x), ("w", w), ("b", b), ("dy", dy)):
                np.save(os.path.join(folder, name + ".npy"), np.ascontiguousarray(array))
            padding = "same" if pairs == "SAME" else f"{pairs[0][0]},{pairs[0][1]},{pairs[1][0]},{pairs[1][1]}"
            if family.startswith("symmetric"):
                padding = f"{pairs[0][0]},{pairs[1][0]}"   # the two-number form the CLI has always taken
            command = [args.convbook, "conv", "--input", f"{folder}/x.npy", "--weight", f"{folder}/w.npy",
                       "--bias", f"{folder}/b.npy", "--grad-output", f"{folder}/dy.npy",
                       "--stride", f"{stride[0]},{stride[1]}", "--padding", padding,
                       "--dilation", f"{dilation[0]},{dilation[1]}", "--groups", str(groups),
                       "--layout", layout, "--out", f"{folder}/out"]
            run = subprocess.run(command, capture_output=True, text=True)
            label = (f"case {case} ({family}): x{list(x.shape)} w{list(w.shape)} stride {stride} padding {pairs} "
                     f"dilation {dilation} groups {groups} layout {layout}")
            counts[family] += 1
            if run.returncode != 0:
                print(f"FAIL {label}: convbook exited {run.returncode}: {run.stderr.strip()}")
                failed += 1
                continue
            expected = reference(x, w, b, dy, stride, pairs, dilation, groups, layout)
            worst = []
            for name, want in zip(("output", "grad_input", "grad_weight", "grad_bias"), expected):
                got = np.load(os.path.join(folder, "out", name + ".npy"))
                if got.shape != want.shape:
                    worst.append(f"{name} shape {got.shape} != {want.shape}")
                    continue
                if not (np.all(np.isfinite(got)) and np.all(np.isfinite(want))):
                    worst.append(f"{name} has a value that is not finite")
                    continue
                scale = max(np.abs(want).max(initial=0.0), 1e-300)
                difference = np.abs(got - want).max(initial=0.0) / scale
                if difference > 1e-12:
                    worst.append(f"{name} relative difference {difference:.3e}")
            if worst:
                print(f"FAIL {label}: " + "; ".join(worst))
                failed += 1
            else:
                passed += 1
    print("cases per family: " + ", ".join(f"{family} {count}" for family, count in counts.items()))
    print(f"crosscheck against JAX {jax.__version__}: {passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
