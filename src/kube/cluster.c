/* cluster.c — one cluster's watcher thread; see cluster.h. */
#include "kube/cluster.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kube/stream.h"
#include "kube/usage.h"
#include "meter/meter.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/log.h"

enum { USAGE_UNKNOWN, USAGE_YES, USAGE_NO };

struct kt_cluster {
    kt_kube_target *t;
    kt_cluster_opts o;
    pthread_t thread;
    pthread_mutex_t lock;          /* guards stop and health */
    int stop, started;
    kt_cluster_health health;
    /* owned by the thread */
    kt_strtab strs;
    kt_decoder *dec;
    kt_meter *meter;
    kt_store *store;
    CURLM *multi;
    kt_stream_env env;
    kt_stream streams[K_KIND_COUNT];
    CURL *uh;                       /* usage request in flight */
    struct curl_slist *uhdr;
    kt_buf ubody;
    int usage_state;
    int64_t usage_next_ms, flush_next_ms;
    int64_t started_ms;             /* for the time-to-sync log line */
};

static void on_error(void *ud, const char *msg, int log)
{
    kt_cluster *c = ud;
    size_t n = strnlen(msg, sizeof c->health.last_error - 1); /* truncation is fine: it is a summary */
    pthread_mutex_lock(&c->lock);
    memcpy(c->health.last_error, msg, n);
    c->health.last_error[n] = 0;
    c->health.errors++;
    pthread_mutex_unlock(&c->lock);
    if (log)
        log_warn("cluster %s: %s", c->t->name, msg);
}

static void on_contact(void *ud, int64_t now)
{
    kt_cluster *c = ud;
    pthread_mutex_lock(&c->lock);
    c->health.last_contact = now;
    pthread_mutex_unlock(&c->lock);
}

static int stopping(kt_cluster *c)
{
    pthread_mutex_lock(&c->lock);
    int s = c->stop;
    pthread_mutex_unlock(&c->lock);
    return s;
}

/* ---- store ----------------------------------------------------------- */

static int open_store(kt_cluster *c)
{
    kt_err err = {0};
    if (c->store)
        return 0;
    if (store_open(c->o.db, KT_STORE_CREATE, &c->store, &err)) {
        on_error(c, err.msg, 1);
        c->store = NULL;
        return -1;
    }
    return 0;
}

/* Where metering of this cluster stands: since it began, and the last
 * flush of an earlier process (meter.h's restart rule). */
static void metering_marks(kt_cluster *c, int64_t now, int64_t *since, int64_t *resume)
{
    char key[200], v[64];
    *since = now, *resume = 0;
    if (open_store(c))
        return;
    snprintf(key, sizeof key, "live_since:%s", c->t->name);
    if (store_get_meta(c->store, key, v, sizeof v, NULL) == 1 && atoll(v) > 0)
        *since = atoll(v);
    snprintf(key, sizeof key, "live_flush:%s", c->t->name); /* written by meter_flush */
    if (store_get_meta(c->store, key, v, sizeof v, NULL) == 1)
        *resume = atoll(v);
}

static int healthy(kt_cluster *c)
{
    for (int k = 0; k < K_KIND_COUNT; k++)
        if (!c->streams[k].listed || c->streams[k].state == ST_WAIT) {
            log_debug("cluster %s: %s not healthy (%s)", c->t->name, kube_kind_name((enum kt_kind)k),
                      c->streams[k].listed ? "waiting to retry" : "never listed");
            return 0;
        }
    return 1;
}

/* Record contact and error after a flush (one small transaction). */
static int record_contact(kt_cluster *c, kt_err *err)
{
    int64_t id;
    pthread_mutex_lock(&c->lock);
    int64_t contact = c->health.last_contact;
    char last_error[256];
    if (healthy(c))
        c->health.last_error[0] = 0;
    snprintf(last_error, sizeof last_error, "%s", c->health.last_error);
    pthread_mutex_unlock(&c->lock);
    kt_cluster_rec r = {c->t->name, "", "", "", "kube"};
    if (store_begin(c->store, err))
        return -1;
    if (store_put_cluster(c->store, &r, &id, err) || store_set_cluster_contact(c->store, id, contact, last_error, err) ||
        store_commit(c->store, err)) {
        store_rollback(c->store);
        return -1;
    }
    return 0;
}

static void flush(kt_cluster *c, int64_t now)
{
    kt_err err = {0};
    if (open_store(c))
        return;
    if (meter_flush(c->meter, c->store, now, &err) || record_contact(c, &err)) {
        on_error(c, err.msg, 1);
        return;
    }
    kt_meter_counts mc;
    meter_counts(c->meter, &mc);
    pthread_mutex_lock(&c->lock);
    c->health.last_flush = now;
    c->health.nodes = mc.nodes, c->health.pods = mc.pods;
    c->health.meter_bytes = mc.bytes;
    pthread_mutex_unlock(&c->lock);
}

/* ---- usage ----------------------------------------------------------- */

static void usage_start(kt_cluster *c, int64_t now_ms)
{
    if (c->uh || c->o.usage_interval < 0 || now_ms < c->usage_next_ms)
        return;
    kt_err err = {0};
    buf_reset(&c->ubody);
    c->uh = kube_request(c->t, "/apis/metrics.k8s.io/v1beta1/pods", kube_write_buf, &c->ubody, &c->uhdr,
                         c->o.request_timeout, c->o.connect_timeout, &err);
    if (!c->uh) {
        c->usage_next_ms = now_ms + (int64_t)c->o.usage_interval * 1000;
        return;
    }
    curl_multi_add_handle(c->multi, c->uh);
}

static void usage_done(kt_cluster *c, CURLcode rc, int64_t now_ms)
{
    long code = 0;
    curl_easy_getinfo(c->uh, CURLINFO_RESPONSE_CODE, &code);
    curl_multi_remove_handle(c->multi, c->uh);
    curl_easy_cleanup(c->uh);
    curl_slist_free_all(c->uhdr);
    c->uh = NULL, c->uhdr = NULL;
    c->usage_next_ms = now_ms + (int64_t)c->o.usage_interval * 1000;
    json_t *j = rc == CURLE_OK && code == 200 ? json_loadb(c->ubody.data ? c->ubody.data : "", c->ubody.len, 0, NULL)
                                              : NULL;
    kt_usage_batch b = {0};
    if (j && !kube_usage_decode(j, &c->strs, &b)) {
        if (c->usage_state != USAGE_YES)
            log_info("cluster %s: usage from metrics.k8s.io", c->t->name);
        c->usage_state = USAGE_YES;
        meter_usage(c->meter, b.s, b.n);
    } else if (code == 404 || code == 403 || code == 503) {
        if (c->usage_state != USAGE_NO)
            log_info("cluster %s: metrics.k8s.io not served (HTTP %ld): costing by requests only", c->t->name, code);
        c->usage_state = USAGE_NO;
        c->usage_next_ms = now_ms + 600 * 1000; /* look again in 10 minutes */
    }
    kube_usage_free(&b);
    json_decref(j);
    buf_reset(&c->ubody);
    pthread_mutex_lock(&c->lock);
    c->health.usage = c->usage_state == USAGE_YES;
    pthread_mutex_unlock(&c->lock);
}

/* ---- the loop -------------------------------------------------------- */

static void dispatch(kt_cluster *c, int64_t now_ms)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(c->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        if (m->easy_handle == c->uh) {
            usage_done(c, m->data.result, now_ms);
            continue;
        }
        kt_stream *s = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
        if (s)
            stream_done(s, c->multi, m->data.result, now_ms);
    }
}

static void publish_stream_counts(kt_cluster *c)
{
    long restarts = 0, relists = 0, events = 0;
    int synced = 1;
    for (int k = 0; k < K_KIND_COUNT; k++) {
        restarts += c->streams[k].restarts, relists += c->streams[k].relists, events += c->streams[k].events;
        synced &= c->streams[k].listed;
    }
    if (synced && !c->health.synced) { /* c->health.synced is only written by this thread */
        kt_meter_counts mc;
        meter_counts(c->meter, &mc);
        log_info("cluster %s: synced in %.2f s (%ld nodes, %ld pods)", c->t->name,
                 (double)(kt_mono_ms() - c->started_ms) / 1000.0, mc.nodes, mc.pods);
    }
    pthread_mutex_lock(&c->lock);
    c->health.watch_restarts = restarts, c->health.relists = relists, c->health.events = events;
    c->health.synced = synced;
    pthread_mutex_unlock(&c->lock);
}

/* How long the loop may sleep: until the next stream may start (a page
 * just finished, a backoff ends), at most 250 ms so stop requests, stalls
 * and flushes are noticed.  Sleeping a fixed 250 ms after every finished
 * page would cap a list at 4 pages a second. */
static int poll_ms(kt_cluster *c, int64_t now_ms)
{
    int64_t wait = 250;
    for (int k = 0; k < K_KIND_COUNT; k++) {
        const kt_stream *s = &c->streams[k];
        if (s->h)
            continue;
        int64_t due = s->state == ST_WAIT ? s->wait_until_ms - now_ms : 0;
        if (due < wait)
            wait = due < 0 ? 0 : due;
    }
    return (int)wait;
}

static void loop(kt_cluster *c)
{
    while (!stopping(c)) {
        int64_t now_ms = kt_mono_ms();
        for (int k = 0; k < K_KIND_COUNT; k++) {
            stream_check_stall(&c->streams[k], c->multi, now_ms);
            stream_poll(&c->streams[k], c->multi, now_ms);
        }
        usage_start(c, now_ms);
        int running;
        curl_multi_perform(c->multi, &running);
        dispatch(c, kt_mono_ms());
        publish_stream_counts(c);
        if (now_ms >= c->flush_next_ms) {
            flush(c, (int64_t)time(NULL));
            c->flush_next_ms = kt_mono_ms() + (int64_t)c->o.flush_interval * 1000;
        }
        curl_multi_poll(c->multi, NULL, 0, poll_ms(c, kt_mono_ms()), NULL);
    }
}

static void *thread_main(void *arg)
{
    kt_cluster *c = arg;
    int64_t since, resume, now = (int64_t)time(NULL);
    c->started_ms = kt_mono_ms();
    metering_marks(c, now, &since, &resume);
    kt_meter_opts mo = {c->t->name, c->o.pricing, since, resume};
    c->meter = meter_new(&mo, &c->strs);
    c->env.sink = meter_sink(c->meter);
    c->flush_next_ms = kt_mono_ms() + (int64_t)c->o.flush_interval * 1000;
    loop(c);
    flush(c, (int64_t)time(NULL));
    return NULL;
}

static void defaults(kt_cluster_opts *o)
{
    if (o->flush_interval <= 0) o->flush_interval = 60;
    if (!o->usage_interval) o->usage_interval = 30;
    if (o->request_timeout <= 0) o->request_timeout = 60;
    if (o->connect_timeout <= 0) o->connect_timeout = 10;
    if (o->watch_timeout <= 0) o->watch_timeout = 300;
    if (o->stall_timeout <= 0) o->stall_timeout = o->watch_timeout + 60;
    if (o->page_size <= 0) o->page_size = 500;
}

int cluster_start(kt_kube_target *t, const kt_cluster_opts *o, kt_cluster **out, kt_err *err)
{
    kt_cluster *c = xcalloc(1, sizeof *c);
    c->t = t;
    c->o = *o;
    defaults(&c->o);
    pthread_mutex_init(&c->lock, NULL);
    snprintf(c->health.name, sizeof c->health.name, "%s", t->name);
    strtab_init(&c->strs);
    c->dec = kube_decoder_new(&c->strs);
    c->multi = curl_multi_init();
    c->env = (kt_stream_env){.target = t, .decoder = c->dec, .page_size = c->o.page_size,
                             .watch_timeout = c->o.watch_timeout, .request_timeout = c->o.request_timeout,
                             .connect_timeout = c->o.connect_timeout, .stall_timeout = c->o.stall_timeout,
                             .error = on_error, .contact = on_contact, .ud = c};
    for (int k = 0; k < K_KIND_COUNT; k++)
        stream_init(&c->streams[k], (enum kt_kind)k, &c->env);
    if (pthread_create(&c->thread, NULL, thread_main, c)) {
        cluster_stop(c);
        return kt_fail(err, KT_ERUNTIME, "cluster %s: cannot start its thread", t->name);
    }
    c->started = 1;
    *out = c;
    return 0;
}

void cluster_stop(kt_cluster *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stop = 1;
    pthread_mutex_unlock(&c->lock);
    curl_multi_wakeup(c->multi);
    if (c->started)
        pthread_join(c->thread, NULL);
    for (int k = 0; k < K_KIND_COUNT; k++)
        stream_free(&c->streams[k], c->multi);
    if (c->uh) {
        curl_multi_remove_handle(c->multi, c->uh);
        curl_easy_cleanup(c->uh);
    }
    curl_slist_free_all(c->uhdr);
    buf_free(&c->ubody);
    curl_multi_cleanup(c->multi);
    meter_free(c->meter);
    kube_decoder_free(c->dec);
    strtab_free(&c->strs);
    store_close(c->store);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

void cluster_health(kt_cluster *c, kt_cluster_health *h)
{
    pthread_mutex_lock(&c->lock);
    *h = c->health;
    pthread_mutex_unlock(&c->lock);
}
