// Unit tests of convbook-rank.js: the search's words, edit distance, BM25
// ranking with headings above text, typo tolerance, highlighting and snippets.
//
//   node --test Tests/js/
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const rank = require("../../Sources/Convbook/Theme/convbook-rank.js");

const filler = "the layer maps its input to an output and the loss follows from it ";
const entries = [
  { c: "The forward pass", s: "The forward pass", u: "01.html", x: "A softmax is mentioned once here. " + filler },
  { c: "The forward pass", s: "The plan", u: "01.html#plan", x: "Softmax appears at the end of the book. " + filler.repeat(2) },
  { c: "Bias and activation", s: "Checking", u: "04.html#check", x: "The chain ends in a softmax. " + filler.repeat(3) },
  { c: "A tiny CNN", s: "The network", u: "11.html#net", x: "softmax softmax: the softmax of the logits, softmax cross-entropy, softmax gradient. " + filler },
  { c: "Beyond", s: "Dilation: a filter with holes", u: "08.html#dilation", x: "A dilated filter skips inputs. " + filler },
  { c: "Beyond", s: "Summary", u: "08.html#summary", x: "Dilation dilation dilation, groups and transposed convolution. " + filler },
  { c: "The 1-D case", s: "dx: dy convolved with w", u: "02.html#dx", x: "dx is a full convolution of dy with w. " + filler },
  { c: "Depth", s: "Résumé", u: "05.html#resume", x: "Naïve loops over channels. " + filler },
  { c: "Stripes", s: "Stripe after stripe", u: "09.html#stripes", x: "stripe stripe stripe stripe stripe" },
  { c: "Stride", s: "Long", u: "07.html#long", x: filler.repeat(6) + " with a stride once." },
];
const index = rank.build(entries);
const links = (query) => rank.search(index, query).map((hit) => hit.entry.u);

test("words are letters and digits, lower case, without accents, with their place", () => {
  assert.deepEqual(rank.words("Naïve conv2d, x_{i+1} — dx!"), ["naive", "conv2d", "x", "i", "1", "dx"]);
  assert.deepEqual(rank.tokens("a Bc").map((t) => [t.word, t.start, t.end]), [["a", 0, 1], ["bc", 2, 4]]);
});

test("edit distance counts insertions, deletions, substitutions and swaps of neighbours", () => {
  assert.equal(rank.editDistance("convolution", "convolution", 2), 0);
  assert.equal(rank.editDistance("convolutoin", "convolution", 2), 1);   // a swap
  assert.equal(rank.editDistance("softmx", "softmax", 2), 1);
  assert.equal(rank.editDistance("sftmx", "softmax", 2), 2);
  assert.equal(rank.editDistance("kitten", "sitting", 5), 3);
  assert.equal(rank.editDistance("abc", "abcdef", 1), 2, "past the limit it says limit + 1");
});

test("a word may be one edit off from 5 letters, two from 8, none below 5", () => {
  assert.equal(rank.allowedEdits("bias"), 0);
  assert.equal(rank.allowedEdits("stride"), 1);
  assert.equal(rank.allowedEdits("convolution"), 2);
  assert.deepEqual(links("bais"), []);
});

test("a section that uses a word often ranks above ones that mention it once", () => {
  assert.equal(links("softmax")[0], "11.html#net");
  assert.equal(links("softmax").length, 4);
});

test("a word in a section's heading ranks that section first, above a section that repeats it", () => {
  assert.equal(links("dilation")[0], "08.html#dilation");
  assert.deepEqual(links("dilation"), ["08.html#dilation", "08.html#summary"]);
});

test("a word with a typo finds the word", () => {
  assert.deepEqual(new Set(links("convolutoin")), new Set(["08.html#summary", "02.html#dx"]));
  assert.equal(links("sotfmax")[0], "11.html#net");
  assert.equal(links("dialtion")[0], "08.html#dilation");
});

test("exact and prefix matches rank above fuzzy ones", () => {
  // "convolved" is an exact match in 02's heading; "convolve" is a prefix of it, one edit from nothing else.
  const hits = rank.search(index, "convolve");
  assert.equal(hits[0].entry.u, "02.html#dx");
  assert.ok(hits[0].close === 1);
  // "filter" is exact in 08#dilation; "filler" (one edit) is in every section, yet ranks below.
  const filter = rank.search(index, "filter");
  assert.equal(filter[0].entry.u, "08.html#dilation");
  assert.ok(filter.slice(1).every((hit) => hit.close === 0));
  // "stripe", one edit from "stride", fills a short section and its heading;
  // the long section that says "stride" once still ranks first.
  const stride = rank.search(index, "stride");
  assert.deepEqual(stride.map((hit) => hit.entry.u), ["07.html#long", "09.html#stripes"]);
  assert.ok(stride[1].score > stride[0].score, "the fuzzy match scores higher and still ranks below");
});

test("a prefix finds the words it begins", () => {
  assert.equal(links("softm")[0], "11.html#net");
  assert.ok(rank.search(index, "dil")[0].terms.includes("dilation"));
});

test("sections with every query word rank above sections with some", () => {
  assert.deepEqual(links("dilation groups"), ["08.html#summary", "08.html#dilation"]);
});

test("accents do not matter", () => {
  assert.deepEqual(links("resume"), ["05.html#resume"]);
  assert.deepEqual(links("naive"), ["05.html#resume"]);
});

test("highlight marks the matched words, and keeps the text as it is", () => {
  const pieces = rank.highlight("Softmax, then softmaxes.", ["softmax"]);
  assert.deepEqual(pieces, [{ text: "Softmax", mark: true }, { text: ", then softmaxes.", mark: false }]);
  assert.equal(pieces.map((p) => p.text).join(""), "Softmax, then softmaxes.");
});

test("a snippet is cut around the matches, at spaces, with ellipses", () => {
  const text = "word ".repeat(60) + "the softmax here " + "tail ".repeat(60);
  const pieces = rank.snippet(text, ["softmax"], 80);
  const shown = pieces.map((p) => p.text).join("");
  assert.ok(shown.startsWith("… ") && shown.endsWith(" …"), shown);
  assert.ok(shown.length <= 80 + 4, shown);
  assert.ok(pieces.some((p) => p.mark && p.text === "softmax"));
  assert.ok(!/\bwor$|^ail/.test(shown.slice(2, -2)), "cut inside a word: " + shown);
  assert.equal(rank.snippet("short text", ["short"]).map((p) => p.text).join(""), "short text");
  // The window goes where the most different words are together.
  const spread = "alpha once " + "word ".repeat(60) + "alpha beta gamma " + "tail ".repeat(60);
  const marked = rank.snippet(spread, ["alpha", "beta", "gamma"], 80).filter((p) => p.mark).map((p) => p.text);
  assert.deepEqual(marked, ["alpha", "beta", "gamma"]);
});

test("an empty query finds nothing; results are at most the limit asked", () => {
  assert.deepEqual(rank.search(index, "  "), []);
  assert.equal(rank.search(index, "the", 3).length, 3);
});
