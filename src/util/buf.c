/* buf.c — see buf.h. */
#include "util/buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) { fputs("kubetally: out of memory\n", stderr); abort(); }
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) { fputs("kubetally: out of memory\n", stderr); abort(); }
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) { fputs("kubetally: out of memory\n", stderr); abort(); }
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

void mem_hint_huge(void *p, size_t n)
{
    /* Large arrays filled once (a 30-day dataset): huge pages turn thousands
     * of page faults into a few.  Only the 2 MiB-aligned interior. */
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (n < 4 * huge)
        return;
    uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1), hi = ((uintptr_t)p + n) & ~(huge - 1);
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
}

void grow_array(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need < *cap)
        return;
    size_t c = *cap ? *cap : 16;
    while (c <= need)
        c *= 2;
    *arr = xrealloc(*arr, c * size);
    mem_hint_huge(*arr, c * size);
    memset((char *)*arr + *cap * size, 0, (c - *cap) * size);
    *cap = c;
}

void buf_reserve(kt_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t c = b->cap ? b->cap : 256;
    while (c < b->len + extra + 1)
        c *= 2;
    b->data = xrealloc(b->data, c);
    b->cap = c;
}

void buf_add(kt_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    if (n) /* an empty array may be NULL */
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

void buf_puts(kt_buf *b, const char *s) { buf_add(b, s, strlen(s)); }

void buf_putc(kt_buf *b, char c) { buf_add(b, &c, 1); }

void buf_printf(kt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_json_str(kt_buf *b, const char *s)
{
    buf_json_strn(b, s, strlen(s));
}

void buf_json_strn(kt_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n + 2);
    buf_putc(b, '"');
    const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
    for (; p < end; p++) {
        if (*p >= 0x20 && *p != '"' && *p != '\\' && *p != '<' && *p != '>' && *p != '&')
            continue; /* copied as a run below */
        buf_add(b, (const char *)run, (size_t)(p - run));
        run = p + 1;
        switch (*p) {
        case '"': buf_add(b, "\\\"", 2); break;
        case '\\': buf_add(b, "\\\\", 2); break;
        case '\n': buf_add(b, "\\n", 2); break;
        case '\r': buf_add(b, "\\r", 2); break;
        case '\t': buf_add(b, "\\t", 2); break;
        case '<': buf_add(b, "\\u003c", 6); break; /* safe inside HTML too */
        case '>': buf_add(b, "\\u003e", 6); break;
        case '&': buf_add(b, "\\u0026", 6); break;
        default: buf_printf(b, "\\u%04x", *p);
        }
    }
    buf_add(b, (const char *)run, (size_t)(p - run));
    buf_putc(b, '"');
}

void buf_json_num(kt_buf *b, double v)
{
    if (isnan(v) || isinf(v)) {
        buf_puts(b, "null");
        return;
    }
    if (v == 0)
        v = 0; /* no "-0" */
    buf_printf(b, "%.15g", v); /* full precision: sums of printed rows audit to 1e-12 */
}

void buf_reset(kt_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = 0;
}

void buf_free(kt_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int buf_read_stream(kt_buf *b, FILE *f)
{
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(b, chunk, n);
    return ferror(f);
}

char *buf_steal(kt_buf *b)
{
    if (!b->data)
        return xstrdup("");
    char *d = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

void buf_json_kv_str(kt_buf *b, const char *key, const char *v)
{
    buf_printf(b, ",\"%s\":", key);
    buf_json_str(b, v);
}

void buf_json_kv_num(kt_buf *b, const char *key, double v)
{
    buf_printf(b, ",\"%s\":", key);
    buf_json_num(b, v);
}
