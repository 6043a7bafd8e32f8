// Typesets TeX with KaTeX for `convbook build`: one process renders every
// formula of a build. Reads a JSON array of {"tex": ..., "display": bool} on
// standard input and writes a JSON array of {"html": ...} or {"error": ...}.
"use strict";
const katex = require("katex");
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const formulas = JSON.parse(input);
  const results = formulas.map(({ tex, display }) => {
    // Nothing in TeX may make a link, an id, a class or a style of its own
    // (\href, \url, \htmlId, ...): KaTeX's `trust` is off, and asking for it
    // is an error rather than red text in the page.
    const refused = [];
    const trust = (context) => { refused.push(context.command + (context.url ? "{" + context.url + "}" : "")); return false; };
    try {
      const html = katex.renderToString(tex, { displayMode: display, throwOnError: true, output: "htmlAndMathml", strict: "ignore", trust });
      if (refused.length > 0) {
        return { error: "refused " + refused.join(", ") + ": TeX may not add links, ids, classes or styles to the page" };
      }
      return { html };
    } catch (error) {
      return { error: String(error.message || error) };
    }
  });
  process.stdout.write(JSON.stringify({ version: katex.version, results }));
});
