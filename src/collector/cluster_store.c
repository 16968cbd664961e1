/* cluster_store.c — a cluster thread's store side: restart marks (from the store,
 * or from the spool while the database is away), meter
 * flushes, contact and error records; see cluster_int.h. */
#include "collector/cluster_int.h"

#include <assert.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "util/log.h"

static int open_store(kt_cluster *c)
{
    kt_err err = {0};
    if (c->store)
        return 0;
    if (store_open(c->o.db, KT_STORE_CREATE, &c->store, &err)) {
        cluster_note_error(c, err.msg, 1);
        c->store = NULL;
        return -1;
    }
    return 0;
}

static void read_marks(kt_cluster *c, kt_store *s, int64_t *since, int64_t *resume)
{
    char key[200], v[64];
    snprintf(key, sizeof key, "live_since:%s", c->t->name);
    if (store_get_meta(s, key, v, sizeof v, NULL) == 1 && atoll(v) > 0)
        *since = atoll(v);
    snprintf(key, sizeof key, "live_flush:%s", c->t->name); /* written by meter_flush */
    if (store_get_meta(s, key, v, sizeof v, NULL) == 1)
        *resume = atoll(v);
}

/* Sleep up to ms, waking early when asked to stop. */
static void nap(kt_cluster *c, int ms)
{
    for (int i = 0; i < ms / 100 && !cluster_stopping(c); i++) {
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

/* Where the marks come from: the store once the spool is in it; else,
 * with a spool, a replica of the spool, or (empty spool) the store when
 * it returns (cluster.h). */
static kt_store *marks_source(kt_cluster *c, kt_store **replica)
{
    *replica = NULL;
    for (int warned = 0;; warned = 1) {
        if (!open_store(c) && !cluster_spool_replay(c))
            return c->store;
        if (!c->spool)
            return NULL;
        if ((*replica = cluster_spool_replica(c)))
            return *replica;
        if (!warned)
            log_warn("cluster %s: waiting for the database to learn where metering resumes", c->t->name);
        nap(c, 5000);
        if (cluster_stopping(c))
            return NULL;
    }
}

int cluster_start_meter(kt_cluster *c, int64_t now)
{
    assert(c && !c->meter);
    int64_t since = now, resume = 0;
    kt_store *replica;
    cluster_spool_open(c);
    kt_store *from = marks_source(c, &replica);
    if (!from && c->spool)
        return -1; /* stopped while waiting */
    if (from)
        read_marks(c, from, &since, &resume);
    kt_meter_opts mo = {c->t->name, c->o.pricing, since, resume};
    c->meter = meter_new(&mo, &c->strs);
    kt_err err = {0};
    if (from && meter_load_resumed_hour(c->meter, from, &err))
        cluster_note_error(c, err.msg, 1);
    if (replica)
        cluster_spool_replica_drop(c, replica);
    return 0;
}

/* Record contact and error after a flush (one small transaction).  A
 * healthy watcher clears the last error: it is about the past. */
static int record_contact(kt_cluster *c, kt_err *err)
{
    int64_t id;
    int ok = watcher_healthy(c->watcher); /* the watcher is this thread's: no lock needed to read it */
    pthread_mutex_lock(&c->lock);
    int64_t contact = c->health.last_contact;
    char last_error[256];
    if (ok)
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

/* One flush at a time in a process watching many clusters.  A flush is
 * short next to the interval, but its transient memory is not: the store's
 * commit settles and rewrites the day's rows (SQLite: the whole day, every
 * cluster, and its day file), and ten clusters flushing at once held ten
 * copies of them (bench/serve_fleet.py: 10 × 5,000 pods).  After each, the
 * freed heap goes back to the system (every thread's arena keeps its own). */
static pthread_mutex_t flush_one = PTHREAD_MUTEX_INITIALIZER;
static void flush_locked(kt_cluster *c, int64_t now);

void cluster_flush(kt_cluster *c, int64_t now)
{
    assert(c && c->meter && c->watcher);
    pthread_mutex_lock(&flush_one);
    flush_locked(c, now);
    malloc_trim(0);
    pthread_mutex_unlock(&flush_one);
}

static void flush_locked(kt_cluster *c, int64_t now)
{
    kt_err err = {0};
    /* nothing reaches the store before what is spooled: a spooled hour
     * replayed after a newer write of it would replace it with less */
    int db = !open_store(c) && !cluster_spool_replay(c);
    if (db && !meter_flush(c->meter, c->store, now, &err)) {
        if (c->spooling)
            log_info("cluster %s: the database is back; flushes go to it again", c->t->name);
        c->spooling = 0;
        if (record_contact(c, &err)) {
            cluster_note_error(c, err.msg, 1);
            return;
        }
        kt_meter_counts mc;
        meter_counts(c->meter, &mc);
        pthread_mutex_lock(&c->lock);
        c->health.last_flush = now;
        c->health.nodes = mc.nodes, c->health.pods = mc.pods;
        c->health.meter_bytes = mc.bytes;
        pthread_mutex_unlock(&c->lock);
        return;
    }
    if (db)
        cluster_note_error(c, err.msg, 1);
    if (c->spool)
        cluster_spool_flush(c, now);
}
