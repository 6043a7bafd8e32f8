#!/usr/bin/env python3
"""Benchmark of the literate runner: `convbook build` on this repository's
chapters, cold and warm and after edits, against the naive way of building the
same book, all in one run.

The naive way is what a notebook tool without a shared program does: every
Swift block is compiled as its own program together with all the running
blocks before it (so later blocks can see earlier state), and run. It uses
the same compiler, flags and modules as `convbook build`.

usage: runner_bench.py CONVBOOK [--chapters DIR] [--reps N]
Prints a Markdown table to stdout.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def timed(command, **kwargs):
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr}")
    return elapsed, result


FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")


def swift_blocks(markdown):
    """(info, code) of each fenced block whose info starts with `swift`."""
    blocks, lines, i = [], markdown.split("\n"), 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info = m.group("fence"), m.group("info").strip()
        body, i = [], i + 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i])
            i += 1
        i += 1
        if info.split(" ")[0] == "swift":
            blocks.append((info, "\n".join(body) + "\n"))
    return blocks


def naive_build(chapters, modules, scratch):
    """Compiles and runs, for each running block, the program made of the blocks up to it."""
    swiftc = shutil.which("swiftc")
    header = "import ConvEngine\nimport ConvbookRuntime\n"
    compiled = 0
    start = time.perf_counter()
    for name in sorted(os.listdir(chapters)):
        if not name.endswith(".md"):
            continue
        with open(os.path.join(chapters, name), encoding="utf-8") as f:
            blocks = swift_blocks(f.read())
        running = []
        for info, code in blocks:
            words = info.split()
            if "norun" in words or "fails" in words or "traps" in words:
                continue
            running.append(code)
            source = os.path.join(scratch, "main.swift")
            with open(source, "w", encoding="utf-8") as f:
                f.write(header + "".join(running))
            binary = os.path.join(scratch, "program")
            subprocess.run([swiftc, "-Onone", "-g", "-swift-version", "6", "-module-name", "Chapter",
                            "-I", os.path.join(modules, "Modules"), "-L", modules, "-lConvbookRuntime",
                            "-Xlinker", "-rpath", "-Xlinker", modules, source, "-o", binary],
                           check=True, capture_output=True)
            subprocess.run([binary], check=True, capture_output=True,
                           env=dict(os.environ, CONVBOOK_RECORDS=os.path.join(scratch, "records")))
            compiled += 1
    return time.perf_counter() - start, compiled


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("convbook")
    parser.add_argument("--chapters", default="chapters")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    convbook = os.path.abspath(args.convbook)
    modules = os.path.dirname(convbook)

    with tempfile.TemporaryDirectory() as tmp:
        book = os.path.join(tmp, "book")
        shutil.copytree(args.chapters, os.path.join(book, "chapters"))
        chapter_files = sorted(n for n in os.listdir(os.path.join(book, "chapters")) if n.endswith(".md"))
        build = [convbook, "build", "--jobs", "2"]

        def run_build():
            return timed(build, cwd=book)[0]

        rows = {}
        cold, naive, naive_programs = [], [], 0
        for rep in range(args.reps):
            shutil.rmtree(os.path.join(book, ".convbook-cache"), ignore_errors=True)
            cold.append(run_build())
            scratch = os.path.join(tmp, f"naive-{rep}")
            os.makedirs(scratch)
            seconds, naive_programs = naive_build(os.path.join(book, "chapters"), modules, scratch)
            naive.append(seconds)
        rows["cold build, whole book (`convbook build`, empty cache)"] = cold
        rows[f"naive build: each block compiled and run with the blocks before it ({naive_programs} programs)"] = naive
        rows["warm rebuild, nothing changed"] = [run_build() for _ in range(args.reps * 3)]

        target = os.path.join(book, "chapters", chapter_files[0])
        prose, block = [], []
        for rep in range(args.reps):
            with open(target, "a", encoding="utf-8") as f:
                f.write(f"\nAn extra sentence of prose, number {rep}.\n")
            prose.append(run_build())
            with open(target, "a", encoding="utf-8") as f:
                f.write(f"\n```swift\nlet benchmarkEdit{rep} = {rep}\n```\n")
            block.append(run_build())
        rows["prose-only edit in one chapter"] = prose
        rows["one block edited (one chapter recompiles)"] = block

    medians = {name: statistics.median(times) for name, times in rows.items()}
    print("| build | median s | runs |")
    print("|---|---:|---:|")
    for name, times in rows.items():
        print(f"| {name} | {medians[name]:.3f} | {len(times)} |")
    cold_name = next(n for n in rows if n.startswith("cold"))
    naive_name = next(n for n in rows if n.startswith("naive"))
    print()
    print(f"- cold build vs naive build: **{medians[naive_name] / medians[cold_name]:.1f}×** faster "
          f"({len(chapter_files)} chapters, {naive_programs} running blocks)")
    print(f"- warm rebuild: {medians['warm rebuild, nothing changed'] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
