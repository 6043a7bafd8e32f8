// The dark palette is written twice in style.css: under prefers-color-scheme
// (the system's choice) and under [data-theme="dark"] (the reader's, from the
// theme button). CSS cannot share one block between a media query and a
// selector, so this test keeps the two copies the same.
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const path = require("node:path");

const css = fs.readFileSync(path.join(__dirname, "..", "..", "Sources", "Convbook", "Theme", "style.css"), "utf8");

function palette(selector) {
  const start = css.indexOf(selector + " {");
  assert.ok(start >= 0, `style.css has no block ${selector}`);
  const block = css.slice(start, css.indexOf("}", start));
  return Object.fromEntries(Array.from(block.matchAll(/(--[\w-]+):\s*([^;]+);/g), (m) => [m[1], m[2].trim()]));
}

test("the system's dark palette and the chosen dark palette are the same", () => {
  const system = palette(':root:not(.cb-print):not([data-theme="light"])');
  const chosen = palette(':root[data-theme="dark"]:not(.cb-print)');
  assert.ok(Object.keys(system).length > 10, "the dark palette was not found");
  assert.deepStrictEqual(chosen, system);
});
