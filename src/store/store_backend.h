/* store_backend.h — the seam between store.h and its backends.
 *
 * store.c implements store.h by dispatching through the handle's ops table;
 * each backend (sqlite*.c, pg*.c) fills one kt_store_ops with functions of
 * the same contract as their store.h namesakes.  Every backend's handle
 * begins with `const kt_store_ops *ops`, so store.c reads the table without
 * knowing the backend's struct.  Not an API: only src/store includes this. */
#ifndef KT_STORE_BACKEND_H
#define KT_STORE_BACKEND_H

#include "store/bills.h"
#include "store/store.h"

/* Bills (bills.h) on one backend, same contracts as the store_bill_*
 * namesakes; an import's state is the backend's own (void *).  A NULL
 * entry: this backend does not do that yet — bills.c answers a read with
 * nothing and refuses a write with one line. */
typedef struct kt_bill_ops {
    int (*import_begin)(kt_store *s, const char *files, void **im, kt_err *err);
    int (*put)(void *im, const kt_bill_row *r, kt_err *err);
    int (*import_end)(void *im, kt_bill_import_stats *st, kt_err *err);
    void (*import_abort)(void *im);
    int (*sums)(kt_store *s, int64_t lo, int64_t hi, kt_bill_sum_fn fn, void *ctx, kt_err *err);
    int (*days)(kt_store *s, int64_t lo, int64_t hi, kt_bill_day_fn fn, void *ctx, kt_err *err);
    /* reconciliation: all or none */
    int (*span)(kt_store *s, int64_t *lo, int64_t *hi, kt_err *err);
    int (*assets)(kt_store *s, kt_bill_asset_fn fn, void *ctx, kt_err *err);
    int (*set_k8s)(kt_store *s, const char *const *keys, const int *kinds, const int64_t *ids, size_t n, kt_err *err);
    int (*asset_days)(kt_store *s, int64_t lo, int64_t hi, kt_bill_asset_day_fn fn, void *ctx, kt_err *err);
    int (*charges)(kt_store *s, int64_t lo, int64_t hi, kt_bill_charge_fn fn, void *ctx, kt_err *err);
    int (*apply)(kt_store *s, const kt_bill_recon *r, double factor, kt_err *err);
    int (*unapply)(kt_store *s, int kind, int64_t asset_id, int64_t day, double factor, kt_err *err);
    int (*forget)(kt_store *s, int64_t lo, int64_t hi, kt_err *err);
    int (*recons)(kt_store *s, int64_t lo, int64_t hi, kt_bill_recon_fn fn, void *ctx, kt_err *err);
} kt_bill_ops;

typedef struct kt_store_ops {
    const char *name; /* "sqlite", "postgresql" */
    void (*close)(kt_store *s);
    const char *(*describe)(const kt_store *s);
    int (*begin)(kt_store *s, kt_err *err);
    int (*commit)(kt_store *s, kt_err *err);
    void (*rollback)(kt_store *s);
    int (*put_cluster)(kt_store *s, const kt_cluster_rec *c, int64_t *id, kt_err *err);
    int (*put_node)(kt_store *s, const kt_node_rec *n, int64_t *id, kt_err *err);
    int (*put_pod)(kt_store *s, const kt_pod_rec *p, int64_t *id, kt_err *err);
    int (*put_container)(kt_store *s, int64_t pod_id, const char *name, int64_t *id, kt_err *err);
    int (*put_volume)(kt_store *s, const kt_volume_rec *v, int64_t *id, kt_err *err);
    int (*put_lb)(kt_store *s, const kt_lb_rec *l, int64_t *id, kt_err *err);
    int (*put_namespace)(kt_store *s, int64_t cluster_id, const char *name, const kt_kv *labels, size_t n_labels,
                         const kt_kv *annotations, size_t n_annotations, kt_err *err);
    int (*put_container_hour)(kt_store *s, const kt_container_hour *f, kt_err *err);
    int (*put_node_hour)(kt_store *s, const kt_node_hour *f, kt_err *err);
    int (*put_volume_hour)(kt_store *s, const kt_volume_hour *f, kt_err *err);
    int (*put_pod_volume_hour)(kt_store *s, const kt_pod_volume_hour *f, kt_err *err);
    int (*put_lb_hour)(kt_store *s, const kt_lb_hour *f, kt_err *err);
    int (*put_pod_lb_hour)(kt_store *s, const kt_pod_lb_hour *f, kt_err *err);
    int (*put_fee_hour)(kt_store *s, const kt_fee_hour *f, kt_err *err);
    int (*put_pod_network_hour)(kt_store *s, const kt_pod_network_hour *f, kt_err *err);
    int (*load)(kt_store *s, int64_t start, int64_t end, int hourly, kt_dataset *out, kt_err *err);
    int (*load_summed)(kt_store *s, int64_t start, int64_t end, kt_dataset *out, kt_err *err);
    int (*rebuild_cache)(kt_store *s, long *files, kt_err *err);
    int (*load_raw)(kt_store *s, int64_t hour, kt_dataset *out, kt_err *err);
    int (*get_retention)(kt_store *s, kt_retention *r, kt_err *err);
    int (*set_retention)(kt_store *s, const kt_retention *r, kt_err *err);
    int (*prune)(kt_store *s, int64_t now, kt_err *err);
    int (*cluster_status)(kt_store *s, kt_cluster_status **out, size_t *n, kt_err *err);
    int (*set_cluster_contact)(kt_store *s, int64_t cluster_id, int64_t when, const char *last_error, kt_err *err);
    int (*get_meta)(kt_store *s, const char *key, char *buf, size_t n, kt_err *err);
    int (*set_meta)(kt_store *s, const char *key, const char *value, kt_err *err);
    int (*put_record)(kt_store *s, const char *kind, const char *id, const char *body, kt_err *err);
    int (*get_record)(kt_store *s, const char *kind, const char *id, char **body, kt_err *err);
    int (*del_record)(kt_store *s, const char *kind, const char *id, kt_err *err);
    int (*list_records)(kt_store *s, const char *kind, kt_record_fn fn, void *ctx, kt_err *err);
    int (*reprice)(kt_store *s, int64_t start, int64_t end, const kt_reprice_fns *f, kt_reprice_stats *st,
                   kt_err *err);
    /* optional (NULL: store.c reprices day by day with `reprice`) */
    int (*reprice_window)(kt_store *s, int64_t start, int64_t end, const kt_reprice_fns *f, kt_reprice_stats *st,
                          kt_err *err);
    int (*grant_agent)(kt_store *s, const char *cluster, const char *role, const char *password, kt_err *err);
    /* NULL would mean the backend keeps no volume usage (puts dropped, loads find none) */
    int (*put_volume_usage)(kt_store *s, const kt_volume_usage *u, kt_err *err);
    int (*volume_usage)(kt_store *s, int64_t start, int64_t end, kt_volume_usage_fn fn, void *ctx, kt_err *err);
    const kt_bill_ops *bills;
} kt_store_ops;

/* Open a backend's handle (store_open has resolved the default URL and
 * chosen the backend by the URL's scheme). */
int sq_open(const char *url, int flags, kt_store **out, kt_err *err);
int pgs_open(const char *url, int flags, kt_store **out, kt_err *err);

/* Settlement columns only daily rows have, per fact table (container,
 * node, volume, pod_volume, lb, pod_lb, fee, network), NULL-terminated:
 * what settle() gave the day's hours.  Every backend's daily tables carry
 * them in this order. */
extern const char *const store_daily_extra[8][10];
/* kt_reprice_stats.by_source index of a price source name. */
int store_source_index(const char *src);

/* SQL both backends read alike (bills.c): every asset a bill can name
 * (bills.h store_bill_assets' columns), and the recorded reconciliations
 * of days in [$1, $2) with cluster, provider and asset name. */
extern const char store_bill_assets_sql[], store_bill_recons_sql[];

/* Is this handle SQLite's? */
int store_is_sqlite(const kt_store *s);
/* The backends' bill ops (sqlite_bills.c, pg_bills.c). */
extern const kt_bill_ops sq_bill_ops, pg_bill_ops;

/* Is this URL PostgreSQL's (postgresql:// or postgres://)? */
int store_url_is_pg(const char *url);

#endif
