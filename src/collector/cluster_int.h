/* cluster_int.h — what cluster.c (the thread) and cluster_store.c (its
 * store side) share; not for use outside src/collector. */
#ifndef KT_COLLECTOR_CLUSTER_INT_H
#define KT_COLLECTOR_CLUSTER_INT_H

#include <pthread.h>

#include "collector/cluster.h"
#include "collector/posture_keep.h"
#include "meter/meter.h"
#include "store/spool.h"
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
    kt_spool *spool;               /* NULL without --spool-dir or when it cannot be opened */
    int spooling;                  /* the last flush went to the spool (logged on change) */
    int64_t flush_next_ms;
    int64_t started_ms;            /* for the time-to-sync log line */
    kt_kube_sink meter_sink;       /* the meter's; the watcher's sink forwards to it */
    kt_posture_keep *keep;         /* with o.watch.posture, else NULL */
    /* cluster_posture's request, under lock: asked, and the lists built
     * by the thread for it (posture_keep_lists) */
    pthread_cond_t posture_cv;
    int posture_asked, posture_ready;
    int posture_version;           /* /version answered (posture_keep_ready), under lock */
    json_t *posture_lists[KT_POSTURE_PARTS];
};

/* cluster_posture.c: answer a pending cluster_posture request. */
void cluster_posture_serve(kt_cluster *c);

/* Record an error for this cluster's health; log it when `log`. */
void cluster_note_error(kt_cluster *c, const char *msg, int log);

/* Make the cluster's meter where metering stands (meter.h's restart
 * rule): since it began ("live_since:<cluster>", else now) and the last
 * flush of an earlier process ("live_flush:<cluster>", else 0), read from
 * the store after replaying the spool into it, else from the spool;
 * the resumed hour is loaded at once.  Returns -1 when asked to stop
 * while waiting for the database. */
int cluster_start_meter(kt_cluster *c, int64_t now);
int cluster_stopping(kt_cluster *c);
/* Write the meter to the store (the spool first), then the cluster's
 * contact and error; a failure is noted (cluster_note_error) and, with a
 * spool, the flush is spooled; else retried at the next flush. */
void cluster_flush(kt_cluster *c, int64_t now);

/* cluster_spool.c: the spool's side (cluster.h). */
void cluster_spool_open(kt_cluster *c);
/* Replay the spool into c->store (open); 0 when nothing is left. */
int cluster_spool_replay(kt_cluster *c);
/* A local SQLite copy of what the spool holds, to read restart marks and
 * the resumed hour from while the database is away; NULL when the spool
 * is empty or the copy fails.  Closed and removed by _drop. */
kt_store *cluster_spool_replica(kt_cluster *c);
void cluster_spool_replica_drop(kt_cluster *c, kt_store *r);
/* Write the meter's flush to the spool. */
void cluster_spool_flush(kt_cluster *c, int64_t now);
/* Copy the spool's numbers into the cluster's health. */
void cluster_spool_publish(kt_cluster *c);

#endif
