// Unit tests of convbook-preview.js's pure parts: which links are references
// and where their targets are, the previews file of a page, another page's
// hoisted styles scoped to the card, where the card goes, and when it opens
// and closes (hover delay, the way into the card, focus, Escape); and
// convbook-core.js loading the file on the first pointer over, or focus on,
// a link of the chapter's text. The DOM (what a card shows) is tested in
// Chromium: Tests/site/test_previews.py.
//
//   node --test Tests/js/
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const preview = require("../../Sources/Convbook/Theme/convbook-preview.js");

const here = "file:///home/reader/site/03-two-dimensions.html";

test("a link to an id of a target kind is a reference: on this page, or on a page beside it", () => {
  assert.deepEqual(preview.reference(`${here}#eq-2d-forward`, here), { page: "", id: "eq-2d-forward", kind: "equation" });
  assert.deepEqual(preview.reference("file:///home/reader/site/01-forward.html#sec-output-size", here),
    { page: "01-forward.html", id: "sec-output-size", kind: "section" });
  assert.deepEqual(preview.reference(`${here}#ref-dumoulin2016`, here), { page: "", id: "ref-dumoulin2016", kind: "reference" });
  for (const [id, kind] of [["fig-a", "figure"], ["tbl-a", "table"], ["ex-a", "exercise"], ["pit-a", "pitfall"]]) {
    assert.equal(preview.reference(`${here}#${id}`, here).kind, kind);
  }
  // book.html: ids carry their chapter's slug.
  const book = "http://127.0.0.1:8000/book.html";
  assert.deepEqual(preview.reference(`${book}#03-two-dimensions--eq-2d-forward`, book),
    { page: "", id: "03-two-dimensions--eq-2d-forward", kind: "equation" });
  // The hash is decoded as the id is written.
  assert.equal(preview.reference(`${here}#sec-caf%C3%A9`, here).id, "sec-café");
});

test("other links are not references", () => {
  for (const href of [
    `${here}#the-plan`,                                        // a heading without a label
    `${here}#cite-3`, `${here}#cell-2`, `${here}#sec-`,        // not a target kind; a prefix alone
    here, "file:///home/reader/site/01-forward.html",          // no fragment
    "https://example.org/03-two-dimensions.html#eq-a",         // another origin
    "file:///home/reader/other/01-forward.html#sec-a",         // another folder
    "file:///home/reader/site/data/x.html#sec-a",              // a folder below
    "file:///home/reader/site/code/x.swift#sec-a",             // not a page
    `${here}?q=1#sec-a`,                                       // another query
    "not a url", `${here}#sec-%E0%A4%A`,                       // unparseable
  ]) {
    assert.equal(preview.reference(href, here), null, href);
  }
});

test("a page's previews file lies in previews/, named after the page", () => {
  assert.equal(preview.dataFile("03-two-dimensions.html"), "previews/03-two-dimensions.js");
});

test("another page's hoisted rules apply only inside the card that shows them", () => {
  const css = ".ks1abcde{top:-2.55em!important}.ks2fghij{height:1em!important;vertical-align:0em!important}";
  const scope = '.cb-preview[data-page="01-forward.html"]';
  assert.equal(preview.scopedRules(css, scope),
    `${scope} .ks1abcde{top:-2.55em!important}${scope} .ks2fghij{height:1em!important;vertical-align:0em!important}`);
  // Anything that is not a plain class rule is dropped.
  assert.equal(preview.scopedRules("body{color:red}.a{b:c}@media print{.x{y:z}}", scope), `${scope} .a{b:c}`);
  assert.equal(preview.scopedRules("", scope), "");
});

test("the card goes below the link, above when only there it fits, and stays inside the viewport", () => {
  const viewport = { width: 1000, height: 800 };
  const size = { width: 300, height: 200 };
  const below = preview.place({ left: 100, top: 100, bottom: 120 }, size, viewport);
  assert.deepEqual(below, { left: 100, top: 126, above: false });
  const above = preview.place({ left: 100, top: 700, bottom: 720 }, size, viewport);
  assert.deepEqual(above, { left: 100, top: 494, above: true });
  // Fits neither way: below, where the page scrolls on.
  assert.equal(preview.place({ left: 100, top: 150, bottom: 170 }, { width: 300, height: 700 }, viewport).above, false);
  // Near the right edge: moved left; near the left edge: kept in.
  assert.equal(preview.place({ left: 900, top: 100, bottom: 120 }, size, viewport).left, 692);
  assert.equal(preview.place({ left: -40, top: 100, bottom: 120 }, size, viewport).left, 8);
});

// A clock for intent(): timers run when the test moves time on.
function clock() {
  let now = 0, next = 1;
  const timers = new Map();
  return {
    timers: {
      set(f, ms) { const id = next++; timers.set(id, { at: now + ms, f }); return id; },
      clear(id) { timers.delete(id); },
    },
    advance(ms) {
      now += ms;
      for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at <= now && timers.has(id)) { timers.delete(id); timer.f(); }
      }
    },
  };
}

function machine(hovered = () => true) {
  const time = clock(), log = [];
  const state = preview.intent({ show: (link) => log.push(`show ${link}`), hide: (link) => log.push(`hide ${link}`),
    isHovered: hovered, timers: time.timers });
  return { state, log, time };
}

test("hover opens the card after the delay, not before; leaving the link before then opens nothing", () => {
  const { state, log, time } = machine();
  state.hoverLink("a");
  time.advance(preview.DELAY.open - 1);
  assert.deepEqual(log, []);
  time.advance(1);
  assert.deepEqual(log, ["show a"]);
  assert.equal(state.current, "a");

  const other = machine();
  other.state.hoverLink("a");
  other.time.advance(100);
  other.state.leaveLink("a");
  other.time.advance(5000);
  assert.deepEqual(other.log, []);
});

test("the delay passed with the pointer gone (an event missed) opens nothing", () => {
  const { state, log, time } = machine(() => false);
  state.hoverLink("a");
  time.advance(preview.DELAY.open);
  assert.deepEqual(log, []);
});

test("the mouse can move from the link into the card and back; leaving both closes it after the delay", () => {
  const { state, log, time } = machine();
  state.hoverLink("a");
  time.advance(preview.DELAY.open);
  state.leaveLink("a");
  time.advance(preview.DELAY.close - 1);
  state.hoverCard();
  time.advance(5000);
  assert.deepEqual(log, ["show a"]);
  state.leaveCard();
  time.advance(100);
  state.hoverLink("a");
  time.advance(5000);
  assert.deepEqual(log, ["show a"]);
  state.leaveLink("a");
  time.advance(preview.DELAY.close);
  assert.deepEqual(log, ["show a", "hide a"]);
  assert.equal(state.current, null);
});

test("hovering another link replaces the card after the delay", () => {
  const { state, log, time } = machine();
  state.hoverLink("a");
  time.advance(preview.DELAY.open);
  state.leaveLink("a");
  state.hoverLink("b");
  time.advance(preview.DELAY.open);
  assert.deepEqual(log, ["show a", "hide a", "show b"]);
});

test("keyboard focus opens at once, blur closes at once", () => {
  const { state, log } = machine();
  state.focusLink("a");
  assert.deepEqual(log, ["show a"]);
  state.focusLink("b");
  assert.deepEqual(log, ["show a", "hide a", "show b"]);
  state.blurLink("a");                      // not the one shown
  assert.deepEqual(log, ["show a", "hide a", "show b"]);
  state.blurLink("b");
  assert.deepEqual(log, ["show a", "hide a", "show b", "hide b"]);
});

test("Escape closes the card (or a pending one), and hovering the same link opens nothing until the pointer leaves", () => {
  const { state, log, time } = machine();
  assert.equal(state.escape(), false);       // nothing to close: Escape is someone else's
  state.hoverLink("a");
  time.advance(preview.DELAY.open);
  assert.equal(state.escape(), true);
  assert.deepEqual(log, ["show a", "hide a"]);
  state.hoverLink("a");                       // the pointer moves within the link
  time.advance(5000);
  assert.deepEqual(log, ["show a", "hide a"]);
  state.leaveLink("a");
  state.hoverLink("a");
  time.advance(preview.DELAY.open);
  assert.deepEqual(log, ["show a", "hide a", "show a"]);

  const pending = machine();
  pending.state.hoverLink("a");
  assert.equal(pending.state.escape(), true);
  pending.time.advance(5000);
  assert.deepEqual(pending.log, []);
});

// convbook-core.js with a document that records its listeners and the scripts it adds.
function core() {
  const listeners = new Map(), added = [];
  const document = {
    currentScript: { src: "file:///site/convbook-core.js" },
    scripts: [],
    addEventListener(type, f) { if (!listeners.has(type)) listeners.set(type, new Set()); listeners.get(type).add(f); },
    removeEventListener(type, f) { listeners.get(type)?.delete(f); },
    querySelectorAll: () => [],
    createElement: () => ({ remove() {} }),
    head: { appendChild(script) { added.push(script.src); setTimeout(() => script.onload(), 1); } },
  };
  const set = [];
  const Convbook = {
    nav: { setUp() {} }, fit: { setUp() {} }, search: { setUp() {} },
    preview: { setUp: (...args) => set.push(args) },
  };
  const context = vm.createContext({ document, URL, Promise, setTimeout, Convbook });
  vm.runInContext(fs.readFileSync(path.join(__dirname, "..", "..", "Sources", "Convbook", "Theme", "convbook-core.js"), "utf8"), context);
  for (const f of listeners.get("DOMContentLoaded")) f();
  const fire = (type, event) => { for (const f of [...(listeners.get(type) || [])]) f(event); };
  return { fire, added, set, listeners };
}

test("convbook-core.js loads the previews on the first pointer over, or focus on, a link of the chapter's text, once", async () => {
  const { fire, added, set, listeners } = core();
  const outside = { closest: () => null };
  fire("pointerover", { target: outside });
  fire("focusin", { target: outside });
  fire("pointerover", { target: {} });       // a node without closest (text, document)
  assert.deepEqual(added, []);
  const link = { closest: (selector) => (selector === "article.chapter a[href*='#']" ? link : null) };
  const event = { type: "pointerover", target: link };
  fire("pointerover", event);
  fire("focusin", { type: "focusin", target: link });
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(added, ["file:///site/convbook-preview.js"]);
  assert.equal(set.length, 1);
  assert.equal(set[0][2], event);             // the event that woke it is handed over
  assert.equal(listeners.get("pointerover").size, 0);
});
