/* server.h — kubetally's HTTP server: libmicrohttpd with a thread pool.
 *
 * Contract:
 *  - Listens on cfg.listen ("127.0.0.1:9003" by default, "0.0.0.0:9003",
 *    "[::1]:9003"); loopback unless told otherwise.  On loopback, a Host
 *    header that is not a loopback name gets 421 (DNS-rebinding defence).
 *  - Only GET and HEAD (and POST /login, login.h; POST and DELETE on write
 *    routes, app.h); exact-path routes (app.h);
 *    every response carries
 *    Content-Security-Policy (frame-ancestors 'none'), X-Content-Type-Options
 *    nosniff, X-Frame-Options DENY, Referrer-Policy no-referrer and
 *    Cache-Control, and a Server-Timing header with the server's time.
 *  - auth_token_file set ⇒ every route but /healthz, /readyz and the static
 *    files needs "Authorization: Bearer TOKEN" (compared in constant time
 *    through SHA-256 digests, so neither content nor length leaks) or the
 *    dashboard session cookie from /login; 401 otherwise, or a redirect to
 *    /login for dashboard pages.  The token is read once and never logged
 *    or echoed.
 *  - tls_cert and tls_key (PEM files) ⇒ HTTPS through MHD's GnuTLS.
 *  - Limits: connections (total and per IP), per-connection memory (which
 *    bounds the request line and headers), idle timeout, a deadline for a
 *    whole request, a gate on concurrent expensive queries (guard.h), more
 *    than KT_HTTP_MAX_PARAMS query parameters refused before parsing, and
 *    the query-cost limits of app.h.
 *  - Repeated requests are answered from cache.h while the store files and
 *    the minute are unchanged (unless cfg.no_cache); "X-Kubetally-Cache:
 *    hit" marks them.
 *  - Each pool thread opens its own read-only store handle on first use and
 *    keeps it; http_server_stop closes them after the threads have ended.
 *  - http_server_stop stops accepting, lets requests in flight finish, and
 *    frees everything. */
#ifndef KT_HTTP_SERVER_H
#define KT_HTTP_SERVER_H

#include "http/app.h"
#include "util/err.h"

typedef struct kt_http_config {
    const char *listen;          /* NULL ⇒ 127.0.0.1:9003 */
    const char *allow_hosts;     /* comma list of Host names also served on loopback (proxies); NULL ⇒ none */
    const char *db_url;          /* store URL (NULL ⇒ default) */
    const char *auth_token_file; /* NULL ⇒ no auth */
    const char *tls_cert, *tls_key;
    unsigned threads;            /* 0 ⇒ 8 */
    unsigned max_connections;    /* 0 ⇒ 512 */
    unsigned max_per_ip;         /* 0 ⇒ 32 */
    kt_http_limits limits;       /* zeroed ⇒ http_limits_default */
    int no_cache;                /* answer every request afresh (cache.h) */
    void (*live_metrics)(void *ud, kt_buf *out); /* see app.h; NULL ⇒ none */
    void *live_metrics_ud;
    struct kt_posture_service *posture;  /* posture_api.h; NULL ⇒ /posture and /health answer 404 */
    void (*budgets_changed)(void *ud); /* see app.h; NULL ⇒ none */
    void *budgets_changed_ud;
} kt_http_config;

typedef struct kt_http_server kt_http_server;

int http_server_start(const kt_http_config *cfg, kt_http_server **out, kt_err *err);
/* The port actually bound (useful with port 0). */
unsigned http_server_port(const kt_http_server *s);
void http_server_stop(kt_http_server *s);

/* Split "host:port" / "[v6]:port" into host and port; pure, for tests. */
int http_parse_listen(const char *listen, char *host, size_t hostlen, unsigned *port, kt_err *err);

#endif
