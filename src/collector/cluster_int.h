/* cluster_int.h — what cluster.c (the thread) and cluster_store.c (its
 * store side) share; not for use outside src/collector. */
#ifndef KT_COLLECTOR_CLUSTER_INT_H
#define KT_COLLECTOR_CLUSTER_INT_H

#include <pthread.h>

#include "collector/cluster.h"
#include "meter/meter.h"
#include "store/store.h"

struct kt_cluster {
    kt_kube_target *t;
    kt_cluster_opts o;
    pthread_t thread;
    pthread_mutex_t lock;          /* guards stop and health */
    int stop, started;
    kt_cluster_health health;
    /* owned by the thread */
    kt_strtab strs;                /* shared by the watcher's decoder and the meter */
    kt_watcher *watcher;
    kt_meter *meter;
    kt_store *store;               /* opened on first need; NULL until then or after a failure */
    int64_t flush_next_ms;
    int64_t started_ms;            /* for the time-to-sync log line */
};

/* Record an error for this cluster's health; log it when `log`. */
void cluster_note_error(kt_cluster *c, const char *msg, int log);

/* Where metering of this cluster stands (meter.h's restart rule): since
 * it began ("live_since:<cluster>", else now) and the last flush of an
 * earlier process ("live_flush:<cluster>", else 0). */
void cluster_metering_marks(kt_cluster *c, int64_t now, int64_t *since, int64_t *resume);
/* Write the meter to the store, then the cluster's contact and error; a
 * failure is noted (cluster_note_error) and retried at the next flush. */
void cluster_flush(kt_cluster *c, int64_t now);

#endif
