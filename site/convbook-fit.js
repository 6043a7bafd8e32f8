// convbook-fit.js: display math and code that fit their column (Convbook.fit).
//
// A long display equation first breaks after its relation and operator signs,
// as TeX breaks inline math: style.css lets KaTeX's pieces (.base) wrap. One
// only a little too wide for its box stays on one line, scaled down; a piece
// that cannot break is scaled down too, never below MIN_SCALE. What still does
// not fit, and code wider than its column, scrolls sideways: it becomes a
// region a keyboard can reach (role="region", tabindex="0", a label, as axe's
// scrollable-region-focusable rule asks) with the class cb-scrolls, whose
// faded edges show that there is more. Done again when the width changes, when
// a <details> opens and when the page is printed (print emulation included);
// closed <details> open while the page prints.
"use strict";

(function (root) {
  /// The smallest scale a display equation is typeset at.
  const MIN_SCALE = 0.8;
  /// An equation this much too wide or less stays on one line, scaled down.
  const ONE_LINE_SCALE = 0.9;
  /// KaTeX's own size of .katex, in em of the text (katex.css).
  const KATEX_EM = 1.21;

  /// Any overflow at all, as axe's scrollable-region-focusable rule sees it.
  const overflows = (element) => element.scrollWidth > element.clientWidth;
  /// A scale that fits: a hair under the ratio of the widths, which are whole pixels.
  const fitting = (ratio) => ratio * 0.99;

  /// Makes element a labelled, focusable region with a scroll cue while it overflows, and undoes it when it fits.
  function markScrolling(element, overflowing, label) {
    if (overflowing) {
      element.classList.add("cb-scrolls");
      element.setAttribute("role", "region");
      element.setAttribute("tabindex", "0");
      element.setAttribute("aria-label", label);
    } else if (element.classList.contains("cb-scrolls")) {
      element.classList.remove("cb-scrolls");
      element.removeAttribute("role");
      element.removeAttribute("tabindex");
      element.removeAttribute("aria-label");
    }
  }

  const setScale = (display, scale) => {
    display.querySelector(":scope > .katex").style.fontSize = scale === 1 ? "" : (KATEX_EM * scale).toFixed(4) + "em";
  };

  /// Fits every display equation of the page: one line scaled down when that
  /// is enough, else broken into lines, scaled down if a piece is still too
  /// wide; then marks what still overflows, math and code, as scrolling.
  /// Reads and writes the layout in batches (book.html has a hundred equations).
  function fitAll() {
    const displays = Array.from(document.querySelectorAll(".katex-display")).filter((d) => d.querySelector(":scope > .katex"));
    for (const display of displays) { setScale(display, 1); display.classList.add("cb-nowrap"); }
    const wide = displays.map((d) => [d, d.clientWidth / d.scrollWidth]).filter(([, ratio]) => ratio < 1);
    const broken = [];
    for (const [display, ratio] of wide) {
      if (ratio >= ONE_LINE_SCALE) setScale(display, fitting(ratio));
      else { display.classList.remove("cb-nowrap"); broken.push(display); }
    }
    const stillWide = broken.map((d) => [d, d.clientWidth / d.scrollWidth]).filter(([, ratio]) => ratio < 1);
    for (const [display, ratio] of stillWide) setScale(display, Math.max(MIN_SCALE, fitting(ratio)));
    const pres = Array.from(document.querySelectorAll("main pre:not(.cb-params-text):not(.cb-params-probe)"));
    const overflowing = [...displays, ...pres].map(overflows);
    displays.forEach((display, i) => {
      const number = display.parentElement && display.parentElement.querySelector(":scope > .cb-eqno");
      markScrolling(display, overflowing[i], number ? "Equation " + number.textContent + ", scrolls sideways" : "Equation, scrolls sideways");
    });
    pres.forEach((pre, i) => {
      markScrolling(pre, overflowing[displays.length + i], pre.classList.contains("cb-code") ? "Code, scrolls sideways" : "Output, scrolls sideways");
    });
  }

  /// Fits now, once the fonts are in, whenever the width changes, and for print.
  function setUp() {
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(fitAll, fitAll);
    else fitAll();
    let width = root.innerWidth;
    let pending = false;
    root.addEventListener("resize", () => {
      if (root.innerWidth === width || pending) return;
      pending = true;
      root.requestAnimationFrame(() => { pending = false; width = root.innerWidth; fitAll(); });
    });
    // What a <details> holds is measured when it opens (toggle does not bubble).
    document.addEventListener("toggle", (event) => { if (event.target.open) fitAll(); }, true);
    if (root.matchMedia) root.matchMedia("print").addEventListener("change", fitAll);
    root.addEventListener("beforeprint", () => { openForPrint(); fitAll(); });
    root.addEventListener("afterprint", () => { closeAfterPrint(); fitAll(); });
  }

  /// The <details> opened for printing, closed again afterwards: paper shows
  /// what they hold (the PyTorch checks' code), as no reader can open them there.
  let openedForPrint = [];
  function openForPrint() {
    openedForPrint = Array.from(document.querySelectorAll("details:not([open])"));
    openedForPrint.forEach((details) => { details.open = true; });
  }
  function closeAfterPrint() {
    openedForPrint.forEach((details) => { details.open = false; });
    openedForPrint = [];
  }

  (root.Convbook = root.Convbook || {}).fit = { setUp, fitAll, MIN_SCALE };
})(globalThis);
