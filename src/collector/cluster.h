/* cluster.h — one cluster's collector thread: source → meter → store.
 *
 * The thread drives the cluster's watcher (kube/watcher.h: list/watch of
 * every resource, usage samples), hands what it reports to the cluster's
 * meter (meter/meter.h), and flushes the meter into the store every
 * flush_interval and at stop, in its own store handle; after each
 * successful flush the cluster's last contact and last error are recorded
 * (store.h), so `kubetally clusters` shows them.
 *
 * Why one thread owns watcher, meter and strtab together: the decoder
 * interns into the strtab the meter reads, and objects are handed over by
 * synchronous callbacks, so none of them needs a lock; only the health
 * counters below are shared (under the cluster's lock).
 *
 * A cluster that is down never holds up others: each has its own thread;
 * its errors are logged (rate-limited: on change) and recorded.
 *
 * With a spool (spool_dir; store/spool.h), a flush the store refuses
 * (the database is away) is written to the spool instead and counts as
 * done for the meter; before anything else reaches the store, the spool
 * is replayed into it in order.  A thread that starts while the database
 * is away resumes from the spool (a local SQLite replica of it gives the
 * restart marks and the resumed hour); with an empty spool it waits for
 * the database, since writing before knowing where metering resumes would
 * replace the hour in progress with a part of it. */
#ifndef KT_COLLECTOR_CLUSTER_H
#define KT_COLLECTOR_CLUSTER_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "kube/kubeconfig.h"
#include "kube/watcher.h"
#include "pricing/pricing.h"

typedef struct kt_cluster_opts {
    const char *db;                   /* store URL (NULL = default) */
    const kt_pricing *pricing;        /* NULL = defaults */
    int flush_interval;               /* seconds; default 60 */
    const char *spool_dir;            /* NULL: no spool; else each cluster's spool is a folder in it */
    uint64_t spool_max_bytes;         /* per cluster; 0 ⇒ 256 MiB */
    kt_watch_opts watch;              /* talking to the API server (watcher.h) */
} kt_cluster_opts;

/* Live counters, readable from any thread (copied under the cluster's lock). */
typedef struct kt_cluster_health {
    char name[128];
    char last_error[256];
    int64_t last_contact;             /* last successful answer from the API server */
    int64_t last_flush;
    long watch_restarts, relists, events, errors;
    long nodes, pods;
    int synced;                       /* every resource listed at least once */
    int usage;                        /* metrics.k8s.io answered */
    size_t meter_bytes;
    size_t posture_bytes;             /* kept posture state (posture_keep.h); 0 when not kept */
    int spool;                        /* the cluster has a spool (below) */
    uint64_t spool_bytes;
    long spool_files, spool_dropped, spool_replayed;
    int64_t spool_oldest;             /* written time of the oldest spooled flush; 0 none */
} kt_cluster_health;

typedef struct kt_cluster kt_cluster;

/* Start collecting `t` (borrowed: must outlive the cluster) on a new thread. */
int cluster_start(kt_kube_target *t, const kt_cluster_opts *o, kt_cluster **out, kt_err *err);
/* Ask the thread to stop, wait for it (it flushes once more), free. */
void cluster_stop(kt_cluster *c);
void cluster_health(kt_cluster *c, kt_cluster_health *h);

/* The posture state the thread keeps (o.watch.posture; posture_keep.h) as
 * the API server's lists of every kind posture reads and its /version
 * (posture_keep_lists' order), built by the cluster's own thread (which
 * owns the strtab) and handed over: 0 and out[] owned by the caller, or
 * -1 when the cluster keeps none, has not listed everything (or read
 * /version) yet, is stopping, or does not answer within timeout_s.  Any
 * thread.  out has KT_POSTURE_KINDS + 1 entries (posture_keep.h). */
int cluster_posture(kt_cluster *c, int timeout_s, json_t *out[]);

#endif
