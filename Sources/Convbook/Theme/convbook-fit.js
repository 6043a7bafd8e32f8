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
// a <details> opens (for what it holds) and when the page is printed (print
// emulation included); closed <details> open while the page prints.
//
// book.html holds every chapter, each laid out only when near the screen
// (content-visibility in style.css): measuring them all at once would lay out
// the whole book, so there a chapter is fitted when it comes within a screen
// of the viewport.
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

  /// The display equations and code blocks inside `scope` (an element or the document).
  const boxesIn = (scope) => ({
    displays: Array.from(scope.querySelectorAll(".katex-display")).filter((d) => d.querySelector(":scope > .katex")),
    pres: Array.from(scope.querySelectorAll("pre:not(.cb-params-text):not(.cb-params-probe)"))
      .filter((pre) => pre.closest("main")),
  });

  /// Fits the display equations inside `scope`: one line scaled down when
  /// that is enough, else broken into lines, scaled down if a piece is still
  /// too wide; then marks what still overflows, math and code, as scrolling.
  /// Reads and writes the layout in batches (a chapter has dozens of equations).
  function fit(scope) {
    const { displays, pres } = boxesIn(scope);
    for (const display of displays) { setScale(display, 1); display.classList.add("cb-nowrap"); }
    const wide = displays.map((d) => [d, d.clientWidth / d.scrollWidth]).filter(([, ratio]) => ratio < 1);
    const broken = [];
    for (const [display, ratio] of wide) {
      if (ratio >= ONE_LINE_SCALE) setScale(display, fitting(ratio));
      else { display.classList.remove("cb-nowrap"); broken.push(display); }
    }
    const stillWide = broken.map((d) => [d, d.clientWidth / d.scrollWidth]).filter(([, ratio]) => ratio < 1);
    for (const [display, ratio] of stillWide) setScale(display, Math.max(MIN_SCALE, fitting(ratio)));
    const overflowing = [...displays, ...pres].map(overflows);
    displays.forEach((display, i) => {
      const number = display.parentElement && display.parentElement.querySelector(":scope > .cb-eqno");
      markScrolling(display, overflowing[i], number ? "Equation " + number.textContent + ", scrolls sideways" : "Equation, scrolls sideways");
    });
    pres.forEach((pre, i) => {
      markScrolling(pre, overflowing[displays.length + i], pre.classList.contains("cb-code") ? "Code, scrolls sideways" : "Output, scrolls sideways");
    });
  }

  /// Fits the whole page.
  const fitAll = () => fit(document);

  /// book.html's chapters, each fitted when it comes within a screen of the
  /// viewport, and again after the width changes. Returns what refits them.
  function fitChaptersNearTheScreen(chapters) {
    if (!("IntersectionObserver" in root)) { fitAll(); return fitAll; }
    const near = new Set();
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) { near.add(entry.target); fit(entry.target); } else near.delete(entry.target);
      }
    }, { rootMargin: "100% 0px 100% 0px" });
    chapters.forEach((chapter) => observer.observe(chapter));
    // After a resize: the chapters near the screen now; the others when they come near (observed anew).
    return () => {
      chapters.forEach((chapter) => observer.unobserve(chapter));
      near.clear();
      chapters.forEach((chapter) => observer.observe(chapter));
    };
  }

  /// Fits now (book.html: each chapter near the screen), once the fonts are
  /// in, whenever the width changes, and for print.
  function setUp() {
    const chapters = Array.from(document.querySelectorAll(".cb-book-chapter"));
    let refit = fitAll;
    // On paper (or print emulation from the start) every chapter is laid out: fit them all.
    const printing = () => Boolean(root.matchMedia && root.matchMedia("print").matches);
    const start = () => {
      if (chapters.length > 0 && !printing()) refit = fitChaptersNearTheScreen(chapters);
      else { fitAll(); refit = fitAll; }
    };
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(start, start);
    else start();
    let width = root.innerWidth;
    let pending = false;
    root.addEventListener("resize", () => {
      if (root.innerWidth === width || pending) return;
      pending = true;
      root.requestAnimationFrame(() => { pending = false; width = root.innerWidth; refit(); });
    });
    // What a <details> holds is measured when it opens (toggle does not bubble).
    document.addEventListener("toggle", (event) => { if (event.target.open) fit(event.target); }, true);
    if (root.matchMedia) root.matchMedia("print").addEventListener("change", fitAll);
    root.addEventListener("beforeprint", () => { openForPrint(); fitAll(); });
    root.addEventListener("afterprint", () => { closeAfterPrint(); refit(); });
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

  (root.Convbook = root.Convbook || {}).fit = { setUp, fit, fitAll, MIN_SCALE };
})(globalThis);
