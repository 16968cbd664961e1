/* jscan.h — a pull scanner for JSON that never holds more than one token.
 *
 * Why: an AWS bulk offer file for one region is hundreds of megabytes; the
 * importers look at a few fields of each product and term as they stream
 * past, so memory is bounded by the longest string (max_str) and the
 * nesting depth, not by the file.  The scanner validates syntax (a truncated
 * file, a stray byte or a missing comma is an error naming the byte offset)
 * and keeps the path of keys/indexes from the root to the current value, so
 * an importer can ask "am I at products.<sku>.attributes.<name>?".
 *
 * Usage:
 *   js_init(&js, reader, 1 << 20);
 *   while ((t = js_next(&js, err)) > 0) { ... js.path[js.depth-1] ... }
 *   js_free(&js);    // t == JS_EOF at the end, -1 on error */
#ifndef KT_JSCAN_H
#define KT_JSCAN_H

#include <stddef.h>

#include "pricing/reader.h"
#include "util/err.h"

enum js_tok { JS_ERR = -1, JS_EOF = 0, JS_OBJ, JS_END_OBJ, JS_ARR, JS_END_ARR, JS_STR, JS_NUM, JS_TRUE, JS_FALSE,
              JS_NULL };

#define JS_MAX_DEPTH 64
#define JS_MAX_KEY 256

typedef struct js_level {
    char key[JS_MAX_KEY]; /* member name inside an object ("" in arrays) */
    long index;           /* element index inside an array, -1 in objects */
    int is_obj;
} js_level;

typedef struct kt_jscan {
    kt_lines in;          /* only its byte buffer is used */
    char *str;            /* value of the last JS_STR/JS_NUM, NUL-terminated */
    size_t str_len, str_cap, max_str;
    /* path[0..depth-1]: the containers enclosing the current token.  For a
     * scalar or an opening token, path[depth-1].key is its member name. */
    js_level path[JS_MAX_DEPTH];
    int depth;
    int state;            /* internal: what may come next */
    unsigned long long offset;
} kt_jscan;

void js_init(kt_jscan *js, kt_reader r, size_t max_str);
int js_next(kt_jscan *js, kt_err *err);
void js_free(kt_jscan *js);

/* Skip the value whose opening token (JS_OBJ/JS_ARR) was just returned. */
int js_skip(kt_jscan *js, kt_err *err);

/* The key of the container at level i counted from the root (0-based), or
 * "" when out of range.  For the member just returned, use js->depth - 1. */
const char *js_key(const kt_jscan *js, int level);

/* Strict number from a JSON string or number token: finite, no trailing
 * junk.  Returns -1 when s is not such a number. */
int js_number(const char *s, double *out);

#endif
