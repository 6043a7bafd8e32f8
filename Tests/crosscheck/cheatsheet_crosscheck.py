#!/usr/bin/env python3
"""Runs the NumPy and JAX code of the cheat sheet against the engine's results.

The cheat sheet (chapters/cheat-sheet.md) shows, beside each engine call, the
NumPy/SciPy and JAX code that computes the same thing, in `python` blocks. The
engine's side ran when the site was built and published its inputs and results
as .npy files (site/data/cheat-sheet/). This script reads the blocks from the
chapter's Markdown and runs them, so that the code on the page is the code
that is checked. Each python block's first line says what it is:

  # prelude: ...           the imports, run before every other block
  # checks: y, dx          run with every published array except y and dx, then
                           y and dx are compared with the published ones, to
                           1e-12 relative (or "within TOL" at the line's end)
  # rule: f(a, b, ...)     defines f, which is then checked over a sweep
  # PyTorch, not run ...   shown only (PyTorch is not installed here)

Any other first line is an error, so no block escapes the check. The table
under "## The calls at a glance" is checked too: every `code` name in its
NumPy/SciPy and JAX columns must occur in some checked block. With
--convbook, the transposed convolution's mapping (the function
conv_transpose a checked block defines) is also compared over a sweep of
random layers with the input gradient that `convbook conv` computes.

usage: cheatsheet_crosscheck.py CHAPTER DATA_FOLDER [--convbook PATH]
Prints "FAIL chapter:line: why" for each failure and closes with
"cheat sheet against JAX V: N passed, M failed".
Exit status: 0 all passed, 1 a failure, 3 JAX is not importable (skipped).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import traceback

import numpy as np

from jax_or_skip import jax, lax  # noqa: E402 - exits 3 (skipped) without JAX

PYTORCH = re.compile(r"# PyTorch, not run here\b")
CHECKS = re.compile(r"# checks: ([A-Za-z_][A-Za-z0-9_]*(?:, [A-Za-z_][A-Za-z0-9_]*)*)(?: within ([0-9.e+-]+))?\s*$")
RULE = re.compile(r"# rule: ([A-Za-z_][A-Za-z0-9_]*)\(")
PRELUDE = re.compile(r"# prelude\b")


def python_blocks(text):
    """The chapter's ```python blocks, as (line of the block's first code line, code)."""
    blocks, lines, index = [], text.split("\n"), 0
    while index < len(lines):
        fence = re.match(r"^(`{3,}|~{3,})\s*python\s*$", lines[index])
        if fence:
            start, body = index + 2, []
            index += 1
            while index < len(lines) and not lines[index].startswith(fence.group(1)):
                body.append(lines[index])
                index += 1
            blocks.append((start, "\n".join(body) + "\n"))
        index += 1
    return blocks


def glance_table_names(text):
    """The `code` names in the NumPy and JAX columns of the table under "## The calls at a glance"."""
    section = text.split("## The calls at a glance", 1)
    if len(section) < 2:
        return None
    names = []
    for line in section[1].split("\n## ", 1)[0].split("\n"):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0].startswith("engine") or set(cells[0]) <= set("-: "):
            continue
        for column in (cells[1], cells[3]):
            names += re.findall(r"`([^`]+)`", column)
    return names


def compare(got, want, tolerance):
    """Why `got` is not `want` within `tolerance` relative to want's largest entry, or None."""
    got = np.asarray(got, dtype=np.float64)
    if got.shape == () and want.shape == (1,):
        got = got.reshape(1)   # a number, against the one-entry array the engine publishes for it
    if got.shape != want.shape:
        return f"shape {got.shape}, the engine's {want.shape}"
    if want.size == 0:
        return "the engine's array is empty: nothing to compare"
    if not np.isfinite(got).all():
        return "not finite (NaN or infinity)"
    if not np.isfinite(want).all():
        return "the engine's array is not finite"
    scale = max(np.abs(want).max(), 1e-300)
    difference = np.abs(got - want).max() / scale
    if not difference <= tolerance:
        return f"relative difference {difference:.3e} > {tolerance:g}"
    return None


def check_same_padding(function):
    """same_padding(H, HH, s, d) against JAX's padding="SAME", over a sweep. Returns failures.

    Every setting is compared with the pairs JAX itself derives for "SAME"
    (lax.padtype_to_pads, with the dilated kernel's span), and every fourth
    one also by running the convolution both ways on random data (each new
    shape costs JAX a compilation, so not all of them)."""
    rng = np.random.default_rng(11)
    failures, checked = [], 0
    for index, (H, HH, s, d) in enumerate(np.ndindex(12, 4, 3, 3)):
        H, HH, s, d = H + 1, HH + 1, s + 1, d + 1
        low, high = function(H, HH, s, d)
        checked += 1
        jax_pads = tuple(int(v) for v in lax.padtype_to_pads((H,), (d * (HH - 1) + 1,), (s,), "SAME")[0])
        if (low, high) != jax_pads:
            failures.append(f"H={H} HH={HH} s={s} d={d}: ({low}, {high}), JAX pads {jax_pads}")
            continue
        if index % 4 or H + low + high < d * (HH - 1) + 1:
            continue
        x = rng.standard_normal((1, 1, H, 1))
        w = rng.standard_normal((1, 1, HH, 1))
        same = lax.conv_general_dilated(x, w, (s, 1), "SAME", rhs_dilation=(d, 1))
        explicit = lax.conv_general_dilated(x, w, (s, 1), [(low, high), (0, 0)], rhs_dilation=(d, 1))
        why = compare(explicit, np.asarray(same), 1e-12)
        if why:
            failures.append(f"H={H} HH={HH} s={s} d={d}: pads ({low}, {high}): {why}")
    return failures, checked


def check_transposed(conv_transpose, convbook, cases=12):
    """The page's conv_transpose against `convbook conv`'s input gradient, over random layers. Returns failures."""
    rng = np.random.default_rng(23)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        done = 0
        while done < cases:
            g = int(rng.integers(1, 3))
            C, F, N = g * int(rng.integers(1, 3)), g * int(rng.integers(1, 3)), int(rng.integers(1, 3))
            HH, WW = int(rng.integers(1, 4)), int(rng.integers(1, 4))
            s = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
            p = (int(rng.integers(0, 3)), int(rng.integers(0, 3)))
            d = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
            Ho, Wo = int(rng.integers(1, 5)), int(rng.integers(1, 5))
            op = (int(rng.integers(0, s[0])), int(rng.integers(0, s[1])))
            H = (Ho - 1) * s[0] - 2 * p[0] + d[0] * (HH - 1) + 1 + op[0]
            W = (Wo - 1) * s[1] - 2 * p[1] + d[1] * (WW - 1) + 1 + op[1]
            if H < 1 or W < 1:
                continue
            folder = os.path.join(tmp, str(done))
            os.makedirs(folder)
            x, w = np.zeros((N, C, H, W)), rng.standard_normal((F, C // g, HH, WW))
            dy = rng.standard_normal((N, F, Ho, Wo))
            for name, array in (("x", x), ("w", w), ("dy", dy)):
                np.save(os.path.join(folder, name + ".npy"), array)
            run = subprocess.run([convbook, "conv", "--input", f"{folder}/x.npy", "--weight", f"{folder}/w.npy",
                                  "--grad-output", f"{folder}/dy.npy", "--stride", f"{s[0]},{s[1]}",
                                  "--padding", f"{p[0]},{p[1]}", "--dilation", f"{d[0]},{d[1]}",
                                  "--groups", str(g), "--out", f"{folder}/out"], capture_output=True, text=True)
            label = f"x{[N, C, H, W]} w{list(w.shape)} s{s} p{p} d{d} g{g} output_padding{op}"
            done += 1
            if run.returncode != 0:
                failures.append(f"{label}: convbook conv exited {run.returncode}: {run.stderr.strip()}")
                continue
            try:
                got = conv_transpose(dy, w, s, p, op, d, g)
            except Exception as error:  # noqa: BLE001
                failures.append(f"{label}: conv_transpose raised {type(error).__name__}: {error}")
                continue
            why = compare(got, np.load(os.path.join(folder, "out", "grad_input.npy")), 1e-12)
            if why:
                failures.append(f"{label}: {why}")
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("chapter")
    parser.add_argument("data")
    parser.add_argument("--convbook")
    args = parser.parse_args()
    with open(args.chapter, encoding="utf-8") as handle:
        text = handle.read()
    published = {}
    for name in sorted(os.listdir(args.data)) if os.path.isdir(args.data) else []:
        if name.endswith(".npy"):
            published[name[:-4]] = np.load(os.path.join(args.data, name))
    passed = failed = 0

    def fail(line, why):
        nonlocal failed
        print(f"FAIL {args.chapter}:{line}: {why}")
        failed += 1

    if not published:
        fail(1, f"no published arrays in {args.data}: build the site first")
    blocks = python_blocks(text)
    base = {"__name__": "cheatsheet"}
    checked_code, functions, mentioned = [], {}, set()
    for line, code in blocks:
        if PRELUDE.match(code):
            exec(compile(code, f"{args.chapter}:{line}", "exec"), base)
    if "np" not in base or "lax" not in base:
        fail(1, "no '# prelude' block imports np and lax")
    for line, code in blocks:
        first = code.split("\n", 1)[0]
        if PRELUDE.match(first) or PYTORCH.match(first):
            continue
        rule, checks = RULE.match(first), CHECKS.match(first)
        if rule:
            namespace = dict(base)
            exec(compile(code, f"{args.chapter}:{line}", "exec"), namespace)
            if rule.group(1) != "same_padding" or not callable(namespace.get("same_padding")):
                fail(line, f"rule '{rule.group(1)}': the test knows how to measure only same_padding")
                continue
            failures, count = check_same_padding(namespace["same_padding"])
            for why in failures[:5]:
                fail(line, f"rule same_padding is false at {why}")
            if not failures and count > 0:
                passed += 1
            elif count == 0:
                fail(line, "rule same_padding compared nothing")
            continue
        if not checks:
            fail(line, f"a python block must start with '# checks: …', '# rule: …', '# prelude' or "
                       f"'# PyTorch, not run here'; this one starts with {first!r}")
            continue
        names = checks.group(1).split(", ")
        tolerance = float(checks.group(2)) if checks.group(2) else 1e-12
        checked_code.append(code)
        mentioned.update(name for name in published if re.search(rf"\b{name}\b", code))
        missing = [name for name in names if name not in published]
        if missing:
            fail(line, f"checks {', '.join(missing)}, which the engine did not publish")
            continue
        namespace = dict(base)
        namespace.update({name: array.copy() for name, array in published.items() if name not in names})
        try:
            exec(compile(code, f"{args.chapter}:{line}", "exec"), namespace)
        except Exception as error:  # noqa: BLE001 - the block's failure is the test's finding
            where = traceback.extract_tb(error.__traceback__)[-1]
            fail(line, f"raised {type(error).__name__}: {error} (at {where.filename}, line {where.lineno})")
            continue
        functions.update({key: value for key, value in namespace.items() if callable(value) and key not in base})
        problems = []
        for name in names:
            if name not in namespace:
                problems.append(f"{name}: the block does not compute it")
                continue
            why = compare(namespace[name], published[name], tolerance)
            if why:
                problems.append(f"{name}: {why}")
        if problems:
            fail(line, "; ".join(problems))
        else:
            passed += 1

    table = glance_table_names(text)
    if table is None or not table:
        fail(1, "no table of `code` names under '## The calls at a glance'")
    else:
        for name in table:
            if not any(name in code for code in checked_code):
                fail(1, f"the table names `{name}` in its NumPy or JAX column, but no checked block uses it")
    for name in sorted(set(published) - mentioned):
        fail(1, f"the engine published '{name}', but no checked block uses or checks it")
    if args.convbook:
        if "conv_transpose" not in functions:
            fail(1, "no checked block defines conv_transpose, whose mapping --convbook would check")
        else:
            failures = check_transposed(functions["conv_transpose"], args.convbook)
            for why in failures[:5]:
                fail(1, f"conv_transpose disagrees with convbook conv's input gradient at {why}")
            if not failures:
                passed += 1
    print(f"cheat sheet against JAX {jax.__version__}: {passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
