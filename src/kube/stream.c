/* stream.c — list-then-watch of one resource kind; see stream.h.
 *
 * Why a hand-driven state machine rather than a blocking loop per resource:
 * one thread per cluster keeps the decoder, meter and strtab lock-free, and
 * curl multi drives the streams' connections from that one thread. */
#include "kube/stream.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/clock.h"
#include "util/json_arena.h"
#include "util/log.h"

#define KT_MAX_BODY (512u << 20)
#define KT_MAX_ERROR_BODY (64u << 10)
#define KT_BACKOFF_MIN_MS 1000
#define KT_BACKOFF_MAX_MS 60000

size_t kube_write_buf(char *p, size_t size, size_t n, void *ud)
{
    kt_buf *b = ud;
    if (b->len + n > KT_MAX_BODY)
        return 0;
    buf_add(b, p, n);
    return n;
}

/* Compressed answers save bandwidth over a network and cost CPU on both
 * ends: a server on this machine (a test cluster, kind, an SSH tunnel) is
 * asked for plain JSON, as is any cluster whose kubeconfig entry says
 * disable-compression: true. */
int kube_wants_gzip(const kt_kube_target *t)
{
    if (t->disable_compression)
        return 0;
    const char *h = strstr(t->server, "://");
    h = h ? h + 3 : t->server;
    static const char *const local[] = {"127.", "localhost:", "localhost/", "[::1]"};
    for (size_t i = 0; i < sizeof local / sizeof *local; i++)
        if (!strncmp(h, local[i], strlen(local[i])))
            return 0;
    return strcmp(h, "localhost") != 0;
}

CURL *kube_request(kt_kube_target *t, const char *path, curl_write_callback write, void *ud,
                   struct curl_slist **headers, int timeout_s, int connect_timeout_s, kt_err *err)
{
    CURL *h = curl_easy_init();
    if (!h) {
        kt_fail(err, KT_ERUNTIME, "cannot create an HTTP handle");
        return NULL;
    }
    char *url = kube_url(t, path);
    curl_easy_setopt(h, CURLOPT_URL, url);
    free(url);
    *headers = curl_slist_append(NULL, "Accept: application/json");
    if (kube_auth_apply(t, h, headers, (int64_t)time(NULL), err)) {
        curl_slist_free_all(*headers);
        *headers = NULL;
        curl_easy_cleanup(h);
        return NULL;
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, *headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, ud);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout_s);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)connect_timeout_s);
    if (kube_wants_gzip(t))
        curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "kubetally");
    /* HTTP/1.1, one connection per stream: multiplexed over HTTP/2, a large
     * paginated list stalled after ~40 pages of 2 MB (the server stopped
     * sending; measured with libcurl 7.88 against kube-apiserver), and nine
     * kept-alive connections per cluster cost nothing worth that risk. */
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_PRIVATE, ud);
    return h;
}

void stream_init(kt_stream *s, enum kt_kind kind, kt_stream_env *env)
{
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->env = env;
    s->state = ST_LIST;
}

static void end_transfer(kt_stream *s, CURLM *multi)
{
    if (s->h) {
        curl_multi_remove_handle(multi, s->h);
        curl_easy_cleanup(s->h);
        s->h = NULL;
    }
    curl_slist_free_all(s->headers);
    s->headers = NULL;
}

void stream_free(kt_stream *s, CURLM *multi)
{
    end_transfer(s, multi);
    buf_free(&s->body);
    buf_free(&s->spare);
    free(s->cont);
    s->cont = NULL;
}

static void report(kt_stream *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(kt_stream *s, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int changed = strncmp(s->last_msg, msg, sizeof s->last_msg - 1) != 0;
    snprintf(s->last_msg, sizeof s->last_msg, "%s", msg);
    s->env->error(s->env->ud, msg, changed);
}

/* Wait before the next attempt: exponential, ±25 % jitter so a fleet of
 * watchers that lost the same network does not come back in lockstep. */
static void back_off(kt_stream *s, int64_t now_ms)
{
    s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : KT_BACKOFF_MIN_MS;
    if (s->backoff_ms > KT_BACKOFF_MAX_MS)
        s->backoff_ms = KT_BACKOFF_MAX_MS;
    int jitter = s->backoff_ms / 4;
    s->wait_until_ms = now_ms + s->backoff_ms - jitter + (jitter ? rand() % (2 * jitter + 1) : 0);
    s->state = ST_WAIT;
}

static void relist(kt_stream *s)
{
    s->rv[0] = 0;
    free(s->cont);
    s->cont = NULL;
    s->relists++;
}

/* ---- watch events ---------------------------------------------------- */

static void remember_rv(kt_stream *s, json_t *obj)
{
    const char *rv = kube_json_str(obj, "metadata", "resourceVersion");
    if (rv && strlen(rv) < sizeof s->rv)
        strcpy(s->rv, rv);
}

/* One watch event; returns -1 to abandon the watch (after an ERROR event
 * or an undecodable one: continuing could miss state). */
static int handle_event(kt_stream *s, json_t *ev, int64_t now)
{
    const char *type = kube_json_str(ev, "type", NULL);
    json_t *obj = json_object_get(ev, "object");
    if (!type || !json_is_object(obj)) {
        report(s, "watch %s: event without type or object", kube_kind_name(s->kind));
        return -1;
    }
    if (!strcmp(type, "ERROR")) {
        json_int_t code = json_integer_value(json_object_get(obj, "code"));
        if (code == 410) {
            log_info("cluster %s: watch %s: resourceVersion too old (410 Gone), relisting", s->env->target->name,
                     kube_kind_name(s->kind));
            relist(s);
            s->relist_now = 1;
            return -1;
        }
        const char *m = kube_json_str(obj, "message", NULL);
        report(s, "watch %s: error %lld: %s", kube_kind_name(s->kind), (long long)code, m ? m : "");
        return -1;
    }
    remember_rv(s, obj);
    if (!strcmp(type, "BOOKMARK"))
        return 0;
    kt_object o;
    kt_err err = {0};
    if (kube_decode(s->env->decoder, s->kind, obj, &o, &err)) {
        report(s, "watch %s: %s", kube_kind_name(s->kind), err.msg);
        return 0; /* one bad object is skipped, the stream is fine */
    }
    s->events++;
    if (!strcmp(type, "DELETED"))
        s->env->sink.on_delete(s->env->sink.ctx, &o, now);
    else
        s->env->sink.on_upsert(s->env->sink.ctx, &o, now);
    return 0;
}

/* Decode every complete line in the buffer; keep the unfinished tail. */
static int consume_lines(kt_stream *s)
{
    size_t start = 0;
    int64_t now = (int64_t)time(NULL);
    for (;;) {
        char *nl = memchr(s->body.data + start, '\n', s->body.len - start);
        if (!nl)
            break;
        size_t len = (size_t)(nl - (s->body.data + start));
        if (len) {
            json_error_t jerr;
            json_t *ev = json_loadb(s->body.data + start, len, 0, &jerr);
            if (!ev) {
                report(s, "watch %s: malformed event: %s", kube_kind_name(s->kind), jerr.text);
                relist(s);
                return -1;
            }
            int rc = handle_event(s, ev, now);
            json_decref(ev);
            if (rc)
                return -1;
        }
        start += len + 1;
    }
    memmove(s->body.data, s->body.data + start, s->body.len - start);
    s->body.len -= start;
    if (s->body.data)
        s->body.data[s->body.len] = 0;
    return 0;
}

static size_t watch_write(char *p, size_t size, size_t n, void *ud)
{
    kt_stream *s = ud;
    long code = 0;
    curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
    s->last_byte_ms = kt_mono_ms();
    if (code != 200) { /* an error body: keep its start for the message */
        if (s->body.len < KT_MAX_ERROR_BODY)
            buf_add(&s->body, p, n);
        return n;
    }
    s->env->contact(s->env->ud, (int64_t)time(NULL));
    if (s->body.len + n > KT_MAX_BODY) {
        report(s, "watch %s: an event larger than 512 MiB", kube_kind_name(s->kind));
        s->failed = 1;
        return 0;
    }
    buf_add(&s->body, p, n);
    if (consume_lines(s)) {
        s->failed = 1;
        return 0;
    }
    return n;
}

/* ---- requests -------------------------------------------------------- */

static int start(kt_stream *s, CURLM *multi, int64_t now_ms)
{
    kt_buf path = {0};
    const char *kp = kube_kind_path(s->kind);
    int watch = s->rv[0] != 0;
    /* curl_easy_escape ignores its handle since libcurl 7.82 (Debian 12: 7.88) */
    if (watch) {
        char *rv = curl_easy_escape(NULL, s->rv, 0);
        /* jitter the server-side timeout so streams do not all rotate at once */
        int t = s->env->watch_timeout - s->env->watch_timeout / 10 + rand() % (s->env->watch_timeout / 5 + 1);
        buf_printf(&path, "%s?watch=1&allowWatchBookmarks=true&resourceVersion=%s&timeoutSeconds=%d", kp, rv, t);
        curl_free(rv);
    } else {
        buf_printf(&path, "%s?limit=%d", kp, s->env->page_size);
        if (s->cont) {
            char *c = curl_easy_escape(NULL, s->cont, 0);
            buf_printf(&path, "&continue=%s", c);
            curl_free(c);
        }
    }
    buf_reset(&s->body);
    s->failed = s->relist_now = 0;
    kt_err err = {0};
    s->h = kube_request(s->env->target, path.data, watch ? watch_write : kube_write_buf, watch ? (void *)s : &s->body,
                        &s->headers, watch ? 0 : s->env->request_timeout, s->env->connect_timeout, &err);
    buf_free(&path);
    if (!s->h) {
        report(s, "%s", err.msg);
        back_off(s, now_ms);
        return 0;
    }
    curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
    log_debug("cluster %s: %s %s%s", s->env->target->name, watch ? "watch" : "list", kube_kind_name(s->kind),
              watch ? "" : (s->cont ? " (next page)" : ""));
    s->state = watch ? ST_WATCH : ST_LIST;
    s->last_byte_ms = now_ms;
    curl_multi_add_handle(multi, s->h);
    return 1;
}

int stream_poll(kt_stream *s, CURLM *multi, int64_t now_ms)
{
    if (s->h || (s->state == ST_WAIT && now_ms < s->wait_until_ms))
        return 0;
    return start(s, multi, now_ms);
}

int stream_check_stall(kt_stream *s, CURLM *multi, int64_t now_ms)
{
    if (!s->h || s->state != ST_WATCH || now_ms - s->last_byte_ms < (int64_t)s->env->stall_timeout * 1000)
        return 0;
    report(s, "watch %s: no data for %d s; resuming", kube_kind_name(s->kind), s->env->stall_timeout);
    end_transfer(s, multi);
    s->restarts++;
    back_off(s, now_ms);
    return 1;
}

/* The first line of an API error body: a Status object's message. */
static void error_text(const kt_buf *b, char *out, size_t n)
{
    json_t *j = b->len ? json_loadb(b->data, b->len, 0, NULL) : NULL;
    const char *m = j ? kube_json_str(j, "message", NULL) : NULL;
    snprintf(out, n, "%s", m ? m : "");
    json_decref(j);
}

/* A posture-only kind the server does not serve (404) or does not let
 * kubetally list (403: an older deploy/ role) is skipped, as `posture
 * --context` skips it: listed as empty (so the cluster syncs and what was
 * kept of it goes), logged once, and asked again in 10 minutes.  Costing
 * needs the kinds before K_KIND_COUNT, so those keep retrying as errors. */
static int skip_optional(kt_stream *s, long code, const char *what, int64_t now_ms)
{
    if (s->kind < K_KIND_COUNT || (code != 403 && code != 404) || s->state != ST_LIST)
        return 0;
    char msg[200];
    snprintf(msg, sizeof msg, "%s %s: HTTP %ld, skipped (%s)", what, kube_kind_name(s->kind), code,
             code == 403 ? "not allowed: see deploy/ RBAC" : "not served");
    if (strcmp(s->last_msg, msg))
        log_warn("cluster %s: %s", s->env->target->name, msg);
    snprintf(s->last_msg, sizeof s->last_msg, "%s", msg);
    free(s->cont);
    s->cont = NULL;
    s->rv[0] = 0;
    s->listed = s->skipped = 1;
    s->env->sink.on_resync(s->env->sink.ctx, s->kind, (int64_t)time(NULL));
    s->state = ST_WAIT;
    s->wait_until_ms = now_ms + 600 * 1000;
    return -1;
}

static int http_failure(kt_stream *s, long code, const char *what, int64_t now_ms)
{
    char msg[300];
    if (skip_optional(s, code, what, now_ms))
        return -1;
    error_text(&s->body, msg, sizeof msg);
    if (code == 410) { /* the resourceVersion or continue token expired */
        log_info("cluster %s: %s %s: 410 Gone, relisting", s->env->target->name, what, kube_kind_name(s->kind));
        relist(s);
        s->state = ST_LIST;
        s->wait_until_ms = 0;
        return 0;
    }
    if (code == 401)
        kube_auth_invalidate(s->env->target);
    if (s->unreachable) /* the server is back: its new answers deserve a fresh backoff */
        s->backoff_ms = 0;
    s->unreachable = 0;
    report(s, "%s %s: HTTP %ld%s%s%s", what, kube_kind_name(s->kind), code,
           code == 401 ? " Unauthorized (credentials rejected)" : code == 403 ? " Forbidden" : "",
           msg[0] ? ": " : "", msg);
    back_off(s, now_ms);
    return -1;
}

/* The continue token of a list page, read from its first bytes: the API
 * server writes the list's metadata before its items.  NULL when it is not
 * there in plain form (the full parse then decides). */
static char *early_continue(const kt_buf *b)
{
    size_t n = b->len < 4096 ? b->len : 4096;
    const char *p = b->data, *end = p + n;
    const char *m = p ? memmem(p, n, "\"metadata\":{", 12) : NULL;
    if (!m)
        return NULL;
    const char *close = memchr(m + 12, '}', (size_t)(end - (m + 12)));
    const char *c = close ? memmem(m, (size_t)(close - m), "\"continue\":\"", 12) : NULL;
    if (!c)
        return NULL;
    c += 12;
    const char *q = memchr(c, '"', (size_t)(close - c));
    if (!q || q == c || memchr(c, '\\', (size_t)(q - c)))
        return NULL;
    char *tok = xmalloc((size_t)(q - c) + 1);
    memcpy(tok, c, (size_t)(q - c));
    tok[q - c] = 0;
    return tok;
}

/* One list page (taken from the stream: the next page may already be
 * arriving in s->body).  `ahead`: the next page was requested with the
 * token early_continue read; if the parse disagrees, that request goes. */
static void list_page(kt_stream *s, CURLM *multi, kt_buf *page, int ahead, int64_t now_ms)
{
    json_error_t jerr;
    /* the page's tree lives in the thread's arena until the page is decoded
     * (util/json_arena.h): nothing below keeps a json_t past json_arena_end */
    json_arena_begin();
    json_t *j = json_loadb(page->data ? page->data : "", page->len, 0, &jerr);
    json_t *items = json_object_get(j, "items");
    if (!j || !json_is_array(items)) {
        report(s, "list %s: malformed answer (%s)", kube_kind_name(s->kind), j ? "no items array" : jerr.text);
        json_arena_end();
        end_transfer(s, multi);
        relist(s);
        back_off(s, now_ms);
        return;
    }
    int64_t now = (int64_t)time(NULL);
    s->env->contact(s->env->ud, now); /* a usable answer: the cluster is reachable */
    const char *cont = kube_json_str(j, "metadata", "continue");
    if (ahead && (!cont || !s->cont || strcmp(cont, s->cont))) {
        end_transfer(s, multi); /* asked for the wrong page: ask again below */
        ahead = 0;
    }
    if (!ahead) {
        free(s->cont);
        s->cont = cont && *cont ? xstrdup(cont) : NULL;
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        kt_object o;
        kt_err err = {0};
        if (kube_decode(s->env->decoder, s->kind, it, &o, &err))
            report(s, "list %s: %s", kube_kind_name(s->kind), err.msg);
        else
            s->env->sink.on_upsert(s->env->sink.ctx, &o, now);
    }
    if (!s->cont) {
        s->skipped = 0;
        const char *rv = kube_json_str(j, "metadata", "resourceVersion");
        snprintf(s->rv, sizeof s->rv, "%s", rv ? rv : "");
        s->listed = 1;
        s->env->sink.on_resync(s->env->sink.ctx, s->kind, now);
    }
    json_arena_end(); /* the tree is dropped whole: no json_decref walk */
    s->backoff_ms = 0;
    if (!ahead) {
        s->state = s->rv[0] ? ST_WATCH : ST_LIST;
        s->wait_until_ms = 0;
    }
}

/* A complete list page: the next one is requested before this one is
 * decoded, so the server prepares it meanwhile (a first sync costs about
 * the download, not the download plus the decoding). */
static void list_done(kt_stream *s, CURLM *multi, int64_t now_ms)
{
    /* the two buffers swap, keeping their capacity: a page is written into
     * memory already grown to a page's size */
    kt_buf page = s->body;
    s->body = s->spare;
    buf_reset(&s->body);
    char *next = early_continue(&page);
    int ahead = 0;
    if (next) {
        free(s->cont);
        s->cont = next;
        ahead = start(s, multi, now_ms) && s->h;
        /* curl_multi_add_handle only queues the request: without a turn of
         * the multi handle it would leave after the page is decoded, and
         * the server would prepare each page while kubetally waits
         * (decoding and downloading in series, the --keep-posture sync
         * twice the raw download).  Other streams' bytes this turn moves
         * are handled as always; their finished transfers wait in the
         * multi handle's messages for the caller's loop. */
        int running;
        if (ahead)
            curl_multi_perform(multi, &running);
    }
    list_page(s, multi, &page, ahead, now_ms);
    buf_reset(&page);
    s->spare = page;
    if (!s->cont) { /* listed: no more pages to overlap, and a watch's events are small: */
        buf_free(&s->spare); /* page-sized buffers kept per stream would hold megabytes per cluster */
        buf_free(&s->body);
        json_arena_release(); /* likewise the page-sized arena (another list refills it) */
    }
}

void stream_done(kt_stream *s, CURLM *multi, CURLcode rc, int64_t now_ms)
{
    long code = 0;
    char cerr[CURL_ERROR_SIZE];
    curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
    snprintf(cerr, sizeof cerr, "%s", curl_easy_strerror(rc));
    enum kt_stream_state was = s->state;
    end_transfer(s, multi);
    const char *what = was == ST_WATCH ? "watch" : "list";
    log_debug("cluster %s: %s %s ended: %s, HTTP %ld", s->env->target->name, what, kube_kind_name(s->kind), cerr, code);
    if (rc == CURLE_OK && code == 200) {
        s->last_msg[0] = 0; /* healthy again: the next failure is news */
        if (was == ST_LIST) {
            list_done(s, multi, now_ms);
        } else { /* the server ended the watch (timeoutSeconds): resume at once */
            s->backoff_ms = 0;
            s->state = s->rv[0] ? ST_WATCH : ST_LIST;
            s->wait_until_ms = 0;
        }
        return;
    }
    if (rc == CURLE_OK || (was == ST_WATCH && code && code != 200)) {
        http_failure(s, code, what, now_ms);
        return;
    }
    if (s->relist_now) { /* a 410 event: expected, not a failure, so no backoff */
        s->state = ST_LIST;
        s->wait_until_ms = 0;
        return;
    }
    if (!s->failed)
        report(s, "%s %s: %s", what, kube_kind_name(s->kind), cerr);
    if (was == ST_WATCH)
        s->restarts++;
    s->unreachable = !s->failed;
    back_off(s, now_ms);
}
