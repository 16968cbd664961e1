/* pg_rollup.c — PostgreSQL daily roll-ups with settlement, retention and
 * cluster status.
 *
 * A (cluster, day) touched by a flush is rolled up inside the flush's
 * transaction: the SQL sums the day's hourly rows into daily rows (rates
 * hour-weighted, exactly as sqlite_rollup.c does), then the day's hours are
 * loaded, settled with the shared settle() and what settlement gave is
 * written over the daily rows' settled columns, as sqlite_settle.c does.
 * Per cluster, under an advisory lock on (cluster, day), so agents of
 * different clusters never touch each other's rows and two writers of one
 * cluster take turns.  Settlement is per node-hour and a node belongs to one
 * cluster, so a per-cluster roll-up gives the same money as a whole one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/pg_internal.h"
#include "store/settle.h"
#include "util/time.h"

/* Aggregates of each table's value columns, in pg_fact_vals order. */
static const char *const rollup_aggs[PF_COUNT] = {
    "sum(seconds), sum(cpu_req), sum(cpu_use), sum(cpu_alloc), sum(ram_req), sum(ram_use), sum(ram_alloc), sum(gpu),"
    " max(cpu_peak), max(ram_peak), min(measured)",
    "sum(hours), sum(hours*cpu_price)/sum(hours), sum(hours*ram_price)/sum(hours), sum(hours*gpu_price)/sum(hours),"
    " sum(hours*hourly)/sum(hours), max(source)",
    "sum(hours), sum(hours*bytes)/sum(hours), CASE WHEN sum(hours*bytes) > 0 THEN"
    " sum(hours*bytes*price)/sum(hours*bytes) ELSE max(price) END, max(source)",
    "sum(hours)",
    "sum(hours), sum(hours*hourly)/sum(hours), max(source)",
    "sum(hours)",
    "sum(hours), sum(hours*hourly)/sum(hours), max(kind)",
    "sum(tx_internet), sum(tx_region), sum(tx_zone), sum(rx), sum(cost_internet), sum(cost_region), sum(cost_zone),"
    " sum(tx_other)",
};
/* Tables whose daily row needs hours: a thing that never ran has no rate. */
static const int rollup_having[PF_COUNT] = {0, 1, 1, 0, 1, 0, 1, 0};

/* Settled values per key of one daily table, written in one statement
 * per 500 rows: UPDATE … FROM (VALUES …). */
typedef struct settled {
    int ft, ncols, nkeys;
    const char *const *cols;
    kt_u64map at; /* packed key -> row */
    int64_t *keys; /* nkeys per row */
    double *vals;  /* ncols per row */
    size_t n, cap;
} settled;

static void settled_init(settled *t, int ft, int nkeys, const char *const *cols, int ncols)
{
    memset(t, 0, sizeof *t);
    t->ft = ft, t->nkeys = nkeys, t->cols = cols, t->ncols = ncols;
    u64map_init(&t->at);
}

/* The row of (k1, k2), zeroed when new; values add up. */
static double *settled_row(settled *t, int64_t k1, int64_t k2)
{
    uint64_t key = (uint64_t)k1 << 32 ^ (uint64_t)k2, at;
    if (!u64map_get(&t->at, key, &at)) {
        if (t->n == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 256;
            t->keys = xrealloc(t->keys, t->cap * 2 * sizeof *t->keys);
            t->vals = xrealloc(t->vals, t->cap * (size_t)t->ncols * sizeof *t->vals);
        }
        at = t->n++;
        t->keys[2 * at] = k1, t->keys[2 * at + 1] = k2;
        memset(&t->vals[at * (size_t)t->ncols], 0, (size_t)t->ncols * sizeof *t->vals);
        u64map_put(&t->at, key, at);
    }
    return &t->vals[at * (size_t)t->ncols];
}

static int settled_write(pg_store *s, settled *t, int64_t day, kt_err *err)
{
    const char *keys = pg_fact_keys[t->ft];
    int rc = 0;
    for (size_t from = 0; from < t->n && !rc; from += 500) {
        size_t to = from + 500 < t->n ? from + 500 : t->n;
        kt_buf b = {0};
        buf_printf(&b, "UPDATE %s_d AS d SET ", pg_fact_table[t->ft]);
        for (int c = 0; c < t->ncols; c++)
            buf_printf(&b, "%s%s = v.c%d", c ? ", " : "", t->cols[c], c);
        buf_puts(&b, " FROM (VALUES ");
        for (size_t i = from; i < to; i++) {
            buf_printf(&b, "%s(%lld::bigint", i > from ? "," : "", (long long)t->keys[2 * i]);
            if (t->nkeys == 2)
                buf_printf(&b, ", %lld::bigint", (long long)t->keys[2 * i + 1]);
            for (int c = 0; c < t->ncols; c++)
                buf_printf(&b, ", %.17g::float8", t->vals[i * (size_t)t->ncols + (size_t)c]);
            buf_putc(&b, ')');
        }
        buf_printf(&b, ") AS v(k0%s", t->nkeys == 2 ? ", k1" : "");
        for (int c = 0; c < t->ncols; c++)
            buf_printf(&b, ", c%d", c);
        int comma = (int)strcspn(keys, ",");
        buf_printf(&b, ") WHERE d.t = %lld AND d.%.*s = v.k0", (long long)day, comma, keys);
        if (t->nkeys == 2)
            buf_printf(&b, " AND d.%s = v.k1", keys + comma + 2);
        rc = pg_exec(s, b.data, 0, NULL, "settling a day", err);
        buf_free(&b);
    }
    u64map_free(&t->at);
    free(t->keys), free(t->vals);
    return rc;
}

/* What settling the day's hours gave, over the day's rows of one cluster. */
static int settle_day(pg_store *s, int64_t cluster, int64_t day, kt_err *err)
{
    kt_dataset ds;
    pg_ids ids;
    if (pg_load_rows(s, 'h', day, day + 86400, cluster, 1, &ds, &ids, err))
        return -1;
    static const char *const ccols[] = {"cpu_alloc", "ram_alloc", "cpu_cost", "ram_cost", "gpu_cost", "idle_node_cpu",
                                        "idle_node_ram", "idle_node_gpu", "idle_cl_cpu", "idle_cl_ram", "idle_cl_gpu",
                                        "fee"};
    static const char *const pair_cols[] = {"hours", "cost"};
    settled t[5];
    settled_init(&t[0], PF_CONTAINER, 1, ccols, 12);
    settled_init(&t[1], PF_NODE, 1, store_daily_extra[PF_NODE], 9);
    settled_init(&t[2], PF_FEE, 1, store_daily_extra[PF_FEE], 1);
    settled_init(&t[3], PF_POD_VOLUME, 2, pair_cols, 2);
    settled_init(&t[4], PF_POD_LB, 2, pair_cols, 2);
    for (size_t i = 0; i < ds.n_cfacts; i++) {
        const ds_container_fact *f = &ds.cfacts[i];
        double *r = settled_row(&t[0], ids.container[f->container], 0);
        r[0] += f->cpu_alloc, r[1] += f->ram_alloc, r[11] += f->fee;
        for (int k = 0; k < R_N; k++)
            r[2 + k] += f->cost[k], r[5 + k] += f->idle_node[k], r[8 + k] += f->idle_cluster[k];
    }
    for (size_t i = 0; i < ds.n_nfacts; i++) {
        const ds_node_fact *f = &ds.nfacts[i];
        double *r = settled_row(&t[1], ids.node[f->node], 0);
        for (int k = 0; k < R_N; k++)
            r[k] += f->idle[k], r[3 + k] += f->idle_left_node[k], r[6 + k] += f->idle_left_cluster[k];
    }
    for (size_t i = 0; i < ds.n_feefacts; i++)
        settled_row(&t[2], ids.cluster[ds.feefacts[i].cluster], 0)[0] += ds.feefacts[i].unshared;
    for (size_t i = 0; i < ds.n_pvfacts; i++) {
        double *r = settled_row(&t[3], ids.pod[ds.pvfacts[i].pod], ids.volume[ds.pvfacts[i].volume]);
        r[0] += ds.pvfacts[i].hours, r[1] += ds.pvfacts[i].cost;
    }
    for (size_t i = 0; i < ds.n_plbfacts; i++) {
        double *r = settled_row(&t[4], ids.pod[ds.plbfacts[i].pod], ids.lb[ds.plbfacts[i].lb]);
        r[0] += ds.plbfacts[i].hours, r[1] += ds.plbfacts[i].cost;
    }
    int rc = 0;
    for (int i = 0; i < 5; i++)
        if (settled_write(s, &t[i], day, rc ? NULL : err))
            rc = -1;
    pg_ids_free(&ids);
    ds_free(&ds);
    return rc;
}

int pg_day_has_hours(pg_store *s, int64_t cluster, int64_t day, int *has, kt_err *err)
{
    char c[32], d0[32], d1[32];
    snprintf(c, sizeof c, "%lld", (long long)cluster);
    snprintf(d0, sizeof d0, "%lld", (long long)day);
    snprintf(d1, sizeof d1, "%lld", (long long)day + 86400);
    const char *p[] = {c, d0, d1};
    int64_t v = 0;
    if (pg_scalar(s, "SELECT (EXISTS (SELECT 1 FROM node_h WHERE cluster_id = $1::bigint AND t >= $2::bigint AND"
                     " t < $3::bigint) OR EXISTS (SELECT 1 FROM container_h WHERE cluster_id = $1::bigint AND"
                     " t >= $2::bigint AND t < $3::bigint))::int", 3, p, &v, "rolling up a day", err))
        return -1;
    *has = v != 0;
    return 0;
}

static int rollup_day(pg_store *s, int64_t cluster, int64_t day, kt_err *err)
{
    char sql[1200], c[32], d0[32], d1[32];
    snprintf(c, sizeof c, "%lld", (long long)cluster);
    snprintf(d0, sizeof d0, "%lld", (long long)day);
    snprintf(d1, sizeof d1, "%lld", (long long)day + 86400);
    const char *p[] = {c, d0, d1};
    int has = 0;
    uint64_t v;
    if (pg_exec(s, "SELECT pg_advisory_xact_lock($1::int, ($2::bigint / 86400)::int)", 2, p, "rolling up a day", err) ||
        pg_day_has_hours(s, cluster, day, &has, err))
        return -1;
    if (!has) /* hours past retention: the daily rows stay, changed in place by a bill or not at all */
        return u64map_get(&s->rescaled, pg_dirty_key(cluster, day), &v) ? pg_bill_reshare_day(s, cluster, day, err)
                                                                         : 0;
    for (int f = 0; f < PF_COUNT; f++) {
        snprintf(sql, sizeof sql, "DELETE FROM %s_d WHERE t = $2::bigint AND cluster_id = $1::bigint;",
                 pg_fact_table[f]);
        if (pg_exec(s, sql, 2, p, "rolling up a day", err))
            return -1;
        snprintf(sql, sizeof sql, "INSERT INTO %s_d (t, cluster_id, %s) SELECT $2::bigint, $1::bigint, %s, %s FROM %s_h"
                 " WHERE cluster_id = $1::bigint AND t >= $2::bigint AND t < $3::bigint GROUP BY %s%s",
                 pg_fact_table[f], pg_fact_cols[f], pg_fact_keys[f], rollup_aggs[f], pg_fact_table[f],
                 pg_fact_keys[f], rollup_having[f] ? " HAVING sum(hours) > 0" : "");
        if (pg_exec(s, sql, 3, p, "rolling up a day", err))
            return -1;
    }
    return settle_day(s, cluster, day, err);
}

int pg_rollup_dirty(pg_store *s, kt_err *err)
{
    for (size_t i = 0; i < s->dirty.cap; i++) {
        uint64_t k = s->dirty.keys[i];
        if (k != UINT64_MAX && rollup_day(s, (int64_t)(k >> 24), (int64_t)(k & 0xffffff) * 86400, err))
            return -1;
    }
    return 0;
}

static int64_t meta_int(pg_store *s, const char *key, int64_t fallback)
{
    const char *p[] = {key};
    PGresult *r = pg_query(s, "SELECT value FROM meta WHERE key = $1", 1, p, "reading meta", NULL);
    int64_t v = r && PQntuples(r) ? pg_int(r, 0, 0) : fallback;
    PQclear(r);
    return v;
}

int pgs_get_retention(kt_store *ks, kt_retention *r, kt_err *err)
{
    (void)err;
    r->hourly_days = (int)meta_int(PGS(ks), "retention_hourly_days", 3);
    r->daily_days = (int)meta_int(PGS(ks), "retention_daily_days", 1095);
    return 0;
}

int pgs_set_retention(kt_store *ks, const kt_retention *r, kt_err *err)
{
    if (r->hourly_days < 1 || r->daily_days < r->hourly_days)
        return kt_fail(err, KT_EINPUT, "retention: hourly days must be >= 1 and daily days >= hourly days");
    char h[32], d[32];
    snprintf(h, sizeof h, "%d", r->hourly_days);
    snprintf(d, sizeof d, "%d", r->daily_days);
    const char *p[] = {h, d};
    return pg_exec(PGS(ks), "INSERT INTO meta VALUES ('retention_hourly_days', $1), ('retention_daily_days', $2)"
                            " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", 2, p, "saving retention", err);
}

/* After each commit, outside its transaction: hourly partitions older than
 * the hourly retention before the newest hour are dropped (their daily rows
 * stay).  Best effort: an agent's role may not drop (the central service
 * does), and a busy table is left for the next commit. */
void pg_auto_prune(pg_store *s)
{
    int64_t newest = 0;
    if (s->agent || pg_scalar(s, "SELECT coalesce(max(t), 0) FROM node_h", 0, NULL, &newest, "pruning", NULL) ||
        newest <= 0)
        return;
    kt_retention r;
    pgs_get_retention((kt_store *)s, &r, NULL);
    int64_t cut = day_floor(newest - (int64_t)r.hourly_days * 86400);
    if (cut <= meta_int(s, "hours_pruned_before", 0))
        return;
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)cut);
    const char *p[] = {v};
    if (pg_exec(s, "SET lock_timeout = '2s'", 0, NULL, "pruning", NULL))
        return;
    if (!pg_drop_partitions(s, cut, 0, NULL))
        pg_exec(s, "INSERT INTO meta VALUES ('hours_pruned_before', $1) ON CONFLICT (key) DO UPDATE"
                   " SET value = EXCLUDED.value", 1, p, "pruning", NULL);
    pg_exec(s, "RESET lock_timeout", 0, NULL, "pruning", NULL);
}

int pgs_prune(kt_store *ks, int64_t now, kt_err *err)
{
    kt_retention r;
    pgs_get_retention(ks, &r, err);
    int64_t hcut = day_floor(now - (int64_t)r.hourly_days * 86400), dcut = now - (int64_t)r.daily_days * 86400;
    char d[32];
    snprintf(d, sizeof d, "%lld", (long long)dcut);
    const char *p[] = {d};
    return pg_drop_partitions(PGS(ks), hcut, dcut, err) ||
           pg_exec(PGS(ks), "DELETE FROM volume_usage WHERE day < $1::bigint", 1, p, "pruning old rows", err);
}

static int status_row(void *ctx, const PGresult *r)
{
    kt_buf *b = ctx;
    buf_reserve(b, sizeof(kt_cluster_status));
    kt_cluster_status *c = (kt_cluster_status *)(void *)(b->data + b->len);
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", PQgetvalue(r, 0, 0));
    snprintf(c->provider, sizeof c->provider, "%s", PQgetvalue(r, 0, 1));
    snprintf(c->region, sizeof c->region, "%s", PQgetvalue(r, 0, 2));
    snprintf(c->source, sizeof c->source, "%s", PQgetvalue(r, 0, 3));
    snprintf(c->last_error, sizeof c->last_error, "%s", PQgetvalue(r, 0, 4));
    c->last_contact = pg_int(r, 0, 5);
    c->first_fact = pg_int(r, 0, 6);
    c->last_fact = pg_int(r, 0, 7);
    c->nodes = (long)pg_int(r, 0, 8);
    c->pods = (long)pg_int(r, 0, 9);
    b->len += sizeof *c;
    return 0;
}

int pgs_cluster_status(kt_store *ks, kt_cluster_status **out, size_t *n, kt_err *err)
{
    static const char *sql =
        "SELECT c.name, coalesce(c.provider,''), coalesce(c.region,''), coalesce(c.source,''),"
        " coalesce(c.last_error,''), coalesce(c.last_contact,0),"
        " (SELECT min(t) FROM node_d d WHERE d.cluster_id = c.id),"
        " (SELECT max(t) FROM node_h h WHERE h.cluster_id = c.id),"
        " (SELECT count(*) FROM nodes x WHERE x.cluster_id = c.id),"
        " (SELECT count(*) FROM pods p WHERE p.cluster_id = c.id) FROM clusters c ORDER BY c.name";
    kt_buf b = {0};
    *out = NULL;
    *n = 0;
    if (pg_each(PGS(ks), sql, 0, NULL, status_row, &b, "listing clusters", err)) {
        buf_free(&b);
        return -1;
    }
    *n = b.len / sizeof **out;
    *out = (kt_cluster_status *)(void *)buf_steal(&b);
    return 0;
}
