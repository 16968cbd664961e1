/* import.h — cost history from Prometheus or Thanos into the store.
 *
 * What it reads: kube-state-metrics (v1 or v2) and cAdvisor series, the ones
 * OpenCost reads (docs/prometheus-import.md lists every query), for every
 * cluster behind one cluster label.  What it writes: the same hourly rows
 * the live collector writes (store.h), so every output works unchanged, and
 * since pods are keyed by (cluster, namespace, name), a cluster with
 * imported history and live collection never counts a pod twice.
 *
 * How: [start, end) is cut into time chunks (opts.chunk) and, within a
 * chunk, namespaces are grouped so that no answer holds more than
 * opts.points_per_query samples; all of a chunk's queries run through one
 * client with bounded concurrency (client.h).  Before fetching a chunk, one
 * cheap count query sizes it; more than opts.max_series containers fails
 * with a message saying so, before anything large is downloaded, and a
 * chunk whose per-step values would pass opts.mem_budget (containers ×
 * steps × 56 bytes) is halved in time until it fits (down to one hour), so
 * memory stays flat however large the fleet.
 *
 * Atomicity: prom_import runs in ONE store transaction: any failure (a
 * query, a write, a partial answer) rolls back and leaves the store as it
 * was; success commits every hour of the window.  Hours are whole
 * (start and end are floored to the hour) and puts replace rows, so
 * importing an overlapping window again changes nothing.
 *
 * Continuous import (`kubetally serve --prometheus URL`): keep a
 * kt_prom_follower and call prom_follow_tick every few minutes from one
 * thread.  The first tick backfills opts' window (follower.window seconds
 * before now); later ticks re-import from one hour before the last
 * imported end (late scrapes and the hour then still open get rewritten;
 * puts replace) up to the current hour's start.  A failed tick changes
 * nothing and the next tick retries the same span. */
#ifndef KT_PROM_IMPORT_H
#define KT_PROM_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "prom/client.h"
#include "store/store.h"

typedef struct kt_prom_import_stats {
    long clusters, nodes, pods, container_hours, node_hours, volume_hours, lb_hours;
    long queries;
    size_t chunks_done;
    int64_t start, end; /* the whole span being imported */
    int64_t chunk_end;  /* end of the last chunk done */
} kt_prom_import_stats;

typedef struct kt_prom_import_opts {
    kt_prom_client_opts client;
    const char *cluster_label;   /* "cluster" when NULL */
    const char *default_cluster; /* cluster of series without the label; "default" when NULL */
    int64_t step;                /* resolution, seconds, dividing 3600; 300 when 0 */
    int64_t chunk;               /* seconds per chunk, whole hours; 24 h when 0 */
    size_t mem_budget;           /* bytes of per-step values per chunk; 256 MiB when 0 */
    size_t max_series;           /* containers per chunk and series per answer; 100000 when 0 */
    size_t points_per_query;     /* samples per answer; 250000 when 0 */
    /* Called after each chunk is read and written (not yet committed). */
    void (*progress)(void *ud, const kt_prom_import_stats *st);
    void *progress_ud;
    /* Prices nodes, disks and load balancers (pricing/pricing.h); NULL ⇒ OpenCost's default rates. */
    const struct kt_pricing *pricing;
} kt_prom_import_opts;

/* Validate options (resolution divides an hour, chunk is whole hours). */
int prom_import_check(const kt_prom_import_opts *o, kt_err *err);

int prom_import(kt_store *s, const kt_prom_import_opts *o, int64_t start, int64_t end, kt_prom_import_stats *st,
                kt_err *err);

typedef struct kt_prom_follower {
    kt_prom_import_opts opts;
    int64_t window; /* backfill on the first tick, seconds */
    int64_t done;   /* imported up to here (0 before the first tick) */
} kt_prom_follower;

int prom_follow_tick(kt_prom_follower *f, kt_store *s, int64_t now, kt_prom_import_stats *st, kt_err *err);

#endif
