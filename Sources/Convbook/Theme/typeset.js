// What `convbook build` typesets with node, in one process a build: TeX with
// KaTeX, and the chapters' Swift code with highlight.js (both Debian's
// packages, katex and node-highlight.js). Reads
//   {"math": [{"tex": ..., "display": bool}, ...], "code": ["swift source", ...]}
// on standard input and writes
//   {"katex": VERSION, "highlight": VERSION, "math": [{"html"} or {"error"}], "code": [{"html"} or {"error"}]}
"use strict";
process.env.HLJS_HIDE_UPGRADE_WARNING = "1";   // Debian's highlight.js 9 prints a notice on stdout otherwise

// ---------------------------------------------------------------------------
// Swift for highlight.js: the classes are the page's `hl-*` classes (style.css).
// highlight.js 9's own Swift grammar takes `_` for a number, `count` for a
// built-in and misses `1e15`; this one follows the Swift book's lexical rules
// for what it marks, and marks what the page colours:
//   keyword, type (a capitalised name with two lower-case letters or more, not
//   called or followed by a member: the book's H, WW, F and Nb are variables), string (with \(...) interpolation, plain inside),
//   number, comment, doc (/// and /** */), attribute (@name), directive (#if),
//   label (an argument label: a name followed by one colon, just after `(`, `[` or `,`).
// A member after a dot is plain, even when it is spelled like a keyword (x.prefix).
function swift(hljs) {
  const KEYWORDS = {
    keyword: "actor any Any as associatedtype async await borrowing break case catch class consume consuming continue " +
      "convenience default defer deinit didSet do dynamic else enum extension fallthrough false fileprivate final for " +
      "func get guard if import in indirect infix init inout internal is isolated lazy let mutating nil nonisolated " +
      "nonmutating open operator optional override package postfix precedencegroup prefix private protocol public " +
      "repeat required rethrows return self Self set some static struct subscript super switch throw throws true try " +
      "Type typealias unowned var weak where while willSet",
  };
  const NUMBER = {
    className: "number", relevance: 0,
    begin: /(?<!\$)\b(0x[0-9a-fA-F][0-9a-fA-F_]*(\.[0-9a-fA-F][0-9a-fA-F_]*)?([pP][+-]?[0-9][0-9_]*)?|0o[0-7][0-7_]*|0b[01][01_]*|[0-9][0-9_]*(\.[0-9][0-9_]*)?([eE][+-]?[0-9][0-9_]*)?)\b/,
  };
  const INTERPOLATION = { className: "interpolation", begin: /\\\(/, end: /\)/, keywords: KEYWORDS, contains: [] };
  const ESCAPE = { begin: /\\[0\\tnr"'u]/, relevance: 0 };
  const STRING = {
    className: "string",
    variants: [
      { begin: /#+"""/, end: /"""#+/ },
      { begin: /#+"/, end: /"#+/ },
      { begin: /"""/, end: /"""/, contains: [ESCAPE, INTERPOLATION] },
      { begin: /"/, end: /"/, illegal: /\n/, contains: [ESCAPE, INTERPOLATION] },
    ],
  };
  const BLOCK_COMMENT = { className: "comment", begin: /\/\*/, end: /\*\//, contains: ["self"] };
  const DOC = [
    { className: "doc", begin: /\/\/\//, end: /$/ },
    { className: "doc", begin: /\/\*\*(?!\/)/, end: /\*\//, contains: [BLOCK_COMMENT] },
  ];
  const LABEL = { className: "label", begin: /(?<=[(\[,]\s*)[A-Za-z_][A-Za-z0-9_]*(?=:(?!:))/, relevance: 0 };
  // Capitalised names with two lower-case letters or more: all-capital names and
  // names like Nb or HHb are this book's variables (H, WW, F, and a batch's N as Nb).
  const TYPE = { className: "type", begin: /\b(?!(?:Self|Type|Any)\b)[A-Z][A-Za-z0-9_]*[a-z][A-Za-z0-9_]*[a-z][A-Za-z0-9_]*\b(?![(.])/, relevance: 0 };
  const PARENS = { begin: /\(/, end: /\)/, keywords: KEYWORDS, contains: [] };
  const CODE = [
    ...DOC,
    { className: "comment", begin: /\/\//, end: /$/ },
    BLOCK_COMMENT,
    STRING,
    { className: "attribute", begin: /@[A-Za-z_][A-Za-z0-9_]*/ },
    { className: "directive", begin: /#(?:if|elseif|else|endif|sourceLocation|warning|error)\b/ },
    { begin: /\.[A-Za-z_][A-Za-z0-9_]*/, relevance: 0 },
    LABEL,
    TYPE,
    NUMBER,
  ];
  PARENS.contains = [...CODE, PARENS];
  INTERPOLATION.contains = [...CODE, PARENS];
  return { keywords: KEYWORDS, contains: CODE };
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const formulas = request.math || [];
  const code = request.code || [];
  let katex = null, hljs = null;
  if (formulas.length > 0) katex = require("katex");
  if (code.length > 0) {
    hljs = require("highlight.js/lib/highlight.js");
    hljs.configure({ classPrefix: "hl-" });
    hljs.registerLanguage("swift", swift);
  }
  const math = formulas.map(({ tex, display }) => {
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
  const highlighted = code.map((source) => {
    try {
      return { html: hljs.highlight("swift", source, true).value };
    } catch (error) {
      return { error: String(error.message || error) };
    }
  });
  process.stdout.write(JSON.stringify({
    katex: katex ? katex.version : null,
    highlight: hljs ? require("highlight.js/package.json").version : null,
    math, code: highlighted,
  }));
});
