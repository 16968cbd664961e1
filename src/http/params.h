/* params.h — a request's query parameters, validated before anything reads
 * them, and the URL/HTML escaping the pages use to build links.
 *
 * Strict on purpose: the API is reachable by anyone who can reach the port,
 * so a parameter is refused (HTTP 400, message naming it) when it is
 * unknown to the route, given twice, longer than KT_HTTP_MAX_VALUE bytes,
 * or holds control characters.  Values are copied, so a kt_http_params
 * outlives the connection it came from.  Lookup fits kt_param_get, so the
 * API hands a request to alloc_query_parse exactly as the CLI hands flags. */
#ifndef KT_HTTP_PARAMS_H
#define KT_HTTP_PARAMS_H

#include "util/buf.h"
#include "util/err.h"

#define KT_HTTP_MAX_PARAMS 24
#define KT_HTTP_MAX_VALUE 2048

typedef struct kt_http_params {
    int n;
    char *name[KT_HTTP_MAX_PARAMS];
    char *value[KT_HTTP_MAX_PARAMS]; /* "" when the URL had "?name" alone */
    int failed;                      /* first add error kept in err */
    kt_err err;
    const char *body;                /* a POST route's request body (NUL-terminated), else NULL; not owned */
    size_t body_len;
} kt_http_params;

void http_params_init(kt_http_params *p);
void http_params_free(kt_http_params *p);
/* Add a decoded parameter (value NULL ⇒ "").  On refusal sets p->failed
 * and p->err (the first problem wins) and returns -1. */
int http_params_add(kt_http_params *p, const char *name, const char *value);
/* Does the request target "path?query" carry more than KT_HTTP_MAX_PARAMS
 * parameters?  The server asks before MHD splits the query: split, 2,000
 * parameters exhaust the connection's memory and MHD never answers. */
int http_query_too_many(const char *target);
/* Parse a raw query string "a=1&b=%20x" (without '?'), decoding %XX and '+'. */
int http_params_parse_query(kt_http_params *p, const char *query);
/* Decode %XX in place and return the new length.  A malformed escape or
 * %00 becomes byte 0x01, so it is refused as a control character instead
 * of silently cutting the value short.  The server gives it to MHD as
 * its unescape callback, so URL paths and parameters decode this way. */
size_t http_unescape(char *s);
/* The value of `name` or NULL; signature of kt_param_get. */
const char *http_params_get(void *p, const char *name);
/* Refuse any parameter not in `allowed` (NULL-terminated); the message lists
 * the accepted ones.  Also reports an earlier add failure. */
int http_params_check(const kt_http_params *p, const char *const *allowed, kt_err *err);

/* Is a Host header ("127.0.0.1:9003", "localhost", "[::1]:9003") a
 * loopback name?  A server bound to loopback refuses other Host values, so
 * a web page using DNS rebinding to reach it cannot read its answers. */
int http_loopback_host(const char *host);
/* Is host's name (port stripped, any case) in the comma list `allowed`?
 * For the names an operator's reverse proxy sends (--allow-host). */
int http_host_allowed(const char *allowed, const char *host);
/* Check a --allow-host list: names of letters, digits, '-', '.', '_' only
 * (no wildcard: a rebinding page controls its own name, so each name is
 * one the operator chose). */
int http_host_list_check(const char *allowed, kt_err *err);

/* Escaping for pages: text and attribute values (& < > " '), and URL
 * query components (everything but unreserved characters is %XX). */
void html_escape(kt_buf *b, const char *s);
void url_escape(kt_buf *b, const char *s);

#endif
