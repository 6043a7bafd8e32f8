// convbook-rank.js: the search's ranking (Convbook.rank). Pure logic with no
// DOM: node loads these same bytes for the unit tests (Tests/js/search.test.js);
// convbook-search.js wires it to the search box.
//
// The index (search-index.js, window.CONVBOOK_SEARCH) holds one entry per
// section: {c: chapter title, s: section title, u: link, x: plain text}.
//
// Ranking is BM25 over sections, with the headings weighted above the text.
// A query word's score in a section is
//
//   idf × ( tf (k1 + 1) / (tf + k1 (1 − b + b · len / mean len))   the text: BM25
//         + 2.5 if the section's title holds it                    the heading
//         + 0.5 if the chapter's title holds it )                  the chapter
//
// with tf its count in the section's text, len the text's length in words,
// k1 = 1.2, b = 0.75 and idf = ln(1 + (N − n + 0.5) / (n + 0.5)) over the N
// sections, n of which hold the word. The text's part saturates at
// idf × (k1 + 1) = 2.2 idf, so a section whose heading holds a word ranks
// above every section that only mentions it, however often; among those,
// the more often and the shorter the section, the higher.
//
// Each query word matches words of the index's vocabulary: itself (weight 1),
// words it begins (a prefix, weight 0.7), and, for a word of 5 letters or more,
// words at most one edit away (two for 8 letters or more; an edit is an
// insertion, deletion, substitution or swap of neighbours; weight 0.4 for one
// edit, 0.16 for two). Results are ordered by how many query words they
// match, then by how many of those matched exactly or as a prefix, then by
// score: an exact or prefix match ranks above a fuzzy one.
"use strict";

(function (root) {
  const WEIGHTS = { heading: 2.5, chapter: 0.5 };
  const K1 = 1.2, B = 0.75;
  const PREFIX = 0.7, FUZZY = [1, 0.4, 0.16];

  // Words as the index and queries are cut: letters and digits, lower case,
  // accents removed; each with where it stands in the text.
  const WORD = /[\p{L}\p{N}]+/gu;
  const ASCII = /^[\x00-\x7f]*$/;
  function fold(word) {
    return ASCII.test(word) ? word.toLowerCase() : word.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
  }
  function tokens(text) {
    const found = [];
    for (const m of String(text).matchAll(WORD)) {
      const word = fold(m[0]);
      if (word) found.push({ word, start: m.index, end: m.index + m[0].length });
    }
    return found;
  }
  function words(text) {
    const found = [];
    for (const w of String(text).toLowerCase().match(WORD) || []) {
      const word = ASCII.test(w) ? w : fold(w);
      if (word) found.push(word);
    }
    return found;
  }

  // Edit distance with swaps of neighbours (optimal string alignment), or
  // limit + 1 as soon as it exceeds limit.
  function editDistance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let before = null, previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      let least = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let d = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
        row.push(d);
        if (d < least) least = d;
      }
      if (least > limit) return limit + 1;
      before = previous;
      previous = row;
    }
    return previous[b.length];
  }

  // How many edits a query word of this length may be from a word of the index.
  function allowedEdits(word) {
    return word.length >= 8 ? 2 : word.length >= 5 ? 1 : 0;
  }

  // The index made searchable: per section its words' counts in the text,
  // the words of its title and its chapter's, and its length; per word the
  // sections holding it.
  function build(entries) {
    const docs = [], postings = new Map();
    let total = 0;
    entries.forEach((entry, id) => {
      const counts = new Map();
      const text = words(entry.x || "");
      for (const word of text) counts.set(word, (counts.get(word) || 0) + 1);
      const heading = new Set(words(entry.s || ""));
      // A chapter's opening is titled with the chapter's title: count it once.
      const chapter = new Set(entry.c === entry.s ? [] : words(entry.c || ""));
      for (const word of new Set([...counts.keys(), ...heading, ...chapter])) {
        let list = postings.get(word);
        if (!list) postings.set(word, list = []);
        list.push(id);
      }
      docs.push({ entry, counts, heading, chapter, length: text.length });
      total += text.length;
    });
    return { docs, postings, vocabulary: Array.from(postings.keys()), mean: docs.length ? Math.max(1, total / docs.length) : 1 };
  }

  // A word's score in a section (see the top of the file).
  function termScore(index, doc, word, idf) {
    const tf = doc.counts.get(word) || 0;
    const text = tf * (K1 + 1) / (tf + K1 * (1 - B + B * doc.length / index.mean));
    return idf * (text + (doc.heading.has(word) ? WEIGHTS.heading : 0) + (doc.chapter.has(word) ? WEIGHTS.chapter : 0));
  }

  // The index's words a query word stands for, each with its weight and
  // whether it is exact or a prefix (true) or fuzzy (false).
  function expand(index, word) {
    const cache = index.expanded || (index.expanded = new Map());
    if (cache.has(word)) return cache.get(word);
    const found = new Map();
    cache.set(word, found);
    const limit = allowedEdits(word);
    for (const candidate of index.vocabulary) {
      if (candidate === word) found.set(candidate, { weight: 1, close: true });
      else if (candidate.startsWith(word)) found.set(candidate, { weight: PREFIX, close: true });
      else if (limit > 0) {
        const d = editDistance(word, candidate, limit);
        if (d <= limit) found.set(candidate, { weight: FUZZY[d], close: false });
      }
    }
    return found;
  }

  function idf(index, word) {
    const n = (index.postings.get(word) || []).length, N = index.docs.length;
    return Math.log(1 + (N - n + 0.5) / (n + 0.5));
  }

  // Sections matching `query`, best first: {entry, score, terms: the index's
  // words that matched (for highlighting)}.
  function search(index, query, limit = 12) {
    const queryWords = Array.from(new Set(words(query)));
    if (queryWords.length === 0) return [];
    const hits = new Map();   // doc id -> {score, matched, close, terms}
    queryWords.forEach((queryWord, q) => {
      for (const [word, { weight, close }] of expand(index, queryWord)) {
        const wordIdf = idf(index, word);
        for (const id of index.postings.get(word)) {
          const score = weight * termScore(index, index.docs[id], word, wordIdf);
          if (!hits.has(id)) hits.set(id, { score: 0, best: new Map(), close: new Set(), terms: new Set() });
          const hit = hits.get(id);
          hit.best.set(q, Math.max(hit.best.get(q) || 0, score));
          if (close) hit.close.add(q);
          hit.terms.add(word);
        }
      }
    });
    const ranked = [];
    for (const [id, hit] of hits) {
      let score = 0;
      for (const s of hit.best.values()) score += s;
      ranked.push({ entry: index.docs[id].entry, id, score, matched: hit.best.size, close: hit.close.size, terms: Array.from(hit.terms) });
    }
    ranked.sort((a, b) => b.matched - a.matched || b.close - a.close || b.score - a.score || a.id - b.id);
    return ranked.slice(0, limit);
  }

  // `text` cut into pieces [{text, mark}], the words in `terms` marked.
  function highlight(text, terms) {
    const wanted = new Set(terms);
    const pieces = [];
    let at = 0;
    for (const t of tokens(text)) {
      if (!wanted.has(t.word)) continue;
      if (t.start > at) pieces.push({ text: text.slice(at, t.start), mark: false });
      pieces.push({ text: text.slice(t.start, t.end), mark: true });
      at = t.end;
    }
    if (at < text.length) pieces.push({ text: text.slice(at), mark: false });
    return pieces;
  }

  // About `width` characters of `text` around its matches, cut at spaces,
  // with "…" where it was cut, as highlight()'s pieces: the window starts
  // near the match after which the most different matched words follow.
  function snippet(text, terms, width = 160) {
    const wanted = new Set(terms);
    const matches = tokens(text).filter((t) => wanted.has(t.word));
    let first = matches[0], most = 0;
    matches.forEach((m, i) => {
      const seen = new Set();
      for (let j = i; j < matches.length && matches[j].end - m.start <= width * 2 / 3; j++) seen.add(matches[j].word);
      if (seen.size > most) { most = seen.size; first = m; }
    });
    let start = first ? Math.max(0, first.start - Math.floor(width / 3)) : 0;
    let end = Math.min(text.length, start + width);
    if (start > 0) { const space = text.indexOf(" ", start); if (space >= 0 && (!first || space < first.start)) start = space + 1; }
    if (end < text.length) { const space = text.lastIndexOf(" ", end); if (space > start && (!first || space > first.end)) end = space; }
    const pieces = highlight(text.slice(start, end), terms);
    if (start > 0) pieces.unshift({ text: "… ", mark: false });
    if (end < text.length) pieces.push({ text: " …", mark: false });
    return pieces;
  }

  const rank = { tokens, words, editDistance, allowedEdits, build, expand, termScore, search, highlight, snippet, WEIGHTS };
  (root.Convbook = root.Convbook || {}).rank = rank;
  if (typeof module === "object" && module.exports) module.exports = rank;
})(globalThis);
