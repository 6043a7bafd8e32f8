// convbook-core.js's loader (Convbook.load), which brings the search's ranking
// and "Recompute on this page" in on first use: files run in the order asked,
// each once, one the page loads already is not added again, and one that
// failed to load may be tried again.
//
//   node --test Tests/js/
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const core = fs.readFileSync(path.join(__dirname, "..", "..", "Sources", "Convbook", "Theme", "convbook-core.js"), "utf8");

// A page with the scripts `present`, where adding a script "loads" it after a
// tick (or fails, for the names in `failing`), recording the order.
function page(present, failing = new Set()) {
  const added = [];
  const scripts = present.map((name) => ({ src: `file:///site/${name}` }));
  const document = {
    currentScript: { src: "file:///site/convbook-core.js" },
    scripts,
    addEventListener() {},
    createElement: () => ({ remove() {} }),
    head: {
      appendChild(script) {
        const name = script.src.split("/").pop();
        added.push(name);
        setTimeout(() => (failing.has(name) ? script.onerror() : script.onload()), 1);
      },
    },
  };
  const context = vm.createContext({ document, URL, Promise, setTimeout, Convbook: {} });
  vm.runInContext(core, context, { filename: "convbook-core.js" });
  return { load: context.Convbook.load, added, failing };
}

test("loads the files in the order asked, beside the page script, each once", async () => {
  const { load, added } = page([]);
  await load(["a.js", "b.js", "c.js"]);
  await Promise.all([load(["b.js", "d.js"]), load(["d.js"])]);
  assert.deepEqual(added, ["a.js", "b.js", "c.js", "d.js"]);
});

test("a file the page loads already is not added", async () => {
  const { load, added } = page(["convkernel.js", "convbook-numbers.js"]);
  await load(["convkernel.js", "convbook-numbers.js", "convbook-recompute.js"]);
  assert.deepEqual(added, ["convbook-recompute.js"]);
});

test("a failed file rejects, stops the files after it, and can be tried again", async () => {
  const { load, added, failing } = page([], new Set(["b.js"]));
  await assert.rejects(load(["a.js", "b.js", "c.js"]), /b\.js could not be loaded/);
  assert.deepEqual(added, ["a.js", "b.js"]);
  failing.clear();
  await load(["a.js", "b.js", "c.js"]);
  assert.deepEqual(added, ["a.js", "b.js", "b.js", "c.js"]);
});
