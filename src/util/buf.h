/* buf.h — a growable byte buffer for building text (JSON, CSV, tables, SQL).
 *
 * Contract: b->data is always NUL-terminated (after the first append) and
 * b->len excludes the NUL.  Allocation failure aborts: kubetally treats
 * out-of-memory as fatal rather than threading it through every formatter. */
#ifndef KT_BUF_H
#define KT_BUF_H

#include <stddef.h>
#include <stdio.h>

typedef struct kt_buf {
    char *data;
    size_t len, cap;
} kt_buf;

void buf_reserve(kt_buf *b, size_t extra);
void buf_add(kt_buf *b, const char *s, size_t n);
void buf_puts(kt_buf *b, const char *s);
void buf_putc(kt_buf *b, char c);
void buf_printf(kt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s as a JSON string literal, quotes included. */
void buf_json_str(kt_buf *b, const char *s);
/* The same for n bytes (which may hold NUL, written as \u0000). */
void buf_json_strn(kt_buf *b, const char *s, size_t n);
/* Append a number the way OpenCost's API does: rounded to 5 decimals,
 * "null" for NaN/Inf (OpenCost sends null there too). */
void buf_json_num(kt_buf *b, double v);
/* Append ,"key":"v" and ,"key":NUMBER (a member after the first). */
void buf_json_kv_str(kt_buf *b, const char *key, const char *v);
void buf_json_kv_num(kt_buf *b, const char *key, double v);
void buf_reset(kt_buf *b);
void buf_free(kt_buf *b);
/* Append everything left in f; returns ferror(f) (0 when all was read). */
int buf_read_stream(kt_buf *b, FILE *f);
/* Hand the bytes to the caller (who frees them); b becomes empty. */
char *buf_steal(kt_buf *b);

/* Allocation helpers that abort on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Grow *arr (of element size `size`) so index `need` fits; doubles capacity. */
void grow_array(void **arr, size_t *cap, size_t need, size_t size);
/* Ask for huge pages over a large array about to be filled (a hint). */
void mem_hint_huge(void *p, size_t n);

#endif
