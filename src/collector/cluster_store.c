/* cluster_store.c — a cluster thread's store side: restart marks, meter
 * flushes, contact and error records; see cluster_int.h. */
#include "collector/cluster_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

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

void cluster_metering_marks(kt_cluster *c, int64_t now, int64_t *since, int64_t *resume)
{
    assert(c && since && resume);
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

void cluster_flush(kt_cluster *c, int64_t now)
{
    assert(c && c->meter && c->watcher);
    kt_err err = {0};
    if (open_store(c))
        return;
    if (meter_flush(c->meter, c->store, now, &err) || record_contact(c, &err)) {
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
}
