/* pg_bills_recon.c — what reconciliation reads and writes on PostgreSQL
 * (bills.h; the logic is src/bills/reconcile.c, shared with SQLite, whose
 * side is sqlite_bills_recon.c): the assets a bill can name, their cost
 * per day, the bill rows naming them, and the repricing of an asset's day.
 *
 * Repricing multiplies the day's hourly prices by one factor and marks
 * the asset's (cluster, day) dirty: the commit rolls it up and settles it
 * again (pg_rollup.c), as after `kubetally reprice`.  A day past hourly
 * retention (the cluster has daily rows only) has its daily rows scaled in
 * place and re-shared at commit by bills_daily.c, the computation SQLite
 * uses too, through this file's port.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/bills.h"
#include "store/bills_daily.h"
#include "store/pg_internal.h"
#include "util/time.h"

#define I64(buf, v) (snprintf(buf, sizeof buf, "%lld", (long long)(v)), buf)

/* Rows of a query with ($1 lo, $2 hi) as int8, each to fn (pg_each). */
static int each2(pg_store *s, const char *sql, int64_t lo, int64_t hi, pg_row_fn fn, void *ctx, const char *what,
                 kt_err *err)
{
    char a[32], b[32];
    const char *p[] = {I64(a, lo), I64(b, hi)};
    return pg_each(s, sql, 2, p, fn, ctx, what, err) < 0 ? -1 : 0;
}

static int pgb_span(kt_store *ks, int64_t *lo, int64_t *hi, kt_err *err)
{
    static const char *sql =
        "SELECT greatest(f.a, b.a), least(f.b, b.b) FROM (SELECT min(a) a, max(b) b FROM ("
        " SELECT min(t) a, max(t) + 3600 b FROM node_h UNION ALL SELECT min(t), max(t) + 3600 FROM volume_h"
        " UNION ALL SELECT min(t), max(t) + 3600 FROM lb_h UNION ALL SELECT min(t), max(t) + 86400 FROM node_d"
        " UNION ALL SELECT min(t), max(t) + 86400 FROM volume_d UNION ALL SELECT min(t), max(t) + 86400 FROM lb_d) x) f,"
        " (SELECT min(a) a, max(b) b FROM (SELECT min(r.t0) a, greatest(max(r.t1), max(r.t0) + 1) b FROM bill_k8s k"
        " JOIN bill_rows r ON r.rkey = k.rkey UNION ALL SELECT min(day), max(day) + 86400 FROM bill_recon) y) b";
    PGresult *r = pg_query(PGS(ks), sql, 0, NULL, "reading the span to reconcile", err);
    if (!r)
        return -1;
    *lo = *hi = 0;
    if (PQntuples(r) && !PQgetisnull(r, 0, 0) && !PQgetisnull(r, 0, 1))
        *lo = pg_int(r, 0, 0), *hi = pg_int(r, 0, 1);
    PQclear(r);
    if (*hi < *lo)
        *lo = *hi = 0;
    return 0;
}

/* A caller's callback and its context, per kind of row. */
typedef struct asset_cb {
    kt_bill_asset_fn fn;
    void *ctx;
} asset_cb;
typedef struct charge_cb {
    kt_bill_charge_fn fn;
    void *ctx;
} charge_cb;
typedef struct recon_cb {
    kt_bill_recon_fn fn;
    void *ctx;
} recon_cb;

static int on_asset(void *vc, const PGresult *r)
{
    asset_cb *c = vc;
    kt_bill_asset a = {(int)pg_int(r, 0, 0), pg_int(r, 0, 1), PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3),
                       PQgetvalue(r, 0, 4)};
    return c->fn(c->ctx, &a);
}

static int pgb_assets(kt_store *ks, kt_bill_asset_fn fn, void *ctx, kt_err *err)
{
    assert(ks && fn);
    asset_cb c = {fn, ctx};
    return pg_each(PGS(ks), store_bill_assets_sql, 0, NULL, on_asset, &c, "listing assets for the bill", err) < 0 ? -1 : 0;
}

/* COPY into a stage in input order, then keep each key's first (as
 * SQLite's INSERT OR IGNORE). */
static int pgb_set_k8s(kt_store *ks, const char *const *keys, const int *kinds, const int64_t *ids, size_t n,
                       kt_err *err)
{
    pg_store *s = PGS(ks);
    assert(s && (n == 0 || (keys && kinds && ids)));
    const char *what = "marking cluster assets";
    if (pg_exec(s, "DELETE FROM bill_k8s", 0, NULL, what, err) ||
        pg_exec(s, "CREATE TEMP TABLE IF NOT EXISTS kt_k8s_stage (i bigint, rkey text, kind integer, asset_id bigint)"
                " ON COMMIT DROP", 0, NULL, what, err) ||
        pg_exec(s, "TRUNCATE kt_k8s_stage", 0, NULL, what, err))
        return -1;
    kt_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "%zu\t", i);
        pg_copy_text(&b, keys[i]);
        buf_printf(&b, "\t%d\t%lld\n", kinds[i], (long long)ids[i]);
    }
    int rc = n ? pg_copy_in(s, "kt_k8s_stage", &b, what, err) : 0;
    buf_free(&b);
    return rc || pg_exec(s, "INSERT INTO bill_k8s SELECT rkey, kind, asset_id FROM kt_k8s_stage ORDER BY i"
                         " ON CONFLICT (rkey) DO NOTHING", 0, NULL, what, err) ? -1 : 0;
}

/* Per kind: the day's hours and current cost per asset from the hourly
 * rows, with the estimate recorded when it was reconciled before; then,
 * for a day whose cluster has no hours left (past hourly retention, as
 * pg_day_has_hours), from its daily row.  In SQLite's order (hourly rows by
 * asset id, then day, as its GROUP BY walks them, then the daily ones),
 * which cloudcost's list of unbilled assets keeps. */
#define NO_HOURS " AND NOT EXISTS (SELECT 1 FROM node_h x WHERE x.cluster_id = d.cluster_id AND x.t >= d.t"   \
                 " AND x.t < d.t + 86400) AND NOT EXISTS (SELECT 1 FROM container_h x WHERE"                    \
                 " x.cluster_id = d.cluster_id AND x.t >= d.t AND x.t < d.t + 86400)"
#define DAILY_ESTIMATE "r.estimate, CASE WHEN r.estimate IS NULL THEN 0 ELSE 1 END, 1 AS part"
static const char *const day_sql[KT_BILL_KINDS] = {
    "SELECT h.node_id, h.t - h.t % 86400 AS aday, c.name, c.provider, coalesce(c.currency, ''), n.name,"
    " sum(h.hours), sum(h.hours * h.hourly), min(r.estimate), count(r.estimate), 0 AS part FROM node_h h"
    " JOIN nodes n ON n.id = h.node_id JOIN clusters c ON c.id = n.cluster_id LEFT JOIN bill_recon r"
    " ON r.kind = 0 AND r.asset_id = h.node_id AND r.day = h.t - h.t % 86400 WHERE h.t >= $1::bigint"
    " AND h.t < $2::bigint GROUP BY h.node_id, aday, c.name, c.provider, c.currency, n.name"
    " UNION ALL SELECT d.node_id, d.t, c.name, c.provider, coalesce(c.currency, ''), n.name, d.hours,"
    " d.hours * d.hourly, " DAILY_ESTIMATE " FROM node_d d JOIN nodes n ON n.id = d.node_id"
    " JOIN clusters c ON c.id = n.cluster_id LEFT JOIN bill_recon r ON r.kind = 0 AND r.asset_id = d.node_id"
    " AND r.day = d.t WHERE d.t >= $1::bigint AND d.t < $2::bigint" NO_HOURS " ORDER BY part, 1, 2",
    "SELECT h.volume_id, h.t - h.t % 86400 AS aday, c.name, c.provider, coalesce(c.currency, ''), v.name,"
    " sum(h.hours), sum(h.hours * h.bytes / 1073741824.0::float8 * h.price), min(r.estimate), count(r.estimate),"
    " 0 AS part FROM volume_h h JOIN volumes v ON v.id = h.volume_id JOIN clusters c ON c.id = v.cluster_id"
    " LEFT JOIN bill_recon r ON r.kind = 1 AND r.asset_id = h.volume_id AND r.day = h.t - h.t % 86400"
    " WHERE h.t >= $1::bigint AND h.t < $2::bigint GROUP BY h.volume_id, aday, c.name, c.provider, c.currency,"
    " v.name"
    " UNION ALL SELECT d.volume_id, d.t, c.name, c.provider, coalesce(c.currency, ''), v.name, d.hours,"
    " d.hours * d.bytes / 1073741824.0::float8 * d.price, " DAILY_ESTIMATE " FROM volume_d d"
    " JOIN volumes v ON v.id = d.volume_id JOIN clusters c ON c.id = v.cluster_id LEFT JOIN bill_recon r"
    " ON r.kind = 1 AND r.asset_id = d.volume_id AND r.day = d.t WHERE d.t >= $1::bigint AND d.t < $2::bigint"
    NO_HOURS " ORDER BY part, 1, 2",
    "SELECT h.lb_id, h.t - h.t % 86400 AS aday, c.name, c.provider, coalesce(c.currency, ''),"
    " l.namespace || '/' || l.name, sum(h.hours), sum(h.hours * h.hourly), min(r.estimate), count(r.estimate),"
    " 0 AS part FROM lb_h h JOIN lbs l ON l.id = h.lb_id JOIN clusters c ON c.id = l.cluster_id"
    " LEFT JOIN bill_recon r ON r.kind = 2 AND r.asset_id = h.lb_id AND r.day = h.t - h.t % 86400"
    " WHERE h.t >= $1::bigint AND h.t < $2::bigint GROUP BY h.lb_id, aday, c.name, c.provider, c.currency,"
    " l.namespace, l.name"
    " UNION ALL SELECT d.lb_id, d.t, c.name, c.provider, coalesce(c.currency, ''), l.namespace || '/' || l.name,"
    " d.hours, d.hours * d.hourly, " DAILY_ESTIMATE " FROM lb_d d JOIN lbs l ON l.id = d.lb_id"
    " JOIN clusters c ON c.id = l.cluster_id LEFT JOIN bill_recon r ON r.kind = 2 AND r.asset_id = d.lb_id"
    " AND r.day = d.t WHERE d.t >= $1::bigint AND d.t < $2::bigint" NO_HOURS " ORDER BY part, 1, 2",
};

typedef struct day_cb {
    int kind;
    kt_bill_asset_day_fn fn;
    void *ctx;
} day_cb;

static int on_asset_day(void *vc, const PGresult *r)
{
    day_cb *c = vc;
    kt_bill_asset_day a = {c->kind, pg_int(r, 0, 0), pg_int(r, 0, 1), PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3),
                           PQgetvalue(r, 0, 4), PQgetvalue(r, 0, 5), pg_num(r, 0, 6), pg_num(r, 0, 7),
                           pg_int(r, 0, 9) > 0, pg_num(r, 0, 8)};
    return c->fn(c->ctx, &a);
}

static int pgb_asset_days(kt_store *ks, int64_t lo, int64_t hi, kt_bill_asset_day_fn fn, void *ctx, kt_err *err)
{
    assert(ks && fn);
    for (int k = 0; k < KT_BILL_KINDS; k++) {
        day_cb c = {k, fn, ctx};
        char a[32], b[32];
        const char *p[] = {I64(a, lo), I64(b, hi)};
        int rc = pg_each(PGS(ks), day_sql[k], 2, p, on_asset_day, &c, "reading asset costs", err);
        if (rc < 0)
            return -1;
        if (rc)
            return kt_fail(err, KT_ERUNTIME, "reconciliation stopped");
    }
    return 0;
}

static int on_charge(void *vc, const PGresult *r)
{
    charge_cb *c = vc;
    kt_bill_charge ch = {PQgetvalue(r, 0, 8), (int)pg_int(r, 0, 0), pg_int(r, 0, 1), pg_int(r, 0, 2),
                         pg_int(r, 0, 3), pg_num(r, 0, 4), pg_num(r, 0, 5), pg_num(r, 0, 6), PQgetvalue(r, 0, 7)};
    return c->fn(c->ctx, &ch);
}

static int pgb_charges(kt_store *ks, int64_t lo, int64_t hi, kt_bill_charge_fn fn, void *ctx, kt_err *err)
{
    assert(ks && fn);
    static const char *sql =
        "SELECT k.kind, k.asset_id, r.t0, r.t1, r.billed, r.effective, r.list, d.currency, k.rkey FROM bill_k8s k"
        " JOIN bill_rows r ON r.rkey = k.rkey JOIN bill_dims d ON d.id = r.dim_id"
        " WHERE r.t0 < $2::bigint AND (r.t1 > $1::bigint OR (r.t1 = r.t0 AND r.t0 >= $1::bigint))";
    charge_cb c = {fn, ctx};
    return each2(PGS(ks), sql, lo, hi, on_charge, &c, "reading bill charges", err);
}

/* bills_daily.c's statements on this connection: arguments as text. */
static int port_params(int n, const kt_sql_arg *a, char (*txt)[40], const char **p)
{
    assert(n >= 0 && n <= 8);
    for (int i = 0; i < n; i++) {
        if (a[i].is_int)
            snprintf(txt[i], sizeof txt[i], "%lld", (long long)a[i].i);
        else
            snprintf(txt[i], sizeof txt[i], "%.17g", a[i].d);
        p[i] = txt[i];
    }
    return n;
}

static int port_exec(void *h, const char *sql, int n, const kt_sql_arg *a, kt_err *err)
{
    char txt[8][40];
    const char *p[8];
    return pg_exec(h, sql, port_params(n, a, txt, p), p, "repricing a past day to the bill", err);
}

typedef struct port_rows_cb {
    int ncols;
    kt_sql_row_fn fn;
    void *ctx;
} port_rows_cb;

static int on_port_row(void *vc, const PGresult *r)
{
    port_rows_cb *c = vc;
    double v[16];
    for (int i = 1; i < c->ncols; i++)
        v[i - 1] = pg_num(r, 0, i);
    return c->fn(c->ctx, pg_int(r, 0, 0), v, c->ncols - 1);
}

static int port_rows(void *h, const char *sql, int n, const kt_sql_arg *a, int ncols, kt_sql_row_fn fn, void *ctx,
                     kt_err *err)
{
    assert(ncols >= 1 && ncols <= 16);
    char txt[8][40];
    const char *p[8];
    port_rows_cb c = {ncols, fn, ctx};
    return pg_each(h, sql, port_params(n, a, txt, p), p, on_port_row, &c, "re-sharing a past day", err) < 0 ? -1 : 0;
}

int pg_bill_reshare_day(pg_store *s, int64_t cluster, int64_t day, kt_err *err)
{
    assert(s && s->in_txn && cluster > 0);
    kt_sql_port p = {s, port_exec, port_rows};
    return store_bill_daily_reshare(&p, day, cluster, err);
}

static const char *const scale_sql[KT_BILL_KINDS] = {
    ("UPDATE node_h SET cpu_price = cpu_price * $1::float8, ram_price = ram_price * $1::float8,"
     " gpu_price = gpu_price * $1::float8, hourly = hourly * $1::float8 WHERE node_id = $2::bigint"
     " AND t >= $3::bigint AND t < $3::bigint + 86400"),
    ("UPDATE volume_h SET price = price * $1::float8 WHERE volume_id = $2::bigint AND t >= $3::bigint"
     " AND t < $3::bigint + 86400"),
    "UPDATE lb_h SET hourly = hourly * $1::float8 WHERE lb_id = $2::bigint AND t >= $3::bigint AND t < $3::bigint + 86400",
};

/* A day with hours: its hourly prices, settled again at commit.  A day
 * whose cluster has none left: its daily rows in place (re-shared at
 * commit when a node's changed). */
static int scale(pg_store *s, int kind, int64_t id, int64_t day, double factor, kt_err *err)
{
    assert(kind >= 0 && kind < KT_BILL_KINDS && factor >= 0 && day == day_floor(day));
    if (!s->in_txn)
        return kt_fail(err, KT_ERUNTIME, "reconciliation needs an open transaction (store_begin)");
    static const int pk[KT_BILL_KINDS] = {PK_NODE, PK_VOLUME, PK_LB};
    int64_t cluster = 0;
    int has = 0;
    if (pg_cluster_of(s, pk[kind], id, &cluster, err) || pg_day_has_hours(s, cluster, day, &has, err))
        return -1;
    if (!has) {
        kt_sql_port p = {s, port_exec, port_rows};
        if (store_bill_daily_scale(&p, kind, id, day, factor, err))
            return -1;
        if (kind == KT_BILL_NODE)
            u64map_put(&s->rescaled, pg_dirty_key(cluster, day), 1);
    } else {
        char f[40], a[32], b[32];
        snprintf(f, sizeof f, "%.17g", factor);
        const char *p[] = {f, I64(a, id), I64(b, day)};
        if (pg_exec(s, scale_sql[kind], 3, p, "repricing to the bill", err))
            return -1;
    }
    u64map_put(&s->dirty, pg_dirty_key(cluster, day), 1);
    return 0;
}

static int pgb_apply(kt_store *ks, const kt_bill_recon *r, double factor, kt_err *err)
{
    pg_store *s = PGS(ks);
    assert(s && r);
    if (scale(s, r->kind, r->asset_id, r->day, factor, err))
        return -1;
    char v[8][40];
    const char *p[10];
    snprintf(v[0], sizeof v[0], "%d", r->kind);
    snprintf(v[1], sizeof v[1], "%lld", (long long)r->asset_id);
    snprintf(v[2], sizeof v[2], "%lld", (long long)r->day);
    double x[] = {r->estimate, r->billed, r->effective, r->list, r->applied};
    for (int i = 0; i < 3; i++)
        p[i] = v[i];
    char nums[5][40];
    for (int i = 0; i < 5; i++)
        snprintf(nums[i], sizeof nums[i], "%.17g", x[i]), p[3 + i] = nums[i];
    p[8] = r->currency, p[9] = r->metric;
    return pg_exec(s, "INSERT INTO bill_recon VALUES ($1::integer, $2::bigint, $3::bigint, $4::float8, $5::float8,"
                   " $6::float8, $7::float8, $8::float8, $9, $10) ON CONFLICT (kind, asset_id, day) DO UPDATE SET"
                   " estimate = EXCLUDED.estimate, billed = EXCLUDED.billed, effective = EXCLUDED.effective,"
                   " list = EXCLUDED.list, applied = EXCLUDED.applied, currency = EXCLUDED.currency,"
                   " metric = EXCLUDED.metric", 10, p, "recording reconciliation", err);
}

static int pgb_unapply(kt_store *ks, int kind, int64_t asset_id, int64_t day, double factor, kt_err *err)
{
    pg_store *s = PGS(ks);
    if (scale(s, kind, asset_id, day, factor, err))
        return -1;
    char k[16], a[32], d[32];
    snprintf(k, sizeof k, "%d", kind);
    const char *p[] = {k, I64(a, asset_id), I64(d, day)};
    return pg_exec(s, "DELETE FROM bill_recon WHERE kind = $1::integer AND asset_id = $2::bigint AND day = $3::bigint",
                   3, p, "forgetting a reconciliation", err);
}

static int pgb_forget(kt_store *ks, int64_t lo, int64_t hi, kt_err *err)
{
    char a[32], b[32];
    const char *p[] = {I64(a, day_floor(lo)), I64(b, hi)};
    return pg_exec(PGS(ks), "DELETE FROM bill_recon WHERE day >= $1::bigint AND day < $2::bigint AND (EXISTS"
                   " (SELECT 1 FROM node_h WHERE t >= day AND t < day + 86400) OR EXISTS (SELECT 1 FROM container_h"
                   " WHERE t >= day AND t < day + 86400))", 2, p, "forgetting reconciliations", err);
}

static int on_recon(void *vc, const PGresult *r)
{
    recon_cb *c = vc;
    kt_bill_recon x = {(int)pg_int(r, 0, 0), pg_int(r, 0, 1), pg_int(r, 0, 2), pg_num(r, 0, 3), pg_num(r, 0, 4),
                       pg_num(r, 0, 5), pg_num(r, 0, 6), pg_num(r, 0, 7), PQgetvalue(r, 0, 8), PQgetvalue(r, 0, 9)};
    return c->fn(c->ctx, &x, PQgetvalue(r, 0, 10), PQgetvalue(r, 0, 11), PQgetvalue(r, 0, 12));
}

static int pgb_recons(kt_store *ks, int64_t lo, int64_t hi, kt_bill_recon_fn fn, void *ctx, kt_err *err)
{
    assert(ks && fn);
    recon_cb c = {fn, ctx};
    return each2(PGS(ks), store_bill_recons_sql, lo, hi, on_recon, &c, "reading reconciliation", err);
}

const kt_bill_ops pg_bill_ops = {
    pgb_import_begin, pgb_put, pgb_import_end, pgb_import_abort, pgb_sums, pgb_days, pgb_span, pgb_assets,
    pgb_set_k8s, pgb_asset_days, pgb_charges, pgb_apply, pgb_unapply, pgb_forget, pgb_recons,
};
