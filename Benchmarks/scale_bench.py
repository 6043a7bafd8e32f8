#!/usr/bin/env python3
"""Rebuild cost against book size, for BENCHMARKS.md.

Builds this book (14 chapters) and a 98-chapter book (the 14 chapters plus
seven more copies of the first twelve, numbered on), warms both caches, then
times, alternating between the two books in one run:
  - a rebuild with nothing changed;
  - a prose edit in one chapter (a sentence appended) and the rebuild.

    python3 Benchmarks/scale_bench.py .build/release/convbook --reps 5

With `--baseline OTHER`, another convbook (an earlier commit's, say) builds
copies of the same two books, alternating with the first in the same run,
and each time is printed with its ratio to the baseline's.
"""
import argparse, os, re, shutil, statistics, subprocess, tempfile, time

def make_book(root, folder, copies):
    chapters = os.path.join(folder, "chapters")
    shutil.copytree(os.path.join(root, "chapters"), chapters)
    shutil.copy(os.path.join(root, "book.toml"), folder)
    shutil.copy(os.path.join(root, "references.bib"), folder)
    chapter_files = [f for f in os.listdir(chapters) if f.endswith(".md") and not f.startswith("99")]
    originals = sorted(f for f in chapter_files if int(f.split("-")[0]) <= 12)   # the twelve chapters of the explainer
    number = max(int(f.split("-")[0]) for f in chapter_files) + 1
    for copy in range(copies):
        for name in originals:
            with open(os.path.join(chapters, name), encoding="utf-8") as f:
                text = f.read()
            # Each copy of the book gets labels of its own (a label may be defined once in a book).
            text = re.sub(r"(\{#|@|label=)(sec|eq|fig|tbl)-([A-Za-z0-9_-]*[A-Za-z0-9])", rf"\1\2-\3-copy{copy + 1}", text)
            with open(os.path.join(chapters, f"{number:03d}-{name.split('-', 1)[1]}"), "w", encoding="utf-8") as f:
                f.write(text)
            number += 1
    return len([f for f in os.listdir(chapters) if f.endswith(".md")])

def build(convbook, folder, modules=None):
    start = time.monotonic()
    subprocess.run([convbook, "build"] + (["--modules", modules] if modules else []), cwd=folder, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - start

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("convbook")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--baseline", help="another convbook to time against, alternating in the same run")
    parser.add_argument("--modules", help="the engine and runtime modules chapters link (default: beside each convbook)")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tools = {"convbook": os.path.abspath(args.convbook)}
    if args.baseline:
        tools["baseline"] = os.path.abspath(args.baseline)
    modules = os.path.abspath(args.modules) if args.modules else None
    work = tempfile.mkdtemp(prefix="convbook-scale-")
    try:
        books = {}
        for tool, convbook in tools.items():
            for name, copies in [("small", 0), ("large", 7)]:
                folder = os.path.join(work, tool, name)
                count = make_book(root, folder, copies)
                build(convbook, folder, modules)   # cold: compiles every chapter
                build(convbook, folder, modules)   # warm
                books[(tool, name)] = (folder, count)
        times = {(tool, name, kind): [] for (tool, name) in books for kind in ["no change", "prose edit"]}
        for rep in range(args.reps):
            for (tool, name), (folder, _) in books.items():
                times[(tool, name, "no change")].append(build(tools[tool], folder, modules))
                path = os.path.join(folder, "chapters", "05-depth.md")
                with open(path, "a") as f:
                    f.write(f"\nA sentence added for timing, number {rep}.\n")
                times[(tool, name, "prose edit")].append(build(tools[tool], folder, modules))
        for kind in ["no change", "prose edit"]:
            for tool in tools:
                small = statistics.median(times[(tool, "small", kind)])
                large = statistics.median(times[(tool, "large", kind)])
                line = (f"{tool:9s} {kind:10s}  {books[(tool, 'small')][1]} chapters {small:.3f} s   "
                        f"{books[(tool, 'large')][1]} chapters {large:.3f} s   ratio {large / small:.2f}x")
                if tool != "baseline" and "baseline" in tools:
                    base_small = statistics.median(times[("baseline", "small", kind)])
                    base_large = statistics.median(times[("baseline", "large", kind)])
                    line += f"   against the baseline {small / base_small:.2f}x / {large / base_large:.2f}x"
                print(line)
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
