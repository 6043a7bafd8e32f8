// Unit tests of convbook-provenance.js's pure part: finding an explorer's
// tensors in the ledger, the popover's lines, and the honest split of a page's
// values between this browser and the build.
//
//   node --test Tests/js/
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { explorerIndex, sourceLinks, describe, tally, summaryText } =
  require("../../Sources/Convbook/Theme/convbook-provenance.js");

// A page's slice of the ledger as ProvenanceData.swift writes it: a tensor checked by its block's
// agreement, the check itself, an explorer (x, w inputs; y re-derived), an inline value.
const page = {
  file: "chapters/03-two-dimensions.md", code: "code/03-two-dimensions.swift",
  values: [
    { k: "tensor", l: "y", s: 66, c: 1, d: 37, b: 3, t: "exact", n: 4, g: [1] },
    { k: "agreement", l: "loop vs convForward", s: 67, c: 1, d: 38, b: 3, t: "error measure ≤ 1.000e-12, within 10×", n: 1, ok: true, e: "0.000e+00" },
    { k: "explorer", l: "ex x", p: "x", s: 80, c: 1, d: 50, b: 4, t: "exact", n: 9 },
    { k: "explorer", l: "ex w", p: "w", s: 80, c: 1, d: 50, b: 4, t: "exact", n: 4 },
    { k: "explorer", l: "ex y", p: "y", s: 80, c: 1, d: 50, b: 4, t: "exact", n: 4, r: true },
    { k: "explorer", l: "other x", p: "x", s: 90, c: 1, d: 60, b: 5, t: "exact", n: 1 },
    { k: "integer", s: 100, c: 12, d: 70, t: "exact", n: 1 },
  ],
};

test("an explorer's tensors are found by name from its first entry, and not in the next explorer", () => {
  assert.equal(explorerIndex(page.values, 2, "x"), 2);
  assert.equal(explorerIndex(page.values, 2, "y"), 4);
  assert.equal(explorerIndex(page.values, 2, "dx"), -1);
  assert.equal(explorerIndex(page.values, 5, "x"), 5);
  assert.equal(explorerIndex(page.values, 0, "x"), -1, "a tensor entry names no explorer tensor");
});

test("the source link goes to the repository's line when there is one, else to the block on the page", () => {
  const local = sourceLinks(page, page.values[0], "#cell-3");
  assert.deepEqual(local.chapter, { text: "chapters/03-two-dimensions.md:66", href: "#cell-3" });
  assert.deepEqual(local.download, { text: "line 37 of 03-two-dimensions.swift", href: "code/03-two-dimensions.swift" });
  const withRepository = Object.assign({}, page, { repo: "https://example.org/book/blob/HEAD/chapters/03-two-dimensions.md" });
  assert.equal(sourceLinks(withRepository, page.values[0], "#cell-3").chapter.href,
    "https://example.org/book/blob/HEAD/chapters/03-two-dimensions.md#L66");
  assert.equal(sourceLinks(page, page.values[6], null).chapter.href, null);
});

test("a tensor cell's popover names its entry, its class, the check that guards it, and that the build verified it", () => {
  const lines = describe(page, 0, 2, "-2", undefined, "#cell-3");
  const byLabel = Object.fromEntries(lines.map((line) => [line.label, line]));
  assert.equal(byLabel.Value.text, "-2 (tensor “y”, entry 3 of 4)");
  assert.equal(byLabel["Computed at"].text, "chapters/03-two-dimensions.md:66");
  assert.equal(byLabel["Value class"].text, "exact");
  assert.match(byLabel["Checked by"].text, /agreement “loop vs convForward”: measured 0\.000e\+00 ✓/);
  assert.match(byLabel["Re-derived in this browser"].text, /^no: verified when the page was built/);
});

test("an inline tensor (in prose or math) is the whole entry, not its first number", () => {
  const tensor = { k: "tensor", s: 134, c: 18, d: 12, t: "exact", n: 4, x: "[[1, -1], [2, 0]]" };
  const inline = Object.assign({}, page, { values: [tensor] });
  const whole = Object.fromEntries(describe(inline, 0, 0, tensor.x, undefined, null, true).map((line) => [line.label, line.text]));
  assert.equal(whole.Value, "[[1, -1], [2, 0]] (tensor, all 4 entries)");
  const cell = Object.fromEntries(describe(inline, 0, 0, "1", undefined, null, false).map((line) => [line.label, line.text]));
  assert.equal(cell.Value, "1 (tensor, entry 1 of 4)");
  const scalar = Object.fromEntries(describe(page, 6, 0, "2", undefined, null, true).map((line) => [line.label, line.text]));
  assert.equal(scalar.Value, "2 (inline value)");
});

test("a check row shows its measured error and verdict; a re-derived value shows the browser's verdict", () => {
  const check = Object.fromEntries(describe(page, 1, 0, "0.000e+00").map((line) => [line.label, line.text]));
  assert.equal(check.Check, "measured 0.000e+00, passed ✓ when the page was built");
  const before = Object.fromEntries(describe(page, 4, 1, "5", undefined).map((line) => [line.label, line.text]));
  assert.match(before["Re-derived in this browser"], /^not yet/);
  const bad = Object.fromEntries(describe(page, 4, 1, "5", false).map((line) => [line.label, line.text]));
  assert.equal(bad["Re-derived in this browser"], "yes, and it disagrees ✗");
  assert.equal(describe(page, 99, 0, "?"), null);
});

test("the split adds up to the ledger's count, and a value never judged counts as ✗", () => {
  const total = page.values.reduce((sum, value) => sum + value.n, 0);
  const none = tally(page, () => undefined);
  assert.deepEqual(none, { total, browser: 4, ok: 0, bad: 4, built: total - 4 });
  const all = tally(page, (j) => (j === 4 ? true : undefined));
  assert.deepEqual(all, { total, browser: 4, ok: 4, bad: 0, built: total - 4 });
  const one = tally(page, (j, k) => (j === 4 ? k !== 2 : true));
  assert.equal(one.ok + one.bad + one.built, total);
  assert.equal(one.bad, 1);
  assert.equal(summaryText(all), `4 values re-derived in your browser, all ✓; ${total - 4} more verified when the page was built (the ledger): ${total} in all.`);
  assert.match(summaryText(one), /^4 values re-derived in your browser: 3 ✓, 1 ✗;/);
});
