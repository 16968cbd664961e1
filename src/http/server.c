/* server.c — sockets, TLS, auth, headers, limits and dispatch; see server.h. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/cache.h"
#include "http/guard.h"
#include "http/health.h"
#include "http/login.h"
#include "util/clock.h"
#include "util/log.h"

#define MAX_STORES 64

struct kt_http_server {
    struct MHD_Daemon *d;
    kt_http_app app;
    pthread_mutex_t stats_lock;
    unsigned char token_sha[SHA256_DIGEST_LENGTH];
    kt_sessions *sessions;        /* dashboard sign-ins (login.h) */
    char *cert, *key;
    char db_url[1024];
    pthread_mutex_t stores_lock;
    kt_store *stores[MAX_STORES];
    int n_stores;
    unsigned port;
    int loopback; /* bound to 127.0.0.0/8 or ::1: refuse foreign Host headers */
    char allow_hosts[512]; /* … except these (--allow-host) */
    kt_http_cache *cache;
    kt_guard *guard;
};

/* One store handle per pool thread: SQLite handles belong to one thread. */
static _Thread_local kt_store *tl_store;

static const char csp[] = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
                          "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

int http_parse_listen(const char *listen, char *host, size_t hostlen, unsigned *port, kt_err *err)
{
    const char *colon = strrchr(listen, ':'), *h = listen;
    size_t hl;
    if (!colon)
        return kt_fail(err, KT_EINPUT, "--listen: expected HOST:PORT, got '%s'", listen);
    hl = (size_t)(colon - listen);
    if (*h == '[') {
        if (hl < 2 || listen[hl - 1] != ']')
            return kt_fail(err, KT_EINPUT, "--listen: expected [IPv6]:PORT, got '%s'", listen);
        h++, hl -= 2;
    }
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || p < 0 || p > 65535)
        return kt_fail(err, KT_EINPUT, "--listen: port must be 0..65535, got '%s'", colon + 1);
    if (hl == 0 || hl >= hostlen)
        return kt_fail(err, KT_EINPUT, "--listen: expected an IP address before ':', got '%s'", listen);
    memcpy(host, h, hl);
    host[hl] = 0;
    *port = (unsigned)p;
    return 0;
}

static char *read_file(const char *path, const char *flag, size_t max, kt_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        kt_fail(err, KT_EINPUT, "%s %s: %s", flag, path, strerror(errno));
        return NULL;
    }
    kt_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= max)
        buf_add(&b, chunk, n);
    fclose(f);
    if (b.len > max || !b.len) {
        buf_free(&b);
        kt_fail(err, KT_EINPUT, "%s %s: %s", flag, path, b.len ? "too large" : "empty");
        return NULL;
    }
    return buf_steal(&b);
}

static void token_digest(const char *t, size_t n, unsigned char *out)
{
    SHA256((const unsigned char *)t, n, out);
}

/* Compare digests, not tokens: CRYPTO_memcmp is constant-time for equal
 * lengths, and hashing first makes the length irrelevant too. */
static int token_ok(kt_http_server *s, const char *t, size_t n)
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    token_digest(t, n, d);
    return CRYPTO_memcmp(d, s->token_sha, sizeof d) == 0;
}

/* A bearer token, or the dashboard's session cookie. */
static int authorized(kt_http_server *s, struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (h && !strncasecmp(h, "Bearer ", 7)) {
        h += 7;
        while (*h == ' ')
            h++;
        return token_ok(s, h, strlen(h));
    }
    return sessions_check(s->sessions, MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE),
                          (int64_t)time(NULL));
}

static kt_store *thread_store(kt_http_server *s, kt_err *err)
{
    if (tl_store)
        return tl_store;
    kt_store *st;
    if (store_open(s->db_url[0] ? s->db_url : NULL, KT_STORE_READONLY, &st, err))
        return NULL;
    pthread_mutex_lock(&s->stores_lock);
    if (s->n_stores < MAX_STORES) {
        s->stores[s->n_stores++] = st;
        tl_store = st;
    }
    pthread_mutex_unlock(&s->stores_lock);
    if (!tl_store) { /* more threads than slots: use a handle for this request only */
        kt_fail(err, KT_ERUNTIME, "too many server threads");
        store_close(st);
    }
    return tl_store;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    http_params_add(cls, key, value);
    return MHD_YES;
}

static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    return http_unescape(s);
}

static enum MHD_Result send_resp(kt_http_server *s, struct MHD_Connection *c, const kt_route *route,
                                 kt_http_resp *r, double t0, int route_index, const char *url)
{
    size_t len = r->body.len;
    char *body = len ? buf_steal(&r->body) : NULL;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, body ? body : (void *)"", body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    double dt = kt_mono_s() - t0;
    char timing[64], disp[160];
    snprintf(timing, sizeof timing, "app;dur=%.2f", dt * 1000);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type ? r->content_type : "text/plain");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Content-Security-Policy", csp);
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Server-Timing", timing);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            route && !route->needs_store && r->status == 200 ? "max-age=300" : "no-store");
    if (s->app.tls_enabled)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
    if (r->filename[0]) {
        snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", r->filename);
        MHD_add_response_header(resp, "Content-Disposition", disp);
    }
    if (r->status == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"kubetally\"");
    if (r->cached)
        MHD_add_response_header(resp, "X-Kubetally-Cache", "hit");
    if (r->retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    if (r->location[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
    if (r->cookie[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->cookie);
    if (r->status == 405)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, route && route->post ? "POST" : "GET, HEAD");
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    health_record(&s->app, route_index, r->status, dt);
    log_debug("http %d %s %.1f ms", r->status, url, dt * 1000);
    return rc;
}

/* The body of POST /login, collected across MHD's calls. */
typedef struct login_body {
    char data[4096];
    size_t len;
    int too_long;
} login_body;

/* The body of a POST route (prediction/speccost), collected across MHD's calls. */
typedef struct post_body {
    size_t len;
    int too_long;
    char data[(1 << 20) + 1]; /* NUL-terminated */
} post_body;

/* Returns 1 while the body is still arriving (MHD calls again), 0 when complete. */
static int post_body_collect(const char *upload, size_t *upload_size, void **con_cls)
{
    post_body *b = *con_cls;
    if (!b) {
        *con_cls = xcalloc(1, sizeof *b);
        return 1;
    }
    if (*upload_size) {
        size_t room = sizeof b->data - 1 - b->len, n = *upload_size < room ? *upload_size : room;
        memcpy(b->data + b->len, upload, n);
        b->len += n;
        b->too_long |= n < *upload_size;
        *upload_size = 0;
        return 1;
    }
    return 0;
}

/* The request context of a target with too many parameters (not freed). */
static char too_many_params;

/* Called with the request target before MHD splits its query.  Past
 * KT_HTTP_MAX_PARAMS the query is cut off here (it is refused anyway) so
 * MHD does not run out of connection memory splitting it; on_request sees
 * the marker and answers 400 at once. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    if (!http_query_too_many(uri))
        return NULL;
    char *q = strchr(uri, '?');
    q[1] = 0; /* MHD's own buffer, parsed after this call */
    return &too_many_params;
}

static kt_conn_watch *watch_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *i = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return i ? i->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    kt_http_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *i = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = i ? guard_conn_open(s->guard, i->connect_fd) : NULL;
    } else {
        guard_conn_close(s->guard, *socket_context);
        *socket_context = NULL;
    }
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
    kt_http_server *s = cls;
    guard_request_done(s->guard, watch_of(c));
    if (*con_cls != &too_many_params)
        free(*con_cls);
    *con_cls = NULL;
}

/* /login and /logout.  Returns 1 while the POST body is still arriving. */
static int login_route(kt_http_server *s, struct MHD_Connection *c, const char *url, const char *method, const char *upload,
                       size_t *upload_size, void **con_cls, kt_http_resp *r)
{
    int secure = s->app.tls_enabled;
    if (!s->app.auth_enabled) {
        resp_json_error(r, 404, "no sign-in: this server runs without --auth-token-file");
    } else if (!strcmp(url, "/logout")) {
        sessions_revoke(s->sessions, MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE));
        login_revoke(r, secure);
    } else if (!strcmp(method, "GET") || !strcmp(method, "HEAD")) {
        login_page(r, 200, NULL);
    } else if (strcmp(method, "POST")) {
        resp_json_error(r, 405, "only GET and POST are served on /login");
    } else {
        login_body *b = *con_cls;
        if (!b) {
            *con_cls = xcalloc(1, sizeof *b);
            return 1;
        }
        if (*upload_size) {
            size_t n = *upload_size < sizeof b->data - 1 - b->len ? *upload_size : sizeof b->data - 1 - b->len;
            memcpy(b->data + b->len, upload, n);
            b->len += n;
            b->too_long |= n < *upload_size;
            *upload_size = 0;
            return 1;
        }
        kt_http_params p;
        http_params_init(&p);
        http_params_parse_query(&p, b->data);
        const char *t = http_params_get(&p, "token");
        if (!b->too_long && !p.failed && t && token_ok(s, t, strlen(t))) {
            char id[KT_SESSION_HEX];
            sessions_issue(s->sessions, (int64_t)time(NULL), id);
            login_grant(r, id, secure);
            OPENSSL_cleanse(id, sizeof id);
        } else
            login_page(r, 401, "That is not the server's token.");
        OPENSSL_cleanse(b->data, sizeof b->data);
        for (int i = 0; i < p.n; i++)
            OPENSSL_cleanse(p.value[i], strlen(p.value[i]));
        http_params_free(&p);
    }
    return 0;
}

/* The body of a write route (app.h), collected across MHD's calls. */
typedef struct write_body {
    char data[KT_HTTP_MAX_BODY + 1];
    size_t len;
    int too_long;
} write_body;

/* POST and DELETE on a write route.  Auth and the content type are checked
 * on the first call, before any of the body is read.  Returns 1 while the
 * body is still arriving. */
static int write_route(kt_http_server *s, struct MHD_Connection *c, const kt_route *route, const char *method,
                       const char *upload, size_t *upload_size, void **con_cls, kt_http_resp *r)
{
    write_body *b = *con_cls;
    if (!b) {
        const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
        if (s->app.auth_enabled && !route->public_ && !authorized(s, c))
            resp_json_error(r, 401, "missing or wrong bearer token");
        else if (!strcmp(method, "POST") && (!ct || strncasecmp(ct, "application/json", 16)))
            /* a cross-site form cannot send application/json without a preflight we never answer */
            resp_json_error(r, 415, "POST bodies are JSON: send Content-Type: application/json");
        else {
            *con_cls = xcalloc(1, sizeof *b);
            return 1;
        }
        return 0;
    }
    if (*upload_size) {
        size_t room = KT_HTTP_MAX_BODY - b->len, n = *upload_size < room ? *upload_size : room;
        memcpy(b->data + b->len, upload, n);
        b->len += n;
        b->too_long |= n < *upload_size;
        *upload_size = 0;
        return 1;
    }
    kt_http_params p;
    kt_err err = {0};
    http_params_init(&p);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &p);
    if (b->too_long)
        resp_json_error(r, 413, "the body is over 64 KiB");
    else if (http_params_check(&p, route->params, &err))
        resp_json_error(r, 400, err.msg);
    else
        route->write(&s->app, method, &p, b->data, b->len, (int64_t)time(NULL), r);
    http_params_free(&p);
    return 0;
}

static int cmp_param(const void *a, const void *b)
{
    return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* path, then name=value pairs sorted by name, separated by 0x1f (which a
 * validated parameter cannot contain). */
static void cache_key(const char *path, const kt_http_params *p, kt_buf *k)
{
    char **order[KT_HTTP_MAX_PARAMS];
    for (int i = 0; i < p->n; i++)
        order[i] = (char **)&p->name[i];
    qsort(order, (size_t)p->n, sizeof *order, cmp_param);
    buf_puts(k, path);
    for (int i = 0; i < p->n; i++) {
        int j = (int)(order[i] - (char **)p->name);
        buf_printf(k, "\x1f%s=%s", p->name[j], p->value[j]);
    }
}

/* Run the route's handler, or answer from the cache when the route allows. */
static void handle(kt_http_server *s, const kt_route *route, kt_store *st, const kt_http_params *p,
                   kt_http_resp *r)
{
    int64_t now = (int64_t)time(NULL);
    kt_cache_stamp stamp;
    kt_buf key = {0};
    int cache = s->cache && route->cacheable && !cache_stamp(store_describe(st), now, &stamp);
    if (cache) {
        cache_key(route->path, p, &key);
        if ((r->cached = cache_get(s->cache, key.data, &stamp, r))) {
            buf_free(&key);
            return;
        }
    }
    /* a store read the cache could not spare: gated (guard.h) */
    int gated = route->cacheable;
    if (gated && !guard_enter(s->guard)) {
        resp_json_error(r, 503, "the server is busy with other queries; retry shortly");
        r->retry_after = 2;
        buf_free(&key);
        return;
    }
    route->handler(&s->app, st, p, now, r);
    if (gated)
        guard_leave(s->guard, r->body.len);
    if (cache)
        cache_put(s->cache, key.data, &stamp, r);
    buf_free(&key);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    kt_http_server *s = cls;
    double t0 = kt_mono_s();
    kt_http_resp r = {0};
    int index = -1;
    const kt_route *route = NULL;
    enum MHD_Result rc;
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    /* the whole request is here unless a body is still to come (guard.h) */
    if (!*upload_size && (*con_cls || !strcmp(method, "GET") || !strcmp(method, "HEAD")))
        guard_request_arrived(s->guard, watch_of(c));
    if (*con_cls == &too_many_params) {
        resp_json_error(&r, 400, "too many query parameters (at most 24)");
    } else if (s->loopback && !http_loopback_host(host) && !http_host_allowed(s->allow_hosts, host)) {
        resp_json_error(&r, 421, "this server listens on loopback and answers only Host: 127.0.0.1, [::1] or localhost; "
                        "name a reverse proxy's Host with --allow-host (KUBETALLY_ALLOW_HOSTS), or use --listen "
                        "with another address to serve other names");
    } else if (!strcmp(url, "/login") || !strcmp(url, "/logout")) {
        if (login_route(s, c, url, method, upload, upload_size, con_cls, &r))
            return MHD_YES;
    } else if ((route = http_route_find(url, &index)) && route->write &&
               (!strcmp(method, "POST") || !strcmp(method, "DELETE"))) {
        if (write_route(s, c, route, method, upload, upload_size, con_cls, &r))
            return MHD_YES;
    } else if (strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "POST")) {
        resp_json_error(&r, 405, route && route->write ? "only POST and DELETE are served here"
                                                       : "only GET and HEAD are served (and POST where an endpoint "
                                                         "takes a body)");
    } else if (!route) {
        resp_json_error(&r, 404, "no such endpoint; see docs/api.md");
    } else if (!route->handler) {
        resp_json_error(&r, 405, "only POST and DELETE are served here");
    } else if (!strcmp(method, "POST") != !!route->post) {
        resp_json_error(&r, 405, route->post ? "only POST is served here" : "only GET and HEAD are served here");
    } else if (s->app.auth_enabled && !route->public_ && !authorized(s, c)) {
        if (route->page)
            login_redirect(&r);
        else
            resp_json_error(&r, 401, "missing or wrong bearer token");
    } else {
        if (route->post) {
            int more = post_body_collect(upload, upload_size, con_cls);
            if (more)
                return MHD_YES;
        }
        post_body *body = route->post ? *con_cls : NULL;
        kt_http_params p;
        kt_err err = {0};
        kt_store *st = NULL;
        http_params_init(&p);
        MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &p);
        if (body) {
            p.body = body->data;
            p.body_len = body->len;
        }
        if (body && body->too_long)
            resp_json_error(&r, 413, "request body over 1 MiB");
        else if (http_params_check(&p, route->params, &err))
            resp_json_error(&r, 400, err.msg);
        else if (route->needs_store && !(st = thread_store(s, &err)) && route->needs_store != 2)
            resp_json_error(&r, 503, err.msg);
        else
            handle(s, route, st, &p, &r);
        p.body = NULL; /* owned by the connection (con_cls), freed on completion */
        http_params_free(&p);
    }
    rc = send_resp(s, c, route, &r, t0, index, url);
    buf_free(&r.body);
    return rc;
}

static int make_addr(const char *listen, struct sockaddr_storage *ss, unsigned *port, kt_err *err)
{
    char host[128];
    if (http_parse_listen(listen, host, sizeof host, port, err))
        return -1;
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)*port);
    } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)*port);
    } else {
        return kt_fail(err, KT_EINPUT, "--listen: '%s' is not an IP address", host);
    }
    return 0;
}

static int load_secrets(kt_http_server *s, const kt_http_config *cfg, kt_err *err)
{
    if (cfg->auth_token_file) {
        char *t = read_file(cfg->auth_token_file, "--auth-token-file", 4096, err);
        if (!t)
            return -1;
        size_t n = strlen(t);
        while (n && (t[n - 1] == '\n' || t[n - 1] == '\r' || t[n - 1] == ' ' || t[n - 1] == '\t'))
            n--;
        if (n < 16) {
            OPENSSL_cleanse(t, strlen(t));
            free(t);
            return kt_fail(err, KT_EINPUT, "--auth-token-file %s: the token must be at least 16 characters",
                           cfg->auth_token_file);
        }
        token_digest(t, n, s->token_sha);
        s->sessions = sessions_new();
        OPENSSL_cleanse(t, strlen(t));
        free(t);
        s->app.auth_enabled = 1;
    }
    if (!cfg->tls_cert != !cfg->tls_key)
        return kt_fail(err, KT_EINPUT, "--tls-cert and --tls-key go together");
    if (cfg->tls_cert) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
            return kt_fail(err, KT_EINPUT, "--tls-cert: this libmicrohttpd was built without TLS");
        if (!(s->cert = read_file(cfg->tls_cert, "--tls-cert", 1 << 20, err)) ||
            !(s->key = read_file(cfg->tls_key, "--tls-key", 1 << 20, err)))
            return -1;
        s->app.tls_enabled = 1;
    }
    return 0;
}

int http_server_start(const kt_http_config *cfg, kt_http_server **out, kt_err *err)
{
    kt_http_server *s = xcalloc(1, sizeof *s);
    struct sockaddr_storage ss;
    unsigned port;
    *out = NULL;
    pthread_mutex_init(&s->stats_lock, NULL);
    pthread_mutex_init(&s->stores_lock, NULL);
    s->app.stats_lock = &s->stats_lock;
    s->app.started = (int64_t)time(NULL);
    s->app.limits = cfg->limits;
    if (!s->app.limits.max_window_s)
        http_limits_default(&s->app.limits);
    snprintf(s->db_url, sizeof s->db_url, "%s", cfg->db_url ? cfg->db_url : "");
    if (cfg->allow_hosts && (strlen(cfg->allow_hosts) >= sizeof s->allow_hosts ||
                             http_host_list_check(cfg->allow_hosts, err))) {
        if (!err->msg[0])
            kt_fail(err, KT_EINPUT, "--allow-host: longer than %zu characters", sizeof s->allow_hosts - 1);
        http_server_stop(s);
        return -1;
    }
    snprintf(s->allow_hosts, sizeof s->allow_hosts, "%s", cfg->allow_hosts ? cfg->allow_hosts : "");
    if (!cfg->no_cache)
        s->app.cache = s->cache = cache_new(256, 64u << 20);
    s->app.db_url = s->db_url;
    s->app.live_metrics = cfg->live_metrics;
    s->app.live_metrics_ud = cfg->live_metrics_ud;
    s->app.posture = cfg->posture;
    s->app.budgets_changed = cfg->budgets_changed;
    s->app.budgets_changed_ud = cfg->budgets_changed_ud;
    if (make_addr(cfg->listen ? cfg->listen : "127.0.0.1:9003", &ss, &port, err) || load_secrets(s, cfg, err)) {
        http_server_stop(s);
        return -1;
    }
    /* half the pool may compute and all but one of the rest may wait their
     * turn: a thread stays free for probes (8 by default: 4 compute, 3 wait) */
    unsigned threads = cfg->threads ? cfg->threads : 8u, running = threads / 2 ? threads / 2 : 1;
    s->guard = guard_new(running, threads > running + 1 ? threads - running - 1 : 0);
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (s->app.tls_enabled)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem tls[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, s->key},
        {MHD_OPTION_END, 0, NULL},
    };
    s->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_THREAD_POOL_SIZE, threads,
                            MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections ? cfg->max_connections : 512u,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_per_ip ? cfg->max_per_ip : 32u,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
                            MHD_OPTION_CONNECTION_TIMEOUT, 30u,
                            MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
                            MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
                            MHD_OPTION_ARRAY, s->app.tls_enabled ? tls : tls + 2,
                            MHD_OPTION_END);
    if (!s->d) {
        kt_fail(err, KT_ERUNTIME, "cannot listen on %s (address in use, or not an address of this host?)",
                cfg->listen ? cfg->listen : "127.0.0.1:9003");
        http_server_stop(s);
        return -1;
    }
    s->loopback = ss.ss_family == AF_INET
                      ? (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127
                      : IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&ss)->sin6_addr);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : port;
    *out = s;
    return 0;
}

unsigned http_server_port(const kt_http_server *s)
{
    return s->port;
}

void http_server_stop(kt_http_server *s)
{
    if (!s)
        return;
    if (s->d) {
        MHD_socket l = MHD_quiesce_daemon(s->d); /* stop accepting; requests in flight finish */
        MHD_stop_daemon(s->d);
        if (l != MHD_INVALID_SOCKET)
            close(l);
    }
    guard_free(s->guard);
    for (int i = 0; i < s->n_stores; i++)
        store_close(s->stores[i]);
    cache_free(s->cache);
    if (s->key) {
        OPENSSL_cleanse(s->key, strlen(s->key));
        free(s->key);
    }
    free(s->cert);
    OPENSSL_cleanse(s->token_sha, sizeof s->token_sha);
    sessions_free(s->sessions);
    pthread_mutex_destroy(&s->stats_lock);
    pthread_mutex_destroy(&s->stores_lock);
    free(s);
}
