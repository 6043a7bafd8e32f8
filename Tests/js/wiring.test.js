// The page script's files as the site loads them: every convbook-*.js of the
// theme is copied (Theme.pageScripts, in load order, each after the files
// whose parts of Convbook it uses); a page loads those its content needs
// (PageScripts.swift) and convbook-core.js loads the rest on first use; the
// pure ones load with no DOM; together they add nothing to the page but
// Convbook.
//
//   node --test Tests/js/
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const root = path.join(__dirname, "..", "..");
const themeFolder = path.join(root, "Sources", "Convbook", "Theme");
const read = (file) => fs.readFileSync(path.join(themeFolder, file), "utf8");
const pageFiles = fs.readdirSync(themeFolder).filter((name) => /^convbook-.*\.js$/.test(name)).sort();

const swiftSource = (file) => fs.readFileSync(path.join(root, "Sources", "Convbook", "Render", file), "utf8");
const quoted = (text) => Array.from(text.matchAll(/"([^"]+\.js)"/g), (m) => m[1]);

// Theme.pageScripts: every convbook-*.js, in load order.
function pageScripts() {
  const list = /static let pageScripts = \[([^\]]*)\]/.exec(swiftSource("Theme.swift"));
  assert.ok(list, "Theme.swift has no pageScripts list");
  return quoted(list[1]);
}

test("Theme.pageScripts names every convbook-*.js of the theme, core last; the templates load the list the build picks", () => {
  const named = pageScripts();
  assert.deepEqual([...named].sort(), pageFiles);
  assert.equal(named[named.length - 1], "convbook-core.js");
  for (const template of ["head.mustache", "book.mustache"]) {
    assert.match(read(template), /\{\{#scripts\}\}\s*<script src="\{\{\.\}\}" defer><\/script>\s*\{\{\/scripts\}\}/, template);
    assert.doesNotMatch(read(template), /<script src="conv[^"]*" defer>/, `${template} names a page script itself`);
  }
});

test("PageScripts.swift gives every file a place: every page, a feature's, or loaded on first use by a load([...]) call", () => {
  const swift = swiftSource("PageScripts.swift");
  const section = (name) => quoted(new RegExp(`static let ${name}[^=]*= \\[([\\s\\S]*?)\\n    \\]|static let ${name}[^=]*= \\[([^\\]]*)\\]`).exec(swift)[0]);
  const always = section("always"), features = section("features"), onDemand = section("onDemand");
  const placed = new Set([...always, ...features, ...onDemand]);
  assert.deepEqual([...placed].sort(), [...pageScripts(), "convkernel.js"].sort());
  assert.ok(always.includes("convbook-core.js"));
  // What is loaded on demand is loaded: by name, in a load([...]) list, after what it uses.
  const loadLists = ["convbook-core.js", "convbook-search.js"].flatMap((file) =>
    Array.from(read(file).matchAll(/(?:load\(|RECOMPUTE = )\[([^\]]*)\]/g), (m) => quoted(m[1])));
  for (const file of onDemand) assert.ok(loadLists.some((list) => list.includes(file)), `nothing loads ${file}`);
  for (const list of loadLists) {
    const inOrder = list.filter((name) => name !== "search-index.js");
    assert.deepEqual(inOrder, [...inOrder].sort((a, b) => ["convkernel.js", ...pageScripts()].indexOf(a) - ["convkernel.js", ...pageScripts()].indexOf(b)),
      `load([${list}]) is not in load order`);
  }
});

test("each file comes after the files whose parts of Convbook it uses", () => {
  const order = pageScripts();
  const defines = new Map();   // part → file
  for (const file of order) {
    for (const m of read(file).matchAll(/Convbook(?: = root\.Convbook \|\| \{\}\))?\.(\w+) = /g)) defines.set(m[1], file);
  }
  assert.deepEqual([...defines.keys()].sort(), ["explorer", "fit", "grid", "layer", "load", "nav", "numbers", "params", "preview", "provenance", "rank", "recompute", "search"]);
  for (const file of order) {
    for (const m of read(file).matchAll(/Convbook\.(\w+)\b(?! = )/g)) {
      const part = m[1], from = defines.get(part);
      assert.ok(from, `${file} uses Convbook.${part}, which no file defines`);
      if (from !== file) assert.ok(order.indexOf(from) < order.indexOf(file), `${file} uses Convbook.${part} of ${from}, loaded after it`);
    }
  }
});

test("the pure files load without a DOM", () => {
  const context = vm.createContext({});
  for (const file of ["convkernel.js", "convbook-numbers.js", "convbook-layer.js", "convbook-rank.js"]) {
    vm.runInContext(read(file), context, { filename: file });
  }
  assert.equal(vm.runInContext("Convbook.numbers.formatValue(2.0625)", context), "2.062");
  assert.equal(vm.runInContext("Convbook.layer.invalidReason({H: 5, W: 5, C: 1, HH: 3, WW: 3, F: 1, " +
    "sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1})", context), "");
});

test("loaded in the page's order, the files add one global, Convbook, and wire the page on DOMContentLoaded", () => {
  const listeners = [];
  const context = vm.createContext({ document: { addEventListener: (type) => listeners.push(type) } });
  const before = new Set(Object.keys(context));
  for (const file of pageScripts()) {
    vm.runInContext(read(file), context, { filename: file });
  }
  assert.deepEqual(Object.keys(context).filter((key) => !before.has(key)), ["Convbook"]);
  assert.deepEqual(listeners, ["DOMContentLoaded"]);
});
