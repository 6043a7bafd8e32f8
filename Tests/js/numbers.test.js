// Unit tests of convbook-numbers.js: the page's number formatter against the
// table the Swift formatter is tested on, and reading shown numbers back.
//
//   node --test Tests/js/
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { rows, bitsOf, file } = require("./fixture.js");
const { formatValue, fullText, parseShown, shownMatches, indexName } =
  require("../../Sources/Convbook/Theme/convbook-numbers.js");

const table = rows();

test("the shared table has rows, each input its bits", () => {
  assert.ok(table.length >= 40, `${file} has ${table.length} rows`);
  for (const { bits, x, input } of table) {
    const read = Number(input);
    assert.ok(Number.isNaN(x) ? Number.isNaN(read) : bitsOf(read) === bits, `${input} does not read as ${bits}`);
  }
});

test("formatValue writes every row of the shared table as Swift's NumberFormat.value does", () => {
  for (const { x, input, text, what } of table) {
    assert.equal(formatValue(x), text, `${input} (${what})`);
  }
});

test("formatValue rounds an exact tie to even, as printf does, not up as toPrecision does", () => {
  assert.equal((2.0625).toPrecision(4), "2.063");
  assert.equal(formatValue(2.0625), "2.062");
  assert.equal(formatValue(2.1875), "2.188");
  assert.equal(formatValue(1.0005e15), "1.000e+15");
  // Not a tie: 1.0005 is stored just below, 1.0015 just above.
  assert.equal(formatValue(1.0005), "1");
  assert.equal(formatValue(1.0015), "1.002");
});

test("formatValue writes every power of two and ten like its neighbours", () => {
  for (let e = -1074; e <= 1023; e++) {
    const x = Math.pow(2, e);
    const text = formatValue(x);
    assert.match(text, /^\d+(\.\d+)?$|^\d\.\d{3}e[+-]\d{2,3}$/, `2^${e}`);
    assert.ok(shownMatches(text, x), `2^${e} written ${text}`);
  }
  for (let e = -300; e <= 300; e++) {
    const x = Number("1e" + e);
    const text = formatValue(x);
    const expected = e >= 0 && e < 15 ? "1" + "0".repeat(e) : e >= -3 && e < 0 ? "0." + "0".repeat(-e - 1) + "1"
      : "1.000e" + (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
    assert.equal(text, expected, `1e${e}`);
  }
});

test("fullText writes the shortest text that reads back the same, and the formatter's for the rest", () => {
  assert.equal(fullText(0.1), "0.1");
  assert.equal(fullText(1 / 3), "0.3333333333333333");
  assert.equal(fullText(2.0625), "2.0625");
  assert.equal(fullText(1e21), "1e+21");
  assert.equal(fullText(1e-7), "1e-7");
  assert.equal(fullText(-0), "0");
  assert.equal(fullText(NaN), "NaN");
  assert.equal(fullText(Infinity), "∞");
  assert.equal(fullText(-Infinity), "-∞");
  for (const { x, input } of table) {
    if (Number.isFinite(x)) assert.ok(Object.is(Number(fullText(x)), x) || x === 0, `${input}: ${fullText(x)}`);
  }
});

test("parseShown reads a shown number and half a unit of its last digit", () => {
  const near = (text, value, half) => {
    const shown = parseShown(text);
    assert.ok(shown, text);
    assert.equal(shown.value, value, text);
    assert.ok(Math.abs(shown.half - half) <= 1e-12 * half, `${text}: half ${shown.half}, not ${half}`);
  };
  near("1.235", 1.235, 0.0005);
  near("  -2 ", -2, 0.5);
  near("+7", 7, 0.5);
  near("12.", 12, 0.5);
  near("0.001234", 0.001234, 5e-7);
  near("1.000e-03", 0.001, 5e-7);
  near("2.5E+3", 2500, 50);
  near("4e2", 400, 50);
  near("\u22121.5", -1.5, 0.05);   // a typeset minus sign
  near("1.000e+15", 1e15, 5e11);
  for (const text of ["NaN", "∞", "-∞", "", "  ", "abc", ".5", "1,5", "0x10", "1e400", "1.2.3", "1e", "--1", "1 2"]) {
    assert.equal(parseShown(text), null, JSON.stringify(text));
  }
});

test("shownMatches: the text is the value rounded to the digits shown", () => {
  assert.ok(shownMatches("1.235", 1.23456));
  assert.ok(shownMatches("1.235", 1.2345));
  assert.ok(!shownMatches("1.235", 1.2356));
  assert.ok(!shownMatches("1.235", 1.2344));
  assert.ok(shownMatches("2.062", 2.0625));   // exactly half a unit away: a tie either way is fine
  assert.ok(shownMatches("2.063", 2.0625));
  assert.ok(!shownMatches("2.064", 2.0625));
  assert.ok(shownMatches("3", 3.4));
  assert.ok(!shownMatches("3", 3.6));
  assert.ok(shownMatches("0.1", 0.1));
  assert.ok(shownMatches("1.000e+15", 1.0005e15));
  assert.ok(!shownMatches("1.000e+15", 1.0006e15));
  assert.ok(shownMatches(" 9.999e-04 ", 0.0009999));
  assert.ok(!shownMatches("NaN", NaN));
  assert.ok(!shownMatches("∞", Infinity));
  assert.ok(!shownMatches("1", Infinity));
  assert.ok(!shownMatches("1", NaN));
  assert.ok(!shownMatches("", 0));
});

test("shownMatches accepts every finite row of the shared table for its value", () => {
  for (const { x, input, text } of table) {
    // The largest doubles are shown rounded past the largest double, 1.798e+308,
    // which reads as no finite number: such a cell could only be judged ✗.
    if (Number.isFinite(x) && Number.isFinite(Number(text))) assert.ok(shownMatches(text, x), `${input} shown as ${text}`);
    else assert.ok(!shownMatches(text, x), `${input} shown as ${text}`);
  }
  assert.equal(parseShown("1.798e+308"), null);
});

test("indexName names a flat index by its place in the shape", () => {
  assert.equal(indexName("dx", [1, 2, 3, 4], 0), "dx[0,0,0,0]");
  assert.equal(indexName("dx", [1, 2, 3, 4], 5), "dx[0,0,1,1]");
  assert.equal(indexName("dx", [1, 2, 3, 4], 23), "dx[0,1,2,3]");
  assert.equal(indexName("b", [3], 2), "b[2]");
});
