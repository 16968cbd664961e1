/* watcher.c — one cluster's streams and usage poller on one curl multi
 * handle; see watcher.h. */
#include "kube/watcher.h"

#include <assert.h>
#include <stdlib.h>

#include "kube/decode.h"
#include "kube/kubelet.h"
#include "kube/stream.h"
#include "kube/usage.h"
#include "util/clock.h"
#include "util/log.h"

enum { USAGE_UNKNOWN, USAGE_YES, USAGE_NO };

struct kt_watcher {
    kt_kube_target *t;
    kt_watch_opts o;
    kt_watch_hooks h;
    kt_strtab *strs;
    kt_decoder *dec;
    CURLM *multi;
    kt_stream_env env;
    kt_stream streams[K_ALL_KINDS];
    int n_kinds;                    /* K_KIND_COUNT, or K_ALL_KINDS with posture */
    CURL *uh;                       /* usage request in flight */
    struct curl_slist *uhdr;
    kt_buf ubody;
    int usage_state;
    int64_t usage_next_ms;
    kt_kubelet *kl;                 /* kubelet_stats: the Summary API poller, else NULL */
    CURL *vh;                       /* posture: /version request in flight */
    struct curl_slist *vhdr;
    kt_buf vbody;
    int64_t version_next_ms;
};

static void defaults(kt_watch_opts *o)
{
    if (!o->usage_interval) o->usage_interval = 30;
    if (o->request_timeout <= 0) o->request_timeout = 60;
    if (o->connect_timeout <= 0) o->connect_timeout = 10;
    if (o->watch_timeout <= 0) o->watch_timeout = 300;
    if (o->stall_timeout <= 0) o->stall_timeout = o->watch_timeout + 60;
    if (o->page_size <= 0) o->page_size = 500;
}

/* ---- the kubelet poller: it learns the nodes from the node stream ----- */

static void kl_upsert(void *ctx, const kt_object *o, int64_t now)
{
    kt_watcher *w = ctx;
    if (o->kind == K_NODE)
        kubelet_node_seen(w->kl, o->u.node.name);
    w->h.sink.on_upsert(w->h.sink.ctx, o, now);
}

static void kl_delete(void *ctx, const kt_object *o, int64_t now)
{
    kt_watcher *w = ctx;
    if (o->kind == K_NODE)
        kubelet_node_gone(w->kl, o->u.node.name);
    w->h.sink.on_delete(w->h.sink.ctx, o, now);
}

static void kl_resync(void *ctx, enum kt_kind kind, int64_t now)
{
    kt_watcher *w = ctx;
    if (kind == K_NODE)
        kubelet_nodes_listed(w->kl);
    w->h.sink.on_resync(w->h.sink.ctx, kind, now);
}

static void kl_report(void *ud, const kt_kubelet_batch *b)
{
    kt_watcher *w = ud;
    w->h.on_usage(w->h.ud, b->usage.s, b->usage.n);
    if (w->h.on_kubelet)
        w->h.on_kubelet(w->h.ud, b->net, b->n_net, b->vol, b->n_vol);
}

static void kubelet_start(kt_watcher *w)
{
    kt_kubelet_opts ko = {w->o.usage_interval, w->o.request_timeout, w->o.connect_timeout, kl_report, w};
    w->kl = kubelet_new(w->t, &ko, w->strs);
    w->env.sink = (kt_kube_sink){w, kl_upsert, kl_delete, kl_resync}; /* forwards to w->h.sink */
}

kt_watcher *watcher_new(kt_kube_target *t, const kt_watch_opts *o, kt_strtab *strs, const kt_watch_hooks *h)
{
    assert(t && o && strs && h);
    assert(h->on_usage && h->on_error && h->on_contact);
    kt_watcher *w = xcalloc(1, sizeof *w);
    w->t = t;
    w->o = *o;
    defaults(&w->o);
    w->h = *h;
    w->strs = strs;
    w->dec = kube_decoder_new(strs);
    kube_decoder_keep_posture(w->dec, w->o.posture);
    w->multi = curl_multi_init();
    /* the streams report errors and contact straight to the caller's hooks */
    w->env = (kt_stream_env){.target = t, .decoder = w->dec, .sink = h->sink, .page_size = w->o.page_size,
                             .watch_timeout = w->o.watch_timeout, .request_timeout = w->o.request_timeout,
                             .connect_timeout = w->o.connect_timeout, .stall_timeout = w->o.stall_timeout,
                             .error = h->on_error, .contact = h->on_contact, .ud = h->ud};
    w->n_kinds = w->o.posture ? K_ALL_KINDS : K_KIND_COUNT;
    for (int k = 0; k < w->n_kinds; k++)
        stream_init(&w->streams[k], (enum kt_kind)k, &w->env);
    if (w->o.kubelet_stats && w->o.usage_interval > 0)
        kubelet_start(w);
    return w;
}

void watcher_set_sink(kt_watcher *w, kt_kube_sink sink)
{
    assert(w && sink.on_upsert && sink.on_delete && sink.on_resync);
    w->h.sink = sink;
    if (!w->kl)
        w->env.sink = sink; /* the streams read it through their env pointer */
}

void watcher_free(kt_watcher *w)
{
    if (!w)
        return;
    for (int k = 0; k < w->n_kinds; k++)
        stream_free(&w->streams[k], w->multi);
    kubelet_free(w->kl, w->multi);
    if (w->vh) {
        curl_multi_remove_handle(w->multi, w->vh);
        curl_easy_cleanup(w->vh);
    }
    curl_slist_free_all(w->vhdr);
    buf_free(&w->vbody);
    if (w->uh) {
        curl_multi_remove_handle(w->multi, w->uh);
        curl_easy_cleanup(w->uh);
    }
    curl_slist_free_all(w->uhdr);
    buf_free(&w->ubody);
    curl_multi_cleanup(w->multi);
    kube_decoder_free(w->dec);
    free(w);
}

/* ---- usage ----------------------------------------------------------- */

static void usage_start(kt_watcher *w, int64_t now_ms)
{
    if (w->kl) {
        kubelet_poll(w->kl, w->multi, now_ms);
        return;
    }
    if (w->uh || w->o.usage_interval < 0 || now_ms < w->usage_next_ms)
        return;
    kt_err err = {0};
    buf_reset(&w->ubody);
    w->uh = kube_request(w->t, "/apis/metrics.k8s.io/v1beta1/pods", kube_write_buf, &w->ubody, &w->uhdr,
                         w->o.request_timeout, w->o.connect_timeout, &err);
    if (!w->uh) { /* credentials failed: the streams report that, so just try later */
        w->usage_next_ms = now_ms + (int64_t)w->o.usage_interval * 1000;
        return;
    }
    curl_multi_add_handle(w->multi, w->uh);
}

/* A finished one-off request (usage, /version): its HTTP status, the
 * handle and headers freed. */
static long end_request(kt_watcher *w, CURL **h, struct curl_slist **hdr)
{
    long code = 0;
    curl_easy_getinfo(*h, CURLINFO_RESPONSE_CODE, &code);
    curl_multi_remove_handle(w->multi, *h);
    curl_easy_cleanup(*h);
    curl_slist_free_all(*hdr);
    *h = NULL, *hdr = NULL;
    return code;
}

static void usage_done(kt_watcher *w, CURLcode rc, int64_t now_ms)
{
    long code = end_request(w, &w->uh, &w->uhdr);
    w->usage_next_ms = now_ms + (int64_t)w->o.usage_interval * 1000;
    json_t *j = rc == CURLE_OK && code == 200 ? json_loadb(w->ubody.data ? w->ubody.data : "", w->ubody.len, 0, NULL)
                                              : NULL;
    kt_usage_batch b = {0};
    if (j && !kube_usage_decode(j, w->strs, &b)) {
        if (w->usage_state != USAGE_YES)
            log_info("cluster %s: usage from metrics.k8s.io", w->t->name);
        w->usage_state = USAGE_YES;
        w->h.on_usage(w->h.ud, b.s, b.n);
    } else if (code == 404 || code == 403 || code == 503) {
        if (w->usage_state != USAGE_NO)
            log_info("cluster %s: metrics.k8s.io not served (HTTP %ld): costing by requests only", w->t->name, code);
        w->usage_state = USAGE_NO;
        w->usage_next_ms = now_ms + 600 * 1000; /* look again in 10 minutes */
    }
    kube_usage_free(&b);
    json_decref(j);
    buf_reset(&w->ubody);
}

/* ---- /version (posture) ---------------------------------------------- */

/* The cluster's version, for the health checks' skew and end-of-life
 * findings: asked at start and every 10 minutes (an upgrade is rare, and
 * restarts the API server, which the watches notice anyway). */
static void version_start(kt_watcher *w, int64_t now_ms)
{
    if (!w->o.posture || w->vh || now_ms < w->version_next_ms)
        return;
    kt_err err = {0};
    buf_reset(&w->vbody);
    w->version_next_ms = now_ms + 600 * 1000;
    w->vh = kube_request(w->t, "/version", kube_write_buf, &w->vbody, &w->vhdr, w->o.request_timeout,
                         w->o.connect_timeout, &err);
    if (w->vh)
        curl_multi_add_handle(w->multi, w->vh);
}

static void version_done(kt_watcher *w, CURLcode rc, int64_t now_ms)
{
    long code = end_request(w, &w->vh, &w->vhdr);
    if (rc != CURLE_OK || !code) /* not reached: ask again soon */
        w->version_next_ms = now_ms + 5000;
    else if (w->h.on_version)
        w->h.on_version(w->h.ud, code == 200 ? w->vbody.data : NULL, code == 200 ? w->vbody.len : 0);
    buf_free(&w->vbody);
}

/* ---- the turn -------------------------------------------------------- */

static void dispatch(kt_watcher *w, int64_t now_ms)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(w->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        if (w->kl && kubelet_done(w->kl, w->multi, m->easy_handle, m->data.result, now_ms))
            continue;
        if (m->easy_handle == w->uh) {
            usage_done(w, m->data.result, now_ms);
            continue;
        }
        if (m->easy_handle == w->vh) {
            version_done(w, m->data.result, now_ms);
            continue;
        }
        kt_stream *s = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
        if (s)
            stream_done(s, w->multi, m->data.result, now_ms);
    }
}

void watcher_turn(kt_watcher *w)
{
    assert(w && w->env.sink.on_upsert); /* watcher_set_sink (or the hooks) gave a sink */
    int64_t now_ms = kt_mono_ms();
    for (int k = 0; k < w->n_kinds; k++) {
        stream_check_stall(&w->streams[k], w->multi, now_ms);
        stream_poll(&w->streams[k], w->multi, now_ms);
    }
    usage_start(w, now_ms);
    version_start(w, now_ms);
    int running;
    curl_multi_perform(w->multi, &running);
    dispatch(w, kt_mono_ms());
}

/* How long to sleep: until the next stream may start (a page just
 * finished, a backoff ends), at most 250 ms so stop requests, stalls and
 * the caller's timers are noticed.  Sleeping a fixed 250 ms after every
 * finished page would cap a list at 4 pages a second. */
static int poll_ms(const kt_watcher *w, int64_t now_ms)
{
    int64_t wait = 250;
    for (int k = 0; k < w->n_kinds; k++) {
        const kt_stream *s = &w->streams[k];
        if (s->h)
            continue;
        int64_t due = s->state == ST_WAIT ? s->wait_until_ms - now_ms : 0;
        if (due < wait)
            wait = due < 0 ? 0 : due;
    }
    if (w->kl) {
        int64_t due = kubelet_due_in(w->kl, now_ms);
        if (due < wait)
            wait = due;
    }
    return (int)wait;
}

void watcher_wait(kt_watcher *w)
{
    assert(w);
    curl_multi_poll(w->multi, NULL, 0, poll_ms(w, kt_mono_ms()), NULL);
}

void watcher_wakeup(kt_watcher *w)
{
    assert(w);
    curl_multi_wakeup(w->multi); /* thread-safe by libcurl's contract */
}

/* ---- state ----------------------------------------------------------- */

int watcher_healthy(const kt_watcher *w)
{
    assert(w);
    for (int k = 0; k < w->n_kinds; k++)
        if (!w->streams[k].listed || (w->streams[k].state == ST_WAIT && !w->streams[k].skipped)) {
            log_debug("cluster %s: %s not healthy (%s)", w->t->name, kube_kind_name((enum kt_kind)k),
                      w->streams[k].listed ? "waiting to retry" : "never listed");
            return 0;
        }
    return 1;
}

void watcher_stats(const kt_watcher *w, kt_watch_stats *s)
{
    assert(w && s);
    *s = (kt_watch_stats){.synced = 1, .usage = w->kl ? kubelet_answering(w->kl) : w->usage_state == USAGE_YES};
    for (int k = 0; k < w->n_kinds; k++) {
        const kt_stream *st = &w->streams[k];
        s->restarts += st->restarts, s->relists += st->relists, s->events += st->events;
        s->synced &= st->listed;
    }
}
