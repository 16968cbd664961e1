/* sqlite_bills_query.c — sq_bill_sums: the bill over a window, summed
 * per dimension set (bills.h).
 *
 * Three parts, each row counted once:
 *  - the whole UTC days inside the window from bill_day (rows that fit in
 *    one day, summed at import: a month is thousands of sums, not millions
 *    of rows);
 *  - the partial days at the window's edges from those rows themselves;
 *  - rows whose charge period runs past their first day (monthly charges,
 *    purchases; index bill_rows_long) wherever they meet the window.
 * Rows are prorated by the part of their charge period inside the window
 * (a monthly charge counts a third in a ten-day window); a row with an
 * empty period (an instant) counts when it falls inside.  The Kubernetes
 * part (rows naming a cluster asset, bill_k8s) is summed apart from the
 * rkey index (CROSS JOIN keeps bill_k8s the outer loop: the planner would
 * otherwise walk every row of the window by time), and each dimension set is reported twice: k8s = 0 for the
 * rest, k8s = 1 for that part. */
#include <assert.h>

#include "store/bills.h"
#include "store/sqlite_internal.h"
#include "store/store_backend.h"
#include "util/time.h"

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* ?1 lo, ?2 hi, ?3 first whole day, ?4 end of the whole days, ?5 lo's day. */
#define PART "CASE WHEN r.t1 > r.t0 THEN (min(r.t1, ?2) - max(r.t0, ?1)) * 1.0 / (r.t1 - r.t0) ELSE 1.0 END"
#define MEETS "(r.t1 > ?1 OR (r.t1 = r.t0 AND r.t0 >= ?1))"
#define SHORT "r.t1 <= r.t0 - r.t0 % 86400 + 86400"
#define LONG "r.t1 > r.t0 - r.t0 % 86400 + 86400"
#define SUMS "sum(r.billed * " PART "), sum(r.effective * " PART "), sum(r.list * " PART ")"

static const char *const sums_sql =
    "WITH t (dim_id, b, e, l) AS ("
    "  SELECT dim_id, sum(billed), sum(effective), sum(list) FROM bill_day WHERE day >= ?3 AND day < ?4"
    "   GROUP BY dim_id"
    "  UNION ALL SELECT r.dim_id, " SUMS " FROM bill_rows r WHERE ((r.t0 >= ?5 AND r.t0 < ?3) OR (r.t0 >= ?4 AND"
    "   r.t0 < ?2)) AND " SHORT " AND " MEETS " GROUP BY r.dim_id"
    "  UNION ALL SELECT r.dim_id, " SUMS " FROM bill_rows r WHERE " LONG " AND r.t0 < ?2 AND " MEETS
    "   GROUP BY r.dim_id),"
    " k (dim_id, b, e, l) AS (SELECT r.dim_id, " SUMS " FROM bill_k8s k CROSS JOIN bill_rows r ON r.rkey = k.rkey"
    "  WHERE r.rkey <> '' AND r.t0 < ?2 AND " MEETS " GROUP BY r.dim_id),"
    " g (dim_id, b, e, l) AS (SELECT dim_id, sum(b), sum(e), sum(l) FROM t GROUP BY dim_id)"
    " SELECT d.provider, d.account, d.sub_account, d.service, d.category, d.region, d.charge_category, d.currency,"
    " d.tags, g.b, g.e, g.l, coalesce(k.b, 0), coalesce(k.e, 0), coalesce(k.l, 0)"
    " FROM g JOIN bill_dims d ON d.id = g.dim_id LEFT JOIN k ON k.dim_id = g.dim_id";

int sq_bill_sums(kt_store *s, int64_t lo, int64_t hi, kt_bill_sum_fn fn, void *ctx, kt_err *err)
{
    assert(s && fn && lo < hi);
    int64_t d0 = day_floor(lo) == lo ? lo : day_floor(lo) + 86400, d1 = day_floor(hi);
    if (d0 >= d1) /* no whole day: every row from the rows */
        d0 = d1 = hi;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sums_sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "summing the bill", err);
    int64_t v[] = {lo, hi, d0, d1, day_floor(lo)};
    for (int i = 0; i < 5; i++)
        sqlite3_bind_int64(st, i + 1, v[i]);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        double t[3], k[3];
        for (int i = 0; i < 3; i++)
            t[i] = sqlite3_column_double(st, 9 + i), k[i] = sqlite3_column_double(st, 12 + i);
        kt_bill_sum b = {col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4), col(st, 5), col(st, 6),
                         col(st, 7), col(st, 8), 0, t[0] - k[0], t[1] - k[1], t[2] - k[2]};
        stop = fn(ctx, &b);
        if (!stop && (k[0] != 0 || k[1] != 0 || k[2] != 0)) {
            b.k8s = 1, b.billed = k[0], b.effective = k[1], b.list = k[2];
            stop = fn(ctx, &b);
        }
    }
    sqlite3_finalize(st);
    return !stop && rc != SQLITE_DONE ? sq_fail(s, "summing the bill", err) : 0;
}

int sq_bill_days(kt_store *s, int64_t lo, int64_t hi, kt_bill_day_fn fn, void *ctx, kt_err *err)
{
    assert(s && fn);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT DISTINCT d.provider, b.day FROM bill_day b JOIN bill_dims d ON d.id = b.dim_id"
                           " WHERE b.day >= ?1 AND b.day < ?2", -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s, "reading billed days", err);
    sqlite3_bind_int64(st, 1, day_floor(lo));
    sqlite3_bind_int64(st, 2, hi);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = fn(ctx, col(st, 0), sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    return !stop && rc != SQLITE_DONE ? sq_fail(s, "reading billed days", err) : 0;
}
