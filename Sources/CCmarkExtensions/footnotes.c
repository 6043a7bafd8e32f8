// What cmark-gfm's html.c reads from footnote nodes, for convbook's own
// renderer: the fields live in the node struct, which only cmark-gfm's
// private headers (shipped by Debian's libcmark-gfm-dev) describe.
#include <cmark-gfm/node.h>
#include "cmark_extensions.h"

// cmark's chunks are counted, not NUL-terminated: callers get the length.
const unsigned char *convbook_footnote_label(cmark_node *node, int *length) {
  cmark_chunk *label = node->type == CMARK_NODE_FOOTNOTE_DEFINITION ? &node->as.literal
    : node->type == CMARK_NODE_FOOTNOTE_REFERENCE && node->parent_footnote_def ? &node->parent_footnote_def->as.literal
    : NULL;
  *length = label ? label->len : 0;
  return label ? label->data : NULL;
}

int convbook_footnote_number(cmark_node *node) {
  if (node->type != CMARK_NODE_FOOTNOTE_REFERENCE) return 0;
  int number = 0;
  for (int i = 0; i < node->as.literal.len && node->as.literal.data[i] >= '0' && node->as.literal.data[i] <= '9'; i++)
    number = number * 10 + (node->as.literal.data[i] - '0');
  return number;
}

int convbook_footnote_occurrence(cmark_node *node) {
  return node->type == CMARK_NODE_FOOTNOTE_REFERENCE ? node->footnote.ref_ix : 0;
}

int convbook_footnote_reference_count(cmark_node *node) {
  return node->type == CMARK_NODE_FOOTNOTE_DEFINITION ? node->footnote.def_count : 0;
}
