/* pg_internal.h — state shared by the PostgreSQL backend's files
 * (pg.c: connection, transactions, ops table; pg_schema.c: schema,
 * migrations and partitions; pg_write.c: puts; pg_load.c: loading rows into
 * datasets; pg_rollup.c: daily roll-ups with settlement, retention, cluster
 * status; pg_misc.c: meta, records, repricing; pg_bills.c: imported
 * bills and their sums).  Not an API.
 *
 * What differs from SQLite, and why:
 *  - every row carries its cluster_id, so row-level security can confine an
 *    agent's role to its cluster and roll-ups are per (day, cluster): agents
 *    of different clusters never write the same rows;
 *  - fact puts are buffered and written at commit as multi-row upserts, in
 *    the one transaction of the flush (an hour is all there or not at all);
 *  - history tables are partitioned by time (hourly rows by day, daily rows
 *    by month) so retention drops partitions;
 *  - no day files: the database aggregates. */
#ifndef KT_PG_INTERNAL_H
#define KT_PG_INTERNAL_H

#include <libpq-fe.h>
#include <stdlib.h>

#include "store/store_backend.h"
#include "util/buf.h"
#include "util/strtab.h"

#define PG_SCHEMA_VERSION 4

/* Fact tables (NAME_h hourly, NAME_d daily), in sqlite_internal.h's order. */
enum { PF_CONTAINER, PF_NODE, PF_VOLUME, PF_POD_VOLUME, PF_LB, PF_POD_LB, PF_FEE, PF_NETWORK, PF_COUNT };

/* Kinds of things whose cluster the handle remembers (cluster_of). */
enum { PK_NODE, PK_POD, PK_CONTAINER, PK_VOLUME, PK_LB, PK_COUNT };

/* A buffered fact row: up to two key ids after t, numbers, one text. */
typedef struct pg_fact {
    int64_t t, cluster, id[2];
    double v[11];
    uint32_t text; /* in pg_store.texts; 0 = none */
} pg_fact;

typedef struct pg_facts {
    pg_fact *rows;
    size_t n, cap;
    kt_u64map at; /* key hash -> row index (a put replaces) */
} pg_facts;

typedef struct pg_store {
    const kt_store_ops *ops; /* first: store.c dispatches through it */
    PGconn *conn;
    char *conninfo;          /* with the password: only ever given to libpq */
    char url[1024];          /* for messages: password removed */
    int readonly, in_txn, agent;
    kt_u64map dirty;         /* (cluster, day) touched in the open transaction */
    kt_u64map rescaled;      /* of those, days past hourly retention whose daily
                                rows a bill rescaled in place (re-shared at commit) */
    pg_facts facts[PF_COUNT];
    kt_strtab texts;
    kt_u64map cluster_of[PK_COUNT];
    kt_u64map parts;         /* partitions known to exist, by start time */
    kt_u64map things;        /* hash of a thing put as it was put -> its id: an
                                unchanged thing is not written again (the meter
                                puts every pod every flush) */
} pg_store;

static inline pg_store *PGS(kt_store *s) { return (pg_store *)(void *)s; }

extern const char *const pg_fact_table[PF_COUNT];
/* Columns after t and cluster_id, per fact table (keys first). */
extern const char *const pg_fact_cols[PF_COUNT];
/* The key columns and the value columns of each (pg_fact_cols = both). */
extern const char *const pg_fact_keys[PF_COUNT], *const pg_fact_vals[PF_COUNT];
extern const int pg_fact_nkeys[PF_COUNT], pg_fact_nnum[PF_COUNT], pg_fact_hastext[PF_COUNT];

/* Fill err from the connection's or result's state, naming `what`; the
 * message never holds the password.  Returns -1. */
int pg_fail(pg_store *s, PGresult *r, const char *what, kt_err *err);
/* Run SQL with no rows expected; params are text (NULL = SQL NULL). */
int pg_exec(pg_store *s, const char *sql, int n, const char *const *params, const char *what, kt_err *err);
/* Run a query; the caller PQclear()s the result.  NULL on failure. */
PGresult *pg_query(pg_store *s, const char *sql, int n, const char *const *params, const char *what, kt_err *err);
/* Run a query and call fn for each row as it arrives (single-row mode: the
 * whole answer is never held); fn returning non-zero stops reading. */
typedef int (*pg_row_fn)(void *ctx, const PGresult *r);
int pg_each(pg_store *s, const char *sql, int n, const char *const *params, pg_row_fn fn, void *ctx,
            const char *what, kt_err *err);
/* First column of the first row as an integer (0 when none). */
int pg_scalar(pg_store *s, const char *sql, int n, const char *const *params, int64_t *out, const char *what,
              kt_err *err);
static inline int64_t pg_int(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}
static inline double pg_num(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtod(PQgetvalue(r, row, col), NULL);
}

/* Schema (pg_schema.c): create or upgrade; refuse a newer version. */
int pg_migrate(pg_store *s, kt_err *err);
/* Make sure the partitions holding hour t (and its day's daily rows) exist. */
int pg_ensure_partitions(pg_store *s, int64_t t, kt_err *err);
/* Drop hourly partitions wholly before hcut and daily ones before dcut
 * (rows of a partly covered partition are deleted). */
int pg_drop_partitions(pg_store *s, int64_t hcut, int64_t dcut, kt_err *err);

/* Database ids of a dataset's things, by dataset index (pg_load_rows). */
typedef struct pg_ids {
    int64_t *container, *pod, *node, *volume, *lb, *cluster;
} pg_ids;
void pg_ids_free(pg_ids *ids);
/* The hourly ("h") or daily ("d") rows of [lo, hi) of one cluster (0 =
 * all), raw (settle = 0) or settled, with their things' database ids. */
int pg_load_rows(pg_store *s, char suffix, int64_t lo, int64_t hi, int64_t cluster, int settled, kt_dataset *ds,
                 pg_ids *ids, kt_err *err);

/* COPY text for one value: backslash, tab and newlines escaped. */
void pg_copy_text(kt_buf *b, const char *t);
/* COPY b (COPY text rows) into table, in the open transaction. */
int pg_copy_in(pg_store *s, const char *table, const kt_buf *b, const char *what, kt_err *err);
/* Bills (pg_bills.c: import and sums; pg_bills_recon.c: reconciliation,
 * and pg_bill_ops gathering both). */
int pgb_import_begin(kt_store *s, const char *files, void **out, kt_err *err);
int pgb_put(void *im, const kt_bill_row *r, kt_err *err);
int pgb_import_end(void *im, kt_bill_import_stats *st, kt_err *err);
void pgb_import_abort(void *im);
int pgb_sums(kt_store *s, int64_t lo, int64_t hi, kt_bill_sum_fn fn, void *ctx, kt_err *err);
int pgb_days(kt_store *s, int64_t lo, int64_t hi, kt_bill_day_fn fn, void *ctx, kt_err *err);
/* Write the buffered facts (pg_write.c). */
int pg_flush_facts(pg_store *s, kt_err *err);
void pg_facts_reset(pg_store *s);
/* Roll up every dirty (cluster, day) and settle it (pg_rollup.c). */
int pg_rollup_dirty(pg_store *s, kt_err *err);
/* Does the cluster have hourly rows (node or container) on day?  A day
 * without them is past hourly retention: its daily rows are all there is. */
int pg_day_has_hours(pg_store *s, int64_t cluster, int64_t day, int *has, kt_err *err);
/* Re-share a rescaled day past hourly retention (pg_bills_recon.c). */
int pg_bill_reshare_day(pg_store *s, int64_t cluster, int64_t day, kt_err *err);
/* After a commit: drop hourly partitions past retention (best effort). */
void pg_auto_prune(pg_store *s);
/* The cluster of a thing, from the handle's memory or the database. */
int pg_cluster_of(pg_store *s, int kind, int64_t id, int64_t *cluster, kt_err *err);
static inline uint64_t pg_dirty_key(int64_t cluster, int64_t day) { return (uint64_t)cluster << 24 | (uint64_t)(day / 86400); }

/* The PostgreSQL side of the seam (store_backend.h). */
int pgs_put_cluster(kt_store *s, const kt_cluster_rec *c, int64_t *id, kt_err *err);
int pgs_put_node(kt_store *s, const kt_node_rec *n, int64_t *id, kt_err *err);
int pgs_put_pod(kt_store *s, const kt_pod_rec *p, int64_t *id, kt_err *err);
int pgs_put_container(kt_store *s, int64_t pod_id, const char *name, int64_t *id, kt_err *err);
int pgs_put_volume(kt_store *s, const kt_volume_rec *v, int64_t *id, kt_err *err);
int pgs_put_lb(kt_store *s, const kt_lb_rec *l, int64_t *id, kt_err *err);
int pgs_put_namespace(kt_store *s, int64_t cluster_id, const char *name, const kt_kv *labels, size_t n_labels,
                      const kt_kv *annotations, size_t n_annotations, kt_err *err);
int pgs_put_container_hour(kt_store *s, const kt_container_hour *f, kt_err *err);
int pgs_put_node_hour(kt_store *s, const kt_node_hour *f, kt_err *err);
int pgs_put_volume_hour(kt_store *s, const kt_volume_hour *f, kt_err *err);
int pgs_put_pod_volume_hour(kt_store *s, const kt_pod_volume_hour *f, kt_err *err);
int pgs_put_lb_hour(kt_store *s, const kt_lb_hour *f, kt_err *err);
int pgs_put_pod_lb_hour(kt_store *s, const kt_pod_lb_hour *f, kt_err *err);
int pgs_put_fee_hour(kt_store *s, const kt_fee_hour *f, kt_err *err);
int pgs_put_pod_network_hour(kt_store *s, const kt_pod_network_hour *f, kt_err *err);
/* pg_volume_usage.c: claims' used bytes per volume and day (schema v3). */
int pgs_put_volume_usage(kt_store *s, const kt_volume_usage *u, kt_err *err);
int pgs_volume_usage(kt_store *s, int64_t start, int64_t end, kt_volume_usage_fn fn, void *ctx, kt_err *err);
int pgs_set_cluster_contact(kt_store *s, int64_t cluster_id, int64_t when, const char *last_error, kt_err *err);
int pgs_load(kt_store *s, int64_t start, int64_t end, int hourly, kt_dataset *out, kt_err *err);
int pgs_load_summed(kt_store *s, int64_t start, int64_t end, kt_dataset *out, kt_err *err);
int pgs_rebuild_cache(kt_store *s, long *files, kt_err *err);
int pgs_load_raw(kt_store *s, int64_t hour, kt_dataset *out, kt_err *err);
int pgs_get_retention(kt_store *s, kt_retention *r, kt_err *err);
int pgs_set_retention(kt_store *s, const kt_retention *r, kt_err *err);
int pgs_prune(kt_store *s, int64_t now, kt_err *err);
int pgs_cluster_status(kt_store *s, kt_cluster_status **out, size_t *n, kt_err *err);
int pgs_get_meta(kt_store *s, const char *key, char *buf, size_t n, kt_err *err);
int pgs_set_meta(kt_store *s, const char *key, const char *value, kt_err *err);
int pgs_put_record(kt_store *s, const char *kind, const char *id, const char *body, kt_err *err);
int pgs_get_record(kt_store *s, const char *kind, const char *id, char **body, kt_err *err);
int pgs_del_record(kt_store *s, const char *kind, const char *id, kt_err *err);
int pgs_list_records(kt_store *s, const char *kind, kt_record_fn fn, void *ctx, kt_err *err);
int pgs_grant_agent(kt_store *s, const char *cluster, const char *role, const char *password, kt_err *err);
int pgs_reprice(kt_store *s, int64_t start, int64_t end, const kt_reprice_fns *f, kt_reprice_stats *st,
                kt_err *err);

#endif
