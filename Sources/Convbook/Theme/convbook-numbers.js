// convbook-numbers.js: numbers as the pages show them, and reading them back
// (Convbook.numbers). Pure logic with no DOM: node loads these same bytes for
// the unit tests (Tests/js/), which hold formatValue to Swift's
// NumberFormat.value on a table both languages read
// (Tests/fixtures/number-format.tsv).
"use strict";

(function (root) {
  // Significant digits of a number that is not an integer.
  const DIGITS = 4;

  // The project's number formatter, as NumberFormat.value writes it on the
  // Swift side: integers as integers, else 4 significant digits, scientific
  // below 1e-3 or from 1e6 (and where printf's %.4g would write an exponent),
  // trailing zeros dropped. Rounded as printf rounds: from the double's exact
  // value, an exact tie to even (2.0625 → "2.062", where toPrecision says 2.063).
  function formatValue(x) {
    if (Number.isNaN(x)) return "NaN";
    if (!Number.isFinite(x)) return x > 0 ? "∞" : "-∞";
    if (x === 0) return "0";
    if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
    const magnitude = Math.abs(x);
    if (magnitude < 1e-3 || magnitude >= 1e6) return scientific(x);
    const { digits, exponent } = roundedDigits(x, DIGITS);
    if (exponent < -4 || exponent >= DIGITS) return scientific(x);
    // %.4g's fixed form, its trailing zeros dropped.
    const point = exponent + 1;
    const whole = point > 0 ? digits.slice(0, point) : "0";
    const fraction = (point > 0 ? digits.slice(point) : "0".repeat(-point) + digits).replace(/0+$/, "");
    return (x < 0 ? "-" : "") + whole + (fraction ? "." + fraction : "");
  }

  // printf's %.3e: "1.160e-08", at least two digits of exponent.
  function scientific(x) {
    const { digits, exponent } = roundedDigits(x, DIGITS);
    return (x < 0 ? "-" : "") + digits[0] + "." + digits.slice(1) + "e" +
      (exponent < 0 ? "-" : "+") + String(Math.abs(exponent)).padStart(2, "0");
  }

  // |x| (finite, not 0) rounded to `count` significant digits: the digits and
  // the power of ten of the first, {digits: "2062", exponent: 0} for 2.0625.
  // Exact: the double is num/den in BigInts, so only a true tie is a tie.
  function roundedDigits(x, count) {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    const high = view.getUint32(0), low = view.getUint32(4);
    const biased = (high >>> 20) & 0x7ff;
    let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
    if (biased > 0) mantissa |= 1n << 52n;
    const shift = Math.max(biased, 1) - 1075;   // |x| = mantissa · 2^shift
    let num = shift > 0 ? mantissa << BigInt(shift) : mantissa;
    let den = shift < 0 ? 1n << BigInt(-shift) : 1n;
    const power = (k) => 10n ** BigInt(k);
    const reaches = (e) => (e >= 0 ? num >= den * power(e) : num * power(-e) >= den);   // |x| ≥ 10^e
    let exponent = Math.floor(Math.log10(Math.abs(x)));
    while (!reaches(exponent)) exponent -= 1;
    while (reaches(exponent + 1)) exponent += 1;
    const scale = count - 1 - exponent;
    if (scale >= 0) num *= power(scale);
    else den *= power(-scale);
    let n = num / den;
    const twice = 2n * (num % den);
    if (twice > den || (twice === den && n % 2n === 1n)) n += 1n;
    if (n === power(count)) {
      n /= 10n;
      exponent += 1;
    }
    return { digits: String(n), exponent };
  }

  // A value in full (for messages): shortest text that reads back the same.
  function fullText(x) {
    return Number.isFinite(x) ? String(x) : formatValue(x);
  }

  // What a table cell shows: its number and half a unit of its last digit, or
  // null when it shows no finite number ("NaN", "∞", "-∞", anything else).
  function parseShown(text) {
    const t = text.trim().replace(/\u2212/g, "-");
    const m = /^[+-]?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
    if (!m) return null;
    const value = Number(t);
    if (!Number.isFinite(value)) return null;
    const decimals = m[2] ? m[2].length : 0;
    const exponent = m[3] ? Number(m[3]) : 0;
    return { value, half: 0.5 * Math.pow(10, exponent - decimals) };
  }

  // True when the text is the value r rounded to the digits shown: within half
  // a unit of the last digit (a hair more for 10^k in binary), plus 1e-12 of |r|.
  function shownMatches(text, r) {
    const shown = parseShown(text);
    if (!shown || !Number.isFinite(r)) return false;
    return Math.abs(shown.value - r) <= shown.half * (1 + 1e-9) + 1e-12 * Math.abs(r);
  }

  // "dx[0,0,1,2]" for flat index k of a tensor of this shape.
  function indexName(name, shape, k) {
    const index = [];
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      index.unshift(k % shape[axis]);
      k = Math.floor(k / shape[axis]);
    }
    return name + "[" + index.join(",") + "]";
  }

  const numbers = { formatValue, fullText, parseShown, shownMatches, indexName };
  (root.Convbook = root.Convbook || {}).numbers = numbers;
  if (typeof module === "object" && module.exports) module.exports = numbers;
})(globalThis);
