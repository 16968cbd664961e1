/* store.h — where metered facts live: the contract every backend keeps.
 *
 * Writers (the live collector, `kubetally demo`, `kubetally import
 * prometheus`) describe things (clusters, nodes, pods, containers, volumes,
 * load balancers) and put hourly facts about them.  Readers (the engine via
 * store_load) get a dense, interned kt_dataset for a time window.
 *
 * Rules every backend keeps:
 *  - Things are upserted by natural key and get a stable int64 id:
 *      cluster (name), node (cluster, name), pod (cluster, namespace, name),
 *      container (pod, name), volume (cluster, name),
 *      load balancer (cluster, namespace, name).
 *    Keying pods by name, not uid, is deliberate: the live collector and a
 *    Prometheus import describe the same pod the same way, so they can never
 *    double count it.
 *  - Facts are keyed by (hour start, thing[, thing]) and a put REPLACES the
 *    row: a writer flushing the current hour every minute writes the hour's
 *    total so far, and importing the same window twice changes nothing.
 *  - All writes happen between store_begin and store_commit.  Commit is
 *    atomic (a crash or kill -9 leaves the previous commit), and it rebuilds
 *    the daily roll-ups of every day touched in the transaction.
 *  - Hourly rows older than retention.hourly_days and daily rows older than
 *    retention.daily_days are deleted by store_prune.
 *  - A database written by a newer kubetally (schema version above ours) is
 *    refused with a message and never modified.
 *
 * Threads: a kt_store handle belongs to one thread at a time (the SQLite
 * connection is opened without its own mutex); a server opens one handle
 * per worker thread or per request.  Many handles on one database are fine.
 *
 * Units: times are unix seconds (UTC); hour facts start on an hour boundary;
 * quantities are integrated over the fact's span: core-hours, byte-hours,
 * GPU-hours, hours.  Prices are per hour (node, load balancer, fee), per
 * core-hour, per GiB-hour (2^30 bytes) and per GPU-hour, in the cluster's
 * currency. */
#ifndef KT_STORE_H
#define KT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "store/dataset.h"

typedef struct kt_store kt_store;

enum { KT_STORE_READONLY = 1, KT_STORE_CREATE = 2 };

/* URL: "sqlite:PATH", a bare path, or "postgresql://…".  NULL means the
 * default: $KUBETALLY_DB, else sqlite:$XDG_DATA_HOME/kubetally/kubetally.db
 * (XDG_DATA_HOME defaults to ~/.local/share).  READONLY refuses a missing
 * database with "no database at PATH; run `kubetally demo` or `kubetally
 * collect` first".  CREATE makes the directories and the schema. */
int store_open(const char *url, int flags, kt_store **out, kt_err *err);
void store_close(kt_store *s);
/* The URL actually opened, with any password removed. */
const char *store_describe(const kt_store *s);
/* Resolve the default URL (see store_open) into buf. */
void store_default_url(char *buf, size_t n);
/* Bound what the embedded store's page caches keep, over every connection
 * of the process (SQLite's soft heap limit: past it, connections give back
 * their least recently used pages); 0 = no bound, SQLite's default.  For a
 * process that holds one connection per cluster (serve, collect). */
void store_limit_cache_memory(int64_t bytes);

int store_begin(kt_store *s, kt_err *err);
int store_commit(kt_store *s, kt_err *err);
void store_rollback(kt_store *s);

typedef struct kt_kv {
    const char *key, *value;
} kt_kv;

typedef struct kt_cluster_rec {
    const char *name;     /* required: the cluster's id in kubetally */
    const char *provider; /* aws, gcp, azure, onprem, … ("" unknown) */
    const char *region;
    const char *currency; /* "" ⇒ USD */
    const char *source;   /* how it is known: "kube", "prometheus", "demo" */
} kt_cluster_rec;

typedef struct kt_node_rec {
    int64_t cluster_id;
    const char *name, *provider, *region, *zone, *instance_type, *pool, *provider_id, *gpu_type;
    const char *arch, *os;
    int spot;
    double cpu_cores, ram_bytes, gpus; /* capacity, not allocatable */
} kt_node_rec;

typedef struct kt_pod_rec {
    int64_t cluster_id, node_id;        /* node_id 0 ⇒ not scheduled */
    const char *namespace, *name, *uid;
    const char *controller_kind, *controller; /* "" ⇒ none */
    const kt_kv *labels;
    size_t n_labels;
    const kt_kv *annotations;
    size_t n_annotations;
    const char *const *services;        /* services selecting the pod */
    size_t n_services;
} kt_pod_rec;

typedef struct kt_volume_rec {
    int64_t cluster_id;
    const char *name, *storage_class, *claim_namespace, *claim_name, *provider_id, *volume_type;
} kt_volume_rec;

typedef struct kt_lb_rec {
    int64_t cluster_id;
    const char *namespace, *name, *ip;
    int private_ip;
} kt_lb_rec;

int store_put_cluster(kt_store *s, const kt_cluster_rec *c, int64_t *id, kt_err *err);
int store_put_node(kt_store *s, const kt_node_rec *n, int64_t *id, kt_err *err);
/* Labels, annotations and services replace the pod's previous sets. */
int store_put_pod(kt_store *s, const kt_pod_rec *p, int64_t *id, kt_err *err);
int store_put_container(kt_store *s, int64_t pod_id, const char *name, int64_t *id, kt_err *err);
int store_put_volume(kt_store *s, const kt_volume_rec *v, int64_t *id, kt_err *err);
int store_put_lb(kt_store *s, const kt_lb_rec *l, int64_t *id, kt_err *err);
int store_put_namespace(kt_store *s, int64_t cluster_id, const char *name, const kt_kv *labels,
                        size_t n_labels, const kt_kv *annotations, size_t n_annotations, kt_err *err);

/* Hourly facts.  t = hour start; everything integrated over that hour. */
typedef struct kt_container_hour {
    int64_t container_id, t;
    double seconds;                       /* running time in the hour */
    double cpu_req, cpu_use, cpu_alloc;   /* core-hours; alloc = ∫max(req,use) */
    double ram_req, ram_use, ram_alloc;   /* byte-hours */
    double gpu;                           /* GPU-hours (requested GPUs × hours) */
    double cpu_peak, ram_peak;            /* cores, bytes */
    int usage_measured;                   /* 0 ⇒ usage unknown, use = request */
} kt_container_hour;

typedef struct kt_node_hour {
    int64_t node_id, t;
    double hours;
    double cpu_price, ram_price, gpu_price; /* per core-h, per GiB-h, per GPU-h */
    double hourly;                          /* whole-node price per hour */
    const char *price_source;               /* custom, price-list, catalog, default, spot-estimate */
} kt_node_hour;

typedef struct kt_volume_hour {
    int64_t volume_id, t;
    double hours, bytes, price_gib_hour;
    const char *price_source;
} kt_volume_hour;

/* Volume-hours of one volume attributed to one pod (the meter splits an
 * hour among the pods mounting the claim by overlapping time). */
typedef struct kt_pod_volume_hour {
    int64_t pod_id, volume_id, t;
    double hours;
} kt_pod_volume_hour;

typedef struct kt_lb_hour {
    int64_t lb_id, t;
    double hours, hourly;
    const char *price_source;
} kt_lb_hour;

typedef struct kt_pod_lb_hour {
    int64_t pod_id, lb_id, t;
    double hours;
} kt_pod_lb_hour;

typedef struct kt_fee_hour {
    int64_t cluster_id, t;
    double hours, hourly;
    const char *kind; /* "eks", "gke", "aks", … */
} kt_fee_hour;

/* Network bytes a pod sent in the hour, by destination, with their cost
 * (priced by the writer from the cluster's egress rates). */
typedef struct kt_pod_network_hour {
    int64_t pod_id, t;
    double tx_internet, tx_region, tx_zone, rx_bytes; /* bytes */
    double cost_internet, cost_region, cost_zone;
    double tx_other;  /* bytes sent to destinations the source does not tell (the kubelet's
                       * counters): counted as traffic, never priced (SQLite v5, PostgreSQL v3) */
} kt_pod_network_hour;

int store_put_container_hour(kt_store *s, const kt_container_hour *f, kt_err *err);
int store_put_node_hour(kt_store *s, const kt_node_hour *f, kt_err *err);
int store_put_volume_hour(kt_store *s, const kt_volume_hour *f, kt_err *err);
int store_put_pod_volume_hour(kt_store *s, const kt_pod_volume_hour *f, kt_err *err);
int store_put_lb_hour(kt_store *s, const kt_lb_hour *f, kt_err *err);
int store_put_pod_lb_hour(kt_store *s, const kt_pod_lb_hour *f, kt_err *err);
int store_put_fee_hour(kt_store *s, const kt_fee_hour *f, kt_err *err);
int store_put_pod_network_hour(kt_store *s, const kt_pod_network_hour *f, kt_err *err);

/* Claimed volumes' used bytes (the kubelet Summary API; PV right-sizing):
 * per volume and UTC day (`day` is any time in it), the largest used bytes
 * seen, the average of the samples and how many there were, and the
 * filesystem's capacity.  A put keeps the larger of the stored and the
 * given peak, and the average of whichever row counts more samples (a
 * writer rewrites its day as it goes; one restarted mid-day takes over
 * once it has seen more), so writing a day again is harmless; the capacity
 * is the latest given.  Kept as long as daily rows (retention.daily_days).
 * Both backends (SQLite schema v5, PostgreSQL v3, where a row carries its
 * volume's cluster_id for row-level security).
 * store_load and store_load_summed fill ds_volume's used_peak (the
 * largest over the days the window touches), used_avg (sample-weighted)
 * and used_capacity; 0: none known. */
typedef struct kt_volume_usage {
    int64_t volume_id, day;
    double peak, avg;
    long samples;
    double capacity;
} kt_volume_usage;
int store_put_volume_usage(kt_store *s, const kt_volume_usage *u, kt_err *err);
/* cluster and volume: names; u->volume_id is the backend's id. */
typedef void (*kt_volume_usage_fn)(void *ctx, const char *cluster, const char *volume, const kt_volume_usage *u);

/* Load everything the engine needs for [start, end), settled (settle.h).
 * Full UTC days inside the window come from daily roll-ups unless hourly is
 * set (steps not on day boundaries need hours); the rest from hourly rows,
 * settled per hour then prorated at the edges.  A day whose hourly rows are
 * past retention comes from its daily row, prorated. */
int store_load(kt_store *s, int64_t start, int64_t end, int hourly, kt_dataset *out, kt_err *err);
/* The same with each thing's facts summed into one fact spanning the
 * window (ds_sum): what a question with one set needs, in a fraction of the
 * memory.  Served from the day files (daycache) when the window is whole
 * days they all cover, else from the rows. */
int store_load_summed(kt_store *s, int64_t start, int64_t end, kt_dataset *out, kt_err *err);
/* Write every day file and block again (after an upgrade, or if the folder
 * was removed); *files = how many were written. */
int store_rebuild_cache(kt_store *s, long *files, kt_err *err);
/* The hourly rows of one hour exactly as written (not settled): for a
 * writer resuming the hour (the meter after a restart). */
int store_load_raw(kt_store *s, int64_t hour, kt_dataset *out, kt_err *err);

/* Every commit also drops hourly rows older than hourly_days before the
 * newest hour (their daily rows stay). */
typedef struct kt_retention {
    int hourly_days; /* default 3 (Kubecost keeps 49 hours) */
    int daily_days;  /* default 1095 */
} kt_retention;
int store_get_retention(kt_store *s, kt_retention *r, kt_err *err);
int store_set_retention(kt_store *s, const kt_retention *r, kt_err *err);
/* Delete rows past retention relative to `now`. */
int store_prune(kt_store *s, int64_t now, kt_err *err);

/* Per-cluster summary for `kubetally clusters`; *out is freed with free(). */
typedef struct kt_cluster_status {
    char name[128], provider[32], region[64], source[32], last_error[256];
    int64_t last_contact, first_fact, last_fact;
    long nodes, pods;
} kt_cluster_status;
int store_cluster_status(kt_store *s, kt_cluster_status **out, size_t *n, kt_err *err);
/* Record collector health: last contact time and last error ("" ⇒ none). */
int store_set_cluster_contact(kt_store *s, int64_t cluster_id, int64_t when, const char *last_error,
                              kt_err *err);

/* Small named values kept with the store (the meta table): markers such as
 * "live_since:<cluster>" that writers need across restarts.  get returns 1
 * and fills buf when the key exists, 0 (buf = "") when not, -1 on error.
 * set replaces; call it inside a transaction to make it atomic with facts. */
int store_get_meta(kt_store *s, const char *key, char *buf, size_t n, kt_err *err);
int store_set_meta(kt_store *s, const char *key, const char *value, kt_err *err);

/* Records: small JSON documents kept with the store, by kind and id
 * ("budget" → one budget's definition; src/alerts owns what bodies mean).
 * put replaces (and stamps `updated` with the wall clock); inside a
 * transaction it is atomic with the rest, outside it commits by itself.
 * get returns 1 and a malloc'd body in *body when found, 0 (*body NULL)
 * when not, -1 on error.  del returns 1 when a record went, 0 when there
 * was none.  list calls fn for each record of the kind in id order; fn
 * returning non-zero stops the walk and list returns that value. */
int store_put_record(kt_store *s, const char *kind, const char *id, const char *body, kt_err *err);
int store_get_record(kt_store *s, const char *kind, const char *id, char **body, kt_err *err);
int store_del_record(kt_store *s, const char *kind, const char *id, kt_err *err);
typedef int (*kt_record_fn)(void *ctx, const char *id, const char *body);
int store_list_records(kt_store *s, const char *kind, kt_record_fn fn, void *ctx, kt_err *err);

/* Repricing (`kubetally reprice`): recompute the prices of the hourly node,
 * volume, load-balancer and fee facts in [start, end) after a sheet or
 * catalog changed.  Quantities are untouched.  The callbacks price one thing
 * (pricing is per thing, not per hour, so each is asked once); call between
 * store_begin and store_commit: every day touched is marked so the commit
 * rebuilds its daily roll-up. */
typedef struct kt_reprice_fns {
    void *ctx;
    /* cluster: the cluster's name; n: the node as stored. */
    void (*node)(void *ctx, const char *cluster, const kt_node_rec *n, double *cpu, double *ram, double *gpu,
                 double *hourly, const char **source);
    double (*volume)(void *ctx, const char *cluster, const char *provider, const char *region,
                     const kt_volume_rec *v, const char **source);
    double (*lb)(void *ctx, const char *cluster, const char *provider, const char *region, const char **source);
    double (*fee)(void *ctx, const char *cluster, const char *provider, const char *region, const char **kind);
} kt_reprice_fns;

typedef struct kt_reprice_stats {
    long nodes, node_hours, volumes, volume_hours, lbs, lb_hours, fee_hours, days;
    long by_source[5]; /* node-hours by new source: custom, price-list, catalog, spot-estimate, default */
} kt_reprice_stats;

int store_reprice(kt_store *s, int64_t start, int64_t end, const kt_reprice_fns *f, kt_reprice_stats *st,
                  kt_err *err);
/* The same over a long window in bounded transactions, one UTC day each
 * (call outside a transaction): a writer sharing the store waits at most
 * one day's work.  Each day is committed on its own; after a failure the
 * days before it stay repriced (running it again is harmless).  Things
 * (nodes, volumes, load balancers) are counted once over all the days. */
int store_reprice_window(kt_store *s, int64_t start, int64_t end, const kt_reprice_fns *f, kt_reprice_stats *st,
                         kt_err *err);

/* Agents (PostgreSQL only; docs/deploy.md): create or update the login
 * role `role` with `password`, confined by row-level security to the rows
 * of cluster `cluster` (created if new): it reads and writes that cluster
 * and nothing else.  Run as the schema's owner.  SQLite refuses. */
int store_grant_agent(kt_store *s, const char *cluster, const char *role, const char *password, kt_err *err);

#endif
