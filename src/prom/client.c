/* client.c — libcurl multi-handle client for the Prometheus API; see client.h. */
#include "prom/client.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/time.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"

struct kt_prom_client {
    char *url;
    char *auth_header; /* "Authorization: Bearer …" or NULL; never printed */
    kt_prom_client_opts o;
    CURLM *multi;
};

/* One request's transfer state across attempts. */
typedef struct xfer {
    CURL *h;
    kt_buf body;
    char *form;
    int attempt;
    double next_try; /* monotonic seconds; 0 ⇒ now */
    int active, done;
    int decoding;    /* handed to a decoder thread; body belongs to it */
    int decoded;     /* set by the decoder (under the pool's lock) */
    int drc;         /* the decoder's prom_decode result */
    size_t cap;      /* bytes an answer may have */
    int too_big;     /* the answer passed cap: the transfer was stopped */
    kt_err derr;
} xfer;

/* Decoding big answers takes most of an import's CPU (jansson builds a
 * tree per answer); doing it on decoder threads keeps the transfers — and
 * Prometheus — busy meanwhile instead of stalling them. */
#define DECODERS 2
typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t *queue, head, tail;
    int stop;
    xfer *xs;
    kt_prom_request *reqs;
    kt_prom_client *c;
    pthread_t th[DECODERS];
} pool;

static void *decoder(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->head == p->tail && !p->stop)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->head == p->tail) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        size_t i = p->queue[p->head++];
        pthread_mutex_unlock(&p->mu);
        xfer *x = &p->xs[i];
        kt_prom_decode_opts d = {p->c->o.max_series, p->c->o.allow_partial};
        kt_err e = {0};
        int rc = prom_decode(x->body.data ? x->body.data : "", x->body.len, &d, &p->reqs[i].result, &e);
        buf_free(&x->body);
        pthread_mutex_lock(&p->mu);
        x->drc = rc, x->derr = e, x->decoded = 1;
        pthread_mutex_unlock(&p->mu);
        curl_multi_wakeup(p->c->multi);
    }
}

static int read_token(const char *path, char **header, kt_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return kt_fail(err, KT_EINPUT, "--bearer-token-file %s: %s", path, strerror(errno));
    kt_buf b = {0};
    buf_read_stream(&b, f);
    fclose(f);
    while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r' || b.data[b.len - 1] == ' '))
        b.data[--b.len] = 0;
    if (!b.len || strpbrk(b.data, "\r\n")) {
        buf_free(&b);
        return kt_fail(err, KT_EINPUT, "--bearer-token-file %s: expected one token on one line", path);
    }
    kt_buf h = {0};
    buf_printf(&h, "Authorization: Bearer %s", b.data);
    memset(b.data, 0, b.len);
    buf_free(&b);
    *header = buf_steal(&h);
    return 0;
}

int prom_url_check(const char *url, kt_err *err)
{
    if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))
        return kt_fail(err, KT_EINPUT, "--url: expected an http:// or https:// URL of Prometheus or Thanos, got "
                       "'%.200s'", url && !strchr(url, '@') ? url : "");
    const char *host = strstr(url, "://") + 3;
    size_t auth_end = strcspn(host, "/?#");
    const char *at = memchr(host, '@', auth_end);
    if (at) /* user:password@ would be printed in every message and log line naming the URL */
        return kt_fail(err, KT_EINPUT, "--url: credentials in the URL (%.*s://…@%.*s) are not accepted, so no "
                       "message or log shows them; use --bearer-token-file, or a proxy that adds them",
                       (int)(host - 3 - url), url, (int)(auth_end - (size_t)(at + 1 - host)), at + 1);
    return 0;
}

int prom_client_new(const kt_prom_client_opts *o, kt_prom_client **out, kt_err *err)
{
    static int curl_ready;
    if (prom_url_check(o->url, err))
        return -1;
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = 1;
    }
    kt_prom_client *c = xcalloc(1, sizeof *c);
    c->o = *o;
    c->url = xstrdup(o->url);
    for (size_t n = strlen(c->url); n > 0 && c->url[n - 1] == '/'; n--)
        c->url[n - 1] = 0;
    c->o.url = c->url;
    if (!c->o.timeout_s) c->o.timeout_s = 120;
    if (c->o.retries < 0) c->o.retries = 3;
    if (c->o.concurrency <= 0) c->o.concurrency = 4;
    if (o->bearer_token_file && read_token(o->bearer_token_file, &c->auth_header, err)) {
        prom_client_free(c);
        return -1;
    }
    c->multi = curl_multi_init();
    *out = c;
    return 0;
}

void prom_client_free(kt_prom_client *c)
{
    if (!c)
        return;
    if (c->auth_header) {
        memset(c->auth_header, 0, strlen(c->auth_header));
        free(c->auth_header);
    }
    if (c->multi)
        curl_multi_cleanup(c->multi);
    free(c->url);
    free(c);
}

const char *prom_client_url(const kt_prom_client *c) { return c->url; }

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
    if (x->body.len + size * n > x->cap) {
        x->too_big = 1;
        return 0; /* curl stops the transfer with CURLE_WRITE_ERROR */
    }
    buf_add(&x->body, p, size * n);
    return size * n;
}

static char *make_form(CURL *h, const kt_prom_request *r, int timeout_s)
{
    kt_buf b = {0};
    char *q = curl_easy_escape(h, r->promql, 0);
    buf_printf(&b, "query=%s&timeout=%ds&partial_response=false", q, timeout_s);
    curl_free(q);
    if (r->step)
        buf_printf(&b, "&start=%lld&end=%lld&step=%lld", (long long)r->start, (long long)r->end, (long long)r->step);
    else
        buf_printf(&b, "&time=%lld", (long long)r->end);
    return buf_steal(&b);
}

static void start_xfer(kt_prom_client *c, kt_prom_request *r, xfer *x, struct curl_slist *hdrs)
{
    char url[2048];
    snprintf(url, sizeof url, "%s/api/v1/%s", c->url, r->step ? "query_range" : "query");
    if (!x->h)
        x->h = curl_easy_init();
    else
        curl_easy_reset(x->h);
    buf_reset(&x->body);
    x->cap = c->o.max_bytes ? c->o.max_bytes : PROM_MAX_ANSWER;
    x->too_big = 0;
    if (!x->form)
        x->form = make_form(x->h, r, c->o.timeout_s);
    curl_easy_setopt(x->h, CURLOPT_URL, url);
    curl_easy_setopt(x->h, CURLOPT_POSTFIELDS, x->form);
    curl_easy_setopt(x->h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(x->h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(x->h, CURLOPT_TIMEOUT, (long)c->o.timeout_s);
    curl_easy_setopt(x->h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(x->h, CURLOPT_ACCEPT_ENCODING, ""); /* gzip: Prometheus answers compress ~10x */
    curl_easy_setopt(x->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(x->h, CURLOPT_PRIVATE, x);
    curl_multi_add_handle(c->multi, x->h);
    x->active = 1;
}

static void describe(const kt_prom_request *r, char *out, size_t n)
{
    char a[32], b[32];
    time_format(r->step ? r->start : r->end, a);
    time_format(r->end, b);
    if (r->step)
        snprintf(out, n, "%s %s..%s", r->what, a, b);
    else
        snprintf(out, n, "%s at %s", r->what, b);
}

/* Judge a finished attempt: 2 an answer to decode, 1 retry, -1 final failure. */
static int finish(kt_prom_client *c, kt_prom_request *r, xfer *x, CURLcode cc, kt_err *err)
{
    char what[256];
    describe(r, what, sizeof what);
    if (x->too_big) {
        size_t mib = x->cap >> 20;
        if (mib)
            kt_fail(err, KT_ERUNTIME, "Prometheus at %s answered %s with more than %zu MiB; shorten --chunk or "
                    "raise --max-answer-mb", c->url, what, mib);
        else
            kt_fail(err, KT_ERUNTIME, "Prometheus at %s answered %s with more than %zu bytes; shorten --chunk",
                    c->url, what, x->cap);
        return -1;
    }
    if (cc != CURLE_OK) {
        if (cc == CURLE_OPERATION_TIMEDOUT)
            kt_fail(err, KT_ERUNTIME, "Prometheus at %s did not answer %s within %d s; raise --timeout or "
                    "shorten --chunk", c->url, what, c->o.timeout_s);
        else if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST)
            kt_fail(err, KT_ERUNTIME, "cannot reach Prometheus at %s: %s (is it running?)", c->url,
                    curl_easy_strerror(cc));
        else
            kt_fail(err, KT_ERUNTIME, "Prometheus at %s, %s: %s", c->url, what, curl_easy_strerror(cc));
        return 1;
    }
    long code = 0;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
    if (code == 200)
        return 2; /* decoded on a decoder thread */
    kt_prom_decode_opts d = {c->o.max_series, c->o.allow_partial};
    kt_err derr = {0};
    int rc = prom_decode(x->body.data ? x->body.data : "", x->body.len, &d, &r->result, &derr);
    if (!rc)
        prom_result_free(&r->result); /* a well-formed answer with a failing HTTP status */
    if (code == 401 || code == 403) {
        kt_fail(err, KT_ERUNTIME, "Prometheus at %s refused %s (HTTP %ld); check --bearer-token-file", c->url,
                what, code);
        return -1;
    }
    if (code >= 400 && code < 500 && code != 429) {
        kt_fail(err, KT_ERUNTIME, "%s: %s", what, derr.msg);
        return -1;
    }
    kt_fail(err, KT_ERUNTIME, "Prometheus at %s, %s: HTTP %ld: %s", c->url, what, code, derr.msg);
    return 1;
}

static void pool_start(pool *p, kt_prom_client *c, kt_prom_request *reqs, xfer *xs, size_t n)
{
    memset(p, 0, sizeof *p);
    p->queue = xcalloc(n ? n : 1, sizeof(size_t));
    p->xs = xs, p->reqs = reqs, p->c = c;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    for (int t = 0; t < DECODERS; t++)
        pthread_create(&p->th[t], NULL, decoder, p);
}

/* Hand a finished transfer's body to the decoders. */
static void pool_push(pool *p, size_t i)
{
    p->xs[i].decoding = 1;
    pthread_mutex_lock(&p->mu);
    p->queue[p->tail++] = i;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/* Count answers the decoders finished; the first that failed fails the run. */
static int pool_collect(pool *p, size_t n, size_t *done, kt_err *err)
{
    int rc = 0;
    pthread_mutex_lock(&p->mu);
    for (size_t i = 0; i < n && !rc; i++) {
        xfer *x = &p->xs[i];
        if (!x->decoding || !x->decoded)
            continue;
        x->decoding = 0;
        if (x->drc) {
            char what[256];
            describe(&p->reqs[i], what, sizeof what);
            rc = kt_fail(err, KT_ERUNTIME, "%s: %s", what, x->derr.msg);
        } else {
            x->done = 1;
            (*done)++;
        }
    }
    pthread_mutex_unlock(&p->mu);
    return rc;
}

/* Stop the decoders: queued answers are dropped (after a failure nothing
 * more is needed), one being decoded is finished. */
static void pool_stop(pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    p->head = p->tail;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (int t = 0; t < DECODERS; t++)
        pthread_join(p->th[t], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->queue);
}

static void free_all(kt_prom_request *reqs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        prom_result_free(&reqs[i].result);
}

int prom_run(kt_prom_client *c, kt_prom_request *reqs, size_t n, kt_err *err)
{
    struct curl_slist *hdrs = curl_slist_append(NULL, "Accept: application/json");
    if (c->auth_header)
        hdrs = curl_slist_append(hdrs, c->auth_header);
    xfer *xs = xcalloc(n ? n : 1, sizeof *xs);
    size_t done = 0;
    int active = 0, rc = 0;
    pool p;
    pool_start(&p, c, reqs, xs, n);
    while (done < n && !rc) {
        double now = kt_mono_s();
        for (size_t i = 0; i < n && active < c->o.concurrency; i++)
            if (!xs[i].active && !xs[i].done && !xs[i].decoding && xs[i].next_try <= now) {
                start_xfer(c, &reqs[i], &xs[i], hdrs);
                active++;
            }
        int running;
        curl_multi_perform(c->multi, &running);
        CURLMsg *m;
        int left;
        while (!rc && (m = curl_multi_info_read(c->multi, &left))) {
            if (m->msg != CURLMSG_DONE)
                continue;
            xfer *x;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            size_t i = (size_t)(x - xs);
            CURLcode cc = m->data.result;
            curl_multi_remove_handle(c->multi, x->h);
            x->active = 0;
            active--;
            int v = finish(c, &reqs[i], x, cc, err);
            if (v == 2) {
                pool_push(&p, i);
            } else if (v > 0 && x->attempt < c->o.retries) {
                double wait = 0.5 * (double)(1 << x->attempt++);
                log_debug("retrying in %.1f s: %s", wait, err->msg);
                x->next_try = kt_mono_s() + wait;
            } else {
                if (v > 0 && x->attempt)
                    kt_wrap(err, "after %d attempts: ", x->attempt + 1);
                rc = -1;
            }
        }
        if (!rc)
            rc = pool_collect(&p, n, &done, err);
        if (!rc && done < n)
            curl_multi_poll(c->multi, NULL, 0, 50, NULL);
    }
    pool_stop(&p);
    for (size_t i = 0; i < n; i++) {
        if (xs[i].h) {
            if (xs[i].active)
                curl_multi_remove_handle(c->multi, xs[i].h);
            curl_easy_cleanup(xs[i].h);
        }
        buf_free(&xs[i].body);
        free(xs[i].form);
    }
    free(xs);
    curl_slist_free_all(hdrs);
    if (rc)
        free_all(reqs, n);
    return rc;
}
