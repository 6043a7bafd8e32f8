#!/usr/bin/env python3
"""Rebuild cost against book size, for BENCHMARKS.md.

Builds this book (14 chapters) and a 98-chapter book (the 14 chapters plus
seven more copies of the first twelve, numbered on), warms both caches, then
times, alternating between the two books in one run:
  - a rebuild with nothing changed;
  - a prose edit in one chapter (a sentence appended) and the rebuild.

    python3 Benchmarks/scale_bench.py .build/release/convbook --reps 5
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

def build(convbook, folder):
    start = time.monotonic()
    subprocess.run([convbook, "build"], cwd=folder, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - start

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("convbook")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    convbook = os.path.abspath(args.convbook)
    work = tempfile.mkdtemp(prefix="convbook-scale-")
    try:
        books = {}
        for name, copies in [("small", 0), ("large", 7)]:
            folder = os.path.join(work, name)
            count = make_book(root, folder, copies)
            build(convbook, folder)   # cold: compiles every chapter
            build(convbook, folder)   # warm
            books[name] = (folder, count)
        times = {(name, kind): [] for name in books for kind in ["no change", "prose edit"]}
        for rep in range(args.reps):
            for name, (folder, _) in books.items():
                times[(name, "no change")].append(build(convbook, folder))
                path = os.path.join(folder, "chapters", "05-depth.md")
                with open(path, "a") as f:
                    f.write(f"\nA sentence added for timing, number {rep}.\n")
                times[(name, "prose edit")].append(build(convbook, folder))
        for kind in ["no change", "prose edit"]:
            small = statistics.median(times[("small", kind)])
            large = statistics.median(times[("large", kind)])
            print(f"{kind:10s}  {books['small'][1]} chapters {small:.3f} s   {books['large'][1]} chapters {large:.3f} s   ratio {large / small:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
