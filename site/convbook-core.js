// convbook-core.js: the page script's entry point, loaded last. Copy buttons
// on code, then every feature the files before it define, on Convbook:
//
//   convbook-numbers.js    numbers as pages show them (pure; node-tested)
//   convbook-layer.js      the layer's settings and output size (pure; node-tested)
//   convbook-grid.js       the parameter explorer's text-over-canvas grids
//   convbook-search.js     the search box
//   convbook-explorer.js   the receptive-field explorer
//   convbook-recompute.js  "Re-derive" at the top of the page (with convkernel.js)
//   convbook-provenance.js a value's provenance popover (with provenance/SLUG.js)
//   convbook-params.js     the parameter explorer (with convkernel.js)
//   convbook-nav.js        the menu button, the current section, the theme button
//   convbook-fit.js        display math and wide code that fit, or scroll with a cue
//   convbook-preview.js    reference previews (on first use)
//
// Each is a plain script (an IIFE, no ES modules: those do not load from
// file://). Everything works from file:// with no network; the page is
// complete without them (math and highlighting are done at build time).
//
// A page loads only the files its content uses (the build picks them:
// PageScripts.swift), so a part of Convbook may be missing. Four are never
// loaded with a page but on first use, by `load` below: the search's ranking
// (with the index), "Re-derive" (with convkernel.js), a value's provenance
// popover (with the page's part of the ledger, provenance/SLUG.js) and the
// reference previews (with the previews file of the page a reference leads to).
"use strict";

(function (root) {
  const Convbook = root.Convbook;
  // Where the page script lies: the files `load` adds lie beside it.
  const here = typeof document === "object" && document.currentScript ? document.currentScript.src : "";
  // What "Recompute on this page" runs on, in load order.
  const RECOMPUTE = ["convkernel.js", "convbook-numbers.js", "convbook-layer.js", "convbook-provenance.js", "convbook-recompute.js"];

  document.addEventListener("DOMContentLoaded", () => {
    addCopyButtons();
    Convbook.nav.setUp();
    Convbook.fit.setUp();
    Convbook.search.setUp(load);
    if (Convbook.explorer) document.querySelectorAll(".cb-explorer").forEach(Convbook.explorer.setUp);
    if (Convbook.params) Convbook.params.setUpAll(document.querySelectorAll("figure.cb-params"));
    document.querySelectorAll(".cb-recompute, .cb-ledger-summary").forEach(setUpRecompute);
    setUpProvenance();
    document.addEventListener("pointerover", wakePreviews);
    document.addEventListener("focusin", wakePreviews);
  });

  // The first pointer over, or focus on, a link of the text loads the previews, which handle that event too.
  function wakePreviews(event) {
    const node = event.target, listen = (on) => ["pointerover", "focusin"].forEach((type) => on(type, wakePreviews));
    if (!node || !node.closest || !node.closest("article.chapter a[href*='#']")) return;
    listen(document.removeEventListener.bind(document));
    load(["convbook-preview.js"]).then(() => Convbook.preview.setUp(document, load, event),
      () => listen(document.addEventListener.bind(document)));
  }

  // A value's provenance: inline values are tab stops, and so are formulas holding values (whose
  // values are in aria-hidden HTML: convbook-provenance.js moves into them as into output boxes,
  // focusable already). The first time a value is pointed at, tapped or focused, or a box or
  // formula holding values gets a key, convbook-provenance.js is loaded, set up and handed that event.
  function setUpProvenance() {
    document.querySelectorAll("span.cb-value[data-v]").forEach((value) => { value.tabIndex = 0; });
    document.querySelectorAll(".katex [data-v]").forEach((value) => { value.closest(".katex").tabIndex = 0; });
    const types = ["mouseover", "focusin", "click", "keydown"];
    const wake = (event) => {
      const target = event.target;
      if (!target || !target.closest) return;
      const box = event.type === "keydown" && target.closest(".cb-output, .katex");
      if (!target.closest("[data-v]") && !(box && box.querySelector("[data-v]"))) return;
      types.forEach((type) => document.removeEventListener(type, wake));
      if (event.type === "keydown" && ["Enter", "ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) {
        event.preventDefault();
      }
      const replay = { type: event.type, key: event.key, target, shiftKey: event.shiftKey, altKey: event.altKey,
        ctrlKey: event.ctrlKey, metaKey: event.metaKey, preventDefault() {} };
      load(["convbook-provenance.js"]).then(() => {
        Convbook.provenance.setUp(load);
        Convbook.provenance.handle(replay);
      }, () => types.forEach((type) => document.addEventListener(type, wake)));
    };
    types.forEach((type) => document.addEventListener(type, wake));
  }

  function setUpRecompute(section) {
    const button = section.querySelector(".cb-recompute-run");
    const result = section.querySelector(".cb-recompute-result");
    if (!button || !result) return;
    button.addEventListener("click", () => {
      load(RECOMPUTE).then(() => {
        Convbook.provenance.setUp(load);
        return Convbook.recompute.run(section);
      }, (error) => {
        result.textContent = `Nothing could be recomputed: ${error.message}.`;
        result.classList.add("cb-recompute-fail");
      });
    });
  }

  // load(names) (also Convbook.load): a promise that the files `names` (beside this script) have
  // run, one after the other, each once per page; a file the page already
  // loads counts as loaded. A file that fails to load may be tried again.
  const loads = new Map();
  function load(names) {
    return names.reduce((previous, name) => previous.then(() => loadOne(name)), Promise.resolve());
  }
  function loadOne(name) {
    if (!loads.has(name)) {
      const present = Array.from(document.scripts).some((script) =>
        script.src && new URL(script.src).pathname.split("/").pop() === name);
      loads.set(name, present ? Promise.resolve() : new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = here ? new URL(name, here).href : name;
        script.onload = resolve;
        script.onerror = () => {
          loads.delete(name);
          script.remove();
          reject(new Error(`${name} could not be loaded`));
        };
        document.head.appendChild(script);
      }));
    }
    return loads.get(name);
  }
  Convbook.load = load;

  // Each button sits in a bar of its own just above its code (div.cb-code-bar),
  // so it covers no line of it, and stays put when the code scrolls sideways.
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
      const bar = document.createElement("div");
      bar.className = "cb-code-bar";
      bar.appendChild(button);
      pre.before(bar);
    });
  }
})(globalThis);
