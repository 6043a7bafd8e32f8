// convbook-recompute.js: "Recompute on this page" (Convbook.recompute): every
// published number of every explorer is recomputed here with convkernel.js
// and judged, value by value. Needs convbook-numbers.js and convbook-layer.js.
// No page loads it with the page: convbook-core.js loads it, with convkernel.js
// and those two, when the reader first presses the button.
"use strict";

(function (root) {
  const { fullText, shownMatches, indexName } = root.Convbook.numbers;
  const { layerParameters, settingsText } = root.Convbook.layer;
  const RELATIVE_TOLERANCE = 1e-12;
  const TINY = 1e-300;

  // Recomputes the page and shows the tally in the section's result box.
  function run(section) {
    const result = section.querySelector(".cb-recompute-result");
    if (result) runRecompute(result);
  }

  function runRecompute(result) {
    const start = performance.now();
    clearVerdicts();
    const tally = { checked: 0, ok: 0, bad: 0, maxDiff: 0, failures: [] };
    if (!root.ConvKernel) {
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
    const K = root.ConvKernel;
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
    const K = root.ConvKernel;
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

  root.Convbook.recompute = { run };
})(globalThis);
