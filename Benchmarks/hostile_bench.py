#!/usr/bin/env python3
"""Parsing cost on hostile input, for BENCHMARKS.md (issue 20, failure 8).

Builds small books whose one chapter (or bibliography) is made to be
expensive to parse, at the sizes of the hostile probe and at a smaller size,
and times `convbook build --no-cache` on each in one run (no cache: what is
timed is parsing and typesetting, not the cache's writes, which cost one
fsync'd file pair per formula; --cache times them too):

  bibliography   N BibTeX entries, one cited        (2k, 4k, 8k, 100k)
  brackets       N unmatched `[` on one line        (8k, 16k)
  references     N `@sec-a` in one paragraph        (10k, 20k)
  formulas       N distinct inline formulas         (10k, 40k)

For each kind it prints the median time per size and the ratio of the
largest size's time to the smallest's, against the ratio of the sizes: a
linear parser's time ratio is near the size ratio (less, because of the
build's fixed cost), a quadratic one's near its square.

    CONVBOOK_MODULES=.build/debug python3 Benchmarks/hostile_bench.py .build/debug/convbook --reps 3
    python3 Benchmarks/hostile_bench.py OLD NEW --reps 1     # two binaries, alternating

A build that runs past --timeout seconds (default 120) is stopped and shown
as "> TIMEOUT".
"""
import argparse, os, shutil, statistics, subprocess, tempfile, time

KINDS = {
    "bibliography": [2000, 4000, 8000, 100000],
    "brackets": [8000, 16000],
    "references": [10000, 20000],
    "formulas": [10000, 40000],
}

def make_book(folder, kind, n):
    chapters = os.path.join(folder, "chapters")
    os.makedirs(chapters)
    toml = '[book]\ntitle = "Hostile"\n'
    text = "# Hostile {#sec-a}\n\n"
    if kind == "bibliography":
        toml += 'bibliography = "refs.bib"\n'
        with open(os.path.join(folder, "refs.bib"), "w") as f:
            for i in range(n):
                f.write(f"@article{{key{i},\n  author = {{Ada Lovelace and Charles Babbage}},\n"
                        f"  title = {{Notes number {i}}},\n  journal = {{Journal}},\n  year = {{{1900 + i % 100}}},\n"
                        f"  url = {{https://example.org/{i}}}\n}}\n\n")
        text += "A citation [@key0].\n"
    elif kind == "brackets":
        text += "[" * n + "\n"
    elif kind == "references":
        text += " ".join(["@sec-a"] * n) + "\n"
    elif kind == "formulas":
        text += " ".join(f"$x_{{{i}}}$" for i in range(n)) + "\n"
    with open(os.path.join(folder, "book.toml"), "w") as f:
        f.write(toml)
    with open(os.path.join(chapters, "01-hostile.md"), "w") as f:
        f.write(text)

def build(convbook, folder, timeout, cache):
    shutil.rmtree(os.path.join(folder, ".convbook-cache"), ignore_errors=True)
    shutil.rmtree(os.path.join(folder, "site"), ignore_errors=True)
    start = time.monotonic()
    try:
        result = subprocess.run([convbook, "build"] + ([] if cache else ["--no-cache"]), cwd=folder, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    elapsed = time.monotonic() - start
    if result.returncode != 0:
        raise SystemExit(f"{convbook} build failed in {folder}:\n{result.stderr[-2000:]}")
    return elapsed

def show(seconds):
    return "> TIMEOUT" if seconds is None else f"{seconds:.2f}"

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("convbook", nargs="+", help="one binary, or several to compare in the same run")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--cache", action="store_true", help="build with a (fresh) cache instead of --no-cache")
    args = parser.parse_args()
    binaries = [os.path.abspath(b) for b in args.convbook]
    work = tempfile.mkdtemp(prefix="convbook-hostile-")
    try:
        print("| input | size | " + " | ".join(f"`{b}` median s" for b in args.convbook) + " |")
        print("|---|---:|" + "---:|" * len(binaries))
        ratios = []
        for kind in args.kinds.split(","):
            medians = {b: {} for b in binaries}
            for n in KINDS[kind]:
                folder = os.path.join(work, f"{kind}-{n}")
                make_book(folder, kind, n)
                times = {b: [] for b in binaries}
                for _ in range(args.reps):
                    for b in binaries:
                        if times[b] and times[b][-1] is None:
                            continue   # timed out once: do not wait again
                        times[b].append(build(b, folder, args.timeout, args.cache))
                for b in binaries:
                    done = [t for t in times[b] if t is not None]
                    medians[b][n] = statistics.median(done) if len(done) == len(times[b]) else None
                print(f"| {kind} | {n:,} | " + " | ".join(show(medians[b][n]) for b in binaries) + " |", flush=True)
                shutil.rmtree(folder, ignore_errors=True)
            small, large = KINDS[kind][0], KINDS[kind][-1]
            for b in binaries:
                if medians[b][small] and medians[b][large]:
                    ratios.append(f"- {kind}, `{b}`: {large:,} vs {small:,} ({large / small:g}× the input): "
                                  f"**{medians[b][large] / medians[b][small]:.1f}×** the time")
                else:
                    ratios.append(f"- {kind}, `{b}`: {large:,} vs {small:,}: timed out")
        print()
        print("\n".join(ratios))
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
