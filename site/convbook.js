// convbook's page script: copy buttons, search, and the receptive-field
// explorer. Everything works from file:// with no network; the page is
// complete without it (math and highlighting are done at build time).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  addCopyButtons();
  setUpSearch();
  document.querySelectorAll(".cb-explorer").forEach(setUpExplorer);
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
