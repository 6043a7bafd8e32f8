#!/usr/bin/env python3
"""Checks `convbook pool` against JAX, an independent framework.

For a grid of random pooling layers (batch, channels, odd sizes, windows,
strides smaller than the window so that windows overlap, padding up to half
the window, max and average with and without the padding counted) it writes
x and dy as .npy, runs `convbook pool`, and compares output.npy and
grad_input.npy with jax.lax.reduce_window and its vector-Jacobian product,
in float64.

Every third case draws x from {0, 1, 2} so that windows hold ties: there the
engine's rule (the gradient goes to the first maximum in row-major window
order) must agree with JAX's VJP of reduce_window max, which is
select_and_scatter_add. Before the cases, the script checks the facts about
ties that the book states, on JAX itself:
  - the VJP of reduce_window max sends a tied window's dy to one element,
    the first in row-major order;
  - jax.grad of jnp.max (a whole reduction) splits it evenly between ties.

usage: pool_crosscheck.py CONVBOOK [--cases N] [--seed S]
Prints one line per failing case and closes with "N passed, M failed, T with ties".
Exit status: 0 all passed, 1 a mismatch, 3 JAX is not importable (skipped).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

from jax_or_skip import jax, jnp  # noqa: E402 - exits 3 (skipped) without JAX


def pool(x, mode, window, stride, padding, count_include_pad):
    dims, strides = (1, 1) + window, (1, 1) + stride
    pads = [(0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1])]
    if mode == "max":
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, dims, strides, pads)
    total = jax.lax.reduce_window(x, 0.0, jax.lax.add, dims, strides, pads)
    if count_include_pad:
        return total / (window[0] * window[1])
    inside = jax.lax.reduce_window(jnp.ones_like(x), 0.0, jax.lax.add, dims, strides, pads)
    return total / inside


def reference(x, dy, mode, window, stride, padding, count_include_pad):
    y, vjp = jax.vjp(lambda v: pool(v, mode, window, stride, padding, count_include_pad), jnp.asarray(x))
    (dx,) = vjp(jnp.asarray(dy))
    return np.asarray(y), np.asarray(dx)


def first_maximum_rule(x, dy, window, stride, padding):
    """dx by the book's tie rule, in plain loops: each window's dy goes to the
    first of its maxima in row-major window order (padding never wins)."""
    N, C, H, W = x.shape
    Ho, Wo = dy.shape[2], dy.shape[3]
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    best = None
                    for a in range(window[0]):
                        for b in range(window[1]):
                            r, q = stride[0] * i + a - padding[0], stride[1] * j + b - padding[1]
                            if 0 <= r < H and 0 <= q < W and (best is None or x[n, c, r, q] > x[n, c, best[0], best[1]]):
                                best = (r, q)
                    dx[n, c, best[0], best[1]] += dy[n, c, i, j]
    return dx


def check_tie_facts():
    """The facts about ties that the book states, checked on JAX. Returns a list of failures."""
    failures = []
    tied = jnp.array([[[[1.0, 3.0], [3.0, 0.0]]]])
    _, vjp = jax.vjp(lambda v: pool(v, "max", (2, 2), (2, 2), (0, 0), True), tied)
    (dx,) = vjp(jnp.ones((1, 1, 1, 1)))
    if not np.array_equal(np.asarray(dx), np.array([[[[0.0, 1.0], [0.0, 0.0]]]])):
        failures.append(f"reduce_window max VJP at a tie: expected all of dy on the first maximum, got {np.asarray(dx).ravel()}")
    split = jax.grad(lambda v: jnp.max(v))(jnp.array([1.0, 3.0, 3.0, 0.0]))
    if not np.array_equal(np.asarray(split), np.array([0.0, 0.5, 0.5, 0.0])):
        failures.append(f"jax.grad of jnp.max at a tie: expected an even split, got {np.asarray(split)}")
    return failures


def draw(rng, case):
    while True:
        N, C = int(rng.integers(1, 3)), int(rng.integers(1, 4))
        H, W = int(rng.integers(1, 10)), int(rng.integers(1, 10))
        window = (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
        # Strides up to the window, so that most layers overlap; sometimes a larger one.
        stride = (int(rng.integers(1, window[0] + 2)), int(rng.integers(1, window[1] + 2)))
        padding = (int(rng.integers(0, window[0] // 2 + 1)), int(rng.integers(0, window[1] // 2 + 1)))
        if H + 2 * padding[0] < window[0] or W + 2 * padding[1] < window[1]:
            continue
        Ho = (H + 2 * padding[0] - window[0]) // stride[0] + 1
        Wo = (W + 2 * padding[1] - window[1]) // stride[1] + 1
        mode = ("max", "avg")[case % 2]
        count_include_pad = bool(rng.integers(0, 2))
        with_ties = case % 3 == 0
        x = rng.integers(0, 3, (N, C, H, W)).astype(np.float64) if with_ties else rng.standard_normal((N, C, H, W))
        dy = rng.standard_normal((N, C, Ho, Wo))
        return x, dy, mode, window, stride, padding, count_include_pad, with_ties


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("convbook")
    parser.add_argument("--cases", type=int, default=60)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    facts = check_tie_facts()
    for failure in facts:
        print(f"FAIL fact: {failure}")
    rng = np.random.default_rng(args.seed)
    passed = failed = tie_cases = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in range(args.cases):
            x, dy, mode, window, stride, padding, count_include_pad, with_ties = draw(rng, case)
            folder = os.path.join(tmp, str(case))
            os.makedirs(folder)
            np.save(os.path.join(folder, "x.npy"), x)
            np.save(os.path.join(folder, "dy.npy"), dy)
            command = [args.convbook, "pool", "--input", f"{folder}/x.npy", "--mode", mode,
                       "--window", f"{window[0]},{window[1]}", "--stride", f"{stride[0]},{stride[1]}",
                       "--padding", f"{padding[0]},{padding[1]}",
                       "--count-include-pad" if count_include_pad else "--no-count-include-pad",
                       "--grad-output", f"{folder}/dy.npy", "--out", f"{folder}/out"]
            run = subprocess.run(command, capture_output=True, text=True)
            label = (f"case {case}: {mode} x{list(x.shape)} window {window} stride {stride} padding {padding}"
                     + (f" count_include_pad {count_include_pad}" if mode == "avg" else "")
                     + (" (ties)" if with_ties else ""))
            if run.returncode != 0:
                print(f"FAIL {label}: convbook exited {run.returncode}: {run.stderr.strip()}")
                failed += 1
                continue
            expected = reference(x, dy, mode, window, stride, padding, count_include_pad)
            worst = []
            for name, want in zip(("output", "grad_input"), expected):
                got = np.load(os.path.join(folder, "out", name + ".npy"))
                if got.shape != want.shape:
                    worst.append(f"{name} shape {got.shape} != {want.shape}")
                    continue
                if not (np.all(np.isfinite(got)) and np.all(np.isfinite(want))):
                    worst.append(f"{name} holds a NaN or an infinity")
                    continue
                scale = max(np.abs(want).max(initial=0.0), 1e-300)
                difference = np.abs(got - want).max(initial=0.0) / scale
                if difference > 1e-12:
                    worst.append(f"{name} relative difference {difference:.3e}")
            has_tie = False
            if mode == "max" and with_ties:
                # Does some window really hold a tie at its maximum? Then the rule was exercised.
                rule = first_maximum_rule(x, dy, window, stride, padding)
                if np.abs(rule - expected[1]).max(initial=0.0) > 1e-12:
                    worst.append("JAX's VJP does not follow the first-maximum rule")
                y = expected[0]
                for n in range(x.shape[0]):
                    for c in range(x.shape[1]):
                        for i in range(y.shape[2]):
                            for j in range(y.shape[3]):
                                r0, q0 = stride[0] * i - padding[0], stride[1] * j - padding[1]
                                block = x[n, c, max(r0, 0):r0 + window[0], max(q0, 0):q0 + window[1]]
                                has_tie = has_tie or np.count_nonzero(block == y[n, c, i, j]) > 1
            if worst:
                print(f"FAIL {label}: " + "; ".join(worst))
                failed += 1
            else:
                passed += 1
                tie_cases += has_tie
    print(f"pool crosscheck against JAX {jax.__version__}: {passed} passed, {failed} failed, "
          f"{tie_cases} with ties at a window's maximum; tie facts: {'ok' if not facts else 'FAIL'}")
    sys.exit(0 if failed == 0 and not facts else 1)


if __name__ == "__main__":
    main()
