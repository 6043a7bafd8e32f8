// convbook's page script: copy buttons, search, the receptive-field
// explorer, the parameter explorer and the "recompute this page" control
// (the last two use convkernel.js, loaded before this file). Everything works
// from file:// with no network; the page is complete without it (math and
// highlighting are done at build time).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  addCopyButtons();
  setUpSearch();
  document.querySelectorAll(".cb-explorer").forEach(setUpExplorer);
  document.querySelectorAll("figure.cb-params").forEach(setUpParams);
  document.querySelectorAll(".cb-recompute").forEach(setUpRecompute);
});

function addCopyButtons() {
  document.querySelectorAll("pre.cb-code").forEach((pre) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy this code");
    button.addEventListener("click", async () => {
      const code = pre.querySelector("code").innerText;
      try {
        await navigator.clipboard.writeText(code);
        button.textContent = "Copied";
      } catch (error) {
        const range = document.createRange();
        range.selectNodeContents(pre.querySelector("code"));
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = "Selected";
      }
      setTimeout(() => { button.textContent = "Copy"; }, 1500);
    });
    pre.appendChild(button);
  });
}

function setUpSearch() {
  const input = document.getElementById("search-input");
  const results = document.getElementById("search-results");
  const index = window.CONVBOOK_SEARCH || [];
  if (!input || !results) return;
  const run = () => {
    const words = input.value.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
    results.innerHTML = "";
    if (words.length === 0) return;
    const scored = [];
    for (const entry of index) {
      const title = (entry.s + " " + entry.c).toLowerCase();
      const text = entry.x.toLowerCase();
      let score = 0;
      let all = true;
      for (const word of words) {
        const inTitle = title.includes(word);
        const inText = text.includes(word);
        if (!inTitle && !inText) { all = false; break; }
        score += (inTitle ? 5 : 0) + (inText ? 1 : 0);
      }
      if (all) scored.push({ entry, score });
    }
    scored.sort((a, b) => b.score - a.score);
    for (const { entry } of scored.slice(0, 12)) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = entry.u;
      a.textContent = entry.s;
      const where = document.createElement("span");
      where.className = "where";
      where.textContent = entry.c + " — " + snippet(entry.x, words[0]);
      a.appendChild(where);
      li.appendChild(a);
      results.appendChild(li);
    }
    if (scored.length === 0) {
      const li = document.createElement("li");
      li.textContent = "No matches";
      li.style.padding = "0.5rem 0.7rem";
      results.appendChild(li);
    }
  };
  input.addEventListener("input", run);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { input.value = ""; run(); }
    if (event.key === "ArrowDown") {
      const first = results.querySelector("a");
      if (first) { event.preventDefault(); first.focus(); }
    }
  });
  results.addEventListener("keydown", (event) => {
    const links = Array.from(results.querySelectorAll("a"));
    const at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < links.length - 1) { event.preventDefault(); links[at + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? links[at - 1] : input).focus(); }
    if (event.key === "Escape") { input.focus(); }
  });
}

function snippet(text, word) {
  const at = text.toLowerCase().indexOf(word);
  const start = Math.max(0, at - 40);
  return (start > 0 ? "…" : "") + text.slice(start, start + 110) + "…";
}

// The explorer: every cell of the target tensor (y, dx or dw) lists the cells
// of the two source tensors that produced it, and the sum written out with
// their numbers. Those lists come from the engine at build time (the JSON in
// the figure); this script only highlights them.
function setUpExplorer(figure) {
  const data = JSON.parse(figure.querySelector("script.cb-explorer-data").textContent);
  const sum = figure.querySelector(".cb-explorer-sum");
  const tabs = figure.querySelectorAll(".cb-explorer-tabs button");
  let view = data.views[0];

  const clear = () => {
    figure.querySelectorAll(".hl-source-x, .hl-source-w, .hl-target").forEach((cell) => {
      cell.classList.remove("hl-source-x", "hl-source-w", "hl-target");
    });
  };
  const show = (cell) => {
    clear();
    const [tensor, index] = cell.dataset.cell.split(":");
    if (tensor !== view.target) return;
    const entry = view.cells[index];
    if (!entry) return;
    cell.classList.add("hl-target");
    for (const i of entry.a) mark(view.sources[0], i, "hl-source-x");
    for (const i of entry.b) mark(view.sources[1], i, "hl-source-w");
    sum.textContent = entry.text;
  };
  const mark = (tensor, index, className) => {
    const cell = figure.querySelector(`td[data-cell="${tensor}:${index}"]`);
    if (cell) cell.classList.add(className);
  };
  const select = (name) => {
    view = data.views.find((v) => v.target === name) || data.views[0];
    tabs.forEach((tab) => tab.setAttribute("aria-selected", String(tab.dataset.view === view.target)));
    figure.querySelectorAll("td[data-cell]").forEach((cell) => {
      const isTarget = cell.dataset.cell.startsWith(view.target + ":");
      cell.tabIndex = isTarget ? 0 : -1;
    });
    figure.querySelectorAll(".cb-explorer-panel").forEach((panel) => {
      panel.hidden = !view.panels.includes(panel.dataset.tensor);
    });
    clear();
    sum.textContent = view.hint;
  };
  figure.addEventListener("mouseover", (event) => {
    const cell = event.target.closest("td[data-cell]");
    if (cell) show(cell);
  });
  figure.addEventListener("focusin", (event) => {
    const cell = event.target.closest("td[data-cell]");
    if (cell) show(cell);
  });
  tabs.forEach((tab) => tab.addEventListener("click", () => select(tab.dataset.view)));
  select(view.target);
}

// ---------------------------------------------------------------------------
// Numbers as the pages show them, and reading them back.

// The project's number formatter (NumberFormat.value on the Swift side):
// integers as integers, else 4 significant digits, scientific below 1e-3 or
// from 1e6, trailing zeros dropped.
function formatValue(x) {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "-∞";
  if (x === 0) return "0";
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const magnitude = Math.abs(x);
  let text = x.toPrecision(4);
  if (magnitude < 1e-3 || magnitude >= 1e6 || text.includes("e")) {
    const [mantissa, exponent] = x.toExponential(3).split("e");
    const e = Number(exponent);
    return mantissa + "e" + (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
  }
  if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
  return text;
}

// A value in full (for messages): shortest text that reads back the same.
function fullText(x) {
  return Number.isFinite(x) ? String(x) : formatValue(x);
}

// What a table cell shows: its number and half a unit of its last digit, or
// null when it shows no finite number ("NaN", "∞", "-∞", anything else).
function parseShown(text) {
  const t = text.trim().replace(/\u2212/g, "-");
  const m = /^[+-]?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
  if (!m) return null;
  const value = Number(t);
  if (!Number.isFinite(value)) return null;
  const decimals = m[2] ? m[2].length : 0;
  const exponent = m[3] ? Number(m[3]) : 0;
  return { value, half: 0.5 * Math.pow(10, exponent - decimals) };
}

// True when the text is the value r rounded to the digits shown: within half
// a unit of the last digit (a hair more for 10^k in binary), plus 1e-12 of |r|.
function shownMatches(text, r) {
  const shown = parseShown(text);
  if (!shown || !Number.isFinite(r)) return false;
  return Math.abs(shown.value - r) <= shown.half * (1 + 1e-9) + 1e-12 * Math.abs(r);
}

// "dx[0,0,1,2]" for flat index k of a tensor of this shape.
function indexName(name, shape, k) {
  const index = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index.unshift(k % shape[axis]);
    k = Math.floor(k / shape[axis]);
  }
  return name + "[" + index.join(",") + "]";
}

// ---------------------------------------------------------------------------
// "Recompute on this page": every published number of every explorer is
// recomputed here with convkernel.js and judged, value by value.

const RELATIVE_TOLERANCE = 1e-12;
const TINY = 1e-300;

function setUpRecompute(section) {
  const button = section.querySelector(".cb-recompute-run");
  const result = section.querySelector(".cb-recompute-result");
  if (!button || !result) return;
  button.addEventListener("click", () => runRecompute(result));
}

function runRecompute(result) {
  const start = performance.now();
  clearVerdicts();
  const tally = { checked: 0, ok: 0, bad: 0, maxDiff: 0, failures: [] };
  if (!window.ConvKernel) {
    record(tally, false, () => "convkernel.js did not load, so nothing could be recomputed");
  } else {
    document.querySelectorAll("figure.cb-explorer").forEach((figure) => checkExplorer(figure, tally));
    document.querySelectorAll("figure.cb-params").forEach((figure) => checkParamsTable(figure, tally));
  }
  showTally(result, tally, performance.now() - start);
}

// One verdict; the failure text is only built for a ✗.
function record(tally, ok, describe) {
  tally.checked += 1;
  if (ok) tally.ok += 1;
  else { tally.bad += 1; tally.failures.push(describe()); }
}

function clearVerdicts() {
  document.querySelectorAll("[data-verdict]").forEach((cell) => {
    cell.classList.remove("cb-ok", "cb-bad");
    cell.removeAttribute("data-verdict");
    cell.removeAttribute("title");
  });
}

function markCell(cell, ok, title) {
  cell.classList.add(ok ? "cb-ok" : "cb-bad");
  cell.dataset.verdict = ok ? "ok" : "bad";
  cell.title = title + (ok ? " ✓" : " ✗");
}

// Published full-precision values against recomputed ones, element by element:
// ✗ when |p - r| > 1e-12 · max(max|r|, tiny) or anything is not finite.
function checkValues(tally, where, name, published, recomputed) {
  const same = published.shape.length === recomputed.shape.length &&
    published.shape.every((k, axis) => k === recomputed.shape[axis]);
  if (!same) {
    tally.maxDiff = Infinity;
    record(tally, false, () => `${where}: ${name} has shape (${published.shape.join(", ")}), ` +
      `recomputed (${recomputed.shape.join(", ")})`);
    return;
  }
  let scale = 0;
  for (const r of recomputed.data) scale = Math.max(scale, Math.abs(r));
  scale = Math.max(scale, TINY);
  published.data.forEach((p, k) => {
    const r = recomputed.data[k];
    const finite = Number.isFinite(p) && Number.isFinite(r);
    const diff = finite ? Math.abs(p - r) / scale : Infinity;
    tally.maxDiff = Math.max(tally.maxDiff, diff);
    record(tally, diff <= RELATIVE_TOLERANCE, () =>
      `${where}: ${indexName(name, published.shape, k)} published ${fullText(p)}, recomputed ${fullText(r)}`);
  });
}

function explorerName(figure) {
  const label = figure.getAttribute("aria-label") || "";
  return label.includes(":") ? label.slice(label.indexOf(":") + 1).trim() : label || "explorer";
}

// One receptive-field explorer: recompute y (and dx, dw, db when dy is given)
// from the example's inputs, then judge its data and every table cell.
function checkExplorer(figure, tally) {
  const K = window.ConvKernel;
  const where = "example " + explorerName(figure);
  let example;
  try {
    example = JSON.parse(figure.querySelector("script.cb-explorer-data").textContent).example;
  } catch (error) {
    example = null;
  }
  if (!example || !example.tensors) {
    record(tally, false, () => `${where}: no example data to recompute from`);
    return;
  }
  const published = {};
  for (const [name, json] of Object.entries(example.tensors)) {
    try {
      published[name] = K.tensor(json);
    } catch (error) {
      record(tally, false, () => `${where}: ${name} cannot be read: ${error.message}`);
    }
  }
  if (!published.x || !published.w) {
    record(tally, false, () => `${where}: the example has no x or no w to recompute from`);
    return;
  }
  const recomputed = {};
  try {
    const P = example.parameters || {};
    recomputed.y = K.forward(published.x, published.w, published.b || null, P);
    if (published.dy) Object.assign(recomputed, K.backward(published.dy, published.x, published.w, P));
  } catch (error) {
    record(tally, false, () => `${where}: cannot recompute: ${error.message}`);
    return;
  }
  for (const name of ["y", "dx", "dw", "db"]) {
    if (!published[name]) continue;
    if (!recomputed[name]) record(tally, false, () => `${where}: ${name} is published but there is no dy to recompute it from`);
    else checkValues(tally, where, name, published[name], recomputed[name]);
  }
  figure.querySelectorAll("td[data-cell]").forEach((cell) => checkCell(cell, tally, where, published, recomputed));
}

// A table cell: an output (y, dx, dw) against the recomputed value, an input
// (x, w, b, dy) against the example's data, both at the digits shown.
function checkCell(cell, tally, where, published, recomputed) {
  const [name, at] = cell.dataset.cell.split(":");
  const k = Number(at);
  const isOutput = ["y", "dx", "dw", "db"].includes(name);
  const source = isOutput ? recomputed[name] : published[name];
  const text = cell.textContent;
  if (!source || !Number.isInteger(k) || k < 0 || k >= source.data.length) {
    markCell(cell, false, `shown ${text.trim()}, but there is no ${name} value ${at} to compare it with`);
    record(tally, false, () => `${where}: table cell ${name}:${at} shows ${text.trim()}, but there is no such value`);
    return;
  }
  const r = source.data[k];
  const ok = shownMatches(text, r);
  const label = indexName(name, source.shape, k);
  const against = isOutput ? "recomputed" : "example data";
  markCell(cell, ok, `${label}: published ${text.trim()}, ${against} ${fullText(r)}`);
  record(tally, ok, () => `${where}: ${label} published ${text.trim()} in the table, ${against} ${fullText(r)}`);
}

// A parameter explorer's table: every row's sizes, geometry, y and dx again.
function checkParamsTable(figure, tally) {
  const K = window.ConvKernel;
  let data;
  try {
    data = JSON.parse(figure.querySelector("script.cb-params-data").textContent);
  } catch (error) {
    record(tally, false, () => `parameter explorer ${explorerName(figure)}: its data cannot be read`);
    return;
  }
  const label = data.label || explorerName(figure);
  for (const row of data.table || []) {
    const S = row.settings || {};
    const where = `parameter explorer ${label}, ${settingsText(S)}`;
    let geo, y, dx;
    try {
      const example = K.seededExample(Object.assign({}, S, { seed: data.seed }));
      const P = layerParameters(S);
      geo = K.geometry(S);
      y = K.forward(example.x, example.w, null, P);
      dx = K.backward(example.dy, example.x, example.w, P).dx;
    } catch (error) {
      record(tally, false, () => `${where}: cannot recompute: ${error.message}`);
      continue;
    }
    for (const key of ["outHeight", "outWidth", "aH", "aW", "unreachedRows", "unreachedCols"]) {
      const same = JSON.stringify(row[key]) === JSON.stringify(geo[key]);
      record(tally, same, () => `${where}: ${key} published ${JSON.stringify(row[key])}, recomputed ${JSON.stringify(geo[key])}`);
    }
    const cover = Array.isArray(row.cover) ? row.cover : [];
    if (cover.length !== geo.cover.length) {
      record(tally, false, () => `${where}: cover has ${cover.length} values, recomputed ${geo.cover.length}`);
    } else {
      cover.forEach((k, at) => record(tally, k === geo.cover[at], () =>
        `${where}: cover[${Math.floor(at / S.W)},${at % S.W}] published ${k}, recomputed ${geo.cover[at]}`));
    }
    for (const [name, recomputed] of [["y", y], ["dx", dx]]) {
      try {
        checkValues(tally, where, name, K.tensor(row[name]), recomputed);
      } catch (error) {
        record(tally, false, () => `${where}: ${name} cannot be read: ${error.message}`);
      }
    }
  }
}

function showTally(result, tally, ms) {
  const maxDiff = Number.isNaN(tally.maxDiff) ? "nan" : tally.maxDiff === Infinity ? "inf" : String(tally.maxDiff);
  result.dataset.checked = String(tally.checked);
  result.dataset.ok = String(tally.ok);
  result.dataset.bad = String(tally.bad);
  result.dataset.maxDiff = maxDiff;
  result.dataset.ms = ms.toFixed(1);
  result.classList.toggle("cb-recompute-pass", tally.bad === 0);
  result.classList.toggle("cb-recompute-fail", tally.bad > 0);
  const diffText = tally.maxDiff === 0 ? "0" : Number.isFinite(tally.maxDiff) ? tally.maxDiff.toExponential(2) : "∞";
  const summary = document.createElement("p");
  summary.className = "cb-recompute-summary";
  summary.textContent = `Recomputed in this browser with convkernel.js: ${tally.checked} values checked, ` +
    `${tally.ok} ✓, ${tally.bad} ✗. Largest relative difference of a full-precision value: ${diffText}. ` +
    `Took ${ms.toFixed(1)} ms.`;
  result.replaceChildren(summary);
  if (tally.failures.length > 0) {
    const list = document.createElement("ul");
    list.className = "cb-recompute-failures";
    for (const failure of tally.failures) {
      const item = document.createElement("li");
      item.textContent = "✗ " + failure;
      list.appendChild(item);
    }
    result.appendChild(list);
  }
}

// ---------------------------------------------------------------------------
// The parameter explorer: sliders for the layer's settings; every change
// recomputes the seeded example and the window geometry with convkernel.js.

const PARAMS = [
  ["H", "rows of x"], ["W", "columns of x"], ["C", "channels of x"],
  ["HH", "kernel rows"], ["WW", "kernel columns"], ["F", "filters"],
  ["sh", "stride down"], ["sw", "stride across"], ["ph", "padding rows"],
  ["pw", "padding columns"], ["dh", "dilation down"], ["dw", "dilation across"],
];
const PARAM_LIMITS = { H: [1, 16], W: [1, 16], HH: [1, 5], WW: [1, 5], sh: [1, 4], sw: [1, 4],
  ph: [0, 3], pw: [0, 3], dh: [1, 3], dw: [1, 3], C: [1, 2], F: [1, 2] };
const PARAM_INITIAL = { H: 5, W: 5, HH: 3, WW: 3, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, C: 1, F: 1 };
let paramsCount = 0;

function layerParameters(S) {
  return { stride: [S.sh, S.sw], padding: [S.ph, S.pw], dilation: [S.dh, S.dw], groups: 1 };
}

function settingsText(S) {
  return PARAMS.map(([key]) => key + "=" + S[key]).join(" ");
}

function setUpParams(figure) {
  try {
    buildParams(figure);
  } catch (error) {
    const note = document.createElement("p");
    note.className = "cb-params-problem";
    note.textContent = "This explorer could not start: " + error.message;
    figure.insertBefore(note, figure.querySelector(":scope > figcaption"));
  }
}

// The figure's skeleton: sliders, then the texts and grids render() fills.
function buildParams(figure) {
  const data = JSON.parse(figure.querySelector("script.cb-params-data").textContent);
  if (!window.ConvKernel) throw new Error("convkernel.js did not load");
  const id = "cb-params-" + (++paramsCount);
  const limits = Object.assign({}, PARAM_LIMITS, data.limits || {});
  const initial = Object.assign({}, PARAM_INITIAL, data.initial || {});
  const controls = PARAMS.map(([key, hint]) => {
    const [min, max] = limits[key];
    const value = Math.min(Math.max(initial[key], min), max);
    return `<div class="cb-params-control"><label for="${id}-${key}"><span class="cb-params-key">${key}</span> ` +
      `<span class="cb-params-hint">${hint}</span></label>` +
      `<input type="range" id="${id}-${key}" data-param="${key}" min="${min}" max="${max}" step="1" value="${value}">` +
      `<output for="${id}-${key}" class="cb-params-value">${value}</output></div>`;
  }).join("");
  const ui = document.createElement("div");
  ui.className = "cb-params-ui";
  ui.innerHTML =
    `<div class="cb-params-controls" role="group" aria-label="Layer settings">${controls}</div>` +
    `<div class="cb-params-size" aria-live="polite"></div>` +
    `<div class="cb-params-views">` +
    `<p class="cb-params-hover">Point at or tab to a cell of y to see its window in x_pad, its entry of the dilated dy, and its stamp on dx.</p>` +
    `<div class="cb-params-grids">` +
    panel("x_pad: x with its padding", "cb-params-xpad",
      "Dashed: padding (zeros). Hatched: no window reaches the cell.") +
    panel("y of the seeded example", "cb-params-y", "") +
    panel("dy dilated by the stride", "cb-params-dilated",
      "dy's values sit s apart; the faint cells between them are the stride's holes, zeros.") +
    panel("dx: the stamps that build it", "cb-params-stamps",
      "Each window stamps dy·w onto x at its taps. A cell shows dx and (×k) how many (window, tap) " +
      "pairs land on it per filter; darker means more. ×0: no window reaches it, so dx is 0 whatever dy is.") +
    `</div>` +
    `<p class="cb-params-unreached"></p>` +
    `<div class="cb-params-transposed"></div></div>`;
  const caption = figure.querySelector(":scope > figcaption");
  if (caption && caption === figure.firstElementChild) figure.appendChild(ui);
  else figure.insertBefore(ui, caption);
  wireParams(figure, ui, data);
}

function panel(title, className, legend) {
  return `<figure class="cb-params-panel"><figcaption>${title}</figcaption>` +
    `<div class="cb-params-grid ${className}"></div>` +
    (legend ? `<p class="cb-params-legend">${legend}</p>` : "") + `</figure>`;
}

// Events: any slider re-renders; pointing at or focusing a y cell highlights.
function wireParams(figure, ui, data) {
  const K = window.ConvKernel;
  const inputs = Array.from(ui.querySelectorAll("input[data-param]"));
  const part = (selector) => ui.querySelector(selector);
  const view = { S: null, geo: null, selected: null, lit: [] };

  const render = () => {
    const start = performance.now();
    try {
      draw();
    } catch (error) {   // never expected; shown in the figure, not thrown
      showInvalid(part(".cb-params-size"), { text: "The explorer failed on these settings: " + error.message });
      part(".cb-params-views").hidden = true;
    }
    figure.dataset.renderMs = (performance.now() - start).toFixed(2);
  };
  const draw = () => {
    const S = { seed: data.seed };
    for (const input of inputs) {
      S[input.dataset.param] = Number(input.value);
      input.nextElementSibling.textContent = input.value;
    }
    view.S = S;
    view.lit = [];
    const problem = invalidReason(S);
    part(".cb-params-views").hidden = Boolean(problem);
    if (problem) {
      showInvalid(part(".cb-params-size"), problem);
      view.geo = null;
      for (const key of ["rows", "cols"]) part(".cb-params-unreached").dataset[key] = "";
      for (const key of ["aHeight", "aWidth"]) delete part(".cb-params-transposed").dataset[key];
    } else {
      const P = layerParameters(S);
      const example = K.seededExample(S);
      example.y = K.forward(example.x, example.w, null, P);
      example.dx = K.backward(example.dy, example.x, example.w, P).dx;
      view.geo = K.geometry(S);
      view.dy = example.dy;
      drawParams(ui, S, view.geo, example);
      const at = view.selected;
      if (at && at.f < S.F && at.i < view.geo.outHeight && at.j < view.geo.outWidth) highlightWindow(ui, view, at);
    }
  };
  const point = (event) => {
    const cell = event.target.closest(".cb-params-y td[data-i]");
    if (!cell || !view.geo) return;
    view.selected = { f: Number(cell.dataset.f), i: Number(cell.dataset.i), j: Number(cell.dataset.j) };
    highlightWindow(ui, view, view.selected);
  };
  part(".cb-params-controls").addEventListener("input", render);
  part(".cb-params-grids").addEventListener("mouseover", point);
  part(".cb-params-grids").addEventListener("focusin", point);
  render();
}

// Why these settings give no layer, or "" when they do.
function invalidReason(S) {
  for (const [key] of PARAMS) {
    const least = key === "ph" || key === "pw" ? 0 : 1;
    if (!Number.isInteger(S[key]) || S[key] < least) {
      return { key, text: `${key} = ${S[key]} makes no layer: ${key} must be a whole number of at least ${least}.` };
    }
  }
  for (const [axis, n, k, s, p, d] of [["H", S.H, S.HH, S.sh, S.ph, S.dh], ["W", S.W, S.WW, S.sw, S.pw, S.dw]]) {
    const out = ConvKernel.outputSize(n, k, s, p, d);
    if (out < 1) {
      const rows = axis === "H" ? "rows" : "columns";
      return { key: axis, text: `No output: ${sizeFormula(axis, n, k, s, p, d, out)} < 1. ` +
        `x_pad has ${axis} + 2p = ${n + 2 * p} ${rows} but the dilated kernel spans d(${axis}${axis} − 1) + 1 = ` +
        `${d * (k - 1) + 1}, so not even one window fits. Enlarge x or the padding, or shrink the kernel or its dilation.` };
    }
  }
  return "";
}

function showInvalid(size, problem) {
  size.className = "cb-params-size cb-params-invalid";
  size.dataset.outHeight = "0";
  size.dataset.outWidth = "0";
  size.dataset.valid = "false";
  size.textContent = problem.text;
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

// Redraw everything for valid settings S: texts first, then the grids, each
// grid's tables in one innerHTML assignment.
function drawParams(ui, S, geo, ex) {
  const Ho = geo.outHeight, Wo = geo.outWidth;
  const size = ui.querySelector(".cb-params-size");
  size.className = "cb-params-size";
  size.dataset.outHeight = String(Ho);
  size.dataset.outWidth = String(Wo);
  size.dataset.valid = "true";
  size.innerHTML = `<span class="cb-params-formula">${sizeFormula("H", S.H, S.HH, S.sh, S.ph, S.dh, Ho)}</span> ` +
    `<span class="cb-params-formula">${sizeFormula("W", S.W, S.WW, S.sw, S.pw, S.dw, Wo)}</span> ` +
    `<span class="cb-params-shapes">x (1, ${S.C}, ${S.H}, ${S.W}) → y (1, ${S.F}, ${Ho}, ${Wo}); ` +
    `w (${S.F}, ${S.C}, ${S.HH}, ${S.WW}); seeded example, seed ${S.seed}.</span>`;
  drawUnreached(ui.querySelector(".cb-params-unreached"), S, geo);
  const transposed = ui.querySelector(".cb-params-transposed");
  transposed.dataset.aHeight = String(geo.aH);
  transposed.dataset.aWidth = String(geo.aW);
  transposed.innerHTML = `<p>Back from y to x (a transposed convolution, Dumoulin &amp; Visin):</p>` +
    `<span class="cb-params-formula">${transposedFormula("H", S.H, S.HH, S.sh, S.ph, S.dh, Ho, geo.aH)}</span> ` +
    `<span class="cb-params-formula">${transposedFormula("W", S.W, S.WW, S.sw, S.pw, S.dw, Wo, geo.aW)}</span>` +
    `<p>a = (H + 2p − d(HH − 1) − 1) mod s counts the rows (columns) of x_pad past the last window. ` +
    `Different H give the same H', so going back needs a to be told (PyTorch's output_padding).</p>`;

  // Every channel is padded and windowed alike, so x_pad is drawn for channel 0
  // alone; dy's dilation is the same for every filter, so it is drawn for the
  // filter of the y cell pointed at (drawDilated). Fewer cells: the browser
  // lays out every cell of every table again on each change.
  const rowOff = new Set(geo.unreachedRows), colOff = new Set(geo.unreachedCols);
  const Hp = S.H + 2 * S.ph, Wp = S.W + 2 * S.pw;
  const every = S.C > 1 ? ` (every channel c alike)` : "";
  ui.querySelector(".cb-params-xpad").innerHTML = tables(1, "x_pad[0, %]" + every, Hp, Wp, (c, r, q) => {
    const inside = r >= S.ph && r < S.ph + S.H && q >= S.pw && q < S.pw + S.W;
    const v = inside ? ex.x.data[(c * S.H + r - S.ph) * S.W + q - S.pw] : 0;
    const classes = (inside ? "" : "cb-pad ") + (rowOff.has(r) || colOff.has(q) ? "unreached" : "");
    return `<td class="${classes.trim()}" data-r="${r}" data-q="${q}">${formatValue(v)}</td>`;
  });
  ui.querySelector(".cb-params-y").innerHTML = tables(S.F, "y[0, %]", Ho, Wo, (f, i, j) => {
    const v = ex.y.data[(f * Ho + i) * Wo + j];
    return `<td tabindex="0" data-f="${f}" data-i="${i}" data-j="${j}" data-value="${v}">${formatValue(v)}</td>`;
  });
  drawDilated(ui, S, geo, ex.dy, 0);
  // The cover is one H × W map, the same for every channel: data-count is on
  // channel 0's cells only (so it reads as the contract's cover array).
  const most = Math.max(1, ...geo.cover);
  ui.querySelector(".cb-params-stamps").innerHTML = tables(S.C, "dx[0, %]", S.H, S.W, (c, r, q) => {
    const k = geo.cover[r * S.W + q], v = ex.dx.data[(c * S.H + r) * S.W + q];
    const level = k === 0 ? "unreached" : "cb-cover-" + Math.ceil((4 * k) / most);
    return `<td class="${level}"${c === 0 ? ` data-count="${k}"` : ""} data-value="${v}" ` +
      `title="dx = ${formatValue(v)}, ${k} stamps">${formatValue(v)}<span class="cb-count">×${k}</span></td>`;
  });
}

// dy[0, f] spread out by the stride: its values s apart, the holes between
// them empty cells (no text to lay out).
function drawDilated(ui, S, geo, dy, f) {
  const Ho = geo.outHeight, Wo = geo.outWidth;
  const Hd = S.sh * (Ho - 1) + 1, Wd = S.sw * (Wo - 1) + 1;
  const grid = ui.querySelector(".cb-params-dilated");
  grid.dataset.filter = String(f);
  grid.innerHTML = tables(1, `dy[0, ${f}] dilated` + (S.F > 1 ? " (point at y of another filter for its dy)" : ""), Hd, Wd, (_, u, v) => {
    if (u % S.sh !== 0 || v % S.sw !== 0) return `<td class="cb-inserted" data-value="0"></td>`;
    const value = dy.data[(f * Ho + u / S.sh) * Wo + v / S.sw];
    return `<td data-value="${value}">${formatValue(value)}</td>`;
  });
}

// channels tables of rows × cols cells, cell(channel, row, col) giving each <td>.
function tables(channels, caption, rows, cols, cell) {
  let html = "";
  for (let c = 0; c < channels; c++) {
    html += `<table class="cb-matrix"><caption>${caption.replace("%", c)}</caption><tbody>`;
    for (let r = 0; r < rows; r++) {
      html += "<tr>";
      for (let q = 0; q < cols; q++) html += cell(c, r, q);
      html += "</tr>";
    }
    html += "</tbody></table>";
  }
  return html;
}

function drawUnreached(element, S, geo) {
  element.dataset.rows = geo.unreachedRows.join(" ");
  element.dataset.cols = geo.unreachedCols.join(" ");
  const describe = (list, pad, n, word) => list.length === 0 ? "none" : list.map((t) =>
    t < pad || t >= pad + n ? `${t} (padding)` : `${t} (x ${word} ${t - pad})`).join(", ");
  const lost = geo.unreachedRows.some((r) => r >= S.ph && r < S.ph + S.H) ||
    geo.unreachedCols.some((q) => q >= S.pw && q < S.pw + S.W);
  element.textContent = `Rows of x_pad no window reaches: ${describe(geo.unreachedRows, S.ph, S.H, "row")}. ` +
    `Columns: ${describe(geo.unreachedCols, S.pw, S.W, "column")}. ` +
    (lost ? "The inputs there never touch y, so they get zero gradient from this layer: dx is 0 there whatever dy is."
      : geo.unreachedRows.length + geo.unreachedCols.length > 0
        ? "Only padding is missed: every input reaches y and gets a gradient."
        : "Every row and column is reached: every input gets a gradient.");
}

// Light up the window of y[0, f, i, j]: its taps in x_pad (the cells between
// dilated taps outlined), its entry of the dilated dy and its stamp on dx.
function highlightWindow(ui, view, at) {
  const { S, geo } = view;
  for (const [cell, name] of view.lit) cell.classList.remove(name);
  view.lit = [];
  const light = (cell, name) => { if (cell) { cell.classList.add(name); view.lit.push([cell, name]); } };
  const cells = (selector, k) => {
    const table = ui.querySelectorAll(selector + " table")[k];
    return table ? table.querySelectorAll("td") : [];
  };
  const Wp = S.W + 2 * S.pw, Wd = S.sw * (geo.outWidth - 1) + 1;
  light(cells(".cb-params-y", at.f)[at.i * geo.outWidth + at.j], "hl-target");
  if (ui.querySelector(".cb-params-dilated").dataset.filter !== String(at.f)) drawDilated(ui, S, geo, view.dy, at.f);
  light(cells(".cb-params-dilated", 0)[at.i * S.sh * Wd + at.j * S.sw], "hl-source-w");
  for (let c = 0; c < S.C; c++) {
    const pad = c === 0 ? cells(".cb-params-xpad", 0) : [], stamp = cells(".cb-params-stamps", c);
    for (let rr = at.i * S.sh; rr <= at.i * S.sh + S.dh * (S.HH - 1); rr++) {
      for (let qq = at.j * S.sw; qq <= at.j * S.sw + S.dw * (S.WW - 1); qq++) {
        const tap = (rr - at.i * S.sh) % S.dh === 0 && (qq - at.j * S.sw) % S.dw === 0;
        light(pad[rr * Wp + qq], tap ? "hl-source-x" : "cb-gap");
        const r = rr - S.ph, q = qq - S.pw;
        if (tap && r >= 0 && r < S.H && q >= 0 && q < S.W) light(stamp[r * S.W + q], "hl-stamp");
      }
    }
  }
}
