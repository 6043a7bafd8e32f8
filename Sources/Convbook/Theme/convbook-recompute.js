// convbook-recompute.js: "Re-derive" (Convbook.recompute): every published
// number of every explorer is recomputed here with convkernel.js and judged,
// value by value, against the page's part of the ledger (provenance/SLUG.js):
// each verdict is kept for the ledger value it is about, so the summary under
// the title says how many of the ledger's values this browser re-derived (✓ or
// ✗) and how many were verified when the page was built, adding up to the
// ledger's count, and each ✗ links to its cell. Needs convbook-numbers.js,
// convbook-layer.js and convbook-provenance.js. No page loads it with the page:
// convbook-core.js loads it, with convkernel.js and those, when the reader first
// presses the button.
"use strict";

(function (root) {
  const { fullText, shownMatches, indexName } = root.Convbook.numbers;
  const { layerParameters, settingsText } = root.Convbook.layer;
  const RELATIVE_TOLERANCE = 1e-12;
  const TINY = 1e-300;

  const P = () => root.Convbook.provenance;

  // Re-derives the chapter the section is in (every chapter, for book.html's own section) and shows the tally.
  function run(section) {
    const result = section.querySelector(".cb-recompute-result");
    if (!result) return Promise.resolve();
    const own = P().scopeOf(section);
    const scopes = own ? [own] : Array.from(document.querySelectorAll("[data-prov], section.cb-book-chapter"))
      .filter((scope) => scope.querySelector(".cb-ledger-summary"));
    return Promise.all(scopes.map((scope) => P().data(P().slugOf(scope)).then((page) => ({ scope, page }))))
      .then((chapters) => runRecompute(result, chapters), (error) => {
        result.textContent = `Nothing could be re-derived: ${error.message}.`;
        result.classList.add("cb-recompute-fail");
      });
  }

  function runRecompute(result, chapters) {
    const start = performance.now();
    clearVerdicts();
    const tally = { checked: 0, ok: 0, bad: 0, maxDiff: 0, failures: [], counts: { total: 0, browser: 0, ok: 0, bad: 0, built: 0 } };
    for (const { scope, page } of chapters) {
      const slug = P().slugOf(scope);
      P().clearVerdicts(slug);
      tally.slug = slug;
      tally.page = page;
      if (!root.ConvKernel) {
        record(tally, false, () => "convkernel.js did not load, so nothing could be recomputed");
      } else {
        scope.querySelectorAll("figure.cb-explorer").forEach((figure) => checkExplorer(figure, tally));
        scope.querySelectorAll("figure.cb-params").forEach((figure) => checkParamsTable(figure, tally));
      }
      const counts = P().tallyPage(slug, page);
      for (const key of Object.keys(tally.counts)) tally.counts[key] += counts[key];
    }
    showTally(result, tally, performance.now() - start);
  }

  // One verdict; the failure text is only built for a ✗. `at`: the ledger value it is
  // about ({index, k}: k undefined for the whole entry), `cell`: the cell it shows in.
  function record(tally, ok, describe, at, cell) {
    tally.checked += 1;
    if (at && at.index >= 0) {
      if (at.k === undefined) { if (!ok) P().recordEntry(tally.slug, at.index); } else P().record(tally.slug, at.index, at.k, ok);
    }
    if (ok) tally.ok += 1;
    else { tally.bad += 1; tally.failures.push({ text: describe(), cell: cell || null, slug: tally.slug, at }); }
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
  // `index`: the ledger entry, `offset`: where these numbers start in it.
  function checkValues(tally, where, name, published, recomputed, index, offset = 0) {
    const same = published.shape.length === recomputed.shape.length &&
      published.shape.every((k, axis) => k === recomputed.shape[axis]);
    if (!same) {
      tally.maxDiff = Infinity;
      record(tally, false, () => `${where}: ${name} has shape (${published.shape.join(", ")}), ` +
        `recomputed (${recomputed.shape.join(", ")})`, { index });
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
        `${where}: ${indexName(name, published.shape, k)} published ${fullText(p)}, recomputed ${fullText(r)}`,
        { index, k: offset + k }, index >= 0 && offset === 0 ? tally.cells && tally.cells(name, k) : null);
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
    const base = Number(figure.dataset.v);
    const indexOf = (name) => Number.isInteger(base) ? P().explorerIndex(tally.page.values, base, name) : -1;
    tally.cells = (name, k) => figure.querySelector(`td[data-cell="${name}:${k}"]`);
    let example;
    try {
      example = JSON.parse(figure.querySelector("script.cb-explorer-data").textContent).example;
    } catch (error) {
      example = null;
    }
    if (!example || !example.tensors) {
      for (const name of ["y", "dx", "dw", "db"]) recordMissing(tally, indexOf(name));
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
      for (const name of ["y", "dx", "dw", "db"]) recordMissing(tally, indexOf(name));
      record(tally, false, () => `${where}: the example has no x or no w to recompute from`);
      return;
    }
    const recomputed = {};
    try {
      const P = example.parameters || {};
      recomputed.y = K.forward(published.x, published.w, published.b || null, P);
      if (published.dy) Object.assign(recomputed, K.backward(published.dy, published.x, published.w, P));
    } catch (error) {
      for (const name of ["y", "dx", "dw", "db"]) recordMissing(tally, indexOf(name));
      record(tally, false, () => `${where}: cannot recompute: ${error.message}`);
      return;
    }
    for (const name of ["y", "dx", "dw", "db"]) {
      if (!published[name]) continue;
      if (!recomputed[name]) record(tally, false, () => `${where}: ${name} is published but there is no dy to recompute it from`, { index: indexOf(name) });
      else checkValues(tally, where, name, published[name], recomputed[name], indexOf(name));
    }
    figure.querySelectorAll("td[data-cell]").forEach((cell) => checkCell(cell, tally, where, published, recomputed, indexOf));
    tally.cells = null;
  }

  // A ledger value the browser should have re-derived but could not: ✗ as a whole.
  function recordMissing(tally, index) {
    if (index >= 0) P().recordEntry(tally.slug, index);
  }

  // A table cell: an output (y, dx, dw) against the recomputed value, an input
  // (x, w, b, dy) against the example's data, both at the digits shown.
  function checkCell(cell, tally, where, published, recomputed, indexOf) {
    const [name, at] = cell.dataset.cell.split(":");
    const k = Number(at);
    const isOutput = ["y", "dx", "dw", "db"].includes(name);
    const source = isOutput ? recomputed[name] : published[name];
    const text = cell.textContent;
    if (!source || !Number.isInteger(k) || k < 0 || k >= source.data.length) {
      markCell(cell, false, `shown ${text.trim()}, but there is no ${name} value ${at} to compare it with`);
      record(tally, false, () => `${where}: table cell ${name}:${at} shows ${text.trim()}, but there is no such value`,
        isOutput ? { index: indexOf(name) } : null, cell);
      return;
    }
    const r = source.data[k];
    const ok = shownMatches(text, r);
    const label = indexName(name, source.shape, k);
    const against = isOutput ? "recomputed" : "example data";
    markCell(cell, ok, `${label}: published ${text.trim()}, ${against} ${fullText(r)}`);
    // An output cell is a re-derived ledger value; an input cell is checked against the data it was computed from.
    record(tally, ok, () => `${where}: ${label} published ${text.trim()} in the table, ${against} ${fullText(r)}`,
      isOutput ? { index: indexOf(name), k } : null, cell);
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
    const base = Number(figure.dataset.v);
    (data.table || []).forEach((row, r) => {
      const index = Number.isInteger(base) ? base + r : -1;
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
        record(tally, false, () => `${where}: cannot recompute: ${error.message}`, { index });
        return;
      }
      // The ledger's numbers of a setting: the four sizes, the cover counts, then y and dx.
      ["outHeight", "outWidth", "aH", "aW", "unreachedRows", "unreachedCols"].forEach((key, at) => {
        const same = JSON.stringify(row[key]) === JSON.stringify(geo[key]);
        record(tally, same, () => `${where}: ${key} published ${JSON.stringify(row[key])}, recomputed ${JSON.stringify(geo[key])}`,
          { index, k: at < 4 ? at : undefined });
      });
      const cover = Array.isArray(row.cover) ? row.cover : [];
      if (cover.length !== geo.cover.length) {
        record(tally, false, () => `${where}: cover has ${cover.length} values, recomputed ${geo.cover.length}`, { index });
      } else {
        cover.forEach((k, at) => record(tally, k === geo.cover[at], () =>
          `${where}: cover[${Math.floor(at / S.W)},${at % S.W}] published ${k}, recomputed ${geo.cover[at]}`, { index, k: 4 + at }));
      }
      let offset = 4 + cover.length;
      for (const [name, recomputed] of [["y", y], ["dx", dx]]) {
        try {
          const published = K.tensor(row[name]);
          checkValues(tally, where, name, published, recomputed, index, offset);
          offset += published.data.length;
        } catch (error) {
          record(tally, false, () => `${where}: ${name} cannot be read: ${error.message}`, { index });
        }
      }
    });
  }

  function showTally(result, tally, ms) {
    const maxDiff = Number.isNaN(tally.maxDiff) ? "nan" : tally.maxDiff === Infinity ? "inf" : String(tally.maxDiff);
    const counts = tally.counts;
    result.dataset.checked = String(tally.checked);
    result.dataset.ok = String(counts.ok);
    result.dataset.bad = String(counts.bad);
    result.dataset.browser = String(counts.browser);
    result.dataset.built = String(counts.built);
    result.dataset.total = String(counts.total);
    result.dataset.maxDiff = maxDiff;
    result.dataset.ms = ms.toFixed(1);
    const failed = counts.bad > 0 || tally.failures.length > 0;
    result.classList.toggle("cb-recompute-pass", !failed);
    result.classList.toggle("cb-recompute-fail", failed);
    const diffText = tally.maxDiff === 0 ? "0" : Number.isFinite(tally.maxDiff) ? tally.maxDiff.toExponential(2) : "∞";
    const summary = document.createElement("p");
    summary.className = "cb-recompute-summary";
    // A ✗ that is no re-derived ledger value (a shown input that differs from the data it was computed from).
    const others = tally.failures.filter((failure) => !(failure.at && failure.at.index >= 0)).length;
    const otherText = others > 0 ? ` And ${others} ✗ below that is not a re-derived value: what the page shows differs from the data.` : "";
    summary.textContent = `${P().summaryText(counts)}${otherText} Largest relative difference of a full-precision value: ${diffText}; ` +
      `${tally.checked} comparisons in ${ms.toFixed(1)} ms.`;
    result.replaceChildren(summary);
    if (tally.failures.length > 0) {
      const list = document.createElement("ul");
      list.className = "cb-recompute-failures";
      for (const failure of tally.failures) {
        const item = document.createElement("li");
        if (failure.cell) {
          // The ✗ links to its cell (an id made here when it has none; unique in book.html too).
          if (!failure.cell.id) {
            const at = failure.at && failure.at.index >= 0 ? `${failure.at.index}-${failure.at.k}` : failure.cell.dataset.cell.replace(":", "-");
            failure.cell.id = `cb-x-${failure.slug}-${at}`;
          }
          const link = document.createElement("a");
          link.href = "#" + failure.cell.id;
          link.textContent = "✗ " + failure.text;
          link.addEventListener("click", () => {
            if (!failure.cell.hasAttribute("tabindex")) failure.cell.tabIndex = -1;
            setTimeout(() => failure.cell.focus(), 0);
          });
          item.appendChild(link);
        } else {
          item.textContent = "✗ " + failure.text;
        }
        list.appendChild(item);
      }
      result.appendChild(list);
    }
  }

  root.Convbook.recompute = { run };
})(globalThis);
