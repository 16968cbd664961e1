/* cluster.c — one cluster's collector thread: the loop that turns the
 * watcher, publishes its counters and flushes the meter; see cluster.h. */
#include "collector/cluster_int.h"

#include <assert.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h" /* xcalloc */
#include "util/clock.h"
#include "util/json_arena.h"
#include "util/log.h"

/* ---- watcher hooks (called on the cluster's thread) ------------------ */

void cluster_note_error(kt_cluster *c, const char *msg, int log)
{
    assert(c && msg);
    size_t n = strnlen(msg, sizeof c->health.last_error - 1); /* truncation is fine: it is a summary */
    pthread_mutex_lock(&c->lock);
    memcpy(c->health.last_error, msg, n);
    c->health.last_error[n] = 0;
    c->health.errors++;
    pthread_mutex_unlock(&c->lock);
    if (log)
        log_warn("cluster %s: %s", c->t->name, msg);
}

static void on_error(void *ud, const char *msg, int log) { cluster_note_error(ud, msg, log); }

static void on_contact(void *ud, int64_t now)
{
    kt_cluster *c = ud;
    pthread_mutex_lock(&c->lock);
    c->health.last_contact = now;
    pthread_mutex_unlock(&c->lock);
}

static void on_usage(void *ud, const kt_usage_sample *s, size_t n)
{
    kt_cluster *c = ud;
    meter_usage(c->meter, s, n);
}

/* Kubelet stats beyond container usage: pods' network counters and
 * claims' used bytes. */
static void on_kubelet(void *ud, const kt_net_sample *net, size_t n_net, const kt_volume_sample *vol, size_t n_vol)
{
    kt_cluster *c = ud;
    meter_pod_network(c->meter, net, n_net);
    meter_volume_stats(c->meter, vol, n_vol);
}

static void on_version(void *ud, const char *body, size_t len)
{
    kt_cluster *c = ud;
    posture_keep_set_version(c->keep, body, len);
    pthread_mutex_lock(&c->lock);
    c->posture_version = 1;
    pthread_mutex_unlock(&c->lock);
}

/* The watcher's sink: the meter's, and the posture state beside it. */
static void sink_upsert(void *ctx, const kt_object *o, int64_t now)
{
    kt_cluster *c = ctx;
    c->meter_sink.on_upsert(c->meter_sink.ctx, o, now);
    posture_keep_upsert(c->keep, o);
}

static void sink_delete(void *ctx, const kt_object *o, int64_t now)
{
    kt_cluster *c = ctx;
    c->meter_sink.on_delete(c->meter_sink.ctx, o, now);
    posture_keep_delete(c->keep, o);
}

static void sink_resync(void *ctx, enum kt_kind kind, int64_t now)
{
    kt_cluster *c = ctx;
    c->meter_sink.on_resync(c->meter_sink.ctx, kind, now);
    posture_keep_resync(c->keep, kind);
}

/* ---- the loop -------------------------------------------------------- */

int cluster_stopping(kt_cluster *c)
{
    pthread_mutex_lock(&c->lock);
    int s = c->stop;
    pthread_mutex_unlock(&c->lock);
    return s;
}

static void publish_counts(kt_cluster *c)
{
    kt_watch_stats ws;
    watcher_stats(c->watcher, &ws);
    if (ws.synced && !c->health.synced) { /* c->health.synced is only written by this thread */
        kt_meter_counts mc;
        meter_counts(c->meter, &mc);
        log_info("cluster %s: synced in %.2f s (%ld nodes, %ld pods)", c->t->name,
                 (double)(kt_mono_ms() - c->started_ms) / 1000.0, mc.nodes, mc.pods);
        malloc_trim(0); /* the list pages' parse trees are gone: give their pages back */
    }
    pthread_mutex_lock(&c->lock);
    c->health.watch_restarts = ws.restarts, c->health.relists = ws.relists, c->health.events = ws.events;
    c->health.synced = ws.synced;
    c->health.usage = ws.usage;
    c->health.posture_bytes = c->keep ? posture_keep_bytes(c->keep) : 0;
    pthread_mutex_unlock(&c->lock);
}

static void loop(kt_cluster *c)
{
    while (!cluster_stopping(c)) {
        int64_t now_ms = kt_mono_ms();
        watcher_turn(c->watcher);
        publish_counts(c);
        cluster_posture_serve(c);
        if (now_ms >= c->flush_next_ms) {
            cluster_flush(c, (int64_t)time(NULL));
            c->flush_next_ms = kt_mono_ms() + (int64_t)c->o.flush_interval * 1000;
        }
        watcher_wait(c->watcher);
    }
}

/* The meter is made here, not in cluster_start, because where metering
 * resumes is read from the store, and a slow or broken store must hold up
 * only this cluster's thread. */
static void *thread_main(void *arg)
{
    kt_cluster *c = arg;
    c->started_ms = kt_mono_ms();
    if (cluster_start_meter(c, (int64_t)time(NULL)))
        return NULL;
    c->meter_sink = meter_sink(c->meter);
    if (c->keep)
        watcher_set_sink(c->watcher, (kt_kube_sink){c, sink_upsert, sink_delete, sink_resync});
    else
        watcher_set_sink(c->watcher, c->meter_sink);
    c->flush_next_ms = kt_mono_ms() + (int64_t)c->o.flush_interval * 1000;
    loop(c);
    cluster_flush(c, (int64_t)time(NULL));
    json_arena_release(); /* a list stopped half-way leaves its page arena */
    return NULL;
}

/* ---- lifecycle ------------------------------------------------------- */

int cluster_start(kt_kube_target *t, const kt_cluster_opts *o, kt_cluster **out, kt_err *err)
{
    assert(t && o && out);
    kt_cluster *c = xcalloc(1, sizeof *c);
    c->t = t;
    c->o = *o;
    if (c->o.flush_interval <= 0)
        c->o.flush_interval = 60;
    pthread_mutex_init(&c->lock, NULL);
    snprintf(c->health.name, sizeof c->health.name, "%s", t->name);
    pthread_cond_init(&c->posture_cv, NULL);
    strtab_init(&c->strs);
    if (c->o.watch.posture)
        c->keep = posture_keep_new(&c->strs);
    /* made before the thread so cluster_stop can always wake it */
    kt_watch_hooks h = {.on_usage = on_usage, .on_kubelet = on_kubelet, .on_error = on_error, .on_contact = on_contact,
                        .on_version = c->keep ? on_version : NULL, .ud = c};
    c->watcher = watcher_new(t, &c->o.watch, &c->strs, &h);
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
    pthread_cond_broadcast(&c->posture_cv); /* a cluster_posture waiting gives up */
    pthread_mutex_unlock(&c->lock);
    watcher_wakeup(c->watcher);
    if (c->started)
        pthread_join(c->thread, NULL);
    watcher_free(c->watcher);
    meter_free(c->meter);
    posture_keep_free(c->keep);
    for (int i = 0; i < KT_POSTURE_PARTS; i++)
        json_decref(c->posture_lists[i]);
    strtab_free(&c->strs);
    store_close(c->store);
    spool_close(c->spool);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->posture_cv);
    free(c);
}

void cluster_health(kt_cluster *c, kt_cluster_health *h)
{
    assert(c && h);
    pthread_mutex_lock(&c->lock);
    *h = c->health;
    pthread_mutex_unlock(&c->lock);
}
