// Unit tests of convbook-layer.js: the output size per axis (convkernel.js's
// outputSize, which the explorer uses) and the texts the parameter explorer
// shows for it: the size formula, the transposed formula, why a layer is invalid.
//
//   node --test Tests/js/
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const K = require("../../Sources/Convbook/Theme/convkernel.js");
const { PARAMS, layerParameters, settingsText, invalidReason, sizeFormula, transposedFormula } =
  require("../../Sources/Convbook/Theme/convbook-layer.js");

// The explorer's start in chapter 07: 5 × 5, a 3 × 3 kernel, stride 2, padding 1.
const start = { H: 5, W: 5, C: 1, HH: 3, WW: 3, F: 1, sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1 };

test("the output size per axis is floor((n + 2p - d(k - 1) - 1)/s) + 1", () => {
  // [n, k, s, p, d, out]
  const cases = [
    [5, 3, 1, 0, 1, 3], [5, 3, 2, 1, 1, 3], [5, 3, 1, 1, 1, 5], [7, 3, 2, 0, 2, 2],
    [32, 3, 1, 1, 1, 32], [32, 5, 2, 2, 1, 16], [6, 2, 2, 0, 1, 3], [7, 2, 2, 0, 1, 3],
    [3, 3, 5, 0, 1, 1], [4, 5, 1, 0, 1, 0], [1, 5, 1, 0, 3, -11], [1, 1, 1, 0, 1, 1],
  ];
  for (const [n, k, s, p, d, out] of cases) {
    assert.equal(K.outputSize(n, k, s, p, d), out, `n=${n} k=${k} s=${s} p=${p} d=${d}`);
  }
  // The explorer's two axes, each from its own settings.
  const wide = Object.assign({}, start, { W: 9, WW: 2, sw: 3, pw: 0, dw: 2 });
  const geo = K.geometry(wide);
  assert.equal(geo.outHeight, K.outputSize(wide.H, wide.HH, wide.sh, wide.ph, wide.dh));
  assert.equal(geo.outWidth, K.outputSize(wide.W, wide.WW, wide.sw, wide.pw, wide.dw));
  assert.deepEqual([geo.outHeight, geo.outWidth], [3, 3]);
});

test("the size formula as the explorer shows it", () => {
  assert.equal(sizeFormula("H", 5, 3, 2, 1, 1, 3),
    "H' = ⌊(H + 2p − d(HH − 1) − 1)/s⌋ + 1 = ⌊(5 + 2·1 − 1·(3 − 1) − 1)/2⌋ + 1 = 3");
  assert.equal(sizeFormula("W", 9, 2, 3, 0, 2, 3),
    "W' = ⌊(W + 2p − d(WW − 1) − 1)/s⌋ + 1 = ⌊(9 + 2·0 − 2·(2 − 1) − 1)/3⌋ + 1 = 3");
  // A negative size is written with a minus sign, as the formula's other minus signs.
  assert.equal(sizeFormula("H", 1, 5, 1, 0, 3, -11),
    "H' = ⌊(H + 2p − d(HH − 1) − 1)/s⌋ + 1 = ⌊(1 + 2·0 − 3·(5 − 1) − 1)/1⌋ + 1 = −11");
});

test("the transposed formula as the explorer shows it", () => {
  assert.equal(transposedFormula("H", 5, 3, 2, 1, 1, 3, 0),
    "H = s(H' − 1) + d(HH − 1) + 1 − 2p + a = 2·(3 − 1) + 1·(3 − 1) + 1 − 2·1 + 0 = 5, with a = 0");
  assert.equal(transposedFormula("W", 6, 3, 2, 1, 1, 3, 1),
    "W = s(W' − 1) + d(WW − 1) + 1 − 2p + a = 2·(3 − 1) + 1·(3 − 1) + 1 − 2·1 + 1 = 6, with a = 1");
});

test("what the formulas say holds for every small layer", () => {
  for (let n = 1; n <= 9; n++) {
    for (let k = 1; k <= 4; k++) {
      for (let s = 1; s <= 3; s++) {
        for (let p = 0; p <= 2; p++) {
          for (let d = 1; d <= 3; d++) {
            const out = K.outputSize(n, k, s, p, d);
            const S = Object.assign({}, start, { H: n, HH: k, sh: s, ph: p, dh: d });
            const reason = invalidReason(S);
            const where = `n=${n} k=${k} s=${s} p=${p} d=${d}`;
            // The formula's numbers, evaluated, give the size it states.
            const text = sizeFormula("H", n, k, s, p, d, out);
            const [, a, b, c, e, f, g] = /⌊\((\d+) \+ 2·(\d+) − (\d+)·\((\d+) − 1\) − 1\)\/(\d+)⌋ \+ 1 = (−?\d+)$/.exec(text);
            const stated = Number(g.replace("−", "-"));
            assert.equal(Math.floor((+a + 2 * b - c * (e - 1) - 1) / f) + 1, stated, where);
            assert.equal(stated, out, where);
            if (out < 1) {
              assert.equal(reason.key, "H", where);
              assert.ok(reason.text.startsWith("No output: " + text + " < 1. "), where);
              continue;
            }
            assert.equal(reason, "", where);
            // Going back: s(H' − 1) + d(HH − 1) + 1 − 2p + a = H with the geometry's a.
            const geo = K.geometry(S);
            assert.equal(geo.outHeight, out, where);
            assert.ok(geo.aH >= 0 && geo.aH < s, where);
            assert.equal(s * (out - 1) + d * (k - 1) + 1 - 2 * p + geo.aH, n, where);
            assert.ok(transposedFormula("H", n, k, s, p, d, out, geo.aH).endsWith(` = ${n}, with a = ${geo.aH}`), where);
          }
        }
      }
    }
  }
});

test("invalidReason says which setting gives no layer, and why", () => {
  assert.equal(invalidReason(start), "");
  assert.deepEqual(invalidReason(Object.assign({}, start, { H: 1, ph: 0, HH: 5, dh: 3 })), {
    key: "H",
    text: "No output: H' = ⌊(H + 2p − d(HH − 1) − 1)/s⌋ + 1 = ⌊(1 + 2·0 − 3·(5 − 1) − 1)/2⌋ + 1 = −5 < 1. " +
      "x_pad has H + 2p = 1 rows but the dilated kernel spans d(HH − 1) + 1 = 13, so not even one window fits. " +
      "Enlarge x or the padding, or shrink the kernel or its dilation.",
  });
  const narrow = invalidReason(Object.assign({}, start, { W: 2, pw: 0, WW: 3 }));
  assert.equal(narrow.key, "W");
  assert.ok(narrow.text.includes("x_pad has W + 2p = 2 columns but the dilated kernel spans d(WW − 1) + 1 = 3"), narrow.text);
  assert.deepEqual(invalidReason(Object.assign({}, start, { ph: -1 })),
    { key: "ph", text: "ph = -1 makes no layer: ph must be a whole number of at least 0." });
  assert.deepEqual(invalidReason(Object.assign({}, start, { sh: 1.5 })),
    { key: "sh", text: "sh = 1.5 makes no layer: sh must be a whole number of at least 1." });
  assert.equal(invalidReason(Object.assign({}, start, { F: undefined })).key, "F");
  // H is judged before W when both fail.
  assert.equal(invalidReason(Object.assign({}, start, { H: 1, W: 1, ph: 0, pw: 0 })).key, "H");
});

test("the settings: twelve sliders, their text and convkernel.js's parameters", () => {
  assert.deepEqual(PARAMS.map(([key]) => key), ["H", "W", "C", "HH", "WW", "F", "sh", "sw", "ph", "pw", "dh", "dw"]);
  assert.equal(settingsText(start), "H=5 W=5 C=1 HH=3 WW=3 F=1 sh=2 sw=2 ph=1 pw=1 dh=1 dw=1");
  assert.deepEqual(layerParameters(start), { stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 1 });
});
