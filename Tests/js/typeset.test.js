// typeset.js, the build's node driver, run as `convbook build` runs it (a
// request on standard input, Debian's KaTeX): KaTeX trusts inject's
// \htmlData{v=N} marks on the values it put in a formula, as many as the
// request says and no more, each with `v` alone; every other \htmlData, \href
// and the like is refused; the MathML annotation holds the TeX without marks.
//
//   node --test Tests/js/
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const script = path.join(__dirname, "..", "..", "Sources", "Convbook", "Theme", "typeset.js");

function typeset(math) {
  const env = Object.assign({}, process.env, { NODE_PATH: [process.env.NODE_PATH, "/usr/share/nodejs"].filter(Boolean).join(":") });
  const out = execFileSync(process.execPath, [script], { input: JSON.stringify({ math, code: [] }), env });
  return JSON.parse(out).math;
}

const marks = (html) => Array.from(html.matchAll(/<span class="[^"]*" data-v="(\d+)">/g), (m) => m[1]);
const annotation = (html) => html.match(/<annotation encoding="application\/x-tex">([^<]*)<\/annotation>/)[1];

test("inject's marks become data-v spans; the annotation reads the values without them", () => {
  const [result] = typeset([{ tex: "x_{\\htmlData{v=4}{2}} = \\htmlData{v=5}{\\text{a\\{b}} + \\htmlData{v=6}{\\begin{bmatrix} 1 & 2 \\end{bmatrix}}", display: false, values: 3 }]);
  assert.ok(result.html, result.error);
  assert.deepEqual(marks(result.html), ["4", "5", "6"]);
  assert.equal(annotation(result.html), "x_{2} = \\text{a\\{b} + \\begin{bmatrix} 1 &amp; 2 \\end{bmatrix}");
});

test("an \\htmlData beyond the formula's marks is refused: an author's cannot add attributes", () => {
  const [none, extra, macro, other, withoutMarks] = typeset([
    { tex: "\\htmlData{v=1}{3}", display: false, values: 0 },
    { tex: "\\htmlData{v=1}{3} + \\htmlData{v=2}{4}", display: false, values: 1 },
    { tex: "\\def\\a{\\htmlData{v=1}{5}} \\a + \\a", display: false, values: 1 },
    { tex: "\\htmlData{v=1,id=x}{3}", display: false, values: 1 },
    { tex: "x^2", display: true, values: 0 },
  ]);
  for (const refused of [none, extra, macro, other]) {
    assert.equal(refused.html, undefined);
    assert.match(refused.error, /^refused \\htmlData: TeX may not add .* data to the page \(\\htmlData is convbook's/);
  }
  assert.ok(withoutMarks.html && !withoutMarks.html.includes("data-v"));
});

test("links, ids and classes stay refused in a formula with marks", () => {
  const [link, id] = typeset([
    { tex: "\\htmlData{v=1}{3} \\href{https://example.org}{x}", display: false, values: 1 },
    { tex: "\\htmlId{top}{\\htmlData{v=1}{3}}", display: false, values: 1 },
  ]);
  assert.match(link.error, /^refused \\href\{https:\/\/example\.org\}/);
  assert.match(id.error, /^refused \\htmlId/);
});
