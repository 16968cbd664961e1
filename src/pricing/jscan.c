/* jscan.c — see jscan.h.
 *
 * States: VALUE (a value must come), AFTER (a value ended: ',' or a closer),
 * KEY (a member name or '}' after '{'), KEY_REQ (a member name after ','),
 * COLON, ELEM (a value or ']' after '['). */
#include "pricing/jscan.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

enum { ST_VALUE, ST_AFTER, ST_KEY, ST_KEY_REQ, ST_COLON, ST_ELEM, ST_DONE };

void js_init(kt_jscan *js, kt_reader r, size_t max_str)
{
    memset(js, 0, offsetof(kt_jscan, in) + sizeof js->in.r);
    lines_init(&js->in, r, 0);
    js->str = NULL;
    js->str_len = js->str_cap = 0;
    js->max_str = max_str;
    js->depth = 0;
    js->state = ST_VALUE;
    js->offset = 0;
}

void js_free(kt_jscan *js)
{
    free(js->str);
    js->str = NULL;
}

/* Next byte, or -1 at end, -2 on a read error. */
static int get(kt_jscan *js)
{
    kt_lines *l = &js->in;
    if (l->in_pos == l->in_len) {
        if (l->eof)
            return -1;
        long got = l->r.read(l->r.ctx, l->in, sizeof l->in);
        if (got < 0)
            return -2;
        if (got == 0) {
            l->eof = 1;
            return -1;
        }
        l->in_pos = 0, l->in_len = (size_t)got;
    }
    js->offset++;
    return (unsigned char)l->in[l->in_pos++];
}

static void unget(kt_jscan *js)
{
    js->in.in_pos--;
    js->offset--;
}

static int fail(kt_jscan *js, kt_err *err, const char *what)
{
    return kt_fail(err, KT_EINPUT, "%s: %s at byte %llu; not valid JSON (truncated or damaged file?)",
                   js->in.r.name, what, js->offset);
}

static int put(kt_jscan *js, int c, kt_err *err)
{
    if (js->str_len + 2 > js->max_str)
        return kt_fail(err, KT_EINPUT, "%s: a string or number longer than %zu bytes at byte %llu; not a price list",
                       js->in.r.name, js->max_str, js->offset);
    if (js->str_len + 2 > js->str_cap) {
        js->str_cap = js->str_cap ? js->str_cap * 2 : 256;
        js->str = xrealloc(js->str, js->str_cap);
    }
    js->str[js->str_len++] = (char)c;
    js->str[js->str_len] = 0;
    return 0;
}

static int hex4(kt_jscan *js, unsigned *u)
{
    *u = 0;
    for (int i = 0; i < 4; i++) {
        int c = get(js);
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0)
            return -1;
        *u = *u * 16 + (unsigned)v;
    }
    return 0;
}

static int put_utf8(kt_jscan *js, unsigned u, kt_err *err)
{
    if (u < 0x80)
        return put(js, (int)u, err);
    if (u < 0x800)
        return put(js, 0xc0 | (int)(u >> 6), err) || put(js, 0x80 | (int)(u & 0x3f), err);
    if (u < 0x10000)
        return put(js, 0xe0 | (int)(u >> 12), err) || put(js, 0x80 | (int)((u >> 6) & 0x3f), err) ||
               put(js, 0x80 | (int)(u & 0x3f), err);
    return put(js, 0xf0 | (int)(u >> 18), err) || put(js, 0x80 | (int)((u >> 12) & 0x3f), err) ||
           put(js, 0x80 | (int)((u >> 6) & 0x3f), err) || put(js, 0x80 | (int)(u & 0x3f), err);
}

static int escape(kt_jscan *js, kt_err *err)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    int c = get(js);
    const char *p = c > 0 ? strchr(from, c) : NULL;
    if (p)
        return put(js, to[p - from], err);
    unsigned u, lo;
    if (c != 'u' || hex4(js, &u))
        return fail(js, err, "bad escape in a string");
    if (u >= 0xd800 && u < 0xdc00) {
        if (get(js) != '\\' || get(js) != 'u' || hex4(js, &lo) || lo < 0xdc00 || lo > 0xdfff)
            return fail(js, err, "bad surrogate pair in a string");
        u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
    }
    return put_utf8(js, u, err);
}

static int read_string(kt_jscan *js, kt_err *err)
{
    js->str_len = 0;
    if (put(js, 0, err))
        return -1;
    js->str_len = 0;
    for (;;) {
        int c = get(js);
        if (c == '"')
            return 0;
        if (c < 0)
            return fail(js, err, "unexpected end of input inside a string");
        if (c < 0x20)
            return fail(js, err, "control character inside a string");
        if (c == '\\' ? escape(js, err) : put(js, c, err))
            return -1;
    }
}

static int read_number(kt_jscan *js, int c, kt_err *err)
{
    js->str_len = 0;
    while (c >= 0 && (strchr("0123456789+-.eE", c))) {
        if (put(js, c, err))
            return -1;
        c = get(js);
    }
    if (c >= 0)
        unget(js);
    double v;
    if (js_number(js->str, &v))
        return fail(js, err, "malformed number");
    return 0;
}

static int literal(kt_jscan *js, const char *rest, int tok, kt_err *err)
{
    for (; *rest; rest++)
        if (get(js) != *rest)
            return fail(js, err, "unknown literal (NaN and Infinity are not JSON)");
    return tok;
}

static int skip_ws(kt_jscan *js)
{
    int c;
    do
        c = get(js);
    while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
    return c;
}

/* A value starts here: push containers, note array indexes. */
static int value(kt_jscan *js, int c, kt_err *err)
{
    if (js->depth && !js->path[js->depth - 1].is_obj)
        js->path[js->depth - 1].index++;
    js->state = ST_AFTER;
    if (c == '{' || c == '[') {
        if (js->depth == JS_MAX_DEPTH)
            return fail(js, err, "nesting deeper than 64 levels");
        js_level *l = &js->path[js->depth++];
        l->is_obj = c == '{';
        l->key[0] = 0;
        l->index = -1;
        js->state = c == '{' ? ST_KEY : ST_ELEM;
        return c == '{' ? JS_OBJ : JS_ARR;
    }
    if (c == '"')
        return read_string(js, err) ? -1 : JS_STR;
    if (c == '-' || (c >= '0' && c <= '9'))
        return read_number(js, c, err) ? -1 : JS_NUM;
    if (c == 't') return literal(js, "rue", JS_TRUE, err);
    if (c == 'f') return literal(js, "alse", JS_FALSE, err);
    if (c == 'n') return literal(js, "ull", JS_NULL, err);
    if (c == 'N' || c == 'I')
        return fail(js, err, "NaN and Infinity are not JSON numbers");
    return fail(js, err, c < 0 ? "unexpected end of input" : "unexpected character");
}

static int close_level(kt_jscan *js, int c, kt_err *err)
{
    if (!js->depth || js->path[js->depth - 1].is_obj != (c == '}'))
        return fail(js, err, "mismatched closing bracket");
    js->depth--;
    js->state = js->depth ? ST_AFTER : ST_DONE;
    return c == '}' ? JS_END_OBJ : JS_END_ARR;
}

int js_next(kt_jscan *js, kt_err *err)
{
    for (;;) {
        int c = skip_ws(js);
        if (c == -2)
            return kt_fail(err, KT_ERUNTIME, "%s: read error", js->in.r.name);
        switch (js->state) {
        case ST_DONE:
            return c < 0 ? JS_EOF : fail(js, err, "data after the end of the JSON document");
        case ST_VALUE:
            return value(js, c, err);
        case ST_ELEM:
            if (c == ']')
                return close_level(js, c, err);
            return value(js, c, err);
        case ST_KEY:
            if (c == '}')
                return close_level(js, c, err);
            /* fall through */
        case ST_KEY_REQ:
            if (c != '"')
                return fail(js, err, c < 0 ? "unexpected end of input" : "expected a member name");
            if (read_string(js, err))
                return -1;
            snprintf(js->path[js->depth - 1].key, JS_MAX_KEY, "%s", js->str);
            js->state = ST_COLON;
            continue;
        case ST_COLON:
            if (c != ':')
                return fail(js, err, c < 0 ? "unexpected end of input" : "expected ':'");
            js->state = ST_VALUE;
            continue;
        case ST_AFTER:
            if (c == '}' || c == ']')
                return close_level(js, c, err);
            if (c != ',')
                return fail(js, err, c < 0 ? "unexpected end of input" : "expected ',' or a closing bracket");
            js->state = js->path[js->depth - 1].is_obj ? ST_KEY_REQ : ST_VALUE;
            continue;
        }
    }
}

int js_skip(kt_jscan *js, kt_err *err)
{
    int target = js->depth - 1;
    while (js->depth > target) {
        int t = js_next(js, err);
        if (t <= 0)
            return t < 0 ? -1 : fail(js, err, "unexpected end of input");
    }
    return 0;
}

const char *js_key(const kt_jscan *js, int level)
{
    return level >= 0 && level < js->depth ? js->path[level].key : "";
}

int js_number(const char *s, double *out)
{
    char *end;
    if (!s || !*s || strchr(" \t\n", *s))
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || !isfinite(v) || errno == ERANGE || strpbrk(s, "xXnNiI"))
        return -1;
    *out = v;
    return 0;
}
