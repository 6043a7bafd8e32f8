// convbook-explorer.js: the receptive-field explorer (Convbook.explorer).
// Every cell of the target tensor (y, dx or dw) lists the cells of the two
// source tensors that produced it. Those lists come from the engine at build
// time (the JSON in the figure, with the example's tensors at full
// precision); this script highlights them and writes out the sum they make,
// in the numbers the page shows (`sumText`). Needs convbook-numbers.js. The readings are tabs (the ARIA tabs
// pattern: arrow keys, Home and End, one tab panel); a click or tap on a cell
// scrolls the page just enough to show every highlighted cell with it.
"use strict";

(function (root) {
  const { formatValue } = root.Convbook.numbers;
  let made = 0;

  function setUp(figure) {
    const data = JSON.parse(figure.querySelector("script.cb-explorer-data").textContent);
    const sum = figure.querySelector(".cb-explorer-sum");
    const tabs = Array.from(figure.querySelectorAll(".cb-explorer-tabs [role=tab]"));
    const panel = figure.querySelector("[role=tabpanel]");
    let view = data.views[0];

    // Ids for the tabs and their panel (unique on the page, book.html included).
    const id = "cb-explorer-" + (++made);
    if (panel) panel.id = id + "-panel";
    tabs.forEach((tab) => {
      tab.id = `${id}-tab-${tab.dataset.view}`;
      if (panel) tab.setAttribute("aria-controls", panel.id);
    });

    const clear = () => {
      figure.querySelectorAll(".hl-source-x, .hl-source-w, .hl-target").forEach((cell) => {
        cell.classList.remove("hl-source-x", "hl-source-w", "hl-target");
      });
    };
    const show = (cell) => {
      clear();
      const [tensor, index] = cell.dataset.cell.split(":");
      if (tensor !== view.target) return false;
      const entry = view.cells[index];
      if (!entry) return false;
      cell.classList.add("hl-target");
      for (const i of entry.a) mark(view.sources[0], i, "hl-source-x");
      for (const i of entry.b) mark(view.sources[1], i, "hl-source-w");
      sum.textContent = sumText(view, Number(index), entry, data.example.tensors);
      return true;
    };
    const mark = (tensor, index, className) => {
      const cell = figure.querySelector(`td[data-cell="${tensor}:${index}"]`);
      if (cell) cell.classList.add(className);
    };
    const select = (name) => {
      view = data.views.find((v) => v.target === name) || data.views[0];
      tabs.forEach((tab) => {
        const selected = tab.dataset.view === view.target;
        tab.setAttribute("aria-selected", String(selected));
        tab.tabIndex = selected ? 0 : -1;
        if (selected && panel) panel.setAttribute("aria-labelledby", tab.id);
      });
      figure.querySelectorAll("td[data-cell]").forEach((cell) => {
        const isTarget = cell.dataset.cell.startsWith(view.target + ":");
        cell.tabIndex = isTarget ? 0 : -1;
      });
      figure.querySelectorAll(".cb-explorer-panel").forEach((tensorPanel) => {
        tensorPanel.hidden = !view.panels.includes(tensorPanel.dataset.tensor);
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
    // A click or tap: on a phone the source cells are stacked above the target, off the screen.
    figure.addEventListener("click", (event) => {
      const cell = event.target.closest("td[data-cell]");
      if (cell && show(cell)) reveal(figure, cell, sum);
    });
    tabs.forEach((tab) => tab.addEventListener("click", () => select(tab.dataset.view)));
    // Left and Right move between the tabs (wrapping), Home and End to the first and last;
    // the tab reached is selected (automatic activation: a reading costs nothing to show).
    const tablist = figure.querySelector("[role=tablist]");
    if (tablist) {
      tablist.addEventListener("keydown", (event) => {
        const at = tabs.indexOf(document.activeElement);
        if (at < 0 || event.altKey || event.ctrlKey || event.metaKey) return;
        const next = { ArrowRight: (at + 1) % tabs.length, ArrowLeft: (at - 1 + tabs.length) % tabs.length,
          Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        tabs[next].focus();
        select(tabs[next].dataset.view);
      });
    }
    select(view.target);
  }

  // The height of whatever is fixed or sticky at the top of the viewport (a
  // header bar), which would hide cells scrolled to the very top.
  function topInset() {
    let element = document.elementFromPoint(window.innerWidth / 2, 1);
    while (element && element !== document.body && element !== document.documentElement) {
      const position = getComputedStyle(element).position;
      if (position === "fixed" || position === "sticky") return Math.max(0, element.getBoundingClientRect().bottom);
      element = element.parentElement;
    }
    return 0;
  }

  // Scrolls the page the least that brings every highlighted cell of the
  // figure (and, when it fits too, the written-out sum) into view, never
  // moving the clicked cell off the screen; nothing moves when all is shown.
  function reveal(figure, cell, sum) {
    const margin = 8, inset = topInset() + margin, bottomEdge = document.documentElement.clientHeight - margin;
    const room = bottomEdge - inset;
    let top = Infinity, bottom = -Infinity;
    figure.querySelectorAll(".hl-source-x, .hl-source-w, .hl-target").forEach((marked) => {
      const box = marked.getBoundingClientRect();
      if (box.height === 0) return;
      top = Math.min(top, box.top);
      bottom = Math.max(bottom, box.bottom);
    });
    if (!(bottom > top)) return;
    const sumBox = sum.getBoundingClientRect();
    if (Math.max(bottom, sumBox.bottom) - Math.min(top, sumBox.top) <= room) {
      top = Math.min(top, sumBox.top);
      bottom = Math.max(bottom, sumBox.bottom);
    }
    let delta = 0;
    if (bottom - top <= room) {
      if (top < inset) delta = top - inset;
      else if (bottom > bottomEdge) delta = bottom - bottomEdge;
    } else {
      // Too tall to show at once: as much of it from its top as keeps the clicked cell in view.
      const own = cell.getBoundingClientRect();
      delta = Math.min(Math.max(top - inset, own.bottom - bottomEdge), own.top - inset);
    }
    if (Math.abs(delta) < 1) return;
    const still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    window.scrollBy({ top: delta, behavior: still ? "auto" : "smooth" });
  }

  // The sum that makes cell `index` of the view's target, written out twice,
  // in names and in the numbers the page shows, then its value:
  //   y[0,0,1,1] = b[0] + x[0,0,1,1]·w[0,0,0,0] + …
  //     = 0.5 + 2·3 + …
  //     = 37
  // `entry` pairs the source cells (entry.a[k] of the first source with
  // entry.b[k] of the second); `tensors` are the example's, {name: {shape, data}}.
  // y's sum starts with the bias of the cell's filter when the example has one.
  function sumText(view, index, entry, tensors) {
    const [a, b] = view.sources;
    const target = tensors[view.target];
    const name = `${view.target}[${unflatten(index, target.shape).join(",")}]`;
    const symbols = [], numbers = [];
    if (view.target === "y" && tensors.b && target.shape.length === 4) {
      const f = unflatten(index, target.shape)[1];
      symbols.push(`b[${f}]`);
      numbers.push(formatValue(Number(tensors.b.data[f])));
    }
    entry.a.forEach((i, k) => {
      const j = entry.b[k];
      symbols.push(`${a}[${unflatten(i, tensors[a].shape).join(",")}]·${b}[${unflatten(j, tensors[b].shape).join(",")}]`);
      numbers.push(`${signed(Number(tensors[a].data[i]))}·${signed(Number(tensors[b].data[j]))}`);
    });
    if (symbols.length === 0) return `${name} = 0: no window reaches this cell, so nothing flows into it`;
    return `${name} = ${symbols.join(" + ")}\n  = ${numbers.join(" + ")}\n  = ${formatValue(Number(target.data[index]))}`;
  }

  const signed = (x) => (x < 0 ? `(${formatValue(x)})` : formatValue(x));

  // Row-major index → coordinates.
  function unflatten(index, shape) {
    const result = new Array(shape.length).fill(0);
    let rest = index;
    for (let axis = shape.length - 1; axis >= 0; axis -= 1) {
      if (shape[axis] > 0) {
        result[axis] = rest % shape[axis];
        rest = Math.floor(rest / shape[axis]);
      }
    }
    return result;
  }

  (root.Convbook = root.Convbook || {}).explorer = { setUp, sumText };
})(globalThis);
