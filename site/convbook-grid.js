// convbook-grid.js: the parameter explorer's grids of numbers (Convbook.grid).
// A table cell per number costs the browser some 20 µs of layout each time it
// changes, so each grid is drawn as a <pre> of monospace text, one line per
// row and every cell the same number of characters (the number right-aligned),
// over a <canvas> of the same size that paints the cells' backgrounds, lines
// and highlights (no layout at all). Cell (r, q) of a grid with cells of n
// characters is the text of line r from character q·n to (q + 1)·n, and the
// canvas box BORDER + (q·n·ch, r·line). Needs convbook-numbers.js.
"use strict";

(function (root) {
  const { formatValue } = root.Convbook.numbers;
  const BORDER = 2;
  // The page's character box once measured, and its colours until the scheme changes.
  let knownMetrics = null;
  let knownColours = null;

  function makeGrid(element) {
    return { element, blocks: [], rows: 0, cols: 0, cellChars: 1, metrics: null };
  }

  // The width of a character and the height of a line of the grids' text, from
  // a probe laid out once (null while the page cannot lay it out).
  function measureGrid() {
    if (knownMetrics) return knownMetrics;
    const probe = document.createElement("pre");
    probe.className = "cb-params-text cb-params-probe";
    probe.setAttribute("aria-hidden", "true");
    probe.textContent = Array(10).fill("0".repeat(40)).join("\n");
    document.body.appendChild(probe);
    const box = probe.getBoundingClientRect();
    probe.remove();
    if (box.width > 0 && box.height > 0) knownMetrics = { ch: box.width / 40, line: box.height / 10 };
    return knownMetrics;
  }

  // The metrics measured so far, or null (measures nothing).
  function metrics() {
    return knownMetrics;
  }

  // The colours of the page's light or dark scheme (its CSS custom properties).
  function colours() {
    if (knownColours) return knownColours;
    const style = getComputedStyle(document.documentElement);
    const get = (name) => style.getPropertyValue(name).trim();
    knownColours = {
      fg: get("--fg"), line: get("--line"), frame: get("--muted"), pad: get("--pad"), stripe: get("--stripe"),
      hlX: get("--hl-x"), hlW: get("--hl-w"), hlY: get("--hl-y"), pass: get("--pass"), accent: get("--accent"),
      cover: [1, 2, 3, 4].map((k) => get("--cover-" + k)), hatches: new Map(),
    };
    return knownColours;
  }

  // Read the colours again at the next paint (the scheme changed, or printing).
  function forgetColours() {
    knownColours = null;
  }

  // Diagonal stripes in the page's --stripe colour, one device pixel per tile pixel.
  function hatchPattern(context, ratio) {
    const palette = colours();
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
    const width = Math.ceil(grid.cols * grid.cellChars * metrics.ch + 2 * BORDER);
    const height = Math.ceil(grid.rows * metrics.line + 2 * BORDER);
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

  // Paints every block of the grid. paint(cell, block) asks for cells filled
  // (cell.fill(r, q, colour, layer): layer 0 the backgrounds, 1 the hatching,
  // 2 the highlights) and outlined; then come, in one path per colour, the
  // fills layer by layer, the lines between cells, the frame, and the outlines.
  function paintGrid(grid, paint) {
    const palette = colours(), B = BORDER;
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

  root.Convbook.grid = {
    BORDER, make: makeGrid, fill: fillGrid, size: sizeGrid, paint: paintGrid, metrics, colours, forgetColours,
  };
})(globalThis);
