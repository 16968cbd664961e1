/* params.c — query parameters and escaping; see params.h. */
#include "http/params.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void http_params_init(kt_http_params *p)
{
    memset(p, 0, sizeof *p);
}

void http_params_free(kt_http_params *p)
{
    for (int i = 0; i < p->n; i++) {
        free(p->name[i]);
        free(p->value[i]);
    }
    p->n = 0;
}

static int refuse(kt_http_params *p, const char *fmt, const char *name)
{
    if (!p->failed) {
        p->failed = 1;
        kt_fail(&p->err, KT_EINPUT, fmt, name);
    }
    return -1;
}

/* Control characters never belong in a parameter, and refusing them here
 * keeps them out of logs, error messages and generated pages. */
static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

static int valid_name(const char *s)
{
    if (!*s || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

int http_params_add(kt_http_params *p, const char *name, const char *value)
{
    if (!value)
        value = "";
    if (!valid_name(name))
        return refuse(p, "parameter names are letters, digits and '_' (at most 64), got '%.64s'", name);
    if (http_params_get(p, name))
        return refuse(p, "%s: given more than once", name);
    if (p->n == KT_HTTP_MAX_PARAMS)
        return refuse(p, "too many parameters (at %.64s)", name);
    if (strlen(value) > KT_HTTP_MAX_VALUE)
        return refuse(p, "%s: longer than 2048 bytes", name);
    if (has_control(value))
        return refuse(p, "%s: control characters are not allowed", name);
    p->name[p->n] = xstrdup(name);
    p->value[p->n++] = xstrdup(value);
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

size_t http_unescape(char *s)
{
    char *o = s;
    const char *i = s;
    while (*i) {
        if (*i != '%') {
            *o++ = *i++;
            continue;
        }
        int hi = i[1] ? hexval(i[1]) : -1, lo = hi >= 0 && i[2] ? hexval(i[2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            *o++ = '\x01'; /* refused later as a control character */
            i += 1 + (hi >= 0) + (lo >= 0);
        } else {
            *o++ = (char)(hi * 16 + lo);
            i += 3;
        }
    }
    *o = 0;
    return (size_t)(o - s);
}

/* Decode [s, s+n) ('+' is a space) into a fresh string. */
static char *decode(const char *s, size_t n)
{
    char *out = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        out[i] = s[i] == '+' ? ' ' : s[i];
    out[n] = 0;
    http_unescape(out);
    return out;
}

int http_query_too_many(const char *target)
{
    const char *q = target ? strchr(target, '?') : NULL;
    int n = q && q[1] ? 1 : 0;
    for (; q && *q; q++)
        n += *q == '&';
    return n > KT_HTTP_MAX_PARAMS;
}

int http_params_parse_query(kt_http_params *p, const char *q)
{
    while (q && *q) {
        const char *amp = strchr(q, '&');
        size_t len = amp ? (size_t)(amp - q) : strlen(q);
        if (len) {
            const char *eq = memchr(q, '=', len);
            size_t nlen = eq ? (size_t)(eq - q) : len;
            char *name = decode(q, nlen), *value = eq ? decode(eq + 1, len - nlen - 1) : xstrdup("");
            int rc = http_params_add(p, name, value);
            free(name);
            free(value);
            if (rc)
                return -1;
        }
        q += len + (amp ? 1 : 0);
    }
    return 0;
}

const char *http_params_get(void *vp, const char *name)
{
    const kt_http_params *p = vp;
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->name[i], name))
            return p->value[i];
    return NULL;
}

int http_params_check(const kt_http_params *p, const char *const *allowed, kt_err *err)
{
    if (p->failed) {
        if (err)
            *err = p->err;
        return -1;
    }
    for (int i = 0; i < p->n; i++) {
        const char *const *a = allowed;
        while (*a && strcmp(*a, p->name[i]))
            a++;
        if (*a)
            continue;
        kt_buf list = {0};
        for (a = allowed; *a; a++)
            buf_printf(&list, "%s%s", a == allowed ? "" : ", ", *a);
        kt_fail(err, KT_EINPUT, "%s: unknown parameter; this endpoint accepts %s", p->name[i],
                list.len ? list.data : "none");
        buf_free(&list);
        return -1;
    }
    return 0;
}

void html_escape(kt_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&#39;"); break;
        default: buf_putc(b, *s);
        }
    }
}

void url_escape(kt_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            buf_putc(b, (char)c);
        } else {
            buf_putc(b, '%');
            buf_putc(b, hex[c >> 4]);
            buf_putc(b, hex[c & 15]);
        }
    }
}

/* The name part of a Host header (port and IPv6 brackets kept as sent); 0 when malformed. */
static size_t host_name_len(const char *host)
{
    size_t n = strlen(host);
    if (host[0] == '[') {
        const char *end = strchr(host, ']');
        if (!end)
            return 0;
        n = (size_t)(end - host) + 1;
    } else {
        const char *colon = strchr(host, ':');
        if (colon)
            n = (size_t)(colon - host);
    }
    return n;
}

int http_host_allowed(const char *allowed, const char *host)
{
    size_t n = host ? host_name_len(host) : 0;
    for (const char *p = allowed; n && p && *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && !strncasecmp(p, host, n))
            return 1;
        p += k + (p[k] == ',');
    }
    return 0;
}

int http_host_list_check(const char *allowed, kt_err *err)
{
    size_t ok = strspn(allowed, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._,");
    if (allowed[ok] || !*allowed)
        return kt_fail(err, KT_EINPUT, "--allow-host: expected a comma list of host names (letters, digits, "
                       "'-', '.', '_'), got '%.64s'", allowed);
    return 0;
}

int http_loopback_host(const char *host)
{
    char h[64];
    if (!host)
        return 1; /* HTTP/1.0 without Host: nothing was rebound */
    size_t n = host_name_len(host);
    if (n == 0 || n >= sizeof h)
        return 0;
    memcpy(h, host, n);
    h[n] = 0;
    if (!strcasecmp(h, "localhost") || !strcmp(h, "[::1]"))
        return 1;
    /* 127.0.0.0/8, dotted quad only */
    unsigned a, b, c, d;
    char extra;
    return sscanf(h, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) == 4 && a == 127 && b < 256 && c < 256 && d < 256;
}
