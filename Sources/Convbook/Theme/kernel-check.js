// kernel-check.js: run at build time by node, never shipped.
//
//   node kernel-check.js /abs/path/to/convkernel.js < cases.json > verdicts.json
//
// Recomputes every published y, dx, dw, db with the independent kernel (the
// very file the site ships) and prints ConvKernel.compare's error for each;
// the generator judges those errors. Exit status 0 when it could run, 1 with
// a message on stderr when the input is bad.
"use strict";

const fs = require("fs");
const path = require("path");

function fail(message) {
  process.stderr.write("kernel-check: " + message + "\n");
  process.exit(1);
}

// A JSON number, or "inf"/"nan" (the project's encoding of non-finite numbers).
function encode(e) {
  if (Number.isNaN(e)) return "nan";
  if (!Number.isFinite(e)) return e > 0 ? "inf" : "-inf";
  return e;
}

function check(K, entry) {
  const P = entry.parameters || {};
  const given = entry.tensors || {};
  const t = {};
  for (const name of Object.keys(given)) t[name] = K.tensor(given[name]);
  if (!t.x || !t.w) throw new Error("x and w are needed");
  const errors = {};
  if (t.y) errors.y = encode(K.compare(t.y, K.forward(t.x, t.w, t.b || null, P)).error);
  if (t.dx || t.dw || t.db) {
    if (!t.dy) throw new Error("dx, dw or db given without dy");
    const grads = K.backward(t.dy, t.x, t.w, P);
    for (const name of ["dx", "dw", "db"]) {
      if (t[name]) errors[name] = encode(K.compare(t[name], grads[name]).error);
    }
  }
  return errors;
}

function main() {
  const kernelPath = process.argv[2];
  if (!kernelPath) fail("usage: node kernel-check.js /abs/path/to/convkernel.js < cases.json");
  let K;
  try {
    K = require(path.resolve(kernelPath));
  } catch (error) {
    fail("cannot load " + kernelPath + ": " + error.message);
  }
  let input;
  try {
    input = JSON.parse(fs.readFileSync(0, "utf8"));
  } catch (error) {
    fail("stdin is not JSON: " + error.message);
  }
  if (!input || !Array.isArray(input.cases)) fail("stdin needs {\"cases\": [...]}");
  const results = input.cases.map((entry, k) => {
    const id = entry && entry.id !== undefined ? entry.id : String(k);
    try {
      return { id, errors: check(K, entry) };
    } catch (error) {
      return fail("case " + JSON.stringify(id) + ": " + error.message);
    }
  });
  process.stdout.write(JSON.stringify({ results }) + "\n");
}

main();
