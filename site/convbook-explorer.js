// convbook-explorer.js: the receptive-field explorer (Convbook.explorer).
// Every cell of the target tensor (y, dx or dw) lists the cells of the two
// source tensors that produced it, and the sum written out with their numbers.
// Those lists come from the engine at build time (the JSON in the figure);
// this script only highlights them.
"use strict";

(function (root) {
  function setUp(figure) {
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

  (root.Convbook = root.Convbook || {}).explorer = { setUp };
})(globalThis);
