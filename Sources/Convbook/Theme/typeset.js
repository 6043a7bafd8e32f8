// What `convbook build` typesets with node, in one process a build: TeX with
// KaTeX, and the chapters' Swift code with highlight.js (both Debian's
// packages, katex and node-highlight.js). Reads
//   {"math": [{"tex": ..., "display": bool, "values": n}, ...], "code": ["swift source", ...]}
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

// Inject's mark on a value in math: \htmlData{v=N}, N digits, nothing else.
function isMark(attributes) {
  const keys = Object.keys(attributes || {});
  return keys.length === 1 && keys[0] === "data-v" && /^[0-9]+$/.test(attributes["data-v"]);
}

// The formula's TeX in its MathML annotation without inject's marks: what the
// chapter's math reads with its values in (for a screen reader or a copy of
// the TeX), and fewer bytes.
function unmarkAnnotation(html) {
  return html.replace(/(<annotation encoding="application\/x-tex">)([^<]*)(<\/annotation>)/,
    (_, open, tex, close) => open + unmark(tex) + close);
}

// `\htmlData{v=N}{X}` becomes `X`, X balanced in braces (inject wrote it).
function unmark(tex) {
  const mark = /\\htmlData\{v=[0-9]+\}\{/y;
  const closes = [];   // the depth each open mark's closing brace brings back
  let out = "", depth = 0, i = 0;
  while (i < tex.length) {
    mark.lastIndex = i;
    const found = mark.exec(tex);
    if (found) { closes.push(depth); depth += 1; i += found[0].length; continue; }
    const c = tex[i];
    if (c === "\\") { out += tex.slice(i, i + 2); i += 2; continue; }
    if (c === "{") depth += 1;
    if (c === "}") {
      depth -= 1;
      if (closes.length > 0 && closes[closes.length - 1] === depth) { closes.pop(); i += 1; continue; }
    }
    out += c;
    i += 1;
  }
  return out;
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
  const math = formulas.map(({ tex, display, values }) => {
    // Nothing in TeX may make a link, an id, a class, a style or a data attribute of its
    // own (\href, \url, \htmlId, \htmlData, ...): KaTeX's `trust` is off, and asking for it
    // is an error rather than red text in the page. Save for inject's marks on the values
    // it put in the formula (MathValueMark.swift): `values` of them, each \htmlData{v=N},
    // which become the `data-v` the provenance popover reads. One more is refused.
    const refused = [];
    let marks = values || 0;
    const trust = (context) => {
      if (context.command === "\\htmlData" && marks > 0 && isMark(context.attributes)) { marks -= 1; return true; }
      refused.push(context.command + (context.url ? "{" + context.url + "}" : ""));
      return false;
    };
    try {
      const html = katex.renderToString(tex, { displayMode: display, throwOnError: true, output: "htmlAndMathml", strict: "ignore", trust });
      if (refused.length > 0) {
        const ours = refused.includes("\\htmlData") ? " (\\htmlData is convbook's: it marks the values `{swift} expr` puts in math)" : "";
        return { error: "refused " + refused.join(", ") + ": TeX may not add links, ids, classes, styles or data to the page" + ours };
      }
      return { html: values ? unmarkAnnotation(html) : html };
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
