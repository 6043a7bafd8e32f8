// convbook-preview.js: previews of cross-references and citations
// (Convbook.preview), as Quarto's and MyST's sites show them: hovering a
// reference (after a short delay) or focusing it from the keyboard shows a
// card with what it names, without leaving the place:
//
//   @eq-…            the equation as the page typesets it (KaTeX's HTML, copied)
//   @fig-…, @tbl-…   the figure or table, scaled to the card
//   @sec-…           the section's heading and its first paragraphs
//   @ex-…, @pit-…    the exercise's or pitfall's title and first paragraphs
//   [@key]           the bibliography entry of the chapter's references
//
// A reference is a link in the chapter's text (article.chapter; not a heading's
// own anchor) to an id
// starting sec-, eq-, fig-, tbl-, ex-, pit- or ref- (in book.html, SLUG--sec-…).
// A target on this page (every one in book.html) is read from the page. A
// target on another page comes from that page's previews file,
// previews/SLUG.js (a script, not JSON, so that it loads from file://, where
// pages cannot fetch), which the build writes beside the pages with each
// target's HTML and the hoisted KaTeX styles it uses (ReferencePreviews.swift);
// it is loaded on first use and kept.
//
// The card is role=tooltip and named by the link's aria-describedby while it
// shows; it holds nothing focusable (links become text, ids are dropped), so
// it never takes or traps focus. Escape closes it; the mouse may move into
// it (it stays while the pointer is over the link or the card); a touch tap
// follows the link as before (touch pointers never open it, and focus opens
// it only when :focus-visible, from the keyboard). Print hides it.
//
// This file is not loaded with the page: convbook-core.js loads it on the
// first pointer over, or focus on, a link of the chapter's text, and calls
// setUp. Its pure parts (reference, intent, scopedRules, place) are unit-
// tested in node (Tests/js/preview.test.js); the DOM in Chromium
// (Tests/site/test_previews.py).
"use strict";

(function (root) {
  const KINDS = { sec: "section", eq: "equation", fig: "figure", tbl: "table", ex: "exercise", pit: "pitfall", ref: "reference" };
  // An id a preview is made for; in book.html, ids carry their chapter's slug: 03-two-dimensions--eq-2d-forward.
  const TARGET = /^(?:[A-Za-z0-9_.-]+--)?(sec|eq|fig|tbl|ex|pit|ref)-./;
  const DELAY = { open: 300, close: 250 };
  const GAP = 6, MARGIN = 8;

  // reference(href, here): the target of a link to `href` read on the page at
  // `here` (both absolute URLs): {page, id, kind}, page "" for this page, else
  // the file name of a page beside it; null for anything else.
  function reference(href, here) {
    let url, base;
    try { url = new URL(href); base = new URL(here); } catch (error) { return null; }
    if (!url.hash || url.protocol !== base.protocol || url.host !== base.host || url.search !== base.search) return null;
    let id;
    try { id = decodeURIComponent(url.hash.slice(1)); } catch (error) { return null; }
    const match = TARGET.exec(id);
    if (!match) return null;
    const folder = (path) => path.slice(0, path.lastIndexOf("/") + 1);
    if (folder(url.pathname) !== folder(base.pathname)) return null;
    const file = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
    const same = url.pathname === base.pathname;
    if (!same && !/^[A-Za-z0-9_.-]+\.html$/.test(file)) return null;
    return { page: same ? "" : file, id, kind: KINDS[match[1]] };
  }

  // The previews file of a page: 03-two-dimensions.html → previews/03-two-dimensions.js.
  function dataFile(page) {
    return "previews/" + page.replace(/\.html$/, "") + ".js";
  }

  // scopedRules(css, scope): the hoisted KaTeX rules of another page
  // (`.ks1a2b3c{top:-2.55em!important}`, as HoistedStyles writes them), each
  // limited to the elements under `scope`, so that they never restyle this
  // page's own formulas (a class name is a hash of its style: another page's
  // could name another style).
  function scopedRules(css, scope) {
    return css.split("}").filter((rule) => /^\.[A-Za-z0-9_-]+\{[^{]*$/.test(rule)).map((rule) => `${scope} ${rule}}`).join("");
  }

  // place(anchor, size, viewport): where the card goes, in viewport
  // coordinates: below the link (its rect `anchor`), or above it when it
  // does not fit below and does above; its left edge at the link's, moved
  // to stay MARGIN inside the viewport.
  function place(anchor, size, viewport) {
    const below = anchor.bottom + GAP, above = anchor.top - GAP - size.height;
    const fitsBelow = below + size.height <= viewport.height - MARGIN;
    const top = fitsBelow || above < MARGIN ? below : above;
    const left = Math.max(MARGIN, Math.min(anchor.left, viewport.width - MARGIN - size.width));
    return { left, top, above: top === above && !fitsBelow };
  }

  // intent({show, hide, isHovered, timers}): when the card opens and closes.
  // Hover opens it after DELAY.open (if the pointer is still on the link),
  // leaving the link or the card closes it after DELAY.close unless the
  // pointer reaches the card or the link again; keyboard focus opens it at
  // once and blur closes it at once; Escape closes it, and it stays closed
  // for that link until the pointer leaves it or focus moves.
  function intent({ show, hide, isHovered = () => true, timers = { set: (f, ms) => setTimeout(f, ms), clear: (id) => clearTimeout(id) } }) {
    let current = null, pending = null, waiting = null, dismissed = null;
    const cancel = () => { if (waiting !== null) timers.clear(waiting); waiting = null; pending = null; };
    function open(link) {
      cancel();
      if (current === link) return;
      if (current) hide(current);
      current = link;
      show(link);
    }
    function close() {
      cancel();
      if (current) { const link = current; current = null; hide(link); }
    }
    function later(what, link, ms) {
      cancel();
      pending = what;
      waiting = timers.set(() => {
        waiting = null; pending = null;
        if (what === "open") { if (isHovered(link)) open(link); } else close();
      }, ms);
    }
    return {
      get current() { return current; },
      get pending() { return pending; },
      hoverLink(link) {
        if (dismissed === link) return;
        if (current === link) { cancel(); return; }
        later("open", link, DELAY.open);
      },
      leaveLink(link) {
        if (dismissed === link) dismissed = null;
        if (current) later("close", null, DELAY.close); else if (pending === "open") cancel();
      },
      hoverCard() { if (current) cancel(); },
      leaveCard() { if (current) later("close", null, DELAY.close); },
      focusLink(link) { dismissed = null; open(link); },
      blurLink(link) { if (dismissed === link) dismissed = null; if (current === link) close(); },
      escape() {
        if (!current && pending === null) return false;
        dismissed = current;
        close();
        return true;
      },
      close,
    };
  }

  // ---------------------------------------------------------------------------
  // The DOM: what a card shows, and the card itself.

  const HEADING = /^H[1-6]$/;

  // A copy of `node` that holds nothing focusable or identified: links and
  // buttons become spans, ids, tab stops and the ARIA relations that name ids go.
  function inert(node, document) {
    const copy = node.cloneNode(true);
    const all = [copy, ...copy.querySelectorAll("*")];
    for (const element of all) {
      for (const name of ["id", "tabindex", "aria-describedby", "aria-labelledby", "aria-controls", "aria-owns", "aria-activedescendant", "role", "href", "for", "name"]) {
        if (element.hasAttribute(name)) element.removeAttribute(name);
      }
    }
    copy.querySelectorAll(".anchor, details, script, style, input, select, textarea, .copy-button, .cb-code-bar").forEach((element) => element.remove());
    copy.querySelectorAll("a, button").forEach((element) => {
      const span = document.createElement("span");
      span.className = element.className;
      span.append(...element.childNodes);
      element.replaceWith(span);
    });
    return copy;
  }

  // excerpt(target, document): what the card shows of `target`, as nodes of `document`:
  // - a heading: its text (as a paragraph, not a heading of the page) and
  //   the first paragraphs after it (up to 2: other blocks before the first
  //   are skipped; one after a paragraph, or the next heading, ends them);
  // - a div (an exercise, a pitfall): itself with its first paragraphs only
  //   (its title and up to 2 more);
  // - anything else (an equation, a figure, a table, a bibliography entry): all of it.
  function excerpt(target, document) {
    const box = document.createElement("div");
    box.className = "cb-preview-body";
    if (HEADING.test(target.tagName)) {
      const title = document.createElement("p");
      title.className = "cb-preview-title";
      title.append(...inert(target, document).childNodes);
      box.append(title);
      let taken = 0;
      for (let next = target.nextElementSibling; next && taken < 2 && !HEADING.test(next.tagName); next = next.nextElementSibling) {
        if (next.tagName === "P") { box.append(inert(next, document)); taken += 1; } else if (taken > 0) break;
      }
    } else if (target.tagName === "DIV") {
      const copy = inert(target.cloneNode(false), document);
      let taken = 0;
      for (const child of target.children) {
        if (child.tagName !== "P" || taken === 3) break;
        copy.append(inert(child, document));
        taken += 1;
      }
      box.append(copy);
    } else {
      box.append(inert(target, document));
    }
    return box;
  }

  // setUp(document, load, first): previews for the page `document`; `load`
  // loads files beside the page script (core's loader); `first` is the event
  // that made convbook-core.js load this file, handled as if it came now.
  function setUp(document, load, first) {
    const window = document.defaultView;
    const card = document.createElement("div");
    card.id = "cb-preview";
    card.className = "cb-preview";
    card.setAttribute("role", "tooltip");
    card.hidden = true;
    // In the page's main landmark (placed against the document: main is not positioned).
    (document.querySelector("main") || document.body).append(card);
    const pages = new Map();           // page → promise of {css, targets} (or null when it has no previews file)
    const described = new Map();       // link → its aria-describedby before the card
    let shown = 0;                      // which opening the card's content is for (a slow load must not fill a later one)

    const state = intent({
      show(link) {
        const opening = ++shown;
        content(link).then((body) => {
          if (opening !== shown || state.current !== link || !body) return;
          card.replaceChildren(body.node);
          if (body.page) card.dataset.page = body.page; else delete card.dataset.page;
          card.dataset.kind = body.kind;
          card.hidden = false;
          position(link);
          const before = link.getAttribute("aria-describedby");
          described.set(link, before);
          link.setAttribute("aria-describedby", before ? `${before} ${card.id}` : card.id);
        });
      },
      hide(link) {
        shown += 1;
        card.hidden = true;
        card.replaceChildren();
        if (described.has(link)) {
          const before = described.get(link);
          described.delete(link);
          if (before) link.setAttribute("aria-describedby", before); else link.removeAttribute("aria-describedby");
        }
      },
      isHovered: (link) => link.matches(":hover"),
    });

    // The card's content for `link`: {node, kind, page}, or null when its target cannot be found.
    function content(link) {
      const target = reference(link.href, document.location.href);
      if (!target) return Promise.resolve(null);
      if (!target.page) {
        const element = document.getElementById(target.id);
        return Promise.resolve(element ? { node: excerpt(element, document), kind: target.kind, page: "" } : null);
      }
      return previews(target.page).then((data) => {
        const html = data && data.targets[target.id];
        if (!html) return null;
        const template = document.createElement("template");
        template.innerHTML = html;
        const element = template.content.getElementById(target.id);
        return element ? { node: excerpt(element, document), kind: target.kind, page: target.page } : null;
      });
    }

    // Another page's previews, loaded once (its hoisted styles added, scoped to the card showing them).
    function previews(page) {
      if (!pages.has(page)) {
        pages.set(page, load([dataFile(page)]).then(() => {
          const data = (root.CONVBOOK_PREVIEWS || {})[page];
          if (!data) return null;
          if (data.css) {
            const style = document.createElement("style");
            style.textContent = scopedRules(data.css, `.cb-preview[data-page="${page}"]`);
            document.head.append(style);
          }
          return data;
        }, () => { pages.delete(page); return null; }));
      }
      return pages.get(page);
    }

    function position(link) {
      const rects = link.getClientRects();
      const anchor = rects.length ? rects[0] : link.getBoundingClientRect();
      card.style.left = "0px";
      card.style.top = "0px";
      const size = card.getBoundingClientRect();
      const at = place(anchor, size, { width: document.documentElement.clientWidth, height: window.innerHeight });
      card.classList.toggle("cb-preview-above", at.above);
      card.style.left = `${Math.round(at.left + window.scrollX)}px`;
      card.style.top = `${Math.round(at.top + window.scrollY)}px`;
    }

    // A link of the chapter's text whose target a card can show (not a heading's own "#").
    function referenceLink(node) {
      const link = node && node.closest ? node.closest("a[href]") : null;
      if (!link || link.classList.contains("anchor") || !link.closest("article.chapter") || card.contains(link)) return null;
      return reference(link.href, document.location.href) ? link : null;
    }

    function over(event) {
      if (event.pointerType === "touch") return;
      if (card.contains(event.target)) { state.hoverCard(); return; }
      const link = referenceLink(event.target);
      if (link) state.hoverLink(link);
    }
    function out(event) {
      if (event.pointerType === "touch") return;
      const to = event.relatedTarget;
      if (card.contains(event.target) && !card.contains(to)) { state.leaveCard(); return; }
      const link = referenceLink(event.target);
      if (link && !(to && link.contains(to))) state.leaveLink(link);
    }
    function focus(event) {
      const link = referenceLink(event.target);
      if (link && link.matches(":focus-visible")) state.focusLink(link);
    }
    function blur(event) {
      const link = referenceLink(event.target);
      if (link) state.blurLink(link);
    }
    function key(event) {
      if (event.key === "Escape" && state.escape()) event.stopPropagation();
    }

    document.addEventListener("pointerover", over);
    document.addEventListener("pointerout", out);
    document.addEventListener("focusin", focus);
    document.addEventListener("focusout", blur);
    document.addEventListener("keydown", key, true);
    // Following the link (or clicking anywhere) closes the card; so does printing.
    document.addEventListener("click", () => state.close());
    window.addEventListener("beforeprint", () => state.close());
    if (first) (first.type === "focusin" ? focus : over)(first);
    return { card, state };
  }

  const preview = { reference, dataFile, scopedRules, place, intent, excerpt, setUp, DELAY, KINDS };
  (root.Convbook = root.Convbook || {}).preview = preview;
  if (typeof module === "object" && module.exports) module.exports = preview;
})(globalThis);
