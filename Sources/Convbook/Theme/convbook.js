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
  // The ranges and the start come from the page (the runtime's exploreParameters), nowhere else.
  const { limits, initial } = data;
  for (const [key] of PARAMS) {
    if (!limits || !limits[key] || !initial || initial[key] === undefined) throw new Error("the page gives no range or start for " + key);
  }
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
    `<p class="cb-params-hover">Point at a cell of y, or tab to y and move with the arrow keys, to see its window ` +
    `in x_pad, its entry of the dilated dy, and its stamp on dx.</p>` +
    `<div class="cb-params-grids">` +
    panel("x_pad: x with its padding", "cb-params-xpad", "", legend(
      "Shaded: padding (zeros). Hatched: no window reaches the cell. The window of the y cell pointed at " +
      "lights its taps; dashed outlines mark the cells its dilation skips.")) +
    panel("y of the seeded example", "cb-params-y",
      `tabindex="0" role="application" aria-label="y of the seeded example: the arrow keys move between its cells"`,
      `<p class="cb-params-cell" aria-live="polite"></p>`) +
    panel("dy dilated by the stride", "cb-params-dilated", "", legend(
      "dy's values sit s apart; the shaded empty cells between them are the stride's holes, zeros.")) +
    panel("dx: the stamps that build it", "cb-params-stamps", "", legend(
      "Each window stamps dy·w onto x at its taps. A cell shows dx and (×k) how many (window, tap) " +
      "pairs land on it per filter; darker means more. ×0 (hatched): no window reaches it, so dx is 0 whatever dy is.")) +
    `</div>` +
    `<p class="cb-params-unreached"></p>` +
    `<div class="cb-params-transposed"></div></div>`;
  const caption = figure.querySelector(":scope > figcaption");
  if (caption && caption === figure.firstElementChild) figure.appendChild(ui);
  else figure.insertBefore(ui, caption);
  wireParams(figure, ui, data);
}

function panel(title, className, attributes, after) {
  return `<figure class="cb-params-panel"><figcaption>${title}</figcaption>` +
    `<div class="cb-params-grid ${className}" ${attributes}></div>${after}</figure>`;
}

function legend(text) {
  return `<p class="cb-params-legend">${text}</p>`;
}

// Every explorer's repaint, for a change of colour scheme (or printing) or pixel ratio.
const paramsRepaints = [];
let paramsWatching = false;

function watchParamsDisplay() {
  if (paramsWatching) return;
  paramsWatching = true;
  const repaint = () => {
    gridPalette = null;
    for (const again of paramsRepaints) again();
  };
  const scheme = window.matchMedia("(prefers-color-scheme: dark)");
  if (scheme.addEventListener) scheme.addEventListener("change", repaint);
  // Printed in the light colours (the stylesheet's dark ones need .cb-print absent).
  window.addEventListener("beforeprint", () => {
    document.documentElement.classList.add("cb-print");
    repaint();
  });
  window.addEventListener("afterprint", () => {
    document.documentElement.classList.remove("cb-print");
    repaint();
  });
  let ratio = window.devicePixelRatio || 1;
  window.addEventListener("resize", () => {
    if ((window.devicePixelRatio || 1) === ratio) return;
    ratio = window.devicePixelRatio || 1;
    repaint();
  });
}

// Events: any slider re-renders; pointing at a y cell, or moving through y
// with the keyboard, selects a cell and lights its window.
function wireParams(figure, ui, data) {
  const K = window.ConvKernel;
  const inputs = Array.from(ui.querySelectorAll("input[data-param]"));
  const part = (selector) => ui.querySelector(selector);
  const yGrid = part(".cb-params-y");
  const view = {
    S: null, geo: null, ex: null, selected: null, dyFilter: 0, live: part(".cb-params-cell"),
    grids: {
      xpad: makeGrid(part(".cb-params-xpad")), y: makeGrid(yGrid),
      dilated: makeGrid(part(".cb-params-dilated")), stamps: makeGrid(part(".cb-params-stamps")),
    },
  };

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
    const problem = invalidReason(S);
    part(".cb-params-views").hidden = Boolean(problem);
    if (problem) {
      showInvalid(part(".cb-params-size"), problem);
      view.geo = null;
      view.ex = null;
      for (const key of ["rows", "cols"]) part(".cb-params-unreached").dataset[key] = "";
      for (const key of ["aHeight", "aWidth"]) delete part(".cb-params-transposed").dataset[key];
      return;
    }
    const P = layerParameters(S);
    const example = K.seededExample(S);
    example.y = K.forward(example.x, example.w, null, P);
    example.dx = K.backward(example.dy, example.x, example.w, P).dx;
    view.geo = K.geometry(S);
    view.ex = example;
    const at = view.selected;
    if (at && !(at.f < S.F && at.i < view.geo.outHeight && at.j < view.geo.outWidth)) view.selected = null;
    drawParams(ui, view);
  };
  const select = (at) => {
    if (!view.geo) return;
    const was = view.selected;
    if (was && at && was.f === at.f && was.i === at.i && was.j === at.j) return;
    view.selected = at;
    showSelection(view);
    paintParams(view);
  };
  // The cell of y under the pointer, or null.
  const cellAt = (event) => {
    const plot = event.target.closest && event.target.closest(".cb-params-plot");
    const grid = view.grids.y;
    if (!plot || !view.geo || !gridMetrics) return null;
    const box = plot.getBoundingClientRect();
    const j = Math.floor((event.clientX - box.left - GRID_BORDER) / (grid.cellChars * gridMetrics.ch));
    const i = Math.floor((event.clientY - box.top - GRID_BORDER) / gridMetrics.line);
    if (i < 0 || j < 0 || i >= grid.rows || j >= grid.cols) return null;
    return { f: Number(plot.dataset.block), i, j };
  };
  let pointerDown = false;
  yGrid.addEventListener("pointermove", (event) => {
    const at = cellAt(event);
    if (at) select(at);
  });
  yGrid.addEventListener("pointerdown", (event) => {
    pointerDown = true;
    const at = cellAt(event);
    if (at) select(at);
  });
  yGrid.addEventListener("pointerup", () => { pointerDown = false; });
  yGrid.addEventListener("focus", () => {
    if (!pointerDown) select({ f: 0, i: 0, j: 0 });
    pointerDown = false;
  });
  yGrid.addEventListener("keydown", (event) => {
    if (!view.geo || event.altKey || event.metaKey) return;
    const at = moveSelection(view, event.key, event.ctrlKey);
    if (!at) return;
    event.preventDefault();
    select(at);
  });
  part(".cb-params-controls").addEventListener("input", render);
  paramsRepaints.push(() => {
    if (!view.geo) return;
    sizeGrids(view);
    paintParams(view);
  });
  watchParamsDisplay();
  render();
}

// The cell a key moves the selection of y to, or null for other keys. Right
// and Left run on into the next or previous filter's grid.
function moveSelection(view, key, toCorner) {
  const { S, geo } = view;
  const Ho = geo.outHeight, Wo = geo.outWidth;
  const at = Object.assign({ f: 0, i: 0, j: 0 }, view.selected || {});
  switch (key) {
    case "ArrowRight":
      if (at.j < Wo - 1) at.j += 1;
      else if (at.f < S.F - 1) { at.f += 1; at.j = 0; }
      break;
    case "ArrowLeft":
      if (at.j > 0) at.j -= 1;
      else if (at.f > 0) { at.f -= 1; at.j = Wo - 1; }
      break;
    case "ArrowDown": at.i = Math.min(at.i + 1, Ho - 1); break;
    case "ArrowUp": at.i = Math.max(at.i - 1, 0); break;
    case "Home":
      at.j = 0;
      if (toCorner) { at.f = 0; at.i = 0; }
      break;
    case "End":
      at.j = Wo - 1;
      if (toCorner) { at.f = S.F - 1; at.i = Ho - 1; }
      break;
    default: return null;
  }
  return at;
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

// Redraw everything for valid settings: texts first, then the grids' text and
// sizes, then their canvases.
function drawParams(ui, view) {
  const { S, geo, ex } = view;
  const Ho = geo.outHeight, Wo = geo.outWidth;
  const size = ui.querySelector(".cb-params-size");
  size.className = "cb-params-size";
  size.dataset.outHeight = String(Ho);
  size.dataset.outWidth = String(Wo);
  size.dataset.valid = "true";
  setHTML(size, `<span class="cb-params-formula">${sizeFormula("H", S.H, S.HH, S.sh, S.ph, S.dh, Ho)}</span> ` +
    `<span class="cb-params-formula">${sizeFormula("W", S.W, S.WW, S.sw, S.pw, S.dw, Wo)}</span> ` +
    `<span class="cb-params-shapes">x (1, ${S.C}, ${S.H}, ${S.W}) → y (1, ${S.F}, ${Ho}, ${Wo}); ` +
    `w (${S.F}, ${S.C}, ${S.HH}, ${S.WW}); seeded example, seed ${S.seed}.</span>`);
  drawUnreached(ui.querySelector(".cb-params-unreached"), S, geo);
  const transposed = ui.querySelector(".cb-params-transposed");
  transposed.dataset.aHeight = String(geo.aH);
  transposed.dataset.aWidth = String(geo.aW);
  setHTML(transposed, `<p>Back from y to x (a transposed convolution, Dumoulin &amp; Visin):</p>` +
    `<span class="cb-params-formula">${transposedFormula("H", S.H, S.HH, S.sh, S.ph, S.dh, Ho, geo.aH)}</span> ` +
    `<span class="cb-params-formula">${transposedFormula("W", S.W, S.WW, S.sw, S.pw, S.dw, Wo, geo.aW)}</span>` +
    `<p>a = (H + 2p − d(HH − 1) − 1) mod s counts the rows (columns) of x_pad past the last window. ` +
    `Different H give the same H', so going back needs a to be told (PyTorch's output_padding).</p>`);

  // Every channel is padded and windowed alike, so x_pad is drawn for channel 0
  // alone; dy's dilation is the same for every filter, so it is drawn for the
  // filter of the selected y cell (drawDilated).
  const Hp = S.H + 2 * S.ph, Wp = S.W + 2 * S.pw;
  const pad = new Array(Hp * Wp).fill(0);
  for (let r = 0; r < S.H; r++) {
    for (let q = 0; q < S.W; q++) pad[(r + S.ph) * Wp + q + S.pw] = ex.x.data[r * S.W + q];
  }
  const every = S.C > 1 ? " (every channel c alike)" : "";
  fillGrid(view.grids.xpad, ["x_pad[0, 0]" + every], Hp, Wp, pad);
  const filters = [];
  for (let f = 0; f < S.F; f++) filters.push(`y[0, ${f}]`);
  fillGrid(view.grids.y, filters, Ho, Wo, ex.y.data);
  drawDilated(view, view.selected ? view.selected.f : 0);
  // dx with each cell's cover count: "dx×k", the counts (one H × W map, the
  // same for every channel) on their own hook once.
  const channels = [];
  for (let c = 0; c < S.C; c++) channels.push(`dx[0, ${c}]`);
  const counts = geo.cover.map(String);
  const countChars = Math.max(...counts.map((k) => k.length));
  fillGrid(view.grids.stamps, channels, S.H, S.W, ex.dx.data,
    (text, k) => text + "×" + counts[k % (S.H * S.W)].padEnd(countChars));
  view.grids.stamps.element.dataset.counts = counts.join(" ");
  showSelection(view);
  paintParams(view);
}

// innerHTML only when it differs (the browser lays out again what is set).
function setHTML(element, html) {
  if (element.cbHTML !== html) {
    element.innerHTML = html;
    element.cbHTML = html;
  }
}

// dy[0, f] spread out by the stride: its values s apart, the holes between
// them blank (their value, 0, in the data hook).
function drawDilated(view, f) {
  const { S, geo, ex } = view;
  const Ho = geo.outHeight, Wo = geo.outWidth;
  const Hd = S.sh * (Ho - 1) + 1, Wd = S.sw * (Wo - 1) + 1;
  const values = new Array(Hd * Wd).fill(0), holes = new Array(Hd * Wd).fill(true);
  for (let i = 0; i < Ho; i++) {
    for (let j = 0; j < Wo; j++) {
      const k = i * S.sh * Wd + j * S.sw;
      values[k] = ex.dy.data[(f * Ho + i) * Wo + j];
      holes[k] = false;
    }
  }
  view.dyFilter = f;
  view.grids.dilated.holes = holes;
  view.grids.dilated.element.dataset.filter = String(f);
  fillGrid(view.grids.dilated, [`dy[0, ${f}] dilated` + (S.F > 1 ? " (select y of another filter for its dy)" : "")],
    Hd, Wd, values, (text, k) => (holes[k] ? "" : text));
}

// The selected cell of y on its hook and in words.
function showSelection(view) {
  const at = view.selected, grid = view.grids.y.element;
  grid.dataset.selected = at ? `${at.f},${at.i},${at.j}` : "";
  if (at && at.f !== view.dyFilter) drawDilated(view, at.f);
  const text = at ? describeCell(view, at) : "";
  if (view.live.textContent !== text) view.live.textContent = text;
}

// "y[0, 1, 2, 3] = 5: window rows 4–6, columns 6–8 of x_pad"
function describeCell(view, at) {
  const { S, geo, ex } = view;
  const value = ex.y.data[(at.f * geo.outHeight + at.i) * geo.outWidth + at.j];
  const span = (one, many, start, d, k) => {
    const end = start + d * (k - 1);
    if (end === start) return `${one} ${start}`;
    const taps = d > 1 ? ` (taps on ${Array.from({ length: k }, (_, t) => start + t * d).join(", ")})` : "";
    return `${many} ${start}–${end}${taps}`;
  };
  return `y[0, ${at.f}, ${at.i}, ${at.j}] = ${formatValue(value)}: window ` +
    `${span("row", "rows", at.i * S.sh, S.dh, S.HH)}, ${span("column", "columns", at.j * S.sw, S.dw, S.WW)} of x_pad`;
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


// ---------------------------------------------------------------------------
// The explorer's grids. A table cell per number costs the browser some 20 µs
// of layout each time it changes, so each grid is drawn as a <pre> of
// monospace text, one line per row and every cell the same number of
// characters (the number right-aligned), over a <canvas> of the same size that
// paints the cells' backgrounds, lines and highlights (no layout at all).
// Cell (r, q) of a grid with cells of n characters is the text of line r from
// character q·n to (q + 1)·n, and the canvas box GRID_BORDER + (q·n·ch, r·line).

const GRID_BORDER = 2;
let gridMetrics = null;
let gridPalette = null;

function makeGrid(element) {
  return { element, blocks: [], rows: 0, cols: 0, cellChars: 1, metrics: null };
}

// The width of a character and the height of a line of the grids' text, from
// a probe laid out once (null while the page cannot lay it out).
function measureGrid() {
  if (gridMetrics) return gridMetrics;
  const probe = document.createElement("pre");
  probe.className = "cb-params-text cb-params-probe";
  probe.setAttribute("aria-hidden", "true");
  probe.textContent = Array(10).fill("0".repeat(40)).join("\n");
  document.body.appendChild(probe);
  const box = probe.getBoundingClientRect();
  probe.remove();
  if (box.width > 0 && box.height > 0) gridMetrics = { ch: box.width / 40, line: box.height / 10 };
  return gridMetrics;
}

// The colours of the page's light or dark scheme (its CSS custom properties).
function gridColours() {
  if (gridPalette) return gridPalette;
  const style = getComputedStyle(document.documentElement);
  const get = (name) => style.getPropertyValue(name).trim();
  gridPalette = {
    fg: get("--fg"), line: get("--line"), frame: get("--muted"), pad: get("--pad"), stripe: get("--stripe"),
    hlX: get("--hl-x"), hlW: get("--hl-w"), hlY: get("--hl-y"), pass: get("--pass"), accent: get("--accent"),
    cover: [1, 2, 3, 4].map((k) => get("--cover-" + k)), hatches: new Map(),
  };
  return gridPalette;
}

// Diagonal stripes in the page's --stripe colour, one device pixel per tile pixel.
function hatchPattern(context, ratio) {
  const palette = gridColours();
  let pattern = palette.hatches.get(ratio);
  if (pattern) return pattern;
  const size = Math.round(6 * ratio), tile = document.createElement("canvas");
  tile.width = tile.height = size;
  const t = tile.getContext("2d");
  t.strokeStyle = palette.stripe;
  t.lineWidth = 1.5 * ratio;
  t.beginPath();
  for (const shift of [-size, 0, size]) {
    t.moveTo(shift, size);
    t.lineTo(shift + size, 0);
  }
  t.stroke();
  pattern = context.createPattern(tile, "repeat");
  if (pattern.setTransform) pattern.setTransform(new DOMMatrix([1 / ratio, 0, 0, 1 / ratio, 0, 0]));
  palette.hatches.set(ratio, pattern);
  return pattern;
}

// Puts values (blocks of rows × cols, row-major, one block per caption) into
// the grid as text, each cell shown(formatted value, flat index), and on the
// grid's hooks: data-rows, data-cols, data-cell-chars, data-values.
function fillGrid(grid, captions, rows, cols, values, shown) {
  const texts = new Array(values.length);
  let longest = 1;
  for (let k = 0; k < values.length; k++) {
    const text = shown ? shown(formatValue(values[k]), k) : formatValue(values[k]);
    texts[k] = text;
    if (text.length > longest) longest = text.length;
  }
  const cellChars = longest + 1, blank = " ".repeat(cellChars);
  while (grid.blocks.length < captions.length) grid.blocks.push(makeBlock(grid, grid.blocks.length));
  while (grid.blocks.length > captions.length) grid.blocks.pop().element.remove();
  grid.blocks.forEach((block, b) => {
    const lines = new Array(rows);
    for (let r = 0, k = b * rows * cols; r < rows; r++) {
      let line = "";
      for (let q = 0; q < cols; q++, k++) line += blank.slice(texts[k].length) + texts[k];
      lines[r] = line;
    }
    const text = lines.join("\n");
    if (block.text !== text) block.pre.textContent = block.text = text;
    if (block.captionText !== captions[b]) block.caption.textContent = block.captionText = captions[b];
  });
  grid.rows = rows;
  grid.cols = cols;
  grid.cellChars = cellChars;
  const hooks = grid.element.dataset;
  hooks.rows = String(rows);
  hooks.cols = String(cols);
  hooks.cellChars = String(cellChars);
  hooks.values = Array.prototype.join.call(values, " ");
  sizeGrid(grid);
}

function makeBlock(grid, b) {
  const element = document.createElement("div");
  element.className = "cb-params-block";
  element.innerHTML = `<div class="cb-params-caption"></div><div class="cb-params-plot" data-block="${b}">` +
    `<canvas class="cb-params-canvas" aria-hidden="true"></canvas><pre class="cb-params-text"></pre></div>`;
  grid.element.appendChild(element);
  const plot = element.lastChild;
  return { element, caption: element.firstChild, plot, canvas: plot.firstChild, pre: plot.lastChild,
    context: null, text: null, captionText: null, width: 0, height: 0, ratio: 0 };
}

// Each block's plot sized to its text; its canvas (device pixels) only ever
// grows, the plot clipping what is past its edge (a new canvas bitmap at every
// change of size would cost more than the painting).
function sizeGrid(grid) {
  const metrics = measureGrid() || { ch: 8, line: 22 };
  const ratio = window.devicePixelRatio || 1;
  const width = Math.ceil(grid.cols * grid.cellChars * metrics.ch + 2 * GRID_BORDER);
  const height = Math.ceil(grid.rows * metrics.line + 2 * GRID_BORDER);
  grid.metrics = metrics;
  for (const block of grid.blocks) {
    if (block.width !== width) block.plot.style.width = width + "px";
    if (block.height !== height) block.plot.style.height = height + "px";
    block.width = width;
    block.height = height;
    const canvas = block.canvas, wide = Math.ceil(width * ratio), tall = Math.ceil(height * ratio);
    if (block.ratio === ratio && canvas.width >= wide && canvas.height >= tall) continue;
    if (block.ratio !== ratio) canvas.width = canvas.height = 0;
    canvas.width = Math.max(canvas.width, wide);
    canvas.height = Math.max(canvas.height, tall);
    canvas.style.width = canvas.width / ratio + "px";
    canvas.style.height = canvas.height / ratio + "px";
    block.ratio = ratio;
  }
}

function sizeGrids(view) {
  for (const grid of Object.values(view.grids)) sizeGrid(grid);
}

// Paints every block of the grid. paint(cell, block) asks for cells filled
// (cell.fill(r, q, colour, layer): layer 0 the backgrounds, 1 the hatching,
// 2 the highlights) and outlined; then come, in one path per colour, the
// fills layer by layer, the lines between cells, the frame, and the outlines.
function paintGrid(grid, paint) {
  const palette = gridColours(), B = GRID_BORDER;
  const cw = grid.cellChars * grid.metrics.ch, lh = grid.metrics.line, rows = grid.rows, cols = grid.cols;
  grid.blocks.forEach((block, b) => {
    const { width: W, height: H, ratio, canvas } = block;
    const context = block.context || (block.context = canvas.getContext("2d"));
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, canvas.width / ratio, canvas.height / ratio);
    const snap = (v) => Math.round(v * ratio) / ratio;
    const left = Array.from({ length: cols + 1 }, (_, q) => (q === cols ? W - B : snap(B + q * cw)));
    const top = Array.from({ length: rows + 1 }, (_, r) => (r === rows ? H - B : snap(B + r * lh)));
    const layers = [new Map(), new Map(), new Map()], outlines = [];
    const add = (layer, style, r, q) => {
      const group = layers[layer].get(style);
      if (group) group.push(r, q);
      else layers[layer].set(style, [r, q]);
    };
    const cell = {
      fill(r, q, colour, layer = 0) { add(layer, colour, r, q); },
      hatch(r, q) { add(1, hatchPattern(context, ratio), r, q); },
      outline(r, q, colour, lineWidth, dashed) { outlines.push({ r, q, colour, lineWidth, dashed }); },
    };
    paint(cell, b);
    for (const layer of layers) {
      for (const [style, at] of layer) {
        context.beginPath();
        for (let k = 0; k < at.length; k += 2) {
          const r = at[k], q = at[k + 1];
          context.rect(left[q], top[r], left[q + 1] - left[q], top[r + 1] - top[r]);
        }
        context.fillStyle = style;
        context.fill();
      }
    }
    context.beginPath();
    for (let q = 1; q < cols; q++) context.rect(left[q], B, 1, H - 2 * B);
    for (let r = 1; r < rows; r++) context.rect(B, top[r], W - 2 * B, 1);
    context.fillStyle = palette.line;
    context.fill();
    context.beginPath();
    context.rect(0, 0, W, B);
    context.rect(0, H - B, W, B);
    context.rect(0, B, B, H - 2 * B);
    context.rect(W - B, B, B, H - 2 * B);
    context.fillStyle = palette.frame;
    context.fill();
    for (const { r, q, colour, lineWidth, dashed } of outlines) {
      const inset = dashed ? 3 : 1 + lineWidth / 2;
      context.strokeStyle = colour;
      context.lineWidth = lineWidth;
      context.setLineDash(dashed ? [3, 2] : []);
      context.strokeRect(left[q] + inset, top[r] + inset, left[q + 1] - left[q] - 2 * inset, top[r + 1] - top[r] - 2 * inset);
    }
  });
}

// Every x_pad position (rr, qq) inside the window of y[0, f, i, j], with
// whether a tap of the (dilated) kernel lands there.
function eachInWindow(S, at, visit) {
  const r0 = at.i * S.sh, q0 = at.j * S.sw;
  for (let rr = r0; rr <= r0 + S.dh * (S.HH - 1); rr++) {
    for (let qq = q0; qq <= q0 + S.dw * (S.WW - 1); qq++) {
      visit(rr, qq, (rr - r0) % S.dh === 0 && (qq - q0) % S.dw === 0);
    }
  }
}

// The canvases: padding, unreached cells, the stride's holes and the cover
// counts, and the selected y cell lighting its window: its taps in x_pad (the
// cells its dilation skips outlined), its entry of the dilated dy and its
// stamp on dx.
function paintParams(view) {
  const { S, geo } = view, at = view.selected, colours = gridColours();
  const rowOff = new Set(geo.unreachedRows), colOff = new Set(geo.unreachedCols);
  const Hp = S.H + 2 * S.ph, Wp = S.W + 2 * S.pw;
  paintGrid(view.grids.xpad, (cell) => {
    for (let r = 0; r < Hp; r++) {
      for (let q = 0; q < Wp; q++) {
        if (r < S.ph || r >= S.ph + S.H || q < S.pw || q >= S.pw + S.W) cell.fill(r, q, colours.pad);
        if (rowOff.has(r) || colOff.has(q)) cell.hatch(r, q);
      }
    }
    if (at) {
      eachInWindow(S, at, (rr, qq, tap) => {
        if (tap) cell.fill(rr, qq, colours.hlX, 2);
        else cell.outline(rr, qq, colours.fg, 1, true);
      });
    }
  });
  paintGrid(view.grids.y, (cell, f) => {
    if (at && at.f === f) {
      cell.fill(at.i, at.j, colours.hlY, 2);
      cell.outline(at.i, at.j, colours.pass, 2, false);
    }
  });
  const dilated = view.grids.dilated;
  paintGrid(dilated, (cell) => {
    for (let u = 0; u < dilated.rows; u++) {
      for (let v = 0; v < dilated.cols; v++) if (dilated.holes[u * dilated.cols + v]) cell.fill(u, v, colours.pad);
    }
    if (at) cell.fill(at.i * S.sh, at.j * S.sw, colours.hlW, 2);
  });
  const most = Math.max(1, ...geo.cover);
  paintGrid(view.grids.stamps, (cell) => {
    for (let r = 0; r < S.H; r++) {
      for (let q = 0; q < S.W; q++) {
        const k = geo.cover[r * S.W + q];
        if (k === 0) cell.hatch(r, q);
        else cell.fill(r, q, colours.cover[Math.ceil((4 * k) / most) - 1]);
      }
    }
    if (at) {
      eachInWindow(S, at, (rr, qq, tap) => {
        const r = rr - S.ph, q = qq - S.pw;
        if (tap && r >= 0 && r < S.H && q >= 0 && q < S.W) cell.outline(r, q, colours.accent, 2, false);
      });
    }
  });
}
