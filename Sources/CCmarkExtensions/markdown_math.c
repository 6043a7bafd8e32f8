// A cmark-gfm inline syntax extension for TeX math, built the way cmark-gfm
// builds its strikethrough extension: `$` is a special inline character, and
// at each `$` the inline parser asks match() whether math starts there.
// Because math is recognised by the inline parser, in its left-to-right
// order, a code span, autolink or raw HTML that starts first hides a `$`,
// `\$` is a literal dollar, and math never changes the block structure.
//
// The rules are Pandoc's tex_math_dollars:
// - `$$` opens display math, closed by the next `$$`; its content must not
//   be blank. Without a closer the `$$` is text.
// - Otherwise `$` opens inline math when the next character is not
//   whitespace. The closer is the next `$` not preceded by whitespace and not
//   followed by a digit. Whitespace followed by `$`, or a closer followed by a
//   digit, means there is no math here: `costs $5 and $6` stays text.
// - Inside math, `\` takes the next character with it, `\text{...}` may
//   hold `$` in balanced braces, and a code span whose content starts with
//   `{swift}` (an inline expression, which the generator splits out) hides
//   its backticks and dollars.
#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <string.h>
#include <cmark-gfm/node.h>
#include "cmark_extensions.h"

// Math nodes are code nodes that carry this extension, so that every
// container of inlines accepts them (the table extension only lets its cells
// hold the core kinds); the user data tells the two kinds apart.
static char INLINE_TAG, DISPLAY_TAG;
static cmark_syntax_extension *extension;

static bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static int backtick_run(const unsigned char *s, int i, int end) {
  int start = i;
  while (i < end && s[i] == '`') i++;
  return i - start;
}

// The start of the next backtick run of exactly `length` at or after i, or -1.
static int closing_run(const unsigned char *s, int i, int length, int end) {
  while (i < end) {
    if (s[i] != '`') { i++; continue; }
    int run = backtick_run(s, i, end);
    if (run == length) return i;
    i += run;
  }
  return -1;
}

// Whether the code span content s[lo..hi) is an inline expression: after
// CommonMark's stripping of one space at each end, `{swift}` and some code.
static bool is_expression(const unsigned char *s, int lo, int hi) {
  bool all_space = true;
  for (int i = lo; i < hi; i++) all_space = all_space && (s[i] == ' ' || s[i] == '\n');
  if (hi - lo >= 2 && !all_space && (s[lo] == ' ' || s[lo] == '\n') && (s[hi - 1] == ' ' || s[hi - 1] == '\n')) { lo++; hi--; }
  if (hi - lo < 7 || memcmp(s + lo, "{swift}", 7) != 0) return false;
  for (int i = lo + 7; i < hi; i++) if (!is_space(s[i])) return true;
  return false;
}

// The end of `\text{...}` at i (balanced braces), or -1.
static int text_command_end(const unsigned char *s, int i, int end) {
  if (end - i < 6 || memcmp(s + i, "\\text{", 6) != 0) return -1;
  int depth = 1;
  for (i += 6; i < end; i++) {
    if (s[i] == '\\') i++;
    else if (s[i] == '{') depth++;
    else if (s[i] == '}' && --depth == 0) return i + 1;
  }
  return -1;
}

// Where the math opening at `start` closes (the offset of its closing `$` or
// `$$`), or -1 when there is no math here.
static int find_close(const unsigned char *s, int start, int end, bool display) {
  int i = start + (display ? 2 : 1);
  if (!display && (i >= end || is_space(s[i]))) return -1;
  bool blank = true;
  while (i < end) {
    unsigned char c = s[i];
    if (c == '\\') {
      int after = text_command_end(s, i, end);
      i = after >= 0 ? after : (i + 2 < end ? i + 2 : end);
      blank = false;
    } else if (c == '`') {
      int run = backtick_run(s, i, end), close = closing_run(s, i + run, run, end);
      i = close >= 0 && is_expression(s, i + run, close) ? close + run : i + run;
      blank = false;
    } else if (display) {
      if (c == '$' && i + 1 < end && s[i + 1] == '$') return blank ? -1 : i;
      blank = blank && is_space(c);
      i++;
    } else if (is_space(c)) {
      while (i < end && is_space(s[i])) i++;
      if (i < end && s[i] == '$') return -1;
    } else if (c == '$') {
      return i + 1 < end && s[i + 1] >= '0' && s[i + 1] <= '9' ? -1 : i;
    } else {
      i++;
    }
  }
  return -1;
}

static cmark_node *match(cmark_syntax_extension *self, cmark_parser *parser, cmark_node *parent,
                         unsigned char character, cmark_inline_parser *inline_parser) {
  (void)parser; (void)parent;
  if (character != '$') return NULL;
  cmark_chunk *chunk = cmark_inline_parser_get_chunk(inline_parser);
  const unsigned char *s = chunk->data;
  int end = chunk->len, start = cmark_inline_parser_get_offset(inline_parser);
  bool display = start + 1 < end && s[start + 1] == '$';
  int close = find_close(s, start, end, display);
  cmark_mem *mem = cmark_get_default_mem_allocator();
  if (close < 0 && !display) return NULL;
  if (close < 0) {
    // An unclosed `$$` is text, both dollars: the second must not open inline math.
    cmark_node *text = cmark_node_new_with_mem(CMARK_NODE_TEXT, mem);
    cmark_node_set_literal(text, "$$");
    cmark_inline_parser_set_offset(inline_parser, start + 2);
    return text;
  }
  int delimiter = display ? 2 : 1, stop = close + delimiter;
  cmark_node *node = cmark_node_new_with_mem_and_ext(CMARK_NODE_CODE, mem, self);
  cmark_node_set_user_data(node, display ? &DISPLAY_TAG : &INLINE_TAG);
  cmark_strbuf content;
  cmark_strbuf_init(mem, &content, 0);
  cmark_strbuf_put(&content, s + start + delimiter, close - start - delimiter);
  node->as.literal = cmark_chunk_buf_detach(&content);
  // Positions as cmark gives its own inline nodes (the generator corrects
  // lines after multi-line math, which cmark's subject does not count).
  int line_start = start, last_newline = -1, newlines = 0;
  while (line_start > 0 && s[line_start - 1] != '\n') line_start--;
  for (int i = start; i < stop; i++) if (s[i] == '\n') { newlines++; last_newline = i; }
  node->start_line = cmark_inline_parser_get_line(inline_parser);
  node->start_column = cmark_inline_parser_get_column(inline_parser);
  node->end_line = node->start_line + newlines;
  node->end_column = newlines == 0 ? node->start_column + stop - start - 1
                                   : node->start_column - 1 - (start - line_start) + (stop - last_newline - 1);
  cmark_inline_parser_set_offset(inline_parser, stop);
  return node;
}

static const char *type_string(cmark_syntax_extension *self, cmark_node *node) {
  (void)self;
  void *tag = cmark_node_get_user_data(node);
  return tag == &DISPLAY_TAG ? "math_display" : tag == &INLINE_TAG ? "math_inline" : "<unknown>";
}

static void make_extension(void) {
  extension = cmark_syntax_extension_new("convbook-math");
  cmark_syntax_extension_set_match_inline_func(extension, match);
  cmark_syntax_extension_set_get_type_string_func(extension, type_string);
  cmark_llist *special = cmark_llist_append(cmark_get_default_mem_allocator(), NULL, (void *)(uintptr_t)'$');
  cmark_syntax_extension_set_special_inline_chars(extension, special);
}

cmark_syntax_extension *convbook_math_extension(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, make_extension);
  return extension;
}
