// convkernel.js: an independent convolution kernel, written as the reference
// loops of a textbook (CS231n notation). It shares no code with the book's
// Swift engine. The page uses it to recompute the examples in your browser;
// the build runs these same bytes in node (kernel-check.js) against every
// number the Swift engine publishes.
//
//   x [N,C,H,W]   w [F,C/groups,HH,WW]   b [F]   y, dy [N,F,H',W']
//   H' = floor((H + 2ph - dh(HH - 1) - 1) / sh) + 1, the same for W'.
// x_pad is never built: a tap that falls into the padding is skipped.
"use strict";

(function () {
  // Output length along one axis (<= 0 means no window fits).
  function outputSize(n, k, s, p, d) {
    return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
  }

  // {"shape":[...], "data":[...]} from JSON ("nan", "inf", "-inf" allowed).
  function tensor(json) {
    if (json === null || typeof json !== "object" || !Array.isArray(json.shape)) {
      throw new Error("a tensor needs a shape");
    }
    const shape = json.shape.map(Number);
    if (!shape.every((k) => Number.isInteger(k) && k >= 0)) throw new Error("bad shape [" + shape + "]");
    const size = shape.reduce((p, k) => p * k, 1);
    const raw = json.data instanceof Float64Array ? json.data : Array.from(json.data || []);
    if (raw.length !== size) throw new Error("shape [" + shape + "] needs " + size + " values, got " + raw.length);
    const data = new Float64Array(size);
    const words = new Map([["nan", NaN], ["inf", Infinity], ["-inf", -Infinity]]);
    for (let k = 0; k < size; k++) {
      const v = raw[k];
      if (typeof v === "number") data[k] = v;
      else if (words.has(v)) data[k] = words.get(v);
      else throw new Error("not a number: " + JSON.stringify(v));
    }
    return { shape, data };
  }

  function zeros(shape) {
    return { shape, data: new Float64Array(shape.reduce((p, k) => p * k, 1)) };
  }

  // The layer's sizes, checked; P = {stride, padding, dilation, groups}.
  function layer(x, w, P) {
    const pair = (v, d) => (v === undefined ? [d, d] : Array.isArray(v) ? v : [v, v]);
    const [sh, sw] = pair(P.stride, 1), [ph, pw] = pair(P.padding, 0), [dh, dw] = pair(P.dilation, 1);
    const groups = P.groups === undefined ? 1 : P.groups;
    const [N, C, H, W] = x.shape, [F, Cg, HH, WW] = w.shape;
    const L = { N, C, H, W, F, Cg, HH, WW, sh, sw, ph, pw, dh, dw, groups };
    if (x.shape.length !== 4 || w.shape.length !== 4) throw new Error("x and w must have 4 axes");
    const whole = (v, least) => Number.isInteger(v) && v >= least;
    if (![sh, sw, dh, dw, groups].every((v) => whole(v, 1)) || !whole(ph, 0) || !whole(pw, 0)) {
      throw new Error("bad stride, padding, dilation or groups");
    }
    if (C % groups !== 0 || F % groups !== 0 || Cg !== C / groups) {
      throw new Error("C=" + C + ", F=" + F + ", groups=" + groups + " and w's " + Cg + " channels do not fit");
    }
    L.Fg = F / groups;
    L.Hout = outputSize(H, HH, sh, ph, dh);
    L.Wout = outputSize(W, WW, sw, pw, dw);
    if (L.Hout < 1 || L.Wout < 1) throw new Error("no output: the dilated kernel is larger than x_pad");
    return L;
  }

  // y[n,f,i,j] = b[f] + sum over c, a, bb of x_pad[n, c, i*sh + a*dh, j*sw + bb*dw] * w[f,c,a,bb]
  function forward(x, w, b, P) {
    const L = layer(x, w, P);
    const { N, C, H, W, F, Cg, HH, WW, sh, sw, ph, pw, dh, dw, Fg, Hout, Wout } = L;
    if (b && b.data.length !== F) throw new Error("b has " + b.data.length + " values for " + F + " filters");
    const y = zeros([N, F, Hout, Wout]);
    for (let n = 0; n < N; n++) {
      for (let f = 0; f < F; f++) {
        const g = Math.floor(f / Fg); // the group of filter f reads channels g*Cg ..< (g+1)*Cg
        for (let i = 0; i < Hout; i++) {
          for (let j = 0; j < Wout; j++) {
            let sum = b ? b.data[f] : 0;
            for (let c = 0; c < Cg; c++) {
              for (let a = 0; a < HH; a++) {
                for (let bb = 0; bb < WW; bb++) {
                  const r = i * sh - ph + a * dh, q = j * sw - pw + bb * dw; // position in x
                  if (r < 0 || r >= H || q < 0 || q >= W) continue;             // padding: zero
                  sum += x.data[((n * C + g * Cg + c) * H + r) * W + q] * w.data[((f * Cg + c) * HH + a) * WW + bb];
                }
              }
            }
            y.data[((n * F + f) * Hout + i) * Wout + j] = sum;
          }
        }
      }
    }
    return y;
  }

  // The same loops run backwards: each dy[n,f,i,j] stamps dy*w onto dx and
  // dy*x onto dw (only at positions inside the image), and adds to db[f].
  function backward(dy, x, w, P) {
    const L = layer(x, w, P);
    const { N, C, H, W, F, Cg, HH, WW, sh, sw, ph, pw, dh, dw, Fg, Hout, Wout } = L;
    const want = [N, F, Hout, Wout];
    if (dy.shape.length !== 4 || want.some((k, axis) => dy.shape[axis] !== k)) {
      throw new Error("dy has shape [" + dy.shape + "], the layer's output is [" + want + "]");
    }
    const dx = zeros(x.shape.slice()), dwt = zeros(w.shape.slice()), db = zeros([F]);
    for (let n = 0; n < N; n++) {
      for (let f = 0; f < F; f++) {
        const g = Math.floor(f / Fg);
        for (let i = 0; i < Hout; i++) {
          for (let j = 0; j < Wout; j++) {
            const d = dy.data[((n * F + f) * Hout + i) * Wout + j];
            db.data[f] += d;
            for (let c = 0; c < Cg; c++) {
              for (let a = 0; a < HH; a++) {
                for (let bb = 0; bb < WW; bb++) {
                  const r = i * sh - ph + a * dh, q = j * sw - pw + bb * dw;
                  if (r < 0 || r >= H || q < 0 || q >= W) continue;
                  const xk = ((n * C + g * Cg + c) * H + r) * W + q, wk = ((f * Cg + c) * HH + a) * WW + bb;
                  dx.data[xk] += d * w.data[wk];
                  dwt.data[wk] += d * x.data[xk];
                }
              }
            }
          }
        }
      }
    }
    return { dx, dw: dwt, db };
  }

  // Largest difference relative to the largest recomputed value. Anything
  // non-finite, or a shape mismatch, is error = Infinity: never a pass.
  function compare(published, recomputed) {
    const p = published.shape, r = recomputed.shape;
    const sameShape = p.length === r.length && p.every((k, axis) => k === r[axis]);
    if (!sameShape || published.data.length !== recomputed.data.length) return { error: Infinity, worst: -1 };
    let scale = 0, diff = 0, worst = -1;
    for (let k = 0; k < recomputed.data.length; k++) {
      const pk = published.data[k], rk = recomputed.data[k];
      if (!Number.isFinite(pk) || !Number.isFinite(rk)) return { error: Infinity, worst: k };
      scale = Math.max(scale, Math.abs(rk));
      if (Math.abs(pk - rk) > diff || worst < 0) { diff = Math.abs(pk - rk); worst = k; }
    }
    return { error: diff / Math.max(scale, 1e-300), worst };
  }

  // xorshift32 integers in -2..2 (the Swift runtime has the identical generator).
  function seeded(seed, count) {
    let state = seed >>> 0;
    if (state === 0) state = 2463534242;
    const values = new Array(count);
    for (let k = 0; k < count; k++) {
      state ^= state << 13; state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5; state >>>= 0;
      values[k] = (state % 5) - 2;
    }
    return values;
  }

  // The parameter explorer's example: x [1,C,H,W], w [F,C,HH,WW], dy [1,F,H',W']
  // from one seeded stream, in that order.
  function seededExample(S) {
    const Hout = Math.max(0, outputSize(S.H, S.HH, S.sh, S.ph, S.dh));
    const Wout = Math.max(0, outputSize(S.W, S.WW, S.sw, S.pw, S.dw));
    const shapes = [[1, S.C, S.H, S.W], [S.F, S.C, S.HH, S.WW], [1, S.F, Hout, Wout]];
    const sizes = shapes.map((s) => s.reduce((p, k) => p * k, 1));
    const stream = seeded(S.seed, sizes[0] + sizes[1] + sizes[2]);
    let at = 0;
    const [x, w, dy] = shapes.map((shape, t) => {
      const data = Float64Array.from(stream.slice(at, at + sizes[t]));
      at += sizes[t];
      return { shape, data };
    });
    return { x, w, dy };
  }

  // Which positions the windows reach, along one axis of length n (x_pad has n + 2p).
  function axis(n, k, s, p, d) {
    const out = outputSize(n, k, s, p, d);
    const touched = new Array(n + 2 * p).fill(false);
    const cover = new Array(n).fill(0);
    for (let i = 0; i < out; i++) {
      for (let a = 0; a < k; a++) {
        touched[i * s + a * d] = true;                 // index in x_pad
        const r = i * s - p + a * d;                   // index in x
        if (r >= 0 && r < n) cover[r] += 1;
      }
    }
    const unreached = [];
    touched.forEach((t, r) => { if (!t) unreached.push(r); });
    const rest = n + 2 * p - d * (k - 1) - 1;
    return { out, unreached, cover, a: ((rest % s) + s) % s };
  }

  // Window geometry: output size, x_pad rows/cols no tap touches, how many
  // (window, tap) pairs land on each x[r][q], and Dumoulin & Visin's a.
  function geometry(S) {
    const rows = axis(S.H, S.HH, S.sh, S.ph, S.dh), cols = axis(S.W, S.WW, S.sw, S.pw, S.dw);
    const cover = [];
    for (let r = 0; r < S.H; r++) {
      for (let q = 0; q < S.W; q++) cover.push(rows.cover[r] * cols.cover[q]);
    }
    return {
      outHeight: rows.out, outWidth: cols.out,
      unreachedRows: rows.unreached, unreachedCols: cols.unreached,
      cover, aH: rows.a, aW: cols.a,
    };
  }

  const ConvKernel = { outputSize, tensor, forward, backward, compare, seeded, seededExample, geometry };
  if (typeof module === "object" && module.exports) module.exports = ConvKernel;
  globalThis.ConvKernel = ConvKernel;
})();
