#ifndef CONVBOOK_CMARK_EXTENSIONS_H
#define CONVBOOK_CMARK_EXTENSIONS_H

#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>

/// The `$...$` / `$$...$$` syntax extension, made once. Attach it to a parser
/// with cmark_parser_attach_syntax_extension. Its nodes' type strings are
/// "math_inline" and "math_display"; their string content is the text between
/// the dollars, exactly as the inline parser saw it.
cmark_syntax_extension *convbook_math_extension(void);

/// Footnotes (CMARK_OPT_FOOTNOTES), which cmark-gfm's API does not expose:
/// a reference's label (its definition's), its number, and which reference
/// to that footnote it is (1, 2, ...); a definition's label and how many
/// references it has. NULL or 0 for other nodes. A label is `length` bytes,
/// not NUL-terminated.
const unsigned char *convbook_footnote_label(cmark_node *node, int *length);
int convbook_footnote_number(cmark_node *node);
int convbook_footnote_occurrence(cmark_node *node);
int convbook_footnote_reference_count(cmark_node *node);

#endif
