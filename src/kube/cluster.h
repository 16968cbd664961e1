/* cluster.h — one cluster's watcher: a thread that lists and watches every
 * resource kubetally needs, samples usage, and flushes the meter.
 *
 * Informer-style, per resource (stream.h): paginated list (limit/continue),
 * then a watch from the list's resourceVersion with allowWatchBookmarks;
 * a dropped watch resumes from the last resourceVersion seen (bookmarks
 * keep it fresh); 410 Gone relists; failures back off exponentially with
 * jitter (1 s doubling to 60 s); a watch with no bytes for stall_timeout is
 * abandoned and resumed.  All streams of a cluster share one curl multi
 * handle (one kept-alive HTTP/1.1 connection each) and one thread, so the
 * decoder, the meter and the cluster's strtab need no locks.
 *
 * Usage comes from metrics.k8s.io PodMetrics every usage_interval when the
 * cluster serves it (a 404 marks the cluster request-only, logged once and
 * re-checked every 10 minutes).  The meter is flushed every flush_interval
 * and at stop, in its own store handle; after each successful flush the
 * cluster's last contact and last error are recorded (store.h), so
 * `kubetally clusters` shows them.
 *
 * A cluster that is down never holds up others: each has its own thread;
 * its errors are logged (rate-limited: on change) and recorded. */
#ifndef KT_KUBE_CLUSTER_H
#define KT_KUBE_CLUSTER_H

#include <stdint.h>

#include "kube/kubeconfig.h"
#include "pricing/pricing.h"

typedef struct kt_cluster_opts {
    const char *db;                   /* store URL (NULL = default) */
    const kt_pricing *pricing;        /* NULL = defaults */
    int flush_interval;               /* seconds; default 60 */
    int usage_interval;               /* seconds; default 30; < 0 disables usage */
    int request_timeout;              /* seconds per list/metrics request; default 60 */
    int connect_timeout;              /* seconds; default 10 */
    int watch_timeout;                /* server-side watch timeoutSeconds; default 300 */
    int stall_timeout;                /* no bytes on a watch for this long ⇒ resume; default watch_timeout + 60 */
    int page_size;                    /* list limit; default 500 */
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
} kt_cluster_health;

typedef struct kt_cluster kt_cluster;

/* Start watching `t` (borrowed: must outlive the cluster) on a new thread. */
int cluster_start(kt_kube_target *t, const kt_cluster_opts *o, kt_cluster **out, kt_err *err);
/* Ask the thread to stop, wait for it (it flushes once more), free. */
void cluster_stop(kt_cluster *c);
void cluster_health(kt_cluster *c, kt_cluster_health *h);

#endif
