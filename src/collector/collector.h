/* collector.h — collect every selected cluster at once: the live collector
 * behind `kubetally collect` and `kubetally serve --kubeconfig …`.
 *
 * Which clusters: kubeconfig.h's rules (--kubeconfig, $KUBECONFIG,
 * ~/.kube/config; --context repeated, --all-contexts, else the current
 * context); when no kubeconfig exists and the process runs in a pod
 * (KUBERNETES_SERVICE_HOST), the in-cluster service account.  One thread
 * per cluster (cluster.h); a cluster that is down is retried and reported
 * and never holds up the others.  The store must already exist (create it
 * once first: cluster threads opening a brand-new store at the same moment
 * would race to create its schema). */
#ifndef KT_COLLECTOR_COLLECTOR_H
#define KT_COLLECTOR_COLLECTOR_H

#include <stddef.h>

#include "collector/cluster.h"

typedef struct kt_collector_opts {
    const char *kubeconfig;           /* NULL ⇒ $KUBECONFIG or ~/.kube/config */
    const char *const *contexts;
    size_t n_contexts;
    int all_contexts;
    int in_cluster;                   /* the pod's own cluster (service account), even with a kubeconfig */
    const char *cluster_name;         /* NULL ⇒ the context name; else one cluster's name in the store */
    kt_cluster_opts cluster;
} kt_collector_opts;

typedef struct kt_collector kt_collector;

/* Fit glibc's malloc to a process that runs collector threads (serve,
 * collect); call before any thread starts.  Two settings, both measured
 * with bench/serve_fleet.py (docs/decisions.md):
 *  - at most COLLECTOR_ARENAS arenas: by default glibc gives each thread
 *    that meets a locked arena its own, up to 8 per core, and an arena keeps
 *    the pages its thread's flushes and list decodes used — ten clusters
 *    held ten arenas, ~430 MiB resident after their flushes.  The threads
 *    mostly wait on the network and flush one at a time;
 *  - blocks of COLLECTOR_MMAP_BYTES and more always come from mmap, so a
 *    flush's big arrays (a day's rows, a day file) go back to the system
 *    when freed.  glibc raises this threshold by itself to the largest
 *    block freed (up to 32 MiB), after which those arrays were carved out
 *    of the arenas and their pages stayed resident.
 * MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_ or GLIBC_TUNABLES in the
 * environment win (to measure other settings).  Also: the store's page
 * caches keep at most COLLECTOR_STORE_CACHE over every connection (one per
 * cluster, 2 MiB each by default). */
#define COLLECTOR_ARENAS 2
#define COLLECTOR_MMAP_BYTES (128 * 1024)
#define COLLECTOR_STORE_CACHE ((int64_t)8 << 20)
void collector_fit_malloc(void);

/* Select the clusters and start one thread for each; on error none runs. */
/* Select the clusters as collector_start would, and only that: a missing
 * or broken kubeconfig is reported before anything (the store) is created. */
int collector_check(const kt_collector_opts *o, kt_err *err);
int collector_start(const kt_collector_opts *o, kt_collector **out, kt_err *err);
/* Stop every cluster (each flushes once more) and free. */
void collector_stop(kt_collector *c);
/* Health of each cluster; returns how many (at most max). */
size_t collector_health(kt_collector *c, kt_cluster_health *out, size_t max);
size_t collector_size(const kt_collector *c);
/* cluster_posture (cluster.h) of the cluster named `name` (its context
 * name, as kube targets name it); -1 when no such cluster is collected. */
int collector_posture(kt_collector *c, const char *name, int timeout_s, json_t *out[]);

#endif
