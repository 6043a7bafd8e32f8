// convbook-search.js: the search box (Convbook.search), over the index the
// build writes into search-index.js (window.CONVBOOK_SEARCH), ranked by
// Convbook.rank.
//
// The index and its ranking are loaded on first use: focusing or typing in
// the box loads convbook-rank.js and search-index.js (a script, not JSON, so
// that it loads from file:// too) with the loader convbook-core.js passes in;
// no page loads them before.
//
// The box is an ARIA combobox with a listbox of results: focus stays in the
// box; ArrowDown/ArrowUp move the active result (aria-activedescendant),
// Enter opens it (the first when none is active), Escape clears the box.
"use strict";

(function (root) {
  // load(names): a promise that the page script's files `names` have run, in order (convbook-core.js).
  function setUp(load) {
    const input = document.getElementById("search-input");
    const results = document.getElementById("search-results");
    if (!input || !results) return;
    let rank = null, index = null, loading = false, active = -1;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", results.id);
    results.setAttribute("role", "listbox");
    results.setAttribute("aria-label", "Search results");
    results.removeAttribute("aria-live");
    const status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    results.after(status);

    // The index, built on first use; null until search-index.js has loaded.
    function loadIndex() {
      if (index || loading) return;
      loading = true;
      load(["convbook-rank.js", "search-index.js"]).then(() => {
        rank = root.Convbook.rank;
        index = rank.build(root.CONVBOOK_SEARCH || []);
        loading = false;
        run();
      }, () => { loading = false; status.textContent = "The search index could not be loaded."; });
    }

    function options() {
      return Array.from(results.querySelectorAll("[role=option][href]"));
    }

    function setActive(at) {
      const list = options();
      active = list.length === 0 ? -1 : Math.max(-1, Math.min(at, list.length - 1));
      list.forEach((option, i) => option.setAttribute("aria-selected", i === active ? "true" : "false"));
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", list[active].id);
        list[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(open) {
      results.hidden = !open;
      input.setAttribute("aria-expanded", open && results.children.length > 0 ? "true" : "false");
    }

    // Pieces [{text, mark}] as text and <mark> elements.
    function append(element, pieces) {
      for (const piece of pieces) {
        if (piece.mark) {
          const mark = document.createElement("mark");
          mark.textContent = piece.text;
          element.appendChild(mark);
        } else {
          element.appendChild(document.createTextNode(piece.text));
        }
      }
    }

    function run() {
      results.replaceChildren();
      active = -1;
      input.removeAttribute("aria-activedescendant");
      const query = input.value.trim();
      if (!query || !index) { status.textContent = ""; show(false); return; }
      const hits = rank.search(index, query, 12);
      hits.forEach((hit, i) => {
        const li = document.createElement("li");
        li.setAttribute("role", "none");
        const a = document.createElement("a");
        a.id = "search-option-" + i;
        a.href = hit.entry.u;
        a.tabIndex = -1;
        a.setAttribute("role", "option");
        a.setAttribute("aria-selected", "false");
        append(a, rank.highlight(hit.entry.s, hit.terms));
        const where = document.createElement("span");
        where.className = "where";
        where.appendChild(document.createTextNode(hit.entry.c + " — "));
        append(where, rank.snippet(hit.entry.x, hit.terms));
        a.appendChild(where);
        li.appendChild(a);
        results.appendChild(li);
      });
      if (hits.length === 0) {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.setAttribute("aria-disabled", "true");
        li.className = "no-match";
        li.textContent = "No matches";
        results.appendChild(li);
      }
      status.textContent = hits.length === 0 ? "No matches" : hits.length + (hits.length === 1 ? " result" : " results");
      show(true);
    }

    input.addEventListener("focus", () => { loadIndex(); if (input.value.trim()) show(true); });
    input.addEventListener("input", () => { loadIndex(); run(); });
    input.addEventListener("keydown", (event) => {
      const list = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.length === 0) return;
        event.preventDefault();
        show(true);
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive(active + step < -1 ? list.length - 1 : active + step);
      } else if (event.key === "Enter") {
        event.preventDefault();
        const target = list[active >= 0 ? active : 0];
        if (target) root.location.href = target.href;
      } else if (event.key === "Escape") {
        if (input.value === "" && results.hidden) return;
        event.preventDefault();
        input.value = "";
        run();
      }
    });
    // The list closes when focus leaves the search box and its results.
    input.form.addEventListener("focusout", (event) => {
      if (!input.form.contains(event.relatedTarget)) show(false);
    });
  }

  (root.Convbook = root.Convbook || {}).search = { setUp };
})(globalThis);
