// convbook-search.js: the search box (Convbook.search), over the index the
// build writes into search-index.js (window.CONVBOOK_SEARCH).
"use strict";

(function (root) {
  function setUp() {
    const input = document.getElementById("search-input");
    const results = document.getElementById("search-results");
    const index = root.CONVBOOK_SEARCH || [];
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

  (root.Convbook = root.Convbook || {}).search = { setUp };
})(globalThis);
