// convbook-core.js: the page script's entry point, loaded last. Copy buttons
// on code, then every feature the files before it define, on Convbook:
//
//   convbook-numbers.js    numbers as pages show them (pure; node-tested)
//   convbook-layer.js      the layer's settings and output size (pure; node-tested)
//   convbook-grid.js       the parameter explorer's text-over-canvas grids
//   convbook-search.js     the search box
//   convbook-explorer.js   the receptive-field explorer
//   convbook-recompute.js  "Recompute on this page" (with convkernel.js)
//   convbook-params.js     the parameter explorer (with convkernel.js)
//   convbook-nav.js        the menu button, the current section, the theme button
//   convbook-fit.js        display math and wide code that fit, or scroll with a cue
//
// Each is a plain script (an IIFE, no ES modules: those do not load from
// file://). Everything works from file:// with no network; the page is
// complete without them (math and highlighting are done at build time).
"use strict";

(function (root) {
  const Convbook = root.Convbook;

  document.addEventListener("DOMContentLoaded", () => {
    addCopyButtons();
    Convbook.nav.setUp();
    Convbook.fit.setUp();
    Convbook.search.setUp();
    document.querySelectorAll(".cb-explorer").forEach(Convbook.explorer.setUp);
    Convbook.params.setUpAll(document.querySelectorAll("figure.cb-params"));
    document.querySelectorAll(".cb-recompute").forEach(Convbook.recompute.setUp);
  });

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
