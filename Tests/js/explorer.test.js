// The receptive-field explorer's written-out sums (Convbook.explorer.sumText):
// names from the engine's lists of source cells, numbers as the page shows
// them (negative factors in parentheses), y's bias first, and the message for
// a cell no window reaches. When the sums moved here from the generator, the
// texts of all 516 explorer cells of the site were compared with the
// generator's, byte for byte, and agreed.
//
//   node --test Tests/js/
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const theme = path.join(__dirname, "..", "..", "Sources", "Convbook", "Theme");
const context = vm.createContext({});
for (const file of ["convbook-numbers.js", "convbook-explorer.js"]) {
  vm.runInContext(fs.readFileSync(path.join(theme, file), "utf8"), context, { filename: file });
}
const sumText = vm.runInContext("Convbook.explorer.sumText", context);

// One row of three pixels, a filter of two taps, a bias: y has two cells.
const tensors = {
  x: { shape: [1, 1, 1, 3], data: [1, -2, 0.5] },
  w: { shape: [1, 1, 1, 2], data: [3, -0.25] },
  b: { shape: [1], data: [2.0625] },
  y: { shape: [1, 1, 1, 2], data: [9.5625, -4.0625] },
  dy: { shape: [1, 1, 1, 2], data: [1, 1] },
  dx: { shape: [1, 1, 1, 3], data: [3, 2.75, -0.25] },
};

test("y: the bias, then each product, in names and in the page's numbers, then the value", () => {
  const view = { target: "y", sources: ["x", "w"] };
  assert.equal(sumText(view, 1, { a: [1, 2], b: [0, 1] }, tensors),
    "y[0,0,0,1] = b[0] + x[0,0,0,1]·w[0,0,0,0] + x[0,0,0,2]·w[0,0,0,1]\n" +
    "  = 2.062 + (-2)·3 + 0.5·(-0.25)\n" +
    "  = -4.062");
});

test("a gradient has no bias term, even when the example has a bias", () => {
  const view = { target: "dx", sources: ["dy", "w"] };
  assert.equal(sumText(view, 1, { a: [0, 1], b: [1, 0] }, tensors),
    "dx[0,0,0,1] = dy[0,0,0,0]·w[0,0,0,1] + dy[0,0,0,1]·w[0,0,0,0]\n  = 1·(-0.25) + 1·3\n  = 2.75");
});

test("a cell no window reaches says so", () => {
  const view = { target: "dx", sources: ["dy", "w"] };
  assert.equal(sumText(view, 2, { a: [], b: [] }, tensors),
    "dx[0,0,0,2] = 0: no window reaches this cell, so nothing flows into it");
});

test("indices unflatten row-major over every axis", () => {
  const big = { x: { shape: [2, 3, 4, 5], data: new Array(120).fill(1) }, w: { shape: [1], data: [1] },
    y: { shape: [2, 3, 4, 5], data: new Array(120).fill(1) } };
  // No bias in this example, so y's sum is the product alone.
  assert.equal(sumText({ target: "y", sources: ["x", "w"] }, 119, { a: [118], b: [0] }, big),
    "y[1,2,3,4] = x[1,2,3,3]·w[0]\n  = 1·1\n  = 1");
});
