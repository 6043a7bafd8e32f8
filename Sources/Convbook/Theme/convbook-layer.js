// convbook-layer.js: the parameter explorer's layer settings and the output
// size they give, with its formula as the explorer writes it (Convbook.layer).
// Pure logic with no DOM; the output size itself is convkernel.js's
// (ConvKernel.outputSize, loaded first). Node loads these same bytes, after
// convkernel.js, for the unit tests (Tests/js/).
"use strict";

(function (root) {
  // The sliders, in order: each setting's key and what it counts.
  const PARAMS = [
    ["H", "rows of x"], ["W", "columns of x"], ["C", "channels of x"],
    ["HH", "kernel rows"], ["WW", "kernel columns"], ["F", "filters"],
    ["sh", "stride down"], ["sw", "stride across"], ["ph", "padding rows"],
    ["pw", "padding columns"], ["dh", "dilation down"], ["dw", "dilation across"],
  ];

  // The settings as convkernel.js's layer parameters.
  function layerParameters(S) {
    return { stride: [S.sh, S.sw], padding: [S.ph, S.pw], dilation: [S.dh, S.dw], groups: 1 };
  }

  // "H=5 W=5 C=1 …": the settings in a message.
  function settingsText(S) {
    return PARAMS.map(([key]) => key + "=" + S[key]).join(" ");
  }

  // Why these settings give no layer ({key, text}), or "" when they do.
  function invalidReason(S) {
    for (const [key] of PARAMS) {
      const least = key === "ph" || key === "pw" ? 0 : 1;
      if (!Number.isInteger(S[key]) || S[key] < least) {
        return { key, text: `${key} = ${S[key]} makes no layer: ${key} must be a whole number of at least ${least}.` };
      }
    }
    for (const [axis, n, k, s, p, d] of [["H", S.H, S.HH, S.sh, S.ph, S.dh], ["W", S.W, S.WW, S.sw, S.pw, S.dw]]) {
      const out = root.ConvKernel.outputSize(n, k, s, p, d);
      if (out < 1) {
        const rows = axis === "H" ? "rows" : "columns";
        return { key: axis, text: `No output: ${sizeFormula(axis, n, k, s, p, d, out)} < 1. ` +
          `x_pad has ${axis} + 2p = ${n + 2 * p} ${rows} but the dilated kernel spans d(${axis}${axis} − 1) + 1 = ` +
          `${d * (k - 1) + 1}, so not even one window fits. Enlarge x or the padding, or shrink the kernel or its dilation.` };
      }
    }
    return "";
  }

  // "H' = ⌊(H + 2p − d(HH − 1) − 1)/s⌋ + 1 = ⌊(5 + 2·1 − 1·(3 − 1) − 1)/2⌋ + 1 = 3"
  function sizeFormula(axis, n, k, s, p, d, out) {
    const num = (v) => (v < 0 ? "−" + -v : String(v));
    return `${axis}' = ⌊(${axis} + 2p − d(${axis}${axis} − 1) − 1)/s⌋ + 1 = ` +
      `⌊(${n} + 2·${p} − ${d}·(${k} − 1) − 1)/${s}⌋ + 1 = ${num(out)}`;
  }

  // "H = s(H' − 1) + d(HH − 1) + 1 − 2p + a = 2·(3 − 1) + 1·(3 − 1) + 1 − 2·1 + 0 = 5, with a = 0"
  function transposedFormula(axis, n, k, s, p, d, out, a) {
    return `${axis} = s(${axis}' − 1) + d(${axis}${axis} − 1) + 1 − 2p + a = ` +
      `${s}·(${out} − 1) + ${d}·(${k} − 1) + 1 − 2·${p} + ${a} = ${n}, with a = ${a}`;
  }

  const layer = { PARAMS, layerParameters, settingsText, invalidReason, sizeFormula, transposedFormula };
  (root.Convbook = root.Convbook || {}).layer = layer;
  if (typeof module === "object" && module.exports) module.exports = layer;
})(globalThis);
