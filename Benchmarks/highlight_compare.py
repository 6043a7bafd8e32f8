#!/usr/bin/env python3
"""How alike two sites' Swift highlighting is, for BENCHMARKS.md.

Reads every `<code class="language-swift">` block of two copies of a page
(the same code, highlighted two ways), and counts, over the non-space
characters, how many carry the same `hl-*` class (operators and
interpolations count as plain, since style.css colours neither). Then lists
the commonest differences, by class and by word.

    git show e0e7f21:site/book.html > /tmp/swift-syntax.html   # the last swift-syntax build
    python3 Benchmarks/highlight_compare.py /tmp/swift-syntax.html site/book.html
"""
import re, sys
from collections import Counter
from html.parser import HTMLParser

class Blocks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks, self.stack, self.inside = [], [], False
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "code" and attrs.get("class") == "language-swift":
            self.inside, self.stack = True, []
            self.blocks.append([])
        elif self.inside and tag == "span":
            self.stack.append((attrs.get("class") or "").replace("hl-", ""))
    def handle_endtag(self, tag):
        if self.inside and tag == "span":
            self.stack.pop()
        elif self.inside and tag == "code":
            self.inside = False
    def handle_data(self, data):
        if self.inside:
            kind = ""
            for c in self.stack:   # the innermost span decides
                kind = "" if c in ("interpolation", "operator") else c
            self.blocks[-1].extend((ch, kind) for ch in data)

def blocks(path):
    parser = Blocks()
    with open(path, encoding="utf-8") as f:
        parser.feed(f.read())
    return parser.blocks

def main():
    old, new = blocks(sys.argv[1]), blocks(sys.argv[2])
    if len(old) != len(new):
        sys.exit(f"the pages have {len(old)} and {len(new)} Swift blocks: not the same code")
    pairs, same, words = Counter(), 0, Counter()
    total = 0
    for a, b in zip(old, new):
        text = "".join(ch for ch, _ in a)
        if text != "".join(ch for ch, _ in b):
            sys.exit("a block's code differs between the pages")
        for (ch, x), (_, y) in zip(a, b):
            if ch.isspace():
                continue
            total += 1
            same += x == y
            pairs[(x or "plain", y or "plain")] += 1
        for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*", text):
            x, y = a[m.start()][1] or "plain", b[m.start()][1] or "plain"
            if x != y:
                words[(m.group(), x, y)] += 1
    print(f"{len(old)} blocks, {total} non-space characters, {100 * same / total:.2f}% classified alike")
    for (x, y), n in pairs.most_common():
        if x != y:
            print(f"  {x:>10} -> {y:<10} {n} characters")
    print("commonest words classified otherwise:")
    for (word, x, y), n in words.most_common(15):
        print(f"  {word}: {x} -> {y} ({n}x)")

if __name__ == "__main__":
    main()
