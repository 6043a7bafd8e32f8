#ifndef CONVBOOK_MARKDOWN_MATH_H
#define CONVBOOK_MARKDOWN_MATH_H

#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>

/// The `$...$` / `$$...$$` syntax extension, made once. Attach it to a parser
/// with cmark_parser_attach_syntax_extension. Its nodes' type strings are
/// "math_inline" and "math_display"; their string content is the text between
/// the dollars, exactly as the inline parser saw it.
cmark_syntax_extension *convbook_math_extension(void);

#endif
