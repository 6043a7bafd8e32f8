// The shared table of number texts (Tests/fixtures/number-format.tsv), read
// as the Swift test reads it: {bits, x, input, text, what} per row.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const file = path.join(__dirname, "..", "fixtures", "number-format.tsv");

// The double whose IEEE 754 bits are these 16 hex digits.
function fromBits(hex) {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt("0x" + hex));
  return view.getFloat64(0);
}

function bitsOf(x) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, "0");
}

function rows() {
  return fs.readFileSync(file, "utf8").split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line, n) => {
      const [bits, input, text, what] = line.split("\t");
      if (!/^[0-9a-f]{16}$/.test(bits) || input === undefined || text === undefined) {
        throw new Error(`${file}: row ${n + 1} is not bits, input, text, what: ${JSON.stringify(line)}`);
      }
      return { bits, x: fromBits(bits), input, text, what: what || "" };
    });
}

module.exports = { file, rows, fromBits, bitsOf };
