// convbook-provenance.js: where a published value comes from (Convbook.provenance).
// Every value the page publishes carries its index in the page's slice of the
// ledger (site/manifest.json): `data-v="N"` on an inline value (in prose, or in
// math, where KaTeX makes it from inject's \htmlData{v=N} mark), on a tensor
// (its cells follow in document order), a table (its cells), a check table
// (its rows) or an explorer (its tensors, in order). Pointing at, tapping or
// focusing one opens a small popover: the chapter line that computed it
// (linked to the book's repository when book.toml names one, else to its block
// on the page), that line in the chapter's code download, its value class and
// tolerance, the checks its block ran with their measured errors, and whether
// this browser re-derived it. The ledger's part for the page is
// `provenance/SLUG.js` (ProvenanceData.swift), loaded on first use like this
// file (convbook-core.js loads both): no page carries it.
//
// Keyboard: one tab stop per output box, not one per value. A tensor-heavy page
// has thousands of cells; a tab stop each would bury the page's links. The box
// (`.cb-output`, already focusable so that it can scroll) is the stop; Enter or
// an arrow key moves into its values (a roving focus, tabindex -1), arrows move
// between them (Left/Right along, Up/Down to the row above or below), Home/End
// to the first and last, Escape closes the popover and, pressed again, goes
// back to the box. Enter on a value with the popover open enters the popover
// (its links); Escape, or tabbing out of it, returns to the value. Tab itself is
// never taken: tabbing through the prose does not stop at a value. Inline values are few, in
// prose, and are tab stops themselves (tabindex 0, set by convbook-core.js). A value in math
// sits in KaTeX's aria-hidden HTML, so the formula holding it is the stop (tabindex 0, set by
// convbook-core.js; its MathML is what a screen reader reads) and works like a box.
// The popover is a non-modal dialog: the value it describes points to it with
// aria-describedby, and its first line is announced through a polite live region.
"use strict";

(function (root) {
  // ---- What the ledger says, in words (pure; node-tested) ----

  // The ledger index of explorer tensor `name`: the explorer's tensors follow
  // its first (`base`), one entry each, in order, each naming itself (`p`).
  function explorerIndex(values, base, name) {
    const seen = new Set();
    for (let j = base; j < values.length && values[j] && values[j].p && !seen.has(values[j].p); j++) {
      if (values[j].p === name) return j;
      seen.add(values[j].p);
    }
    return -1;
  }

  // Where value `value` of `page` was computed: the chapter line (linked to the
  // repository's line when there is one, else to `cellHref`, its block on the
  // page) and that line in the chapter's code download.
  function sourceLinks(page, value, cellHref) {
    const where = `${page.file}:${value.s}`;
    const chapter = page.repo ? { text: where, href: `${page.repo}#L${value.s}` }
      : { text: where, href: cellHref || null };
    const download = value.d ? { text: `line ${value.d} of ${page.code.split("/").pop()}`, href: page.code } : null;
    return { chapter, download };
  }

  function kindText(value) {
    const name = value.l ? ` “${value.l}”` : "";
    switch (value.k) {
      case "gradient-check": return `gradient check of ${value.l || "?"}`;
      case "agreement": return `agreement${name}`;
      case "rule": return `rule${name}`;
      case "table-cell": return `table cell (${value.l || ""})`;
      case "explorer": return `explorer tensor${name}`;
      case "parameter-explorer": return `parameter explorer setting${name}`;
      case "number": case "integer": case "text": return `inline value${name}`;
      default: return `${value.k}${name}`;
    }
  }

  // The popover's lines for element `k` of ledger entry `index` of `page`:
  // [{label, text, href?, extra?}]. `verdict` is true/false once this browser
  // re-derived it, undefined before; `shown` is the text the page shows;
  // `whole`: the element shows all of the entry (an inline tensor), not element `k`.
  function describe(page, index, k, shown, verdict, cellHref, whole) {
    const value = page.values[index];
    if (!value) return null;
    const lines = [];
    const what = kindText(value) + (value.n > 1 ? whole ? `, all ${value.n} entries` : `, entry ${k + 1} of ${value.n}` : "");
    lines.push({ label: "Value", text: `${shown} (${what})` });
    const links = sourceLinks(page, value, cellHref);
    lines.push({ label: "Computed at", text: links.chapter.text, href: links.chapter.href,
      extra: links.download });
    lines.push({ label: "Value class", text: value.t });
    const isCheck = value.ok !== undefined;
    if (isCheck) {
      const measured = value.e !== undefined ? `measured ${value.e}, ` : "";
      lines.push({ label: "Check", text: `${measured}${value.ok ? "passed ✓" : "failed ✗"} when the page was built` });
    } else if (value.g && value.g.length) {
      const guards = value.g.map((j) => page.values[j]).filter(Boolean).map((c) =>
        `${kindText(c)}${c.e !== undefined ? `: measured ${c.e}` : ""} ${c.ok ? "✓" : "✗"}`);
      lines.push({ label: "Checked by", text: `its block's ${guards.join("; ")}` });
    } else {
      lines.push({ label: "Checked by", text: "no check in its block; the ledger holds it for convbook check and verify" });
    }
    let browser;
    if (!value.r) browser = "no: verified when the page was built (the ledger)";
    else if (verdict === undefined) browser = "not yet: press “Re-derive” at the top of the page";
    else browser = verdict ? "yes, and it agrees ✓" : "yes, and it disagrees ✗";
    lines.push({ label: "Re-derived in this browser", text: browser });
    return lines;
  }

  // The honest split of a page's values once the browser has re-derived its
  // part: `judged(j, k)` is true, false or undefined (never judged, which is ✗).
  function tally(page, judged) {
    let total = 0, browser = 0, ok = 0;
    page.values.forEach((value, j) => {
      total += value.n;
      if (!value.r) return;
      browser += value.n;
      for (let k = 0; k < value.n; k++) if (judged(j, k) === true) ok += 1;
    });
    return { total, browser, ok, bad: browser - ok, built: total - browser };
  }

  function summaryText(t) {
    const derived = t.bad === 0 ? `${t.browser} values re-derived in your browser, all ✓`
      : `${t.browser} values re-derived in your browser: ${t.ok} ✓, ${t.bad} ✗`;
    return `${derived}; ${t.built} more verified when the page was built (the ledger): ${t.total} in all.`;
  }

  const pure = { explorerIndex, sourceLinks, describe, tally, summaryText, kindText };
  if (typeof module === "object" && module.exports) {
    module.exports = pure;
    return;
  }

  // ---- The page ----
  const Convbook = root.Convbook;
  // An inline value: in prose, or in math (KaTeX's span for inject's \htmlData{v=N}).
  const INLINE = "span.cb-value[data-v], .katex [data-v]";
  // Verdicts of "Re-derive", by `${slug}:${index}:${k}`; entries that failed as a whole, by `${slug}:${index}`.
  const verdicts = new Map();
  const entryFailures = new Set();

  function scopeOf(element) {
    return element.closest("[data-prov], section.cb-book-chapter");
  }
  function slugOf(scope) {
    return scope ? scope.dataset.prov || scope.id : "";
  }

  // The page's provenance: loaded once per chapter (book.html holds them all).
  function data(slug) {
    const loaded = () => (root.CONVBOOK_PROVENANCE || {})[slug];
    if (loaded()) return Promise.resolve(loaded());
    if (!loadFiles) return Promise.reject(new Error("convbook-core.js has not set the provenance up"));
    return loadFiles([`provenance/${slug}.js`]).then(() => {
      if (!loaded()) throw new Error(`provenance/${slug}.js holds no data for ${slug}`);
      return loaded();
    });
  }

  // Which ledger value an element of the page shows: {scope, slug, base, index, k}, or null.
  function locate(element, page) {
    if (!element || !element.closest) return null;
    const scope = scopeOf(element);
    const slug = slugOf(scope);
    const inline = element.closest(INLINE);
    if (inline) return { slug, index: Number(inline.dataset.v), k: 0, element: inline };
    const cell = element.closest("td, tr");
    if (!cell) return null;
    const explorer = cell.closest("figure.cb-explorer[data-v]");
    if (explorer && cell.dataset.cell) {
      const [name, at] = cell.dataset.cell.split(":");
      const index = page ? explorerIndex(page.values, Number(explorer.dataset.v), name) : -1;
      return { slug, index, k: Number(at), element: cell, explorer: name };
    }
    const tensor = cell.closest("figure.cb-tensor[data-v]");
    if (tensor && cell.tagName === "TD") {
      return { slug, index: Number(tensor.dataset.v), k: Array.from(tensor.querySelectorAll("td")).indexOf(cell), element: cell };
    }
    const table = cell.closest("table.cb-table[data-v]");
    if (table && cell.tagName === "TD" && cell.closest("tbody")) {
      return { slug, index: Number(table.dataset.v) + Array.from(table.querySelectorAll("tbody td")).indexOf(cell), k: 0, element: cell };
    }
    const checks = cell.closest("table.cb-gradcheck[data-v], table.cb-agreement[data-v], table.cb-rule[data-v]");
    if (checks) {
      const row = cell.closest("tr");
      if (!row.closest("tbody")) return null;
      const at = checks.classList.contains("cb-gradcheck") ? Array.from(checks.querySelectorAll("tbody tr")).indexOf(row) : 0;
      return { slug, index: Number(checks.dataset.v) + at, k: 0, element: row };
    }
    return null;
  }

  // What holds values and is one tab stop: an output box, or a formula.
  const BOX = ".cb-output, .katex";

  // The value elements of a box, in document order, visible ones only.
  function valuesIn(box) {
    const found = box.querySelectorAll(".katex [data-v], figure.cb-tensor[data-v] td, figure.cb-explorer[data-v] td[data-cell], " +
      "table.cb-table[data-v] tbody td, table.cb-gradcheck[data-v] tbody tr, table.cb-agreement[data-v] tbody tr, " +
      "table.cb-rule[data-v] tbody tr:first-child");
    return Array.from(found).filter((element) => element.getClientRects().length > 0);
  }

  // ---- The popover ----
  let popover = null, live = null, current = null, hideTimer = 0;

  // The popover's rules, added with it: no page carries them before a value is used.
  const STYLE = `.cb-prov{position:absolute;z-index:30;max-width:min(26rem,calc(100vw - 1rem));padding:.5rem .7rem;` +
    `border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);` +
    `box-shadow:0 4px 14px rgba(0,0,0,.18);font-size:.82rem;line-height:1.35;overflow-wrap:anywhere}` +
    `.cb-prov[hidden]{display:none}.cb-prov dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:.15rem .6rem}` +
    `.cb-prov dt{color:var(--muted)}.cb-prov dd{margin:0}` +
    `.cb-prov-live{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}` +
    `@media print{.cb-prov{display:none!important}}`;

  function make() {
    if (popover) return;
    const style = document.createElement("style");
    style.textContent = STYLE;
    document.head.append(style);
    popover = document.createElement("div");
    popover.className = "cb-prov";
    popover.id = "cb-prov";
    popover.setAttribute("role", "dialog");
    popover.setAttribute("aria-label", "Where this value comes from");
    popover.hidden = true;
    live = document.createElement("div");
    live.className = "cb-prov-live";
    live.setAttribute("aria-live", "polite");
    document.body.append(popover, live);
    popover.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); close(true); }
      if (event.key === "Tab") {
        const links = Array.from(popover.querySelectorAll("a"));
        const last = links[links.length - 1];
        if ((event.shiftKey && document.activeElement === links[0]) || (!event.shiftKey && document.activeElement === last)) {
          event.preventDefault();
          close(true);
        }
      }
    });
    popover.addEventListener("mouseenter", () => clearTimeout(hideTimer));
    popover.addEventListener("mouseleave", () => laterClose());
  }

  function cellHref(slug, value) {
    if (!value || !value.b) return null;
    const target = document.getElementById(`cell-${value.b}`) || document.getElementById(`${slug}--cell-${value.b}`);
    return target ? "#" + target.id : null;
  }

  function verdictOf(slug, index, k) {
    if (entryFailures.has(`${slug}:${index}`)) return false;
    return verdicts.get(`${slug}:${index}:${k}`);
  }

  function open(element, how) {
    const scope = scopeOf(element);
    const slug = slugOf(scope);
    if (!slug) return;
    data(slug).then((page) => {
      const at = locate(element, page);
      if (!at || at.index < 0) return;
      make();
      clearTimeout(hideTimer);
      const value = page.values[at.index];
      // A value in math is quoted as prose reads it (`x`): typeset TeX reads poorly as text.
      const shown = at.element.matches("tr") ? at.element.cells[1] ? at.element.cells[1].textContent.trim() : ""
        : value && value.x !== undefined ? value.x : at.element.textContent.trim();
      const lines = describe(page, at.index, at.k, shown, verdictOf(slug, at.index, at.k), cellHref(slug, value),
        at.element.matches(INLINE));
      if (!lines) return;
      const list = document.createElement("dl");
      for (const line of lines) {
        const term = document.createElement("dt");
        term.textContent = line.label;
        const detail = document.createElement("dd");
        if (line.href) {
          const link = document.createElement("a");
          link.href = line.href;
          link.textContent = line.text;
          detail.append(link);
        } else {
          detail.textContent = line.text;
        }
        if (line.extra) {
          const link = document.createElement("a");
          link.href = line.extra.href;
          link.className = "cb-prov-download";
          link.textContent = line.extra.text;
          detail.append(" (", link, ")");
        }
        list.append(term, detail);
      }
      popover.replaceChildren(list);
      popover.dataset.v = String(at.index);
      popover.dataset.k = String(at.k);
      if (current && current !== at.element) current.removeAttribute("aria-describedby");
      current = at.element;
      current.setAttribute("aria-describedby", popover.id);
      popover.hidden = false;
      place(at.element);
      if (how === "focus") live.textContent = `${lines[0].text}. Computed at ${lines[1].text}. Press Enter for its links, Escape to close.`;
    }, (error) => {
      if (how !== "hover") console.warn(`convbook: no provenance: ${error.message}`);
    });
  }

  function place(element) {
    const rect = element.getBoundingClientRect();
    const width = Math.min(popover.offsetWidth || 320, document.documentElement.clientWidth - 16);
    const left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    const below = rect.bottom + 6;
    const fitsBelow = below + popover.offsetHeight < document.documentElement.clientHeight;
    const top = fitsBelow ? below : Math.max(8, rect.top - popover.offsetHeight - 6);
    popover.style.left = `${left + window.scrollX}px`;
    popover.style.top = `${top + window.scrollY}px`;
  }

  function close(returnFocus) {
    clearTimeout(hideTimer);
    if (!popover || popover.hidden) return;
    popover.hidden = true;
    const back = current;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
    if (returnFocus && back) back.focus();
  }

  function laterClose() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(() => {
      if (popover && popover.contains(document.activeElement)) return;
      if (current && current === document.activeElement) return;
      close(false);
    }, 300);
  }

  function focusValue(element) {
    if (!element.hasAttribute("tabindex")) element.tabIndex = -1;
    element.focus();
  }

  // ---- Events: set up once, the first time a value is used (convbook-core.js replays that event) ----
  function handle(event) {
    const target = event.target;
    if (!target || !target.closest) return;
    if (event.type === "keydown") return key(event);
    if (popover && popover.contains(target)) return;
    const valueElement = target.closest("[data-v] td, [data-v] tr, " + INLINE);
    if (event.type === "mouseover") {
      if (valueElement) open(valueElement, "hover");
      else if (current && !current.contains(target)) laterClose();
    } else if (event.type === "focusin") {
      if (valueElement) open(valueElement, "focus");
      else if (current) close(false);
    } else if (event.type === "click") {
      if (valueElement) open(valueElement, "tap");
      else close(false);
    }
  }

  function key(event) {
    const target = event.target;
    if (popover && popover.contains(target)) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const box = target.closest(BOX);
    const onValue = target.closest("[data-v] td, [data-v] tr, " + INLINE);
    if (event.key === "Escape") {
      if (popover && !popover.hidden) { event.preventDefault(); close(false); return; }
      if (onValue && box && onValue !== box) { event.preventDefault(); box.focus(); }
      return;
    }
    // Enter on a value whose popover is open goes into it (its links); Tab is left alone, so that
    // tabbing through the prose never stops at a value.
    if (event.key === "Enter" && onValue && popover && !popover.hidden && current === onValue) {
      const link = popover.querySelector("a");
      if (link) { event.preventDefault(); link.focus(); }
      return;
    }
    if (event.key === "Enter" && onValue && onValue.matches(INLINE)) {
      event.preventDefault();
      open(onValue, "focus");
      return;
    }
    if (!box) return;
    const values = valuesIn(box);
    if (values.length === 0) return;
    const at = onValue ? values.indexOf(onValue) : -1;
    let next = null;
    if (at < 0) {
      if (["Enter", "ArrowDown", "ArrowRight", "Home"].includes(event.key) && target === box) next = values[0];
      if (event.key === "End" && target === box) next = values[values.length - 1];
    } else if (event.key === "ArrowRight") next = values[Math.min(at + 1, values.length - 1)];
    else if (event.key === "ArrowLeft") next = values[Math.max(at - 1, 0)];
    else if (event.key === "Home") next = values[0];
    else if (event.key === "End") next = values[values.length - 1];
    else if (event.key === "ArrowDown" || event.key === "ArrowUp") next = vertical(values, at, event.key === "ArrowDown");
    if (!next) return;
    event.preventDefault();
    focusValue(next);
  }

  // The value in the nearest row below (above) that is closest in x.
  function vertical(values, at, down) {
    const here = values[at].getBoundingClientRect();
    const x = here.left + here.width / 2;
    let best = null, bestRow = down ? Infinity : -Infinity, bestX = Infinity;
    for (const element of values) {
      const rect = element.getBoundingClientRect();
      const row = rect.top;
      const beyond = down ? row >= here.bottom - 1 : rect.bottom <= here.top + 1;
      if (!beyond) continue;
      const closerRow = down ? row < bestRow - 1 : row > bestRow + 1;
      const sameRow = Math.abs(row - bestRow) <= 1;
      const dx = Math.abs(rect.left + rect.width / 2 - x);
      if (closerRow || (sameRow && dx < bestX)) { best = element; bestRow = row; bestX = dx; }
    }
    return best || values[at];
  }

  // `load`: convbook-core.js's loader, for the page's provenance/SLUG.js.
  let ready = false, loadFiles = null;
  function setUp(load) {
    loadFiles = load;
    if (ready) return;
    ready = true;
    for (const type of ["mouseover", "focusin", "click", "keydown"]) document.addEventListener(type, handle);
    window.addEventListener("resize", () => close(false));
  }

  // What "Re-derive" records for the popover and the ✗ list.
  function record(slug, index, k, ok) {
    const key = `${slug}:${index}:${k}`;
    verdicts.set(key, verdicts.get(key) !== false && ok);
  }
  function recordEntry(slug, index) {
    entryFailures.add(`${slug}:${index}`);
  }
  function clearVerdicts(slug) {
    for (const key of Array.from(verdicts.keys())) if (key.startsWith(slug + ":")) verdicts.delete(key);
    for (const key of Array.from(entryFailures)) if (key.startsWith(slug + ":")) entryFailures.delete(key);
  }
  function tallyPage(slug, page) {
    return tally(page, (j, k) => verdictOf(slug, j, k));
  }

  Convbook.provenance = Object.assign({ setUp, handle, data, locate, scopeOf, slugOf, record, recordEntry,
    clearVerdicts, tallyPage, close }, pure);
})(globalThis);
