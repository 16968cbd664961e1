/* sqlite_bills_recon.c — what reconciliation reads and writes (bills.h):
 * the assets a bill can name, their cost per day, the bill rows naming
 * them, and the repricing of an asset's day to what was billed.
 *
 * The repricing multiplies the day's hourly prices (node: cpu, ram, gpu
 * and whole-node prices together, so the split among them stays as the
 * pricing made it; volume: $/GiB-h; load balancer: $/h) by one factor, and
 * marks the day dirty: the commit rolls the day up and settles it again,
 * exactly as after `kubetally reprice`.  A day past hourly retention has
 * only daily rows: those are scaled in place (bills_daily.c, through
 * sqlite_bills_daily.c's port). */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "store/bills.h"
#include "store/sqlite_internal.h"
#include "store/store_backend.h"
#include "util/buf.h"
#include "util/time.h"

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* Two spans met: where node, volume and LB rows exist (hourly or daily),
 * and where the bill names a cluster asset or a day was reconciled before. */
int sq_bill_span(kt_store *s, int64_t *lo, int64_t *hi, kt_err *err)
{
    static const char *sql =
        "SELECT max(f.a, b.a), min(f.b, b.b) FROM (SELECT min(a) a, max(b) b FROM ("
        " SELECT min(t) a, max(t) + 3600 b FROM node_h UNION ALL SELECT min(t), max(t) + 3600 FROM volume_h"
        " UNION ALL SELECT min(t), max(t) + 3600 FROM lb_h UNION ALL SELECT min(t), max(t) + 86400 FROM node_d"
        " UNION ALL SELECT min(t), max(t) + 86400 FROM volume_d UNION ALL SELECT min(t), max(t) + 86400 FROM lb_d)) f,"
        " (SELECT min(a) a, max(b) b FROM (SELECT min(r.t0) a, max(max(r.t1), max(r.t0) + 1) b FROM bill_k8s k"
        " CROSS JOIN bill_rows r ON r.rkey = k.rkey UNION ALL SELECT min(day), max(day) + 86400 FROM bill_recon)) b";
    sqlite3_stmt *st;
    *lo = *hi = 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "reading the span to reconcile", err);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL &&
        sqlite3_column_type(st, 1) != SQLITE_NULL)
        *lo = sqlite3_column_int64(st, 0), *hi = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    if (*hi < *lo)
        *lo = *hi = 0;
    return 0;
}

int sq_bill_assets(kt_store *s, kt_bill_asset_fn fn, void *ctx, kt_err *err)
{
    assert(s && fn);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, store_bill_assets_sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "listing assets for the bill", err);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        kt_bill_asset a = {sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1), col(st, 2), col(st, 3),
                           col(st, 4)};
        stop = fn(ctx, &a);
    }
    sqlite3_finalize(st);
    return !stop && rc != SQLITE_DONE ? sq_fail(s, "listing assets for the bill", err) : 0;
}

int sq_bill_set_k8s(kt_store *s, const char *const *keys, const int *kinds, const int64_t *ids, size_t n,
                       kt_err *err)
{
    assert(s && (n == 0 || (keys && kinds && ids)));
    if (sq_exec(s, "DELETE FROM bill_k8s", "marking cluster assets", err))
        return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO bill_k8s VALUES (?1, ?2, ?3)", -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "marking cluster assets", err);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, keys[i], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, kinds[i]);
        sqlite3_bind_int64(st, 3, ids[i]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = sq_fail(s, "marking cluster assets", err);
    }
    sqlite3_finalize(st);
    return rc;
}

/* One query per kind: the day's hours and current cost per asset, from
 * the hourly rows where the day has them, else from its daily row (a day
 * past hourly retention: sq_day_has_hours).  (The alias is not "day":
 * bill_recon has a column of that name, and GROUP BY would take the
 * column.) */
#define NO_HOURS " AND NOT EXISTS (SELECT 1 FROM node_h x WHERE x.t >= d.t AND x.t < d.t + 86400)" \
                 " AND NOT EXISTS (SELECT 1 FROM container_h x WHERE x.t >= d.t AND x.t < d.t + 86400)"
static const char *const day_sql[KT_BILL_KINDS] = {
    "SELECT h.node_id, h.t - h.t % 86400 AS aday, c.name, c.provider, coalesce(c.currency, ''), n.name,"
    " sum(h.hours), sum(h.hours * h.hourly), r.estimate FROM node_h h JOIN nodes n ON n.id = h.node_id"
    " JOIN clusters c ON c.id = n.cluster_id LEFT JOIN bill_recon r ON r.kind = 0 AND r.asset_id = h.node_id"
    " AND r.day = h.t - h.t % 86400 WHERE h.t >= ?1 AND h.t < ?2 GROUP BY h.node_id, aday"
    " UNION ALL SELECT d.node_id, d.t, c.name, c.provider, coalesce(c.currency, ''), n.name, d.hours,"
    " d.hours * d.hourly, r.estimate FROM node_d d JOIN nodes n ON n.id = d.node_id"
    " JOIN clusters c ON c.id = n.cluster_id LEFT JOIN bill_recon r ON r.kind = 0 AND r.asset_id = d.node_id"
    " AND r.day = d.t WHERE d.t >= ?1 AND d.t < ?2" NO_HOURS,
    "SELECT h.volume_id, h.t - h.t % 86400 AS aday, c.name, c.provider, coalesce(c.currency, ''), v.name,"
    " sum(h.hours), sum(h.hours * h.bytes / 1073741824.0 * h.price), r.estimate FROM volume_h h"
    " JOIN volumes v ON v.id = h.volume_id JOIN clusters c ON c.id = v.cluster_id LEFT JOIN bill_recon r"
    " ON r.kind = 1 AND r.asset_id = h.volume_id AND r.day = h.t - h.t % 86400 WHERE h.t >= ?1 AND h.t < ?2"
    " GROUP BY h.volume_id, aday"
    " UNION ALL SELECT d.volume_id, d.t, c.name, c.provider, coalesce(c.currency, ''), v.name, d.hours,"
    " d.hours * d.bytes / 1073741824.0 * d.price, r.estimate FROM volume_d d JOIN volumes v ON v.id = d.volume_id"
    " JOIN clusters c ON c.id = v.cluster_id LEFT JOIN bill_recon r ON r.kind = 1 AND r.asset_id = d.volume_id"
    " AND r.day = d.t WHERE d.t >= ?1 AND d.t < ?2" NO_HOURS,
    "SELECT h.lb_id, h.t - h.t % 86400 AS aday, c.name, c.provider, coalesce(c.currency, ''),"
    " l.namespace || '/' || l.name, sum(h.hours), sum(h.hours * h.hourly), r.estimate FROM lb_h h"
    " JOIN lbs l ON l.id = h.lb_id JOIN clusters c ON c.id = l.cluster_id LEFT JOIN bill_recon r ON r.kind = 2"
    " AND r.asset_id = h.lb_id AND r.day = h.t - h.t % 86400 WHERE h.t >= ?1 AND h.t < ?2 GROUP BY h.lb_id, aday"
    " UNION ALL SELECT d.lb_id, d.t, c.name, c.provider, coalesce(c.currency, ''), l.namespace || '/' || l.name,"
    " d.hours, d.hours * d.hourly, r.estimate FROM lb_d d JOIN lbs l ON l.id = d.lb_id"
    " JOIN clusters c ON c.id = l.cluster_id LEFT JOIN bill_recon r ON r.kind = 2 AND r.asset_id = d.lb_id"
    " AND r.day = d.t WHERE d.t >= ?1 AND d.t < ?2" NO_HOURS,
};

int sq_bill_asset_days(kt_store *s, int64_t lo, int64_t hi, kt_bill_asset_day_fn fn, void *ctx, kt_err *err)
{
    assert(s && fn);
    for (int k = 0; k < KT_BILL_KINDS; k++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s->db, day_sql[k], -1, &st, NULL) != SQLITE_OK)
            return sq_fail(s, "reading asset costs", err);
        sqlite3_bind_int64(st, 1, lo);
        sqlite3_bind_int64(st, 2, hi);
        int rc, stop = 0;
        while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            kt_bill_asset_day a = {k, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), col(st, 2),
                                   col(st, 3), col(st, 4), col(st, 5), sqlite3_column_double(st, 6),
                                   sqlite3_column_double(st, 7), sqlite3_column_type(st, 8) != SQLITE_NULL,
                                   sqlite3_column_double(st, 8)};
            stop = fn(ctx, &a);
        }
        sqlite3_finalize(st);
        if (stop)
            return kt_fail(err, KT_ERUNTIME, "reconciliation stopped");
        if (rc != SQLITE_DONE)
            return sq_fail(s, "reading asset costs", err);
    }
    return 0;
}

/* CROSS JOIN: the cluster assets' keys lead, each reading its rows by the
 * rkey index; left to itself the planner walks the whole bill by time. */
int sq_bill_charges(kt_store *s, int64_t lo, int64_t hi, kt_bill_charge_fn fn, void *ctx, kt_err *err)
{
    assert(s && fn);
    static const char *sql =
        "SELECT k.kind, k.asset_id, r.t0, r.t1, r.billed, r.effective, r.list, d.currency, k.rkey FROM bill_k8s k"
        " CROSS JOIN bill_rows r ON r.rkey = k.rkey JOIN bill_dims d ON d.id = r.dim_id"
        " WHERE r.t0 < ?2 AND (r.t1 > ?1 OR (r.t1 = r.t0 AND r.t0 >= ?1))";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "reading bill charges", err);
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, hi);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        kt_bill_charge c = {col(st, 8), sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                            sqlite3_column_int64(st, 3), sqlite3_column_double(st, 4), sqlite3_column_double(st, 5),
                            sqlite3_column_double(st, 6), col(st, 7)};
        stop = fn(ctx, &c);
    }
    sqlite3_finalize(st);
    return !stop && rc != SQLITE_DONE ? sq_fail(s, "reading bill charges", err) : 0;
}

static const char *const scale_sql[KT_BILL_KINDS] = {
    ("UPDATE node_h SET cpu_price = cpu_price * ?1, ram_price = ram_price * ?1, gpu_price = gpu_price * ?1,"
     " hourly = hourly * ?1 WHERE node_id = ?2 AND t >= ?3 AND t < ?3 + 86400"),
    "UPDATE volume_h SET price = price * ?1 WHERE volume_id = ?2 AND t >= ?3 AND t < ?3 + 86400",
    "UPDATE lb_h SET hourly = hourly * ?1 WHERE lb_id = ?2 AND t >= ?3 AND t < ?3 + 86400",
};

static int scale(kt_store *s, int kind, int64_t id, int64_t day, double factor, kt_err *err)
{
    assert(kind >= 0 && kind < KT_BILL_KINDS && factor >= 0 && day == day_floor(day));
    if (!s->in_txn)
        return kt_fail(err, KT_ERUNTIME, "reconciliation needs an open transaction (store_begin)");
    if (!sq_day_has_hours(s, day)) /* past hourly retention: its daily rows are scaled in place */
        return sq_bill_scale_daily(s, kind, id, day, factor, err);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, scale_sql[kind], -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "repricing to the bill", err);
    sqlite3_bind_double(st, 1, factor);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, day);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return sq_fail(s, "repricing to the bill", err);
    sq_mark_dirty(s, 0, day); /* a bill is fleet-wide: the whole day */
    return 0;
}

int sq_bill_apply(kt_store *s, const kt_bill_recon *r, double factor, kt_err *err)
{
    assert(s && r);
    if (scale(s, r->kind, r->asset_id, r->day, factor, err))
        return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO bill_recon VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                           -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "recording reconciliation", err);
    sqlite3_bind_int(st, 1, r->kind);
    sqlite3_bind_int64(st, 2, r->asset_id);
    sqlite3_bind_int64(st, 3, r->day);
    double v[] = {r->estimate, r->billed, r->effective, r->list, r->applied};
    for (int i = 0; i < 5; i++)
        sqlite3_bind_double(st, 4 + i, v[i]);
    sqlite3_bind_text(st, 9, r->currency, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, r->metric, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : sq_fail(s, "recording reconciliation", err);
}

int sq_bill_unapply(kt_store *s, int kind, int64_t asset_id, int64_t day, double factor, kt_err *err)
{
    if (scale(s, kind, asset_id, day, factor, err))
        return -1;
    char sql[160];
    snprintf(sql, sizeof sql, "DELETE FROM bill_recon WHERE kind = %d AND asset_id = %lld AND day = %lld", kind,
             (long long)asset_id, (long long)day);
    return sq_exec(s, sql, "forgetting a reconciliation", err);
}

int sq_bill_forget(kt_store *s, int64_t lo, int64_t hi, kt_err *err)
{
    /* A reprice rewrites hourly rows only: a day past hourly retention
     * still holds the bill, and its record is what restores its estimate. */
    char sql[400];
    snprintf(sql, sizeof sql, "DELETE FROM bill_recon WHERE day >= %lld AND day < %lld AND (EXISTS (SELECT 1 FROM"
             " node_h WHERE t >= day AND t < day + 86400) OR EXISTS (SELECT 1 FROM container_h WHERE t >= day AND"
             " t < day + 86400))", (long long)day_floor(lo), (long long)hi);
    return sq_exec(s, sql, "forgetting reconciliations", err);
}

int sq_bill_recons(kt_store *s, int64_t lo, int64_t hi, kt_bill_recon_fn fn, void *ctx, kt_err *err)
{
    assert(s && fn);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, store_bill_recons_sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "reading reconciliation", err);
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, hi);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        kt_bill_recon r = {sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                           sqlite3_column_double(st, 3), sqlite3_column_double(st, 4), sqlite3_column_double(st, 5),
                           sqlite3_column_double(st, 6), sqlite3_column_double(st, 7), col(st, 8), col(st, 9)};
        stop = fn(ctx, &r, col(st, 10), col(st, 11), col(st, 12));
    }
    sqlite3_finalize(st);
    return !stop && rc != SQLITE_DONE ? sq_fail(s, "reading reconciliation", err) : 0;
}
