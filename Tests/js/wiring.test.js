// The page script's files as the site loads them: every convbook-*.js of the
// theme is copied (Theme.pageScripts) and loaded by both page templates in
// one order, each after the files whose parts of Convbook it uses; the pure
// ones load with no DOM; together they add nothing to the page but Convbook.
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

// The scripts a template loads, in order.
function scripts(template) {
  return Array.from(read(template).matchAll(/<script src="([^"]+)" defer><\/script>/g), (m) => m[1]);
}

test("Theme.pageScripts names every convbook-*.js of the theme, in the templates' order", () => {
  const swift = fs.readFileSync(path.join(root, "Sources", "Convbook", "Render", "Theme.swift"), "utf8");
  const list = /static let pageScripts = \[([^\]]*)\]/.exec(swift);
  assert.ok(list, "Theme.swift has no pageScripts list");
  const named = Array.from(list[1].matchAll(/"([^"]+)"/g), (m) => m[1]);
  assert.deepEqual([...named].sort(), pageFiles);
  assert.equal(named[named.length - 1], "convbook-core.js");
  for (const template of ["head.mustache", "book.mustache"]) {
    const loaded = scripts(template);
    assert.deepEqual(loaded.filter((name) => name.startsWith("convbook-")), named, template);
    assert.ok(loaded.indexOf("convkernel.js") < loaded.indexOf(named[0]), `${template}: convkernel.js first`);
    assert.ok(!loaded.includes("convbook.js"), template);
  }
});

test("each file comes after the files whose parts of Convbook it uses", () => {
  const order = scripts("head.mustache").filter((name) => name.startsWith("convbook-"));
  const defines = new Map();   // part → file
  for (const file of order) {
    for (const m of read(file).matchAll(/Convbook(?: = root\.Convbook \|\| \{\}\))?\.(\w+) = /g)) defines.set(m[1], file);
  }
  assert.deepEqual([...defines.keys()].sort(), ["explorer", "fit", "grid", "layer", "nav", "numbers", "params", "rank", "recompute", "search"]);
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
  for (const file of scripts("head.mustache").filter((name) => name.startsWith("convbook-"))) {
    vm.runInContext(read(file), context, { filename: file });
  }
  assert.deepEqual(Object.keys(context).filter((key) => !before.has(key)), ["Convbook"]);
  assert.deepEqual(listeners, ["DOMContentLoaded"]);
});
