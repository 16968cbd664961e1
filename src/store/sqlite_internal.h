/* sqlite_internal.h — state shared by the SQLite backend's files
 * (sqlite.c: open, schema, transactions; sqlite_write.c: puts;
 * sqlite_rollup.c: daily roll-ups and retention; sqlite_load.c: store_load).
 * Not an API: everything outside src/store uses store.h. */
#ifndef KT_SQLITE_INTERNAL_H
#define KT_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "store/store_backend.h"
#include "util/strtab.h"

#define KT_SCHEMA_VERSION 5

/* Fact tables: each exists as NAME_h (hourly) and NAME_d (daily). */
enum { FT_CONTAINER, FT_NODE, FT_VOLUME, FT_POD_VOLUME, FT_LB, FT_POD_LB, FT_FEE, FT_NETWORK, FT_COUNT };

/* Kinds of thing a fact names, for the cluster each belongs to. */
enum { SQK_NODE, SQK_POD, SQK_CONTAINER, SQK_VOLUME, SQK_LB, SQK_COUNT };

enum { ST_CLUSTER, ST_NODE, ST_POD, ST_POD_LABELS_DEL, ST_POD_LABEL, ST_CONTAINER, ST_VOLUME, ST_LB,
       ST_NS, ST_NS_LABELS_DEL, ST_NS_LABEL, ST_VOLUME_USAGE, ST_FACT0, ST_CLUSTER_OF0 = ST_FACT0 + FT_COUNT,
       ST_COUNT = ST_CLUSTER_OF0 + SQK_COUNT };

struct kt_store {
    const kt_store_ops *ops; /* first: store.c dispatches through it */
    sqlite3 *db;
    char url[1024];      /* for messages; sqlite paths hold no secrets */
    int readonly, in_txn;
    sqlite3_stmt *stmt[ST_COUNT];
    kt_u64map dirty;     /* (cluster, day)s touched in the open transaction
                          * (sq_dirty_key; cluster 0: the whole day) */
    kt_u64map rescaled;  /* days past hourly retention whose daily rows a
                          * bill rescaled in place (re-shared at commit) */
    kt_u64map cluster_of[SQK_COUNT]; /* thing id -> cluster id, as the open
                                      * transaction's facts name them */
};

/* --- one cluster's day (sqlite_cluster_day.c) ------------------------------ */

/* The dirty key of (cluster, day); cluster 0 is every cluster of the day. */
static inline uint64_t sq_dirty_key(int64_t cluster, int64_t day)
{
    return (uint64_t)cluster << 24 | (uint64_t)(day / 86400);
}
static inline int64_t sq_dirty_cluster(uint64_t key) { return (int64_t)(key >> 24); }
static inline int64_t sq_dirty_day(uint64_t key) { return (int64_t)(key & 0xffffff) * 86400; }
/* Mark (cluster, day) for the commit's roll-up (cluster 0: every cluster). */
void sq_mark_dirty(kt_store *s, int64_t cluster, int64_t day);
/* Mark the (cluster, day) of a fact of table ft at t on thing id (its first
 * key); a thing the store does not know marks the whole day. */
int sq_mark_fact(kt_store *s, int ft, int64_t id, int64_t t, kt_err *err);
/* " AND <key> IN (the cluster's things)" for table ft's rows, into buf
 * (at least 160 bytes); "" for cluster 0. */
void sq_cluster_where(int ft, int64_t cluster, char *buf, size_t n);
/* Rows of any kind of cluster (0: any) on DAY in the hourly or daily tables. */
int sq_cluster_day_has_rows(kt_store *s, int64_t cluster, int64_t day, char suffix);

/* Run SQL with no results; on failure fill err naming `what`. */
int sq_exec(kt_store *s, const char *sql, const char *what, kt_err *err);
/* Prepare (once) and return a cached statement, reset and cleared. */
sqlite3_stmt *sq_stmt(kt_store *s, int slot, const char *sql, kt_err *err);
/* Step a statement expecting SQLITE_DONE or SQLITE_ROW; message names `what`. */
int sq_step(kt_store *s, sqlite3_stmt *st, const char *what, kt_err *err);
int sq_fail(kt_store *s, const char *what, kt_err *err);

/* Database ids of a dataset's things, by dataset index (sq_load_hours). */
typedef struct sq_ids {
    int64_t *container, *pod, *node, *volume, *lb, *cluster;
} sq_ids;
/* The hourly ("h") or daily ("d") rows of [lo, hi) as a settled dataset,
 * with the database id of every thing in it; inside a transaction. */
int sq_load_rows(kt_store *s, const char *suffix, int64_t lo, int64_t hi, kt_dataset *ds, sq_ids *ids, kt_err *err);
/* The same for one cluster's rows only (cluster 0: every cluster's). */
int sq_load_cluster_rows(kt_store *s, const char *suffix, int64_t lo, int64_t hi, int64_t cluster, kt_dataset *ds,
                         sq_ids *ids, kt_err *err);
/* Day files (sqlite_daycache.c): write DAY's after the commit that rolled
 * it up; load [start, end) from them, summed per thing or (daily) each
 * day's facts as the daily rows give them; -1 (nothing loaded) unless the
 * window is whole days, each in a current file or without rows. */
int sq_daycache_write(kt_store *s, int64_t day);
/* The same, only when DAY has rows and its file is missing or stale. */
int sq_daycache_refresh(kt_store *s, int64_t day);
int sq_daycache_load(kt_store *s, int64_t start, int64_t end, int daily, kt_dataset *ds);
/* Blocks of 2–16 days summed, for the complete ones just before `today`. */
int sq_daycache_blocks(kt_store *s, int64_t today);
void sq_ids_free(sq_ids *ids);

/* Write what settling the day's hours gives over its daily rows (after the
 * SQL roll-up of the day), for one cluster's rows (0: every cluster's). */
int sq_settle_day(kt_store *s, int64_t cluster, int64_t day, kt_err *err);

/* Does DAY still have hourly rows (of any kind)?  If not, its daily rows
 * are the only record and a roll-up must leave them be. */
int sq_day_has_hours(kt_store *s, int64_t day);
/* Rows of any kind for the day in the hourly ('h') or daily ('d') tables. */
int sq_day_has_rows(kt_store *s, int64_t day, char suffix);
/* Reconciling a day past hourly retention (bills_daily.c through
 * sqlite_bills_daily.c's port): scale one asset's daily rows and what
 * settlement derived from them by factor (marks the day dirty and
 * rescaled); at commit, re-share the day's cluster-level shares (idle by
 * cluster, fee) so they add up again. */
/* Bills (bills.h) on SQLite: sqlite_bills*.c, gathered in sq_bill_ops. */
int sq_bill_import_begin(kt_store *s, const char *files, void **out, kt_err *err);
int sq_bill_put(void *im, const kt_bill_row *r, kt_err *err);
int sq_bill_import_end(void *im, kt_bill_import_stats *st, kt_err *err);
void sq_bill_import_abort(void *im);
int sq_bill_sums(kt_store *s, int64_t lo, int64_t hi, kt_bill_sum_fn fn, void *ctx, kt_err *err);
int sq_bill_days(kt_store *s, int64_t lo, int64_t hi, kt_bill_day_fn fn, void *ctx, kt_err *err);
int sq_bill_span(kt_store *s, int64_t *lo, int64_t *hi, kt_err *err);
int sq_bill_assets(kt_store *s, kt_bill_asset_fn fn, void *ctx, kt_err *err);
int sq_bill_set_k8s(kt_store *s, const char *const *keys, const int *kinds, const int64_t *ids, size_t n,
                    kt_err *err);
int sq_bill_asset_days(kt_store *s, int64_t lo, int64_t hi, kt_bill_asset_day_fn fn, void *ctx, kt_err *err);
int sq_bill_charges(kt_store *s, int64_t lo, int64_t hi, kt_bill_charge_fn fn, void *ctx, kt_err *err);
int sq_bill_apply(kt_store *s, const kt_bill_recon *r, double factor, kt_err *err);
int sq_bill_unapply(kt_store *s, int kind, int64_t asset_id, int64_t day, double factor, kt_err *err);
int sq_bill_forget(kt_store *s, int64_t lo, int64_t hi, kt_err *err);
int sq_bill_recons(kt_store *s, int64_t lo, int64_t hi, kt_bill_recon_fn fn, void *ctx, kt_err *err);
int sq_bill_scale_daily(kt_store *s, int kind, int64_t id, int64_t day, double factor, kt_err *err);
int sq_bill_reshare_day(kt_store *s, int64_t day, kt_err *err);

/* Rebuild the daily rows of every dirty (cluster, day) (called inside the
 * transaction). */
int sq_rollup_dirty(kt_store *s, kt_err *err);
/* Drop hourly rows past retention, relative to the newest hour (commit). */
int sq_auto_prune(kt_store *s, kt_err *err);
/* Create or upgrade the schema; refuse newer versions. */
int sq_migrate(kt_store *s, kt_err *err);

extern const char *const sq_fact_table[FT_COUNT];
/* bill_rows' indexes besides bill_rows_period (schema v4): a big import
 * drops them and builds them again at its end (sqlite_bills.c). */
extern const char sq_bill_rows_indexes[];

/* sqlite_volume_usage.c: claimed volumes' used bytes per day (schema v5). */
int sq_put_volume_usage(kt_store *s, const kt_volume_usage *u, kt_err *err);
int sq_volume_usage(kt_store *s, int64_t start, int64_t end, kt_volume_usage_fn fn, void *ctx, kt_err *err);

/* The SQLite side of the seam (store_backend.h): each has the contract of
 * its store.h namesake (store_load → sq_load, …). */
void sq_close(kt_store *s);
const char *sq_describe(const kt_store *s);
int sq_begin(kt_store *s, kt_err *err);
int sq_commit(kt_store *s, kt_err *err);
void sq_rollback(kt_store *s);
int sq_put_cluster(kt_store *s, const kt_cluster_rec *c, int64_t *id, kt_err *err);
int sq_put_node(kt_store *s, const kt_node_rec *n, int64_t *id, kt_err *err);
int sq_put_pod(kt_store *s, const kt_pod_rec *p, int64_t *id, kt_err *err);
int sq_put_container(kt_store *s, int64_t pod_id, const char *name, int64_t *id, kt_err *err);
int sq_put_volume(kt_store *s, const kt_volume_rec *v, int64_t *id, kt_err *err);
int sq_put_lb(kt_store *s, const kt_lb_rec *l, int64_t *id, kt_err *err);
int sq_put_namespace(kt_store *s, int64_t cluster_id, const char *name, const kt_kv *labels, size_t n_labels,
                     const kt_kv *annotations, size_t n_annotations, kt_err *err);
int sq_put_container_hour(kt_store *s, const kt_container_hour *f, kt_err *err);
int sq_put_node_hour(kt_store *s, const kt_node_hour *f, kt_err *err);
int sq_put_volume_hour(kt_store *s, const kt_volume_hour *f, kt_err *err);
int sq_put_pod_volume_hour(kt_store *s, const kt_pod_volume_hour *f, kt_err *err);
int sq_put_lb_hour(kt_store *s, const kt_lb_hour *f, kt_err *err);
int sq_put_pod_lb_hour(kt_store *s, const kt_pod_lb_hour *f, kt_err *err);
int sq_put_fee_hour(kt_store *s, const kt_fee_hour *f, kt_err *err);
int sq_put_pod_network_hour(kt_store *s, const kt_pod_network_hour *f, kt_err *err);
int sq_load(kt_store *s, int64_t start, int64_t end, int hourly, kt_dataset *out, kt_err *err);
int sq_load_summed(kt_store *s, int64_t start, int64_t end, kt_dataset *out, kt_err *err);
int sq_rebuild_cache(kt_store *s, long *files, kt_err *err);
int sq_load_raw(kt_store *s, int64_t hour, kt_dataset *out, kt_err *err);
int sq_get_retention(kt_store *s, kt_retention *r, kt_err *err);
int sq_set_retention(kt_store *s, const kt_retention *r, kt_err *err);
int sq_prune(kt_store *s, int64_t now, kt_err *err);
int sq_cluster_status(kt_store *s, kt_cluster_status **out, size_t *n, kt_err *err);
int sq_set_cluster_contact(kt_store *s, int64_t cluster_id, int64_t when, const char *last_error, kt_err *err);
int sq_get_meta(kt_store *s, const char *key, char *buf, size_t n, kt_err *err);
int sq_set_meta(kt_store *s, const char *key, const char *value, kt_err *err);
int sq_put_record(kt_store *s, const char *kind, const char *id, const char *body, kt_err *err);
int sq_get_record(kt_store *s, const char *kind, const char *id, char **body, kt_err *err);
int sq_del_record(kt_store *s, const char *kind, const char *id, kt_err *err);
int sq_list_records(kt_store *s, const char *kind, kt_record_fn fn, void *ctx, kt_err *err);
int sq_reprice(kt_store *s, int64_t start, int64_t end, const kt_reprice_fns *f, kt_reprice_stats *st, kt_err *err);
int sq_reprice_window(kt_store *s, int64_t start, int64_t end, const kt_reprice_fns *f, kt_reprice_stats *st,
                      kt_err *err);
/* Settlement columns of the daily tables (NULL-terminated per table). */
#define sq_daily_extra store_daily_extra /* shared with PostgreSQL (store_backend.h) */

#endif
