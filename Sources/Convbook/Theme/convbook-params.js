// convbook-params.js: the parameter explorer (Convbook.params): sliders for
// the layer's settings; every change recomputes the seeded example and the
// window geometry with convkernel.js and redraws the grids (convbook-grid.js).
// Needs convbook-numbers.js, convbook-layer.js and convbook-grid.js.
"use strict";

(function (root) {
  const { formatValue } = root.Convbook.numbers;
  const { PARAMS, layerParameters, invalidReason, sizeFormula, transposedFormula } = root.Convbook.layer;
  const grid = root.Convbook.grid;

  // Every parameter explorer of the page: their ids numbered in order, and one
  // watch on the display that repaints them all.
  function setUpAll(figures) {
    const page = { made: 0, repaints: [] };
    figures.forEach((figure) => setUp(figure, page));
    if (page.repaints.length > 0) watchDisplay(page.repaints);
  }

  function setUp(figure, page) {
    try {
      buildParams(figure, page);
    } catch (error) {
      const note = document.createElement("p");
      note.className = "cb-params-problem";
      note.textContent = "This explorer could not start: " + error.message;
      figure.insertBefore(note, figure.querySelector(":scope > figcaption"));
    }
  }

  // The figure's skeleton: sliders, then the grids and texts render() fills.
  function buildParams(figure, page) {
    const data = JSON.parse(figure.querySelector("script.cb-params-data").textContent);
    if (!root.ConvKernel) throw new Error("convkernel.js did not load");
    const id = "cb-params-" + (++page.made);
    // The ranges and the start come from the page (the runtime's exploreParameters), nowhere else.
    const { limits, initial } = data;
    for (const [key] of PARAMS) {
      if (!limits || !limits[key] || !initial || initial[key] === undefined) throw new Error("the page gives no range or start for " + key);
    }
    const controls = PARAMS.map(([key, hint]) => {
      const [min, max] = limits[key];
      const value = Math.min(Math.max(initial[key], min), max);
      return `<div class="cb-params-control" title="${key}: ${hint}"><label for="${id}-${key}"><span class="cb-params-key">${key}</span> ` +
        `<span class="cb-params-hint">${hint}</span></label>` +
        `<input type="range" id="${id}-${key}" data-param="${key}" min="${min}" max="${max}" step="1" value="${value}">` +
        `<output for="${id}-${key}" class="cb-params-value">${value}</output></div>`;
    }).join("");
    const ui = document.createElement("div");
    ui.className = "cb-params-ui";
    ui.innerHTML =
      `<div class="cb-params-controls" role="group" aria-label="Layer settings">${controls}</div>` +
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
        "Each window stamps dy·w onto x at its taps. A cell shows dx, then #k: the number of terms in its sum, " +
        "the (window, tap) pairs that land on it per filter; darker means more. #0 (hatched): no window reaches it, " +
        "so dx is 0 whatever dy is.")) +
      `</div></div>` +
      // The sizes after the grids (for an invalid layer, the reason right below the controls, the grids
      // hidden): on a phone the grids come first, next to the sliders.
      `<div class="cb-params-size" aria-live="polite"></div>` +
      `<div class="cb-params-views cb-params-notes"><p class="cb-params-unreached"></p>` +
      `<div class="cb-params-transposed"></div></div>`;
    const caption = figure.querySelector(":scope > figcaption");
    if (caption && caption === figure.firstElementChild) figure.appendChild(ui);
    else figure.insertBefore(ui, caption);
    // The controls stick to the top of the screen while the explorer is on it (style.css),
    // below the page's own sticky header if it has one.
    const stick = () => figure.style.setProperty("--cb-params-top", topInset() + "px");
    stick();
    window.addEventListener("resize", stick);
    wireParams(figure, ui, data, page.repaints);
  }

  // The height of whatever is fixed or sticky at the top of the viewport (a header bar).
  function topInset() {
    let element = document.elementFromPoint(window.innerWidth / 2, 1);
    while (element && element !== document.body && element !== document.documentElement) {
      const position = getComputedStyle(element).position;
      if (position === "fixed" || position === "sticky") return Math.max(0, Math.round(element.getBoundingClientRect().bottom));
      element = element.parentElement;
    }
    return 0;
  }

  /// A grid with its caption; a grid with no attributes of its own is a
  /// labelled region a keyboard can reach, since on a narrow screen it scrolls.
  function panel(title, className, attributes, after) {
    const own = attributes || `tabindex="0" role="region" aria-label="${title}"`;
    return `<figure class="cb-params-panel"><figcaption>${title}</figcaption>` +
      `<div class="cb-params-grid ${className}" ${own}></div>${after}</figure>`;
  }

  function legend(text) {
    return `<p class="cb-params-legend">${text}</p>`;
  }

  // Every explorer's repaint, for a change of colour scheme (or printing) or pixel ratio.
  function watchDisplay(repaints) {
    const repaint = () => {
      grid.forgetColours();
      for (const again of repaints) again();
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
  function wireParams(figure, ui, data, repaints) {
    const K = root.ConvKernel;
    const inputs = Array.from(ui.querySelectorAll("input[data-param]"));
    const part = (selector) => ui.querySelector(selector);
    const yGrid = part(".cb-params-y");
    const view = {
      S: null, geo: null, ex: null, selected: null, dyFilter: 0, live: part(".cb-params-cell"),
      grids: {
        xpad: grid.make(part(".cb-params-xpad")), y: grid.make(yGrid),
        dilated: grid.make(part(".cb-params-dilated")), stamps: grid.make(part(".cb-params-stamps")),
      },
    };

    const hideViews = (hidden) => ui.querySelectorAll(".cb-params-views").forEach((views) => { views.hidden = hidden; });
    const render = () => {
      const start = performance.now();
      try {
        draw();
      } catch (error) {   // never expected; shown in the figure, not thrown
        showInvalid(part(".cb-params-size"), { text: "The explorer failed on these settings: " + error.message });
        hideViews(true);
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
      hideViews(Boolean(problem));
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
      const yCells = view.grids.y, metrics = grid.metrics();
      if (!plot || !view.geo || !metrics) return null;
      const box = plot.getBoundingClientRect();
      const j = Math.floor((event.clientX - box.left - grid.BORDER) / (yCells.cellChars * metrics.ch));
      const i = Math.floor((event.clientY - box.top - grid.BORDER) / metrics.line);
      if (i < 0 || j < 0 || i >= yCells.rows || j >= yCells.cols) return null;
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
    repaints.push(() => {
      if (!view.geo) return;
      for (const each of Object.values(view.grids)) grid.size(each);
      paintParams(view);
    });
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

  function showInvalid(size, problem) {
    size.className = "cb-params-size cb-params-invalid";
    size.dataset.outHeight = "0";
    size.dataset.outWidth = "0";
    size.dataset.valid = "false";
    size.textContent = problem.text;
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
    grid.fill(view.grids.xpad, ["x_pad[0, 0]" + every], Hp, Wp, pad);
    const filters = [];
    for (let f = 0; f < S.F; f++) filters.push(`y[0, ${f}]`);
    grid.fill(view.grids.y, filters, Ho, Wo, ex.y.data);
    drawDilated(view, view.selected ? view.selected.f : 0);
    // dx with each cell's cover count, "dx #k" (# for "number of": "dx×k" read
    // as a product), the counts (one H × W map, the same for every channel)
    // on their own hook once.
    const channels = [];
    for (let c = 0; c < S.C; c++) channels.push(`dx[0, ${c}]`);
    const counts = geo.cover.map(String);
    const countChars = Math.max(...counts.map((k) => k.length));
    grid.fill(view.grids.stamps, channels, S.H, S.W, ex.dx.data,
      (text, k) => text + " #" + counts[k % (S.H * S.W)].padEnd(countChars));
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
    grid.fill(view.grids.dilated, [`dy[0, ${f}] dilated` + (S.F > 1 ? " (select y of another filter for its dy)" : "")],
      Hd, Wd, values, (text, k) => (holes[k] ? "" : text));
  }

  // The selected cell of y on its hook and in words.
  function showSelection(view) {
    const at = view.selected, element = view.grids.y.element;
    element.dataset.selected = at ? `${at.f},${at.i},${at.j}` : "";
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
    const { S, geo } = view, at = view.selected, colours = grid.colours();
    const rowOff = new Set(geo.unreachedRows), colOff = new Set(geo.unreachedCols);
    const Hp = S.H + 2 * S.ph, Wp = S.W + 2 * S.pw;
    grid.paint(view.grids.xpad, (cell) => {
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
    grid.paint(view.grids.y, (cell, f) => {
      if (at && at.f === f) {
        cell.fill(at.i, at.j, colours.hlY, 2);
        cell.outline(at.i, at.j, colours.pass, 2, false);
      }
    });
    const dilated = view.grids.dilated;
    grid.paint(dilated, (cell) => {
      for (let u = 0; u < dilated.rows; u++) {
        for (let v = 0; v < dilated.cols; v++) if (dilated.holes[u * dilated.cols + v]) cell.fill(u, v, colours.pad);
      }
      if (at) cell.fill(at.i * S.sh, at.j * S.sw, colours.hlW, 2);
    });
    const most = Math.max(1, ...geo.cover);
    grid.paint(view.grids.stamps, (cell) => {
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

  root.Convbook.params = { setUpAll };
})(globalThis);
